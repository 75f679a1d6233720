"""Small digital PDFs with known cells, drawn with reportlab, for the PDF extractor's tests and bench.

A report table (``samplegen.layout``) is drawn as ruled cells with the faults real text layers have:
vertical group labels one character per line, long labels wrapped inside their cell, header words
broken over two lines with a space inside (结 果 / 维持), a folio ``- N -`` under every page, and tables
that continue on the next page, with or without their header repeated. Every drawn part returns its
truth: each cell's slot in the grid a lattice reader sees on that page (slots are counted from the
rules actually drawn there), its spans and its text.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from models.template import builtin_templates
from samplegen.layout import SOMETIMES_BROKEN, LayoutCell, Style, TableLayout, table_layout
from samplegen.values import random_report

FONT = "pdf-test-wqy"
# The same glyphs from the collection's second face, so its font objects can be broken on their own.
BROKEN_FONT = "pdf-test-wqy-mono"
_BROKEN_BASE_FONT = rb"ZenHeiMono"
FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
SIZE = 8.0
LEADING = 10.0
MARGIN = 50.0
PAGE_WIDTH, PAGE_HEIGHT = A4


@dataclass(frozen=True)
class Expected:
    """One cell as a lattice reader should report it on its page."""

    row: int
    col: int
    rowspan: int
    colspan: int
    text: str


@dataclass
class DrawnTable:
    page: int
    cells: list[Expected] = field(default_factory=list)


def register_font() -> None:
    for name, face in ((FONT, 0), (BROKEN_FONT, 1)):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(FONT_FILE), subfontIndex=face))


def break_font_map(path: Path) -> None:
    """Drop the ToUnicode map of every BROKEN_FONT object: its text extracts as bare one-byte codes.

    The key is renamed in place (same length), so the cross-reference offsets stay right.
    """
    data = path.read_bytes()

    def rename(match: re.Match[bytes]) -> bytes:
        font = match.group()
        return font.replace(b"/ToUnicode", b"/ToUnicodX") if _BROKEN_BASE_FONT in font else font

    path.write_bytes(re.sub(rb"<<[^<>]*/BaseFont[^<>]*>>", rename, data))


def sample_layout(version: str, table_id: str, seed: int, *, broken_headers: bool = True) -> TableLayout:
    """The official grid of one template table, filled with random valid printed values."""
    template = next(t for t in builtin_templates() if t.version == version)
    report = random_report(template, random.Random(seed))
    sample = next(s for s in report.tables if s.table.id == table_id)
    broken = frozenset(SOMETIMES_BROKEN) if broken_headers else frozenset()
    return table_layout(sample, Style(broken=Style().broken | broken))


class PdfWriter:
    """Pages of title, paragraphs and ruled tables; keeps the truth of every drawn table part."""

    def __init__(self, path: Path, *, encrypt: StandardEncryption | None = None) -> None:
        register_font()
        self.canvas = Canvas(str(path), pagesize=A4, encrypt=encrypt)
        self.page = 1
        self.y = PAGE_HEIGHT - MARGIN  # top of free space, y up
        self.tables: list[DrawnTable] = []
        self.font = FONT  # set to BROKEN_FONT to draw what follows with a font map break_font_map breaks

    def text(self, line: str, size: float = SIZE, *, bold_twice: bool = False) -> None:
        """One line of free text; ``bold_twice`` draws it again 0.3 pt to the right (fake bold)."""
        self._need(size * 1.6)
        self.canvas.setFont(self.font, size)
        self.canvas.drawString(MARGIN, self.y - size, line)
        if bold_twice:
            self.canvas.drawString(MARGIN + 0.3, self.y - size, line)
        self.y -= size * 1.6

    def table(self, layout: TableLayout, *, split_after: int | None = None, repeat_header: int = 0) -> None:
        """The layout's rows; with ``split_after`` the rows from that index go on the next page,
        preceded by the first ``repeat_header`` rows again."""
        rows = len(layout.rows)
        cells = [cell for row in layout.rows for cell in row]
        xs = _column_edges(cells)
        lines = {id(cell): _cell_lines(cell, xs) for cell in cells}
        heights = _row_heights(cells, lines, rows)
        parts = (
            [list(range(rows))]
            if split_after is None
            else [
                list(range(split_after)),
                list(range(repeat_header)) + list(range(split_after, rows)),
            ]
        )
        for index, part in enumerate(parts):
            if index:
                self.new_page()
            self._need(sum(heights[r] for r in part))
            self._draw_part(cells, part, xs, heights, lines)

    def new_page(self) -> None:
        self._folio()
        self.canvas.showPage()
        self.page += 1
        self.y = PAGE_HEIGHT - MARGIN

    def save(self) -> None:
        self._folio()
        self.canvas.showPage()
        self.canvas.save()

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN + 20:
            self.new_page()

    def _folio(self) -> None:
        self.canvas.setFont(self.font, 9)
        self.canvas.drawCentredString(PAGE_WIDTH / 2, 30, f"- {self.page} -")

    def _draw_part(
        self,
        cells: list[LayoutCell],
        part: list[int],
        xs: list[float],
        heights: list[float],
        lines: dict[int, list[str]],
    ) -> None:
        ys = [self.y]
        for row in part:
            ys.append(ys[-1] - heights[row])
        boxes: list[Box] = []
        for cell in cells:
            slots = [i for i, row in enumerate(part) if cell.row <= row < cell.row + cell.rowspan]
            if not slots:
                continue
            first, last = slots[0], slots[-1]
            starts_here = part[first] == cell.row
            text = lines[id(cell)] if starts_here else []
            truth = cell.text if starts_here else ""
            boxes.append((xs[cell.col], ys[last + 1], xs[cell.col + cell.colspan], ys[first], text, truth))
        self.canvas.setLineWidth(0.5)
        self.canvas.setFont(self.font, SIZE)
        for x0, y0, x1, y1, text, _ in boxes:
            self.canvas.rect(x0, y0, x1 - x0, y1 - y0)
            top = (y0 + y1) / 2 + len(text) * LEADING / 2
            for i, line in enumerate(text):
                self.canvas.drawCentredString((x0 + x1) / 2, top - (i + 1) * LEADING + 2.5, line)
        self.tables.append(DrawnTable(self.page, _truth(boxes)))
        self.y = ys[-1] - 12


def _column_edges(cells: list[LayoutCell]) -> list[float]:
    """Narrow first column for vertical labels, wide label columns, equal value columns."""
    n_cols = max(c.col + c.colspan for c in cells)
    value_cols = sorted({c.col for c in cells if c.key is not None})
    label_cols = [c for c in range(n_cols) if c not in value_cols]
    width = PAGE_WIDTH - 2 * MARGIN
    value_width = min(42.0, (width - 60.0 * len(label_cols)) / max(1, len(value_cols)))
    spare = width - value_width * len(value_cols)
    narrow = 18.0 if len(label_cols) > 1 else 0.0
    wide = (spare - narrow) / max(1, len(label_cols) - (1 if narrow else 0))
    xs = [MARGIN]
    for col in range(n_cols):
        if col in value_cols:
            xs.append(xs[-1] + value_width)
        else:
            xs.append(xs[-1] + (narrow if narrow and col == label_cols[0] else wide))
    return xs


def _cell_lines(cell: LayoutCell, xs: list[float]) -> list[str]:
    """The lines drawn in a cell: one character per line when vertical, else wrapped to the width;
    the first line of a broken header gets a space inside (结 果)."""
    if cell.vertical:
        return list(cell.text)
    per_line = max(1, int((xs[cell.col + cell.colspan] - xs[cell.col] - 4) // SIZE))
    drawn = []
    for line in cell.lines:
        drawn.extend(line[i : i + per_line] for i in range(0, len(line), per_line))
    if len(cell.lines) > 1 and len(drawn[0]) == 2:
        drawn[0] = f"{drawn[0][0]} {drawn[0][1]}"
    return [line for line in drawn if line]


def _row_heights(cells: list[LayoutCell], lines: dict[int, list[str]], rows: int) -> list[float]:
    heights = [LEADING + 6] * rows
    for cell in cells:
        if cell.rowspan == 1:
            heights[cell.row] = max(heights[cell.row], len(lines[id(cell)]) * LEADING + 6)
    for cell in cells:
        needed = len(lines[id(cell)]) * LEADING + 6
        covered = sum(heights[cell.row : cell.row + cell.rowspan])
        if needed > covered:
            heights[cell.row + cell.rowspan - 1] += needed - covered
    return heights


Box = tuple[float, float, float, float, list[str], str]


def _truth(boxes: list[Box]) -> list[Expected]:
    """Each box's slot in the grid made by the rules drawn on this page."""
    xs = sorted({round(v, 2) for box in boxes for v in (box[0], box[2])})
    ys = sorted({round(v, 2) for box in boxes for v in (box[1], box[3])}, reverse=True)
    truth = []
    for x0, y0, x1, y1, _, text in boxes:
        col, last_col = xs.index(round(x0, 2)), xs.index(round(x1, 2))
        row, last_row = ys.index(round(y1, 2)), ys.index(round(y0, 2))
        truth.append(Expected(row, col, last_row - row, last_col - col, text))
    return sorted(truth, key=lambda e: (e.row, e.col))
