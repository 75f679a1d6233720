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
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.document import Document
from models.template import builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.text_damage import (
    LINE_DAMAGE,
    VALUE_DAMAGE,
    Damaged,
    damage_lines,
    damage_values,
    judge,
    sequences,
    truth_of,
)
from samplegen.values import ReportSample, random_report

TEMPLATES = {template.version: template for template in builtin_templates()}
RENDERERS = {
    "flat": (render_flat_text, ".txt"),
    "pipe": (render_pipe_text, ".txt"),
    "html": (render_html, ".html"),
}
SETTINGS = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check(document: Document, damaged: Damaged, printed: dict[str, list[str]] | None = None) -> None:
    judgement = judge(document, damaged, printed)
    assert judgement.crashed == [], document.error
    assert judgement.silent == []


def _render(tmp_path: Path, sample: ReportSample, kind: str, rng: random.Random) -> Path:
    render, suffix = RENDERERS[kind]
    path = tmp_path / f"doc{suffix}"
    path.write_text(render(sample, rng), encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", VALUE_DAMAGE)
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
    printed = sequences(sample) if renderer == "flat" else None
    _check(process_document(_render(tmp_path, sample, renderer, rng)), damaged, printed)


@pytest.mark.parametrize("kind", LINE_DAMAGE)
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
    _check(process_document(path), truth_of(sample))
