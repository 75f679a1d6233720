"""Tokens in reading order → lines: a label, a lone value, or one grid row split into labels and values."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.observation import Token
from reconcile.evidence import Reading
from reconcile.numbers import is_page_furniture, looks_like_value


@dataclass
class Line:
    """One unit of evidence: label tokens, then value readings.

    ``grid`` is true when the values are a grid row's cells right of its labels, empty cells included.
    """

    labels: list[Token] = field(default_factory=list)
    values: list[Reading] = field(default_factory=list)
    grid: bool = False


def _grid_line(cells: list[Token]) -> Line:
    cells = sorted(cells, key=lambda t: t.grid.col if t.grid else 0)
    last_label = max(
        (i for i, cell in enumerate(cells) if cell.text.strip() and not looks_like_value(cell.text)),
        default=-1,
    )
    labels = [
        cell for cell in cells[: last_label + 1] if cell.text.strip() and not looks_like_value(cell.text)
    ]
    values = [Reading.of(cell) for cell in cells[last_label + 1 :]]
    return Line(labels=labels, values=values, grid=True)


def to_lines(tokens: list[Token]) -> list[Line]:
    """Group grid cells by source row (in the order rows first appear); other tokens stand alone.

    An empty token outside a grid is an empty cell a row-form source kept (``a |  | c |``): a blank value.
    """
    lines: list[Line] = []
    rows: dict[tuple[int, int], list[Token]] = {}
    order: list[tuple[int, int] | Token] = []
    for token in tokens:
        if is_page_furniture(token.text):
            continue
        if token.grid is not None:
            key = (token.grid.table, token.grid.row)
            if key not in rows:
                rows[key] = []
                order.append(key)
            rows[key].append(token)
        else:
            order.append(token)
    for item in order:
        if isinstance(item, Token):
            if looks_like_value(item.text):
                lines.append(Line(values=[Reading.of(item)]))
            else:
                lines.append(Line(labels=[item]))
        else:
            lines.append(_grid_line(rows[item]))
    return lines
