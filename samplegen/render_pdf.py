"""Digital report PDFs as WPS or Word publish them, with the truth of every value cell.

A title, narrative paragraphs, section headings and the three tables ruled with real lines and the
official merged cells (``samplegen.layout``). Pages carry a folio ``- N -``; table 三 can be made to
cross a page break, with or without its header repeated. The text layer then shows the faults real
ones have: vertical labels one character per line, wrapped labels around a row's numbers, the folio
inside a table, header words spread over a cell (结 果). One table page may get a broken font map.

Layout is done first, in points from the page's top-left corner, then drawn with reportlab.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from samplegen.broken_font import BrokenMode, register_broken
from samplegen.filler import application_notes
from samplegen.fonts import SANS, SERIF, register
from samplegen.layout import LayoutCell, random_style, table_layout
from samplegen.narrative import closing, opening
from samplegen.pdf_table import TableMetrics, measure, wrap
from samplegen.truth import CellTruth, PageTruth, SampleTruth, TablePart, TextLayer
from samplegen.values import ReportSample, TableSample

_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_TEXT_LAYER: dict[BrokenMode | None, TextLayer] = {
    None: "ok",
    "missing": "no_unicode_map",
    "garbled": "garbled_unicode_map",
}


@dataclass(frozen=True)
class PdfStyle:
    """One publisher's page setup and type sizes."""

    page_size: tuple[float, float]
    margins: tuple[float, float, float, float]  # top, right, bottom, left
    title_size: float
    body_size: float
    body_leading: float
    table_size: float
    table_leading: float
    pad: float
    min_row: float
    line_width: float
    label_fraction: float
    value_fraction: float
    label_center: bool
    spread_headers: bool
    folio: str


def random_pdf_style(rng: random.Random, page_size: tuple[float, float] = A4) -> PdfStyle:
    body = rng.choice((12.0, 14.0, 15.0, 16.0))
    table = rng.choice((9.0, 9.5, 10.0, 10.5))
    return PdfStyle(
        page_size=page_size,
        margins=(rng.uniform(85, 105), rng.uniform(65, 78), rng.uniform(80, 95), rng.uniform(70, 82)),
        title_size=rng.choice((18.0, 20.0, 22.0)),
        body_size=body,
        body_leading=body * rng.uniform(1.45, 1.8),
        table_size=table,
        table_leading=table * rng.uniform(1.15, 1.3),
        pad=rng.uniform(2.0, 3.5),
        min_row=table * rng.uniform(1.7, 2.2),
        line_width=rng.choice((0.5, 0.75, 1.0)),
        label_fraction=rng.uniform(0.28, 0.36),
        value_fraction=rng.uniform(0.074, 0.082),
        label_center=rng.random() < 0.3,
        spread_headers=rng.random() < 0.5,
        folio=rng.choice(("- {n} -", "-{n}-", "— {n} —", "- {n} -")),
    )


@dataclass
class _Text:
    x: float
    baseline: float
    text: str
    font: str
    size: float


@dataclass
class _Page:
    texts: list[_Text] = field(default_factory=list)
    rects: list[tuple[float, float, float, float]] = field(default_factory=list)


class _Writer:
    """Flows blocks down the pages and records the truth of every value cell it places."""

    def __init__(self, style: PdfStyle, rng: random.Random) -> None:
        self.style = style
        self.rng = rng
        self.sans = register(SANS)
        self.serif = register(SERIF)
        self.pages: list[_Page] = [_Page()]
        self.y = style.margins[0]
        self.cells: list[CellTruth] = []
        self.parts: list[TablePart] = []

    @property
    def left(self) -> float:
        return self.style.margins[3]

    @property
    def width(self) -> float:
        return self.style.page_size[0] - self.style.margins[1] - self.style.margins[3]

    @property
    def bottom(self) -> float:
        return self.style.page_size[1] - self.style.margins[2]

    @property
    def page(self) -> int:
        return len(self.pages)

    def room(self) -> float:
        return self.bottom - self.y

    def new_page(self) -> None:
        self.pages.append(_Page())
        self.y = self.style.margins[0]

    def text_line(
        self, text: str, font: str, size: float, leading: float, align: str, indent: float = 0
    ) -> None:
        if self.y + leading > self.bottom:
            self.new_page()
        width = stringWidth(text, font, size)
        x = {
            "left": self.left + indent,
            "center": self.left + (self.width - width) / 2,
            "right": self.left + self.width - width - indent,
        }[align]
        self.pages[-1].texts.append(_Text(x, _baseline(self.y, leading, font, size), text, font, size))
        self.y += leading

    def title(self, issuer: str, rest: str) -> None:
        """The title centred, broken after the issuer's name when it does not fit one line."""
        size = self.style.title_size
        lines = [issuer + rest]
        if stringWidth(lines[0], self.sans, size) > self.width * 0.9:
            lines = [*wrap(issuer, self.sans, size, self.width * 0.9), rest]
        for line in lines:
            self.text_line(line, self.sans, size, size * 1.6, "center")
        self.y += self.style.body_leading

    def paragraph(self, text: str) -> None:
        size, leading = self.style.body_size, self.style.body_leading
        if _HEADING.match(text):
            if self.room() < leading * 3:
                self.new_page()
            self.text_line(text, self.sans, size, leading, "left", 2 * size)
            return
        for i, line in enumerate(wrap(text, self.serif, size, self.width, 2 * size)):
            self.text_line(line, self.serif, size, leading, "left", 2 * size if i == 0 else 0)

    def signature(self, lines: list[str]) -> None:
        self.y += self.style.body_leading
        for line in lines:
            self.text_line(
                line,
                self.serif,
                self.style.body_size,
                self.style.body_leading,
                "right",
                2 * self.style.body_size,
            )

    def table(
        self,
        sample: TableSample,
        m: TableMetrics,
        *,
        force_split: bool,
        keep_whole: bool,
        repeat_header: bool,
    ) -> None:
        """The table's section heading, then its rows, breaking pages between rows; ``keep_whole`` starts
        a table that fits one page on a new page rather than breaking it."""
        leading = self.style.body_leading
        n = len(m.row_h)
        first = m.header_rows
        header = m.height(0, first)

        def need(k: int) -> float:
            return header + m.height(first, min(n, first + k))

        whole = need(n)
        fits_here = leading + whole <= self.room()
        fits_a_page = leading + whole <= self.bottom - self.style.margins[0]
        if force_split:
            if self.room() < leading + need(3):
                self.new_page()
        elif self.room() < leading + need(2) or (keep_whole and fits_a_page and not fits_here):
            self.new_page()
        self.paragraph(m.layout.title)
        if force_split and whole <= self.room():
            self._filler(m, need)
        self._rows(sample, m, repeat_header)

    def _filler(self, m: TableMetrics, need: Callable[[int], float]) -> None:
        """Text before the table so that only a chosen number of its rows fit on this page."""
        n_body = len(m.row_h) - m.header_rows
        keep = self.rng.randint(3, max(3, n_body - 3))
        target = self.room() - need(keep) - m.row_h[m.header_rows + keep] / 2
        size, leading = self.style.body_size, self.style.body_leading
        n_lines = int(target // leading)
        if n_lines:
            chars = int(n_lines * self.width / size) + 40
            lines = wrap(application_notes(self.rng, chars), self.serif, size, self.width, 2 * size)[:n_lines]
            lines[-1] = lines[-1][:-1] + "。"
            for i, line in enumerate(lines):
                self.text_line(line, self.serif, size, leading, "left", 2 * size if i == 0 else 0)
        self.y += target - n_lines * leading

    def _rows(self, sample: TableSample, m: TableMetrics, repeat_header: bool) -> None:
        n = len(m.row_h)
        header = m.height(0, m.header_rows)
        occurrences: list[tuple[int, float, bool]] = []
        if m.header_rows:
            occurrences.append((self.page, self.y, False))
            self.y += header
        placed: dict[int, tuple[int, float]] = {}
        for r in range(m.header_rows, n):
            need = m.row_h[r] + (m.row_h[r + 1] if r in m.keep_with_next else 0)
            if self.y + need > self.bottom:
                self.new_page()
                if repeat_header and m.header_rows:
                    occurrences.append((self.page, self.y, True))
                    self.y += header
            placed[r] = (self.page, self.y)
            self.y += m.row_h[r]
        self.y += self.style.body_leading * 0.5
        self._draw_table(sample, m, occurrences, placed)

    def _draw_table(
        self,
        sample: TableSample,
        m: TableMetrics,
        occurrences: list[tuple[int, float, bool]],
        placed: dict[int, tuple[int, float]],
    ) -> None:
        x0 = self.left + (self.width - m.width) / 2
        for page, top, _ in occurrences:
            for cell in m.cells:
                if cell.row + cell.rowspan <= m.header_rows:
                    box = (
                        x0 + m.col_x[cell.col],
                        top + m.row_top(cell.row),
                        x0 + m.col_x[cell.col + cell.colspan],
                        top + m.row_top(cell.row + cell.rowspan),
                    )
                    self.pages[page - 1].rects.append(box)
                    self._cell_text(cell, m, page, box, m.lines[id(cell)])
        for cell in m.cells:
            if cell.row >= m.header_rows:
                self._body_cell(sample, cell, m, x0, placed)
        pages = sorted({p for p, _ in placed.values()} | {p for p, _, _ in occurrences})
        for page in pages:
            tops = [y for p, y in placed.values() if p == page] + [y for p, y, _ in occurrences if p == page]
            bottoms = [y + m.row_h[r] for r, (p, y) in placed.items() if p == page]
            repeated = any(p == page and again for p, _, again in occurrences)
            box = (x0, min(tops), x0 + m.width, max(bottoms))
            self.parts.append(TablePart(sample.table.id, page, box, repeated))

    def _body_cell(
        self,
        sample: TableSample,
        cell: LayoutCell,
        m: TableMetrics,
        x0: float,
        placed: dict[int, tuple[int, float]],
    ) -> None:
        """Draw a cell's pieces (one per page it spans) and its lines where Word would put them."""
        left, right = x0 + m.col_x[cell.col], x0 + m.col_x[cell.col + cell.colspan]
        rows = list(range(cell.row, cell.row + cell.rowspan))
        pieces: dict[int, list[int]] = {}
        for r in rows:
            pieces.setdefault(placed[r][0], []).append(r)
        boxes = {}
        for page, piece in pieces.items():
            box = (left, placed[piece[0]][1], right, placed[piece[-1]][1] + m.row_h[piece[-1]])
            self.pages[page - 1].rects.append(box)
            boxes[page] = box
        lines = m.lines[id(cell)]
        if len(pieces) == 1:
            page = next(iter(pieces))
            text_box = self._cell_text(cell, m, page, boxes[page], lines)
        else:
            text_box = None
            for page, line_top, line in _split_lines(lines, rows, m, placed):
                self._line_in_cell(cell, m, page, (left, line_top, right, line_top + m.leading), line)
        if cell.key is not None:
            page = placed[cell.row][0]
            self.cells.append(
                CellTruth(
                    table=sample.table.id,
                    row=cell.key[0],
                    col=cell.key[1],
                    value=sample.expected[cell.key],
                    printed=sample.printed[cell.key],
                    page=page,
                    bbox=boxes[page],
                    text_bbox=text_box if cell.text else None,
                    grid=(cell.row, cell.col, cell.rowspan, cell.colspan),
                )
            )

    def _cell_text(
        self,
        cell: LayoutCell,
        m: TableMetrics,
        page: int,
        box: tuple[float, float, float, float],
        lines: list[str],
    ) -> tuple[float, float, float, float] | None:
        """Lines centred vertically in ``box``; returns the box of the text drawn."""
        top = box[1] + (box[3] - box[1] - len(lines) * m.leading) / 2
        found = None
        for i, line in enumerate(lines):
            line_box = (box[0], top + i * m.leading, box[2], top + (i + 1) * m.leading)
            drawn = self._line_in_cell(cell, m, page, line_box, line)
            if drawn:
                found = drawn if found is None else _union(found, drawn)
        return found

    def _line_in_cell(
        self, cell: LayoutCell, m: TableMetrics, page: int, box: tuple[float, float, float, float], line: str
    ) -> tuple[float, float, float, float] | None:
        if not line:
            return None
        font, size = self.serif, self.style.table_size
        inner = box[2] - box[0] - 2 * m.pad
        width = stringWidth(line, font, size)
        baseline = _baseline(box[1], m.leading, font, size)
        ascent, descent = getAscentDescent(font, size)
        texts = self.pages[page - 1].texts
        is_label = cell.key is None and cell.col < m.label_cols and cell.row >= m.header_rows
        if is_label and not cell.vertical and cell.rowspan == 1 and not self.style.label_center:
            x = box[0] + m.pad
        else:
            x = box[0] + (box[2] - box[0] - width) / 2
        spread = (
            self.style.spread_headers
            and cell.key is None
            and not is_label
            and cell.colspan == 1
            and 2 <= len(line) <= 4
            and width < inner * 0.7
        )
        if spread:
            step = (inner - stringWidth(line[-1], font, size)) / (len(line) - 1)
            for i, ch in enumerate(line):
                texts.append(_Text(box[0] + m.pad + i * step, baseline, ch, font, size))
            return (box[0] + m.pad, baseline - ascent, box[2] - m.pad, baseline - descent)
        texts.append(_Text(x, baseline, line, font, size))
        return (x, baseline - ascent, x + width, baseline - descent)

    def folios(self) -> None:
        size = self.style.body_size * 0.9
        y = self.style.page_size[1] - self.style.margins[2] * 0.55
        for number, page in enumerate(self.pages, start=1):
            text = self.style.folio.format(n=number)
            width = stringWidth(text, self.serif, size)
            x = (self.style.page_size[0] - width) / 2
            page.texts.append(_Text(x, y, text, self.serif, size))


def _baseline(top: float, leading: float, font: str, size: float) -> float:
    """Baseline that centres the font's em box in a line of height ``leading`` starting at ``top``."""
    ascent, descent = getAscentDescent(font, size)
    return top + (leading - (ascent - descent)) / 2 + ascent


def _union(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, float, float, float]:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _split_lines(
    lines: list[str], rows: list[int], m: TableMetrics, placed: dict[int, tuple[int, float]]
) -> list[tuple[int, float, str]]:
    """(page, top, line) for the lines of a cell cut by a page break.

    Lines are centred in the whole merged cell as if it were not cut, then each goes to the row it
    falls in; a line that would straddle the page break moves to the next page, and the lines after
    it with it.
    """
    tops = {r: m.row_top(r) for r in rows}
    span_top = tops[rows[0]]
    span_height = m.height(rows[0], rows[-1] + 1)
    offset = span_top + max(m.pad, (span_height - len(lines) * m.leading) / 2)
    out = []
    for line in lines:
        row = max((r for r in rows if tops[r] <= offset), default=rows[0])
        nxt = row + 1
        if (
            offset + m.leading > tops[row] + m.row_h[row]
            and nxt in placed
            and nxt in tops
            and placed[nxt][0] != placed[row][0]
        ):
            offset, row = tops[nxt], nxt
        page, y = placed[row]
        out.append((page, y + offset - tops[row], line))
        offset += m.leading
    return out


def render_pdf(
    sample: ReportSample,
    path: Path,
    rng: random.Random,
    *,
    page_size: tuple[float, float] = A4,
    cross_pages: bool = True,
    repeat_header: bool = False,
    broken_font: BrokenMode | None = None,
    style: PdfStyle | None = None,
) -> SampleTruth:
    """Write ``sample`` as a digital PDF at ``path`` and return its truth (boxes in points).

    ``cross_pages`` makes table 三 break across two pages (else a table that fits one page is kept
    whole); ``repeat_header`` repeats a broken table's header on the next page; ``broken_font``
    ("missing" or "garbled") breaks the font map of every text on the page where table 三 starts.
    """
    style = style or random_pdf_style(rng, page_size)
    writer = _Writer(style, rng)
    writer.title(sample.issuer, sample.title.removeprefix(sample.issuer))
    for text in opening(sample, rng):
        writer.paragraph(text)
    publisher = random_style(rng)
    for table in sample.tables:
        metrics = measure(
            table_layout(table, publisher),
            width=writer.width,
            font=writer.serif,
            size=style.table_size,
            leading=style.table_leading,
            pad=style.pad,
            min_row=style.min_row,
            label_fraction=style.label_fraction,
            value_fraction=style.value_fraction,
            sectioned=any(section.label for section in table.table.sections),
        )
        writer.table(
            table,
            metrics,
            force_split=cross_pages and table.table.id == "三",
            keep_whole=not cross_pages,
            repeat_header=repeat_header,
        )
    ending = closing(sample, rng)
    for text in ending[:-2]:
        writer.paragraph(text)
    writer.signature(ending[-2:])
    writer.folios()
    broken_page = next((p.page for p in writer.parts if p.table == "三"), None) if broken_font else None
    _draw(writer, path, sample, broken_page, broken_font)
    pages = [
        PageTruth(
            page=i,
            width=style.page_size[0],
            height=style.page_size[1],
            text_layer=_TEXT_LAYER[broken_font] if i == broken_page else "ok",
        )
        for i in range(1, writer.page + 1)
    ]
    variant = {"cross_pages": cross_pages, "repeat_header": repeat_header, "broken_font": broken_font}
    return SampleTruth(sample, "pdf", "pt", pages, writer.cells, writer.parts, variant)


def _draw(
    writer: _Writer, path: Path, sample: ReportSample, broken_page: int | None, broken_font: BrokenMode | None
) -> None:
    width, height = writer.style.page_size
    canvas = Canvas(str(path), pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setTitle(sample.title)
    canvas.setAuthor(sample.issuer)
    broken = {}
    if broken_font:
        broken = {
            writer.sans: register_broken(SANS, broken_font),
            writer.serif: register_broken(SERIF, broken_font),
        }
    for number, page in enumerate(writer.pages, start=1):
        canvas.setLineWidth(writer.style.line_width)
        for x0, y0, x1, y1 in page.rects:
            canvas.rect(x0, height - y1, x1 - x0, y1 - y0, stroke=1, fill=0)
        for text in page.texts:
            font = broken.get(text.font, text.font) if number == broken_page else text.font
            canvas.setFont(font, text.size)
            canvas.drawString(text.x, height - text.baseline, text.text)
        canvas.showPage()
    canvas.save()
