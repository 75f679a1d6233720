"""The one intermediate form every extractor produces: what was seen, where, and how surely.

Reconciliation never learns which kind of source a token came from; it sees text, position and
confidence, plus the grid position when the source knew the table's structure (HTML cells, PDF ruling
lines, a detected scan grid).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

BBox = tuple[float, float, float, float]
GLYPH_SIZE = 16
GLYPH_LEVELS = 15  # one hex digit per pixel


def glyph_code(shape: np.ndarray) -> str:
    """A glyph's shape (GLYPH_SIZE x GLYPH_SIZE, ink 1.0, paper 0.0) as ``Token.glyphs`` holds it."""
    levels = np.clip(np.rint(shape * GLYPH_LEVELS), 0, GLYPH_LEVELS).astype(int)
    return "".join(f"{level:x}" for level in levels.ravel())


def glyph_shape(code: str) -> np.ndarray:
    """The shape a ``glyph_code`` holds, as GLYPH_SIZE x GLYPH_SIZE floats in 0..1."""
    levels = np.frombuffer(code.encode("ascii"), dtype=np.uint8).astype(np.int16) - ord("0")
    levels[levels > 9] -= ord("a") - ord("0") - 10
    return levels.reshape(GLYPH_SIZE, GLYPH_SIZE).astype(np.float32) / GLYPH_LEVELS


SourceKind = Literal["text", "html", "pdf", "scan"]
ReadMethod = Literal["text_layer", "ocr", "html", "text"]


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
    glyphs: list[str] = Field(default_factory=list)
    """A recognised number cell's glyphs, left to right (``extractors/scan/glyphs.py``): a
    ``glyph_code`` each, or a mark (``.`` ``-`` ``?``). Matched against the glyphs of cells the sums
    confirmed (``reconcile/witness.py``),
    matched against the glyphs of cells the sums confirmed, they read the cell a second time."""
    second_reading: str | None = None
    """A cell's reading by a second, independent method, when the extractor made one: for a cell whose
    ink's shape decided it empty, "/" or "-", what the recogniser reads in it ("" when nothing)."""
    joined: bool = False
    """True when the text may be several cells' values run together with no separator (a page whose
    text flattened each table row into one string): reconciliation splits it into a row's cells."""


class GridCell(BaseModel):
    """One cell of a detected grid (label cells too): its slot, spans and box on the page."""

    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    bbox: BBox


class GridRecord(BaseModel):
    """A table grid the extractor found on a page: its number (``GridPosition.table``) and geometry."""

    table: int
    bbox: BBox
    rows: int
    cols: int
    cells: list[GridCell] = Field(default_factory=list)


class PageRecord(BaseModel):
    """What was done with one page: how it was read, the grids found on it, what went wrong.

    Boxes are in the page's own units, as every token's (``unit``: image pixels of a scan, PDF points
    of a PDF page as displayed, origin top-left); ``size`` is the page's (width, height) and ``origin``
    the point of the page's top-left corner as pdfium renders it (the CropBox corner), so a picture of
    the page at any scale maps onto these boxes. ``overlay`` is the file name of the picture of what
    was read (``reportgrid.overlay``), beside the document's JSON.
    """

    page: int
    method: ReadMethod
    unit: Literal["px", "pt"] | None = None
    size: tuple[float, float] | None = None
    origin: tuple[float, float] = (0.0, 0.0)
    grids: list[GridRecord] = Field(default_factory=list)
    faults: list[str] = Field(default_factory=list)
    overlay: str | None = None


def grid_records(tokens: list[Token], page: int) -> list[GridRecord]:
    """The grids of ``page`` as its grid tokens show them (every cell, empty ones too, has a token)."""
    cells: dict[int, list[GridCell]] = {}
    for token in tokens:
        if token.page == page and token.grid is not None and token.bbox is not None:
            position = token.grid
            cells.setdefault(position.table, []).append(
                GridCell(
                    row=position.row,
                    col=position.col,
                    rowspan=position.rowspan,
                    colspan=position.colspan,
                    bbox=token.bbox,
                )
            )
    records = []
    for table, found in sorted(cells.items()):
        box = (
            min(c.bbox[0] for c in found),
            min(c.bbox[1] for c in found),
            max(c.bbox[2] for c in found),
            max(c.bbox[3] for c in found),
        )
        rows = max(c.row + c.rowspan for c in found)
        cols = max(c.col + c.colspan for c in found)
        records.append(GridRecord(table=table, bbox=box, rows=rows, cols=cols, cells=found))
    return records


class Observations(BaseModel):
    """Everything an extractor saw in one document, and per page how it was read (``page_records``)."""

    source_kind: SourceKind
    media_type: str
    pages: int | None = None
    tokens: list[Token] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    page_records: list[PageRecord] = Field(default_factory=list)
