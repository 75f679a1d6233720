"""The output: one validated JSON document per input, and a summary per run.

These models are the JSON format; ``schemas/`` holds the JSON Schema generated from them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, Field, WithJsonSchema

from models.errors import DocumentError
from models.observation import BBox

SCHEMA_VERSION = "1.1"

Status = Literal["valid", "needs_review", "failed"]
Origin = Literal["read", "blank", "derived", "corrected", "missing"]
Number = Annotated[Decimal, WithJsonSchema({"type": "number"})]
"""A value exactly as printed (every digit kept), written as a JSON number by ``to_json``."""
ReviewReason = Literal[
    "unobserved", "unreadable", "structure", "broken_sum", "ambiguous", "unproven", "unconfirmed_ocr"
]
"""Why a cell needs review, the first that applies in this order (see ``reconcile/verdict.py``):
``unobserved`` no source showed the cell; ``unreadable`` what was seen is no well-formed number;
``structure`` its row was damaged or placed by its neighbours, or showed more values than cells;
``broken_sum`` it is in a sum that does not hold; ``ambiguous`` another reading fits as well and gives
it another value; ``unproven`` the solver ran out of time before proving it; ``unconfirmed_ocr`` an OCR
reading no independent witness (a holding sum) confirms."""


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


class Cell(BaseModel):
    """One template cell and the value the pipeline decided for it.

    ``origin``: ``read`` (seen in the source), ``blank`` (empty in the source: 0), ``derived`` (a blank
    total that the rules determine), ``corrected`` (seen, but the rules prove the reading wrong, or no
    well-formed number; ``raw`` keeps what was seen), ``missing`` (the source does not show this cell:
    ``value`` is null). ``review_reason`` says why a cell ``needs_review``.
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


class Table(BaseModel):
    id: str
    title: str
    version: str
    cells: list[Cell]


class Check(BaseModel):
    """One verdict of reconciliation, for a reviewer.

    ``kind``: ``rule`` (a sum of the template, with expected and actual values), ``ambiguous`` (cells
    whose value other equally good readings change, with those values), ``correction`` (a reading the
    rules proved wrong), ``structure`` (a table or row that is missing or could not be placed).
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


class Document(BaseModel):
    schema_version: str = SCHEMA_VERSION
    source: SourceInfo
    status: Status
    error: DocumentError | None = None
    template: TemplateRef | None = None
    report: ReportInfo = Field(default_factory=ReportInfo)
    tables: list[Table] = Field(default_factory=list)
    checks: list[Check] = Field(default_factory=list)
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


class SkippedFile(BaseModel):
    """A file found in a folder that is not an input, and why (e.g. an unsupported kind)."""

    path: str
    reason: str


class RunSummary(BaseModel):
    schema_version: str = SCHEMA_VERSION
    started: str
    finished: str
    documents: list[DocumentSummary]
    counts: dict[str, int]
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
