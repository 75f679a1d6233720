"""The known truth of a generated PDF or scan: every value cell's value, printed text, page and box.

Written next to the sample as ``<name>.expected.json``::

    {"issuer", "year", "title",
     "template_version": {"二": "2021", ...},
     "tables": {"三": {"row_key/col_key": value, ...}, ...},   # every table the document shows whole
     "partial_tables": ["三"],   # tables only part of which the document shows (their cells are in "cells")
     "document": {"kind", "units", "bbox_origin": "top-left", "pages": [...], "variant": {...}},
     "table_parts": [{"table", "page", "bbox", "header_repeated"}],
     "cells": [{"table", "row", "col", "value", "printed", "page", "bbox", "text_bbox", "grid"}]}

Boxes are (x0, y0, x1, y1) with the origin at the page's top-left corner and y growing downwards, in
PDF points for a PDF and in pixels of the page image for a scan; ``bbox`` is the ruled cell and
``text_bbox`` the printed text (null for a blank cell). Pages are 1-based.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal

from samplegen.values import ReportSample

BBox = tuple[float, float, float, float]
TextLayer = Literal["ok", "no_unicode_map", "garbled_unicode_map", "image"]


@dataclass(frozen=True)
class CellTruth:
    table: str
    row: str
    col: str
    value: int | float
    printed: str
    page: int
    bbox: BBox
    text_bbox: BBox | None
    grid: tuple[int, int, int, int] | None = None  # row, col, rowspan, colspan in the table's printed grid


@dataclass(frozen=True)
class TablePart:
    """The part of a table on one page; ``header_repeated`` when its header was printed again there."""

    table: str
    page: int
    bbox: BBox
    header_repeated: bool = False


@dataclass(frozen=True)
class PageTruth:
    """One page: its size, whether its text layer is usable, and how a scan of it was made."""

    page: int
    width: float
    height: float
    text_layer: TextLayer = "ok"
    source_page: int | None = None
    scan: dict[str, object] | None = None


@dataclass
class SampleTruth:
    """Everything known about one generated document."""

    sample: ReportSample
    kind: Literal["pdf", "scan"]
    units: Literal["pt", "px"]
    pages: list[PageTruth]
    cells: list[CellTruth]
    parts: list[TablePart]
    variant: dict[str, object] = field(default_factory=dict)

    def complete_tables(self) -> list[str]:
        """Tables every cell of which this document shows, in template order."""
        shown = {(c.table, c.row, c.col) for c in self.cells}
        return [
            t.table.id
            for t in self.sample.tables
            if all((t.table.id, *cell.key) in shown for cell in t.table.cells)
        ]

    def tables(self) -> dict[str, dict[str, int | float]]:
        """Expected values of the complete tables, as ``{"三": {"row/col": value}}``."""
        complete = self.complete_tables()
        out: dict[str, dict[str, int | float]] = {table: {} for table in complete}
        for sample in self.sample.tables:
            if sample.table.id in out:
                for cell in sample.table.cells:
                    out[sample.table.id][f"{cell.key[0]}/{cell.key[1]}"] = sample.expected[cell.key]
        return out

    def to_json(self) -> dict[str, object]:
        complete = self.complete_tables()
        return {
            "issuer": self.sample.issuer,
            "year": self.sample.year,
            "title": self.sample.title,
            "template_version": {
                t.table.id: t.table.version or self.sample.template.version
                for t in self.sample.tables
                if t.table.id in complete
            },
            "tables": self.tables(),
            "partial_tables": sorted({c.table for c in self.cells} - set(complete)),
            "document": {
                "kind": self.kind,
                "units": self.units,
                "bbox_origin": "top-left",
                "pages": [asdict(page) for page in self.pages],
                "variant": self.variant,
            },
            "table_parts": [asdict(part) for part in self.parts],
            "cells": [asdict(cell) for cell in self.cells],
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(_rounded(self.to_json()), ensure_ascii=False, indent=1) + "\n", "utf-8")

    def select_pages(self, pages: list[int]) -> SampleTruth:
        """The truth of a document made of ``pages`` (old numbers, in order), renumbered from 1."""
        number = {old: new for new, old in enumerate(pages, start=1)}
        return replace(
            self,
            pages=sorted(
                (
                    replace(p, page=number[p.page], source_page=p.source_page or p.page)
                    for p in self.pages
                    if p.page in number
                ),
                key=lambda p: p.page,
            ),
            cells=[replace(c, page=number[c.page]) for c in self.cells if c.page in number],
            parts=[replace(t, page=number[t.page]) for t in self.parts if t.page in number],
        )

    def map_boxes(self, page: int, transform: Callable[[BBox], BBox]) -> None:
        """Move every box on ``page`` through ``transform`` (a scan's scaling, rotation or skew)."""
        self.cells = [
            replace(c, bbox=transform(c.bbox), text_bbox=c.text_bbox and transform(c.text_bbox))
            if c.page == page
            else c
            for c in self.cells
        ]
        self.parts = [replace(t, bbox=transform(t.bbox)) if t.page == page else t for t in self.parts]


def _rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value
