"""The one intermediate form every extractor produces: what was seen, where, and how surely.

Reconciliation never learns which kind of source a token came from; it sees text, position and
confidence, plus the grid position when the source knew the table's structure (HTML cells, PDF ruling
lines, a detected scan grid).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

BBox = tuple[float, float, float, float]
SourceKind = Literal["text", "html", "pdf", "scan"]


class GridPosition(BaseModel):
    """Where a cell sits in a source table: its top-left grid slot and its spans (0-based)."""

    table: int
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


class Token(BaseModel):
    """One observed piece of text: a cell, a line of text, or an OCR'd word, in reading order.

    ``text`` is empty for an empty grid cell, which the grid keeps so its place is not lost.
    ``page`` is 1-based; ``bbox`` is (x0, y0, x1, y1) in the page's own units (PDF points, image
    pixels). ``confidence`` is 1.0 for a reading that is certain (HTML, a text layer).
    """

    text: str
    page: int | None = None
    bbox: BBox | None = None
    confidence: float = 1.0
    grid: GridPosition | None = None
    recognised: bool = False
    """True when the text was recognised from pixels (OCR): even a confident reading may be wrong, so
    reconciliation trusts it only where a sum confirms it."""
    joined: bool = False
    """True when the text may be several cells' values run together with no separator (a page whose
    text flattened each table row into one string): reconciliation splits it into a row's cells."""


class Observations(BaseModel):
    """Everything an extractor saw in one document."""

    source_kind: SourceKind
    media_type: str
    pages: int | None = None
    tokens: list[Token] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
