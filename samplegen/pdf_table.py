"""Measuring a report table for print: column widths, wrapped cell lines and row heights.

Widths follow the official forms: a narrow first column for the vertical group label of table 三, a
column for （三）不予公开 and its kind, a wide one for the long labels, and equal value columns. Long
labels wrap inside their cell; a header that needs two lines is cut evenly (结果 / 维持), as Word does
when the column is just too narrow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth

from samplegen.layout import LayoutCell, TableLayout

_TOKEN = re.compile(r"[A-Za-z0-9.+\-/%]+|.", re.S)
_NO_LINE_START = set("，。、；：？！）》」』”’%")
_NO_LINE_END = set("（《「『“‘")


def wrap(text: str, font: str, size: float, width: float, first_indent: float = 0.0) -> list[str]:
    """Greedy line breaking for Chinese text: any character may end a line, except that closing
    punctuation never starts one and opening punctuation never ends one; Latin runs stay whole."""
    lines: list[str] = []
    current = ""
    available = width - first_indent
    for token in _TOKEN.findall(text):
        too_wide = stringWidth(current + token, font, size) > available
        if current and too_wide and token[0] not in _NO_LINE_START:
            carry = ""
            if current[-1] in _NO_LINE_END and len(current) > 1:
                carry, current = current[-1], current[:-1]
            lines.append(current)
            current = carry + token
            available = width
        else:
            current += token
    if current or not lines:
        lines.append(current)
    return lines


def balanced_wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """As few lines as ``wrap`` gives, but of even length (商业 / 企业 rather than 商业企 / 业)."""
    lines = wrap(text, font, size, width)
    if len(lines) < 2:
        return lines
    target = stringWidth(text, font, size) / len(lines)
    while target < width:
        even = wrap(text, font, size, target)
        if len(even) == len(lines):
            return even
        target += size / 2
    return lines


@dataclass(frozen=True)
class TableMetrics:
    """A table measured for print; offsets are relative to the table's top-left corner."""

    layout: TableLayout
    col_x: tuple[float, ...]
    row_h: tuple[float, ...]
    lines: dict[int, list[str]]
    header_rows: int
    label_cols: int
    keep_with_next: frozenset[int]
    leading: float
    pad: float

    @property
    def cells(self) -> list[LayoutCell]:
        return [cell for row in self.layout.rows for cell in row]

    @property
    def width(self) -> float:
        return self.col_x[-1]

    def row_top(self, row: int) -> float:
        return sum(self.row_h[:row])

    def height(self, first: int, last: int) -> float:
        """Height of rows ``first`` .. ``last - 1``."""
        return sum(self.row_h[first:last])


def measure(
    layout: TableLayout,
    *,
    width: float,
    font: str,
    size: float,
    leading: float,
    pad: float,
    min_row: float,
    label_fraction: float,
    value_fraction: float,
    sectioned: bool,
) -> TableMetrics:
    """Column widths, wrapped lines and row heights of ``layout`` printed ``width`` points wide.

    ``label_fraction`` is the share of a one-label-column table's width given to its labels;
    ``value_fraction`` the share of each value column in a table with nested row labels.
    """
    cells = [cell for row in layout.rows for cell in row]
    n_cols = max(c.col + c.colspan for c in cells)
    n_rows = len(layout.rows)
    value_rows = [c.row for c in cells if c.key is not None]
    label_cols = min((c.col for c in cells if c.key is not None), default=0)
    widths = _column_widths(cells, n_cols, label_cols, width, size, pad, label_fraction, value_fraction)
    col_x = [0.0]
    for w in widths:
        col_x.append(col_x[-1] + w)
    lines: dict[int, list[str]] = {}
    for cell in cells:
        inner = col_x[cell.col + cell.colspan] - col_x[cell.col] - 2 * pad
        if cell.vertical:
            lines[id(cell)] = [ch for ch in cell.text if not ch.isspace()]
        elif cell.key is not None:
            lines[id(cell)] = [cell.text]
        else:
            lines[id(cell)] = [out for line in cell.lines for out in balanced_wrap(line, font, size, inner)]
    heights = [min_row] * n_rows
    for cell in sorted(cells, key=lambda c: c.rowspan):
        need = len(lines[id(cell)]) * leading + 2 * pad
        have = sum(heights[cell.row : cell.row + cell.rowspan])
        if need > have:
            extra = (need - have) / cell.rowspan
            for r in range(cell.row, cell.row + cell.rowspan):
                heights[r] += extra
    header_rows = 0 if sectioned else min(value_rows, default=0)
    keep = frozenset(r for r in range(n_rows - 1) if r not in value_rows)
    return TableMetrics(
        layout, tuple(col_x), tuple(heights), lines, header_rows, label_cols, keep, leading, pad
    )


def _column_widths(
    cells: list[LayoutCell],
    n_cols: int,
    label_cols: int,
    width: float,
    size: float,
    pad: float,
    label_fraction: float,
    value_fraction: float,
) -> list[float]:
    n_values = n_cols - label_cols
    if label_cols == 0:
        return [width / n_cols] * n_cols
    if label_cols == 1:
        label = width * label_fraction
        return [label] + [(width - label) / n_values] * n_values
    value = width * value_fraction
    fixed = []
    for col in range(label_cols - 1):
        vertical = any(c.vertical and c.col == col for c in cells)
        fixed.append(size * 1.4 + 2 * pad if vertical else size * 5.6 + 2 * pad)
    last = width - sum(fixed) - value * n_values
    return [*fixed, last] + [value] * n_values
