"""A fault inside the solver never passes for a table that was not there: the table is kept as observed
and the fault is named in a ``solve_incomplete`` check (``reconcile._solve``)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import reconcile
from models.template import builtin_templates
from reconcile.evidence import TableEvidence
from reportgrid.pipeline import process_document
from samplegen.render_text import render_joined_text
from samplegen.values import random_report

TEMPLATE = next(t for t in builtin_templates() if t.id == "gov-info-disclosure" and t.version == "2021")


def test_a_solver_crash_keeps_the_table_and_names_the_fault(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(evidence: TableEvidence, *args: object, **kwargs: object) -> None:
        raise RuntimeError(f"injected fault in table {evidence.table.id}")

    monkeypatch.setattr(reconcile, "solve_table", crash)
    rng = random.Random(7)
    sample = random_report(TEMPLATE, rng, scale=5)
    path = tmp_path / "joined.txt"
    path.write_text(render_joined_text(sample, rng), encoding="utf-8")
    document = process_document(path)
    assert document.error is None
    assert document.status == "needs_review"
    assert sorted(t.id for t in document.tables) == ["三", "二", "四"]
    problems = {(c.table, c.name): c.message for c in document.checks if c.kind == "structure"}
    assert not [key for key in problems if key[1] == "table_missing"]
    for table_id in ("二", "三", "四"):
        message = problems[table_id, "solve_incomplete"]
        assert "the solve failed (RuntimeError: injected fault" in message
    # Rows run together are no cell-by-cell reading: without the solver every one of their cells is
    # unknown and flagged, never a guess.
    truth = {(t.table.id, r, c): v for t in sample.tables for (r, c), v in t.expected.items()}
    for table in document.tables:
        for cell in table.cells:
            assert cell.needs_review or cell.value == truth[table.id, cell.row_key, cell.col_key]
    assert all(cell.needs_review for table in document.tables if table.id != "二" for cell in table.cells)
