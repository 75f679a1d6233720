"""Fuzzing the text and HTML sources: random valid reports, random damage, and the one promise.

Damage that keeps the information (blanks dropped, label lines joined or split, noise lines, a cut-off
end) must leave no cell different from the generated truth without ``needs_review``. Damage that
changes what the document says (a swapped digit, a malformed token, a run of 20-40 digits, a count
printed negative, many decimals) must leave no cell different from what the damaged document states
without ``needs_review``; a cell whose printed token is no number of its kind must be flagged. And no
damage may crash a document or its solve.

A flattened text states only the sequence of a table's numbers (its empty cells vanish), so there a
table whose unflagged cells differ from the damaged print must be another reading of that sequence:
the same numbers in the same order, every sum holding (a misprinted total can shift a block of 表四
into a reading that fits every sum; the text alone cannot tell the two apart).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.document import Document
from models.template import CellKey, builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.values import ReportSample, random_report

TEMPLATES = {template.version: template for template in builtin_templates()}
RENDERERS = {
    "flat": (render_flat_text, ".txt"),
    "pipe": (render_pipe_text, ".txt"),
    "html": (render_html, ".html"),
}
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NOISE = ["注：本表数据统计截至12月31日。", "（续表）", "单位：件", "数据来源：本机关政务公开办公室", "2"]
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


def _truth(sample: ReportSample) -> Damaged:
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
    damaged = _truth(sample)
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


def _check(document: Document, damaged: Damaged, sequences: dict[str, list[str]] | None = None) -> None:
    """``sequences``: for a flattened text, each table's printed numbers in order."""
    assert not (document.error or "").startswith("internal"), document.error
    assert not any("solve failed" in check.message for check in document.checks)
    tables = {table.id: {(c.row_key, c.col_key): c for c in table.cells} for table in document.tables}
    for table_id, states in damaged.states.items():
        cells = tables.get(table_id)
        if cells is None:
            continue
        wrong = []
        for key, value in states.items():
            cell = cells[key]
            if (table_id, key) in damaged.garbled:
                assert cell.needs_review, (table_id, key, cell.raw, cell.value)
            elif (table_id, key) not in damaged.implied and not cell.needs_review and cell.value != value:
                wrong.append((key, cell.raw, cell.value, value))
        if wrong and sequences is not None:
            read = [cell.raw for cell in cells.values() if cell.raw]
            rules = [c for c in document.checks if c.kind == "rule" and c.table == table_id]
            assert read == sequences[table_id] and all(c.passed for c in rules), (table_id, wrong)
        else:
            assert not wrong, (table_id, wrong)


def _sequences(sample: ReportSample) -> dict[str, list[str]]:
    return {t.table.id: [text for text in t.printed.values() if text.strip()] for t in sample.tables}


def _render(tmp_path: Path, sample: ReportSample, kind: str, rng: random.Random) -> Path:
    render, suffix = RENDERERS[kind]
    path = tmp_path / f"doc{suffix}"
    path.write_text(render(sample, rng), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["swap", "malformed", "long_run", "negative", "full_width", "decimals"])
@SETTINGS
@given(
    version=st.sampled_from(sorted(TEMPLATES)),
    seed=st.integers(0, 2**32 - 1),
    renderer=st.sampled_from(sorted(RENDERERS)),
)
def test_damage_that_changes_the_print_is_never_silent(
    tmp_path: Path, kind: str, version: str, seed: int, renderer: str
) -> None:
    rng = random.Random(seed)
    sample = random_report(TEMPLATES[version], rng)
    damaged = damage_values(sample, kind, rng)
    sequences = _sequences(sample) if renderer == "flat" else None
    _check(process_document(_render(tmp_path, sample, renderer, rng)), damaged, sequences)


@pytest.mark.parametrize("kind", ["noise", "split", "join", "cut"])
@SETTINGS
@given(
    version=st.sampled_from(sorted(TEMPLATES)),
    seed=st.integers(0, 2**32 - 1),
    renderer=st.sampled_from(["flat", "pipe"]),
    blank_rate=st.floats(0.0, 0.9),
)
def test_damage_that_keeps_the_information_is_never_silent(
    tmp_path: Path, kind: str, version: str, seed: int, renderer: str, blank_rate: float
) -> None:
    rng = random.Random(seed)
    sample = random_report(TEMPLATES[version], rng, blank_rate=blank_rate)
    render, suffix = RENDERERS[renderer]
    path = tmp_path / f"doc{suffix}"
    path.write_text(damage_lines(render(sample, rng), kind, rng), encoding="utf-8")
    _check(process_document(path), _truth(sample))
