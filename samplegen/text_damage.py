"""Damage as archives do it to a report's text, with what the damaged document then states.

Used by the fuzz tests (tests/test_fuzz_trust.py) and bench/bench_trust.py. ``damage_values`` changes
printed cells of a sample before it is rendered (what the print says changes); ``damage_lines``
changes a rendered text in ways that keep its information (labels joined or split, noise lines, the
end cut off).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from models.document import Document
from models.errors import ErrorCode
from models.template import CellKey
from samplegen.values import ReportSample

VALUE_DAMAGE = ("swap", "malformed", "long_run", "negative", "full_width", "decimals")
LINE_DAMAGE = ("noise", "split", "join", "cut")

NOISE = ["注：本表数据统计截至12月31日。", "（续表）", "单位：件", "数据来源：本机关政务公开办公室"]
MALFORMED = ["+12,5", "+-5", "1O5", "12a", "3..4", "1,23"]
FULL_WIDTH = str.maketrans("0123456789+-.", "０１２３４５６７８９＋－．")


@dataclass
class Damaged:
    """What the damaged document states: per table, the cells it states, and the cells it garbles.

    ``implied``: blank totals, whose value the sums give from the (damaged) parts, not from the print.
    """

    states: dict[str, dict[CellKey, Decimal]]
    garbled: set[tuple[str, CellKey]] = field(default_factory=set)
    implied: set[tuple[str, CellKey]] = field(default_factory=set)


def truth_of(sample: ReportSample) -> Damaged:
    return Damaged({t.table.id: {k: Decimal(str(v)) for k, v in t.expected.items()} for t in sample.tables})


def _value_cells(sample: ReportSample, rng: random.Random, digits: int = 1) -> list[tuple[str, CellKey, str]]:
    cells = [
        (t.table.id, key, text)
        for t in sample.tables
        for key, text in t.printed.items()
        if sum(c.isdigit() for c in text) >= digits
    ]
    rng.shuffle(cells)
    return cells


def damage_values(sample: ReportSample, kind: str, rng: random.Random) -> Damaged:
    """Change a few printed cells of ``sample`` in place; the returned truth is what the print now says."""
    damaged = truth_of(sample)
    tables = {t.table.id: t for t in sample.tables}
    damaged.implied = {
        (t.table.id, key) for t in sample.tables for key in t.table.derivable if not t.printed[key].strip()
    }
    for table_id, key, text in _value_cells(sample, rng, 2 if kind == "swap" else 1)[: rng.randint(1, 3)]:
        table = tables[table_id]
        column = table.table.cell_map[key].column
        if kind == "swap":
            digits = [i for i, c in enumerate(text) if c.isdigit()]
            i = rng.choice(digits[:-1])
            if text[i + 1].isdigit():
                text = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            damaged.states[table_id][key] = Decimal(text.removesuffix("元").lstrip("+"))
        elif kind == "malformed":
            text = rng.choice(MALFORMED)
            damaged.garbled.add((table_id, key))
        elif kind == "long_run":
            text = "".join(rng.choice("0123456789") for _ in range(rng.randint(20, 40)))
            damaged.garbled.add((table_id, key))
        elif kind == "negative":
            text = f"-{rng.randint(1, 99)}"
            if column.signed:
                damaged.states[table_id][key] = Decimal(text)
            else:
                damaged.garbled.add((table_id, key))
        elif kind == "full_width":
            text = text.translate(FULL_WIDTH)
        table.printed[key] = text
    if kind == "decimals":
        for table in sample.tables:
            for key in table.printed:
                if table.table.cell_map[key].column.money:
                    places = rng.randint(6, 10)
                    value = Decimal(rng.randint(1, 10**9)).scaleb(-places)
                    table.printed[key] = f"{value:f}"
                    damaged.states[table.table.id][key] = value
    return damaged


def damage_lines(text: str, kind: str, rng: random.Random) -> str:
    """Information-keeping damage to a rendered text: labels joined or split, noise lines, the end cut."""
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if "主动公开政府信息情况" in line), 0)
    body = range(start, len(lines) - 1)
    if kind == "cut":
        return "\n".join(lines[: rng.randint(start, len(lines))])
    for _ in range(rng.randint(1, 4)):
        i = rng.choice(body)
        line = lines[i]
        if kind == "noise":
            lines.insert(i, rng.choice(NOISE) if rng.random() < 0.8 else " ")
        elif kind == "split" and len(line.strip()) >= 6 and not any(c.isdigit() for c in line):
            cut = rng.randint(2, len(line.strip()) - 2)
            stripped = line.strip()
            lines[i : i + 1] = [stripped[:cut], stripped[cut:]]
        elif kind == "join" and i + 1 < len(lines):
            below = lines[i + 1]
            if line.strip() and below.strip() and not any(c.isdigit() for c in line + below):
                lines[i : i + 2] = [line.rstrip() + below.strip()]
    return "\n".join(lines)


def sequences(sample: ReportSample) -> dict[str, list[str]]:
    """Each table's printed tokens in order, blanks left out: all a flattened text states of a table."""
    return {t.table.id: [text for text in t.printed.values() if text.strip()] for t in sample.tables}


@dataclass
class Judgement:
    """A damaged document's cells against what the damage left it stating."""

    cells: int = 0
    right: int = 0
    flagged: int = 0
    silent: list[str] = field(default_factory=list)
    crashed: list[str] = field(default_factory=list)


def judge(document: Document, damaged: Damaged, printed: dict[str, list[str]] | None = None) -> Judgement:
    """Right, flagged and silent cells, plus crashes (an internal error, a failed solve).

    A garbled cell is silent unless flagged. ``printed``: for a flattened text, the sequences a table
    states (``sequences``); a table whose unflagged cells differ from the damaged print is then no
    silent error when it is another reading of that sequence: the same numbers in the same order and
    every sum holding (a misprinted total can shift a block into such a reading, which the text alone
    cannot tell from the printed one).
    """
    result = Judgement()
    if (document.error is not None and document.error.code == ErrorCode.INTERNAL) or any(
        "solve failed" in c.message for c in document.checks
    ):
        result.crashed.append(document.source.path)
    tables = {table.id: {(c.row_key, c.col_key): c for c in table.cells} for table in document.tables}
    for table_id, states in damaged.states.items():
        cells = tables.get(table_id, {})
        wrong = []
        for key, value in states.items():
            cell = cells.get(key)
            result.cells += 1
            flagged = cell is None or cell.needs_review
            result.flagged += flagged
            if (table_id, key) in damaged.garbled:
                if not flagged:
                    wrong.append(f"{table_id} {key}: garbled {cell.raw!r} read {cell.value}")  # type: ignore[union-attr]
                continue
            implied = (table_id, key) in damaged.implied
            right = cell is not None and (implied or cell.value == value)
            result.right += right
            if not right and not flagged:
                wrong.append(f"{table_id} {key}: {cell.value} != {value}")  # type: ignore[union-attr]
        if wrong and printed is not None:
            read = [cell.raw for cell in cells.values() if cell.raw]
            rules = [c for c in document.checks if c.kind == "rule" and c.table == table_id]
            if read == printed[table_id] and all(c.passed for c in rules):
                continue
        result.silent.extend(wrong)
    return result
