"""Tokens in reading order → lines: a label, a lone value, or one grid row of cells."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from models.lexicon import CACHED_TEXTS, is_folio, is_value_like
from models.observation import Token
from reconcile.evidence import Reading


@dataclass
class Line:
    """One unit of evidence in reading order.

    A text source gives a label token or a value token per line. A grid source gives one row of cells
    (``cells``, left to right, empty cells included); which of them are labels and which are values is
    decided against the template, since a seal or a smudge can make a value cell read as words.
    """

    labels: list[Token] = field(default_factory=list)
    values: list[Reading] = field(default_factory=list)
    cells: list[Token] | None = None

    @cached_property
    def readings(self) -> list[Reading]:
        """The grid row's cells as readings, made once for the fits of every table and version."""
        return [Reading.of(cell) for cell in self.cells or ()]

    @cached_property
    def label_indexes(self) -> list[int]:
        """Where the grid row has cells of words (labels, or a value a seal made read as words)."""
        return [index for index, cell in enumerate(self.cells or ()) if is_label(cell.text)]


class Lines(list[Line]):
    """A document's lines in reading order, with what the fit of every table asks of them all."""

    @cached_property
    def texts(self) -> frozenset[str]:
        """The distinct texts of the labels and grid cells (where a table's title is looked for)."""
        return frozenset(token.text for line in self for token in [*line.labels, *(line.cells or [])])


@lru_cache(maxsize=CACHED_TEXTS)
def is_label(text: str) -> bool:
    """Words, not a value or an empty cell."""
    return bool(text.strip()) and not is_value_like(text)


def _column(token: Token) -> int:
    return token.grid.col if token.grid is not None else 0


def to_lines(tokens: list[Token]) -> Lines:
    """Group grid cells by source row (in the order rows first appear); other tokens stand alone.

    An empty token outside a grid is an empty cell a row-form source kept (``a |  | c |``): a blank value.
    A token of cells run together (``300/003``) is a value even where it reads as a folio or no number.
    """
    lines = Lines()
    rows: dict[tuple[int, int], list[Token]] = {}
    order: list[tuple[int, int] | Token] = []
    for token in tokens:
        if is_folio(token.text) and not token.joined:
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
            if item.joined or is_value_like(item.text):
                lines.append(Line(values=[Reading.of(item)]))
            else:
                lines.append(Line(labels=[item]))
        else:
            lines.append(Line(cells=sorted(rows[item], key=_column)))
    return lines
