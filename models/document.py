"""The output: one validated JSON document per input, and a summary per run.

These models are the JSON format; ``schemas/`` holds the JSON Schema generated from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, Field, WithJsonSchema

from models.errors import DocumentError
from models.observation import BBox, PageRecord
from models.version import PIPELINE_VERSION

SCHEMA_VERSION = "1.2"

Status = Literal["valid", "needs_review", "failed"]
Origin = Literal["read", "blank", "derived", "corrected", "missing", "reviewed"]
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""A value exactly as printed (every digit kept), written as a JSON number by ``to_json``."""
ReviewReason = Literal[
    "unobserved",
    "unreadable",
    "structure",
    "broken_sum",
    "ambiguous",
    "unproven",
    "unconfirmed_ocr",
    "witness_disagrees",
]
"""Why a cell needs review, the first that applies in this order (see ``reconcile/verdict.py``):
``unobserved`` no source showed the cell; ``unreadable`` what was seen is no well-formed number;
``structure`` its row was damaged or placed by its neighbours, or showed more values than cells;
``broken_sum`` it is in a sum that does not hold; ``ambiguous`` another reading fits as well and gives
it another value; ``unproven`` the solver ran out of time before proving it; ``unconfirmed_ocr`` an OCR
reading no independent witness (a holding sum, a second reading that agrees) confirms;
``witness_disagrees`` a second reading of a recognised cell no sum confirms reads otherwise."""


class SourceInfo(BaseModel):
    path: str
    sha256: str
    media_type: str
    pages: int | None = None


class TemplateRef(BaseModel):
    id: str
    version: str


class ReportInfo(BaseModel):
    issuer: str | None = None
    year: int | None = None


class Review(BaseModel):
    """A person's decision on a cell (``reportgrid review --serve``): what the pipeline had decided
    before, and the reviewer's note. A rerun keeps it while the input's sha256 is the same."""

    note: str = ""
    previous_value: Number | None = None
    previous_origin: Origin
    previous_reason: ReviewReason | None = None
    reviewed_at: str


class Cell(BaseModel):
    """One template cell and the value the pipeline decided for it.

    ``origin``: ``read`` (seen in the source), ``blank`` (empty in the source: 0), ``derived`` (a blank
    total that the rules determine), ``corrected`` (seen, but the rules prove the reading wrong, or no
    well-formed number; ``raw`` keeps what was seen), ``missing`` (the source does not show this cell:
    ``value`` is null), ``reviewed`` (a person typed or confirmed the value; ``review`` says what it
    was before). ``review_reason`` says why a cell ``needs_review``.
    """

    row_key: str
    col_key: str
    row_path: list[str]
    col_path: list[str]
    value: Number | None
    raw: str | None = None
    unit: str | None = None
    origin: Origin
    confidence: float
    needs_review: bool
    review_reason: ReviewReason | None = None
    page: int | None = None
    bbox: BBox | None = None
    review: Review | None = None


class Table(BaseModel):
    id: str
    title: str
    version: str
    cells: list[Cell]


class Check(BaseModel):
    """One verdict of reconciliation, for a reviewer.

    ``kind``: ``rule`` (a sum of the template, with expected and actual values), ``ambiguous`` (cells
    whose value other equally good readings change, with those values; passed when the report's prose
    picked one of them), ``correction`` (a reading the rules proved wrong), ``structure`` (a table or
    row that is missing or could not be placed).
    """

    kind: Literal["rule", "ambiguous", "correction", "structure"]
    table: str
    name: str
    passed: bool
    message: str
    cells: list[list[str]] = Field(default_factory=list)
    expected: Number | None = None
    actual: Number | None = None
    alternatives: list[Number | None] = Field(default_factory=list)
    reviewed: bool = False
    """True when a person reviewed every cell the check names (a printed sum that does not hold,
    confirmed as printed): the check stays as it is, but no longer keeps the document in review."""


class Document(BaseModel):
    schema_version: str = SCHEMA_VERSION
    pipeline_version: str = Field(default_factory=lambda: PIPELINE_VERSION)
    """The reportgrid code that wrote it (``models.version``); a rerun redoes other versions."""
    source: SourceInfo
    status: Status
    error: DocumentError | None = None
    template: TemplateRef | None = None
    report: ReportInfo = Field(default_factory=ReportInfo)
    tables: list[Table] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
    pages: list[PageRecord] = Field(default_factory=list)
    """Per page: how it was read (text layer, OCR, HTML, text), the grids found, faults, its overlay."""
    seconds: float | None = None


class DocumentSummary(BaseModel):
    source: str
    sha256: str = ""
    output: str | None
    status: Status
    error: DocumentError | None = None
    cells: int
    cells_needing_review: int
    failed_rules: int
    seconds: float
    skipped: bool = False
    """True when this run kept the JSON an earlier run wrote (same input, same pipeline version)."""


class SkippedFile(BaseModel):
    """A file found in a folder that is not an input, and why (e.g. an unsupported kind)."""

    path: str
    reason: str


class RunSummary(BaseModel):
    schema_version: str = SCHEMA_VERSION
    started: str
    finished: str | None
    """None while the run is going on, or when it was killed before it ended."""
    complete: bool
    """True only once every document of the run has its JSON."""
    documents: list[DocumentSummary]
    counts: dict[str, int]
    """Documents per status, and ``skipped``: how many of them an earlier run had already done."""
    errors: dict[str, int] = Field(default_factory=dict)
    """Failed documents per error code (only codes that occurred)."""
    duplicates: list[list[str]] = Field(default_factory=list)
    """Sources with the same content (sha256), one list per content; each was processed."""
    skipped: list[SkippedFile] = Field(default_factory=list)
    """Files found in the folders given that are not documents, so were not processed."""


def _exact(value: Any) -> Any:
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(model: BaseModel) -> str:
    """The model as indented JSON with every decimal written as the number it is, digit for digit.

    pydantic writes a ``Decimal`` as a string; orjson's fragments write it as a JSON number verbatim.
    """
    data = model.model_dump(mode="python")
    return orjson.dumps(data, default=_exact, option=orjson.OPT_INDENT_2).decode() + "\n"
