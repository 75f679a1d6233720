"""Ruled tables of a PDF page: camelot's lattice grid, with merged cells resolved into spans.

camelot (2.x, no ghostscript) finds the grid; its ``vector`` engine reads the ruling lines straight
from the page's drawing operators, which is exact for PDFs written by Word or WPS and needs no
rendering. Only when the vector pass builds no grid on a page that draws paths (borders drawn as
polylines it cannot read as lines) does the page go through the ``raster`` engine, rendered by pdfium
at a modest resolution.

camelot marks, per cell, which of its four sides are ruled; a merged cell is a run of grid slots with
no rule between them. Those runs become one ``GridCell`` with its rowspan/colspan, so the reader sees
one cell at the span's top-left slot instead of a text cell followed by empty ones. Text is not taken
from camelot: the caller fills cells from pdfium's characters by position.
"""

from __future__ import annotations

import warnings
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import playa
import pypdfium2 as pdfium
from camelot.parsers import Lattice
from camelot.utils import get_image_char_and_text_objects, get_page_layout

from extractors.pdf_geometry import BBox, PageFrame
from extractors.pdf_open import PDFIUM_LOCK

RASTER_RESOLUTION = 150  # dpi for the raster fallback: ruling lines survive it, a fifth of the CPU of 300
# Shortest ruling the raster pass keeps: a fortieth of the page (21 pt on A4). camelot's default (a
# fifteenth, 56 pt) loses the short column rules of one-row tables such as table 四.
RASTER_LINE_SCALE = 40


@dataclass(frozen=True)
class GridCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: BBox


@dataclass(frozen=True)
class Grid:
    """One ruled table in the display frame: slot edges top-down/left-right and its (merged) cells."""

    bbox: BBox
    row_edges: list[float]
    col_edges: list[float]
    cells: list[GridCell]
    owner: list[list[int]]  # slot (row, col) -> index into cells

    def cell_index_at(self, x: float, y: float) -> int | None:
        """The cell under a point, or None when the point is outside the grid."""
        row = bisect_right(self.row_edges, y) - 1
        col = bisect_right(self.col_edges, x) - 1
        if 0 <= row < len(self.owner) and 0 <= col < len(self.owner[0]):
            return self.owner[row][col]
        return None


class _PdfiumRenderer:
    """camelot image backend that renders at the lattice's resolution (camelot's pdfium one ignores it).

    camelot 2.0 asks its backend for ``to_array(path, page=...)`` and the stock pdfium backend then
    renders at 300 dpi whatever ``resolution`` says; ruling lines need far less.
    """

    def __init__(self, dpi: int) -> None:
        self.dpi = dpi

    def to_array(self, pdf_path: str, page: int = 1) -> np.ndarray:
        with PDFIUM_LOCK:
            document = pdfium.PdfDocument(pdf_path)
            try:
                bitmap = document[page - 1].render(scale=self.dpi / 72)
                return np.array(bitmap.to_numpy()[:, :, :3])  # BGR, as cv2 reads images
            finally:
                document.close()

    def convert(self, pdf_path: str, png_path: str, page: int = 1) -> None:
        cv2.imwrite(png_path, self.to_array(pdf_path, page))


class _KeepSparseLattice(Lattice):
    """Lattice that keeps grids whose cells are mostly empty: a table left blank is still a table.

    camelot drops grids that are 90% whitespace as ruling noise; a report table with blank cells (and
    every slot hidden under a merged cell counts as blank) can be that empty. What is dropped here is
    a grid of a single column: a page frame or rules under a heading, never a report table (those
    always have a label column and a value column).
    """

    def _reject_table(self, table: Any) -> bool:
        return len(table.cols) < 2


@dataclass
class PageGrids:
    grids: list[Grid]
    note: str | None = None


class GridFinder:
    """camelot's lattice over one document, page by page; the document is opened once, on first use.

    A page camelot cannot read gets no grids and a note saying why; the caller still has the page's
    characters. Use as a context manager so the document is closed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._pdf: Any = None
        self._failure: str | None = None
        self._vector = _KeepSparseLattice(backend="pdfium", engine="vector")
        self._raster = _KeepSparseLattice(
            backend=_PdfiumRenderer(RASTER_RESOLUTION),
            engine="raster",
            resolution=RASTER_RESOLUTION,
            line_scale=RASTER_LINE_SCALE,
        )

    def __enter__(self) -> GridFinder:
        return self

    def __exit__(self, *_: object) -> None:
        if self._pdf is not None:
            self._pdf.close()

    def find(self, number: int, frame: PageFrame) -> PageGrids:
        """Ruled grids of page ``number`` (1-based), top to bottom."""
        if self._pdf is None and self._failure is None:
            try:
                self._pdf = playa.open(self.path, space="page", password="")
            except Exception as exc:  # playa raises many types for damaged files; pdfium read the pages
                self._failure = str(exc)
        if self._failure is not None:
            return PageGrids([], f"page {number}: ruled tables not read: {self._failure}")
        try:
            tables = _page_tables(self._pdf, self.path, number, self._vector, self._raster)
        except Exception as exc:  # a damaged page must not lose the rest of the document
            return PageGrids([], f"page {number}: ruled tables not read: {exc}")
        grids = [_grid(table, frame) for table in tables]
        grids.sort(key=lambda grid: (grid.bbox[1], grid.bbox[0]))
        return PageGrids(grids)


def _page_tables(pdf: Any, path: Path, number: int, vector: Lattice, raster: Lattice) -> list[Any]:
    # Text is not taken from camelot, so its costly layout analysis (grouping lines into boxes,
    # vertical text) is switched off: the grid comes from the ruling alone.
    layout, dimensions = get_page_layout(pdf.pages[number - 1], boxes_flow=None, detect_vertical=False)
    images, _, horizontal_text, vertical_text = get_image_char_and_text_objects(layout)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        args = (str(path), layout, dimensions, number, images, horizontal_text, vertical_text, "")
        vector.prepare_page_parse(*args, layout_kwargs={})
        tables = vector.extract_tables()
        if tables:
            return tables
        raster.prepare_page_parse(*args, layout_kwargs={})
        return raster.extract_tables()


def _grid(table: Any, frame: PageFrame) -> Grid:
    """camelot table (page space, y up) -> Grid in the display frame with merged cells resolved."""
    flags = [[(cell.right, cell.bottom) for cell in row] for row in table.cells]
    x0, y0, x1, y1 = frame.layout_box(*table._bbox)
    col_edges = [float(table.cols[0][0])] + [float(right) for _, right in table.cols]
    row_edges = [frame.layout_y(top) for top, _ in table.rows] + [frame.layout_y(table.rows[-1][1])]
    spans = list(merge_slots(flags))
    owner = [[-1] * len(table.cols) for _ in table.rows]
    cells: list[GridCell] = []
    for index, (row, col, rowspan, colspan) in enumerate(spans):
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                owner[r][c] = index
        box = (col_edges[col], row_edges[row], col_edges[col + colspan], row_edges[row + rowspan])
        cells.append(GridCell(row, col, rowspan, colspan, box))
    return Grid(bbox=(x0, y0, x1, y1), row_edges=row_edges, col_edges=col_edges, cells=cells, owner=owner)


def merge_slots(flags: list[list[tuple[bool, bool]]]) -> Iterator[tuple[int, int, int, int]]:
    """Rectangles (row, col, rowspan, colspan) of slots not separated by a rule, in row-major order.

    ``flags[r][c]`` is (ruled on the right, ruled at the bottom). Each unclaimed slot grows right
    while no rule stands on its right, then down while no rule runs under the whole width; the result
    is always a partition into rectangles, even when a rule is missing where it should not be.
    """
    rows, cols = len(flags), len(flags[0]) if flags else 0
    claimed = [[False] * cols for _ in range(rows)]
    for row in range(rows):
        for col in range(cols):
            if claimed[row][col]:
                continue
            last_col = col
            while last_col + 1 < cols and not flags[row][last_col][0] and not claimed[row][last_col + 1]:
                last_col += 1
            last_row = row
            while last_row + 1 < rows and all(
                not flags[last_row][c][1] and not claimed[last_row + 1][c] for c in range(col, last_col + 1)
            ):
                last_row += 1
            for r in range(row, last_row + 1):
                for c in range(col, last_col + 1):
                    claimed[r][c] = True
            yield row, col, last_row - row + 1, last_col - col + 1
