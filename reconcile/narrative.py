"""Figures the report's prose gives for table cells (``动态更新本年度制发的规范性文件77件``).

They may confirm one of the splits a run-together row allows where no sum decides it (table 二 has
none), never override what the table shows: prose and tables disagree in real reports (one report's
text says 现行有效 393 where its table prints 470), so the solver only ever lets a figure pick among the
candidates (``reconcile.solver``). A figure belongs to a cell when its clause names the cell's row and,
in a section of several columns, its column, with the words the template gives them (``narrative``);
a row named earlier in the sentence carries over (``制发规范性文件77件，废止26件``). A figure is a number
with its unit: 件 or 个 for counts, the money column's own unit (万元) for amounts. A cell the prose
gives different figures for gets none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from models.template import CellKey, Column, Row, TableTemplate

_SENTENCE = re.compile(r"[。；;！!？?]")
_CLAUSE = re.compile(r"[，,、：:]")
_FIGURE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(件|个|万元|元)")
_COUNT_UNITS = ("件", "个")


@dataclass(frozen=True)
class Figure:
    """A number the prose gives for a cell, and the sentence that gives it."""

    value: Decimal
    sentence: str


def narrative_figures(texts: Iterable[str], table: TableTemplate) -> dict[CellKey, Figure]:
    """Each cell of ``table`` that the prose in ``texts`` gives exactly one figure for."""
    rows = [row for row in table.rows if row.narrative]
    if not rows:
        return {}
    found: dict[CellKey, set[Figure]] = {}
    for text in texts:
        if not _FIGURE.search(text):
            continue
        for sentence in filter(None, (part.strip() for part in _SENTENCE.split(text))):
            for key, figure in _sentence_figures(sentence, table, rows):
                found.setdefault(key, set()).add(figure)
    return {
        key: next(iter(figures))
        for key, figures in found.items()
        if len({figure.value for figure in figures}) == 1
    }


def _sentence_figures(
    sentence: str, table: TableTemplate, rows: list[Row]
) -> Iterable[tuple[CellKey, Figure]]:
    row: Row | None = None
    for clause in _CLAUSE.split(sentence):
        row = _named(clause, rows) or row
        figures = _FIGURE.findall(clause)
        if row is None or len(figures) != 1:
            continue
        columns = table.section_of(row.key).columns
        column = columns[0] if len(columns) == 1 else _named(clause, [c for c in columns if c.narrative])
        if column is None:
            continue
        value = _value(*figures[0], column)
        if value is not None:
            yield (row.key, column.key), Figure(value, sentence)


def _named(clause: str, named: list[Row] | list[Column]) -> Row | Column | None:
    """The one row or column whose longest word the clause holds; None when none or several."""
    hits: dict[int, list[Row | Column]] = {}
    for item in named:
        length = max((len(word) for word in item.narrative if word in clause), default=0)
        if length:
            hits.setdefault(length, []).append(item)
    if not hits:
        return None
    best = hits[max(hits)]
    return best[0] if len(best) == 1 else None


def _value(number: str, unit: str, column: Column) -> Decimal | None:
    """The figure as the column holds it: a whole count, or an amount in the unit the column names."""
    if column.signed:
        return None
    if column.money:
        named = "".join(column.path)
        stated = "万元" if "万元" in named else "元" if "元" in named else None
        return Decimal(number) if unit == stated else None
    return Decimal(number) if unit in _COUNT_UNITS and "." not in number else None
