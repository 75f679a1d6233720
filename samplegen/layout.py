"""The official grid of each report table, as publishers lay it out, shared by every renderer.

One layout serves all renderers because the damaged forms are views of the same grid: flattened web
text is the HTML cells in document order with the empty ones lost; the ``a | b |`` form is the same
rows with spanned cells printed once. Each cell records the grid column it starts in, so a test can
check an extractor's slot arithmetic against the layout's own.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from models.template import CellKey, Column, Section, TableTemplate
from samplegen.values import TableSample

# Header labels the official forms print over two lines, and ones publishers sometimes break.
ALWAYS_BROKEN = {"本年新制作数量": 3, "本年新公开数量": 3}
SOMETIMES_BROKEN = {
    "商业企业": 2,
    "科研机构": 2,
    "社会公益组织": 4,
    "法律服务机构": 4,
    "结果维持": 2,
    "结果纠正": 2,
    "其他结果": 2,
    "尚未审结": 2,
    "本年制发件数": 3,
    "本年废止件数": 4,
    "现行有效件数": 4,
    "上一年项目数量": 3,
    "处理决定数量": 4,
}
_HALF_WIDTH = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ","})
_ASCII_QUOTES = str.maketrans({"“": '"', "”": '"'})
_NUMBERED = re.compile(r"^(\d+)\.")


@dataclass(frozen=True)
class Style:
    """One publisher's habits: bracket and number punctuation, quotes, which headers break."""

    half_width: bool = False
    number_mark: str = "."
    ascii_quotes: bool = False
    broken: frozenset[str] = frozenset(ALWAYS_BROKEN)

    def label(self, text: str) -> str:
        if self.half_width:
            text = text.translate(_HALF_WIDTH)
        if self.ascii_quotes:
            text = text.translate(_ASCII_QUOTES)
        return _NUMBERED.sub(rf"\g<1>{self.number_mark}", text)

    def lines(self, text: str) -> list[str]:
        """A header label as printed: one line, or two when this publisher breaks it."""
        cut = ALWAYS_BROKEN.get(text) or SOMETIMES_BROKEN.get(text)
        if cut and text in self.broken:
            return [self.label(text[:cut]), self.label(text[cut:])]
        return [self.label(text)]


def random_style(rng: random.Random) -> Style:
    extra = {label for label in SOMETIMES_BROKEN if rng.random() < 0.3}
    return Style(
        half_width=rng.random() < 0.4,
        number_mark=rng.choice((".", ".", "、")),
        ascii_quotes=rng.random() < 0.3,
        broken=frozenset(ALWAYS_BROKEN) | frozenset(extra),
    )


@dataclass
class LayoutCell:
    """One printed cell: its lines (``[""]`` when empty), spans, starting grid slot, and template cell."""

    lines: list[str]
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    key: CellKey | None = None
    vertical: bool = False

    @property
    def text(self) -> str:
        return "".join(self.lines)


@dataclass
class TableLayout:
    title: str
    rows: list[list[LayoutCell]] = field(default_factory=list)

    def add_row(self) -> list[LayoutCell]:
        self.rows.append([])
        return self.rows[-1]


def table_layout(sample: TableSample, style: Style) -> TableLayout:
    """The official grid of one table filled with the sample's printed values."""
    table = sample.table
    layout = TableLayout(title=table.title)
    label_width = max((len(row.path) for row in table.rows), default=0)
    value_width = max(len(section.columns) for section in table.sections)
    for section in table.sections:
        if section.label:
            heading = layout.add_row()
            heading.append(
                LayoutCell(
                    [style.label(section.label)], len(layout.rows) - 1, 0, colspan=label_width + value_width
                )
            )
        if section.label or section is table.sections[0]:
            _header(layout, table, section, style, label_width, value_width)
        _body(layout, sample, section, style, label_width, value_width)
    return layout


def _header(
    layout: TableLayout,
    table: TableTemplate,
    section: Section,
    style: Style,
    label_width: int,
    value_width: int,
) -> None:
    """Header rows from the column paths: shared prefixes span their columns, short paths span down."""
    depth = max(len(column.path) for column in section.columns)
    top = len(layout.rows)
    spans = _value_spans(section.columns, value_width)
    for level in range(depth):
        row = layout.add_row()
        if level == 0 and label_width:
            text = table.header_labels[0] if table.header_labels else ""
            row.append(LayoutCell(style.lines(text), top, 0, rowspan=depth, colspan=label_width))
        col = label_width
        index = 0
        while index < len(section.columns):
            column = section.columns[index]
            end = index + 1
            if level < len(column.path) - 1:
                while (
                    end < len(section.columns)
                    and section.columns[end].path[: level + 1] == column.path[: level + 1]
                ):
                    end += 1
            width = sum(spans[index:end])
            if level < len(column.path):
                rowspan = depth - level if level == len(column.path) - 1 else 1
                row.append(LayoutCell(style.lines(column.path[level]), top + level, col, rowspan, width))
            col += width
            index = end


def _value_spans(columns: list[Column], value_width: int) -> list[int]:
    """Column widths in grid columns: the last column of a short section spans the rest."""
    spans = [1] * len(columns)
    spans[-1] += value_width - len(columns)
    return spans


def _body(
    layout: TableLayout,
    sample: TableSample,
    section: Section,
    style: Style,
    label_width: int,
    value_width: int,
) -> None:
    spans = _value_spans(section.columns, value_width)
    for position, row in enumerate(section.rows):
        y = len(layout.rows)
        cells = layout.add_row()
        for level, label in enumerate(row.path[:-1]):
            if position == 0 or section.rows[position - 1].path[: level + 1] != row.path[: level + 1]:
                height = _group_height(section, position, level)
                cells.append(LayoutCell([style.label(label)], y, level, rowspan=height, vertical=level == 0))
        if row.path:
            start = len(row.path) - 1
            cells.append(LayoutCell([style.label(row.label)], y, start, colspan=label_width - start))
        col = label_width
        for column, span in zip(section.columns, spans, strict=True):
            key = (row.key, column.key)
            cells.append(LayoutCell([sample.printed[key]], y, col, colspan=span, key=key))
            col += span


def _group_height(section: Section, position: int, level: int) -> int:
    prefix = section.rows[position].path[: level + 1]
    height = 0
    for row in section.rows[position:]:
        if row.path[: level + 1] != prefix:
            break
        height += 1
    return height
