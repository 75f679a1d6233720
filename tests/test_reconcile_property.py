"""Random valid reports, damaged as web scrapers damage them: no cell may ever be wrong without a flag."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.template import Template, builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.scoring import score_document
from samplegen.values import ReportSample, random_report

TEMPLATES = {template.version: template for template in builtin_templates()}
Renderer = Callable[[ReportSample, random.Random], str]
RENDERERS: dict[str, tuple[Renderer, str]] = {
    "flat": (render_flat_text, ".txt"),
    "pipe": (render_pipe_text, ".txt"),
    "html": (render_html, ".html"),
}
SETTINGS = settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _run(
    tmp_path: Path, template: Template, seed: int, kind: str, **rates: float
) -> tuple[ReportSample, object]:
    rng = random.Random(seed)
    sample = random_report(template, rng, **rates)
    render, suffix = RENDERERS[kind]
    path = tmp_path / f"{kind}-{template.version}-{seed}{suffix}"
    path.write_text(render(sample, rng), encoding="utf-8")
    return sample, process_document(path)


def _expected(sample: ReportSample) -> dict[str, dict[str, int | float]]:
    return {t.table.id: {f"{r}/{c}": v for (r, c), v in t.expected.items()} for t in sample.tables}


@pytest.mark.parametrize("kind", list(RENDERERS))
@SETTINGS
@given(
    version=st.sampled_from(sorted(TEMPLATES)),
    seed=st.integers(0, 2**32 - 1),
    blank_rate=st.floats(0.0, 0.9),
    blank_total_rate=st.floats(0.0, 0.6),
)
def test_no_cell_is_wrong_without_needs_review(
    tmp_path: Path, kind: str, version: str, seed: int, blank_rate: float, blank_total_rate: float
) -> None:
    sample, document = _run(
        tmp_path, TEMPLATES[version], seed, kind, blank_rate=blank_rate, blank_total_rate=blank_total_rate
    )
    score = score_document(document, _expected(sample))
    assert document.error is None
    assert score.missing_tables == []
    assert score.silent_errors == []
    assert [t.version for t in document.tables] == [t.table.version for t in sample.tables]


@pytest.mark.parametrize("kind", list(RENDERERS))
@SETTINGS
@given(version=st.sampled_from(sorted(TEMPLATES)), seed=st.integers(0, 2**32 - 1))
def test_nothing_dropped_means_every_cell_right_and_nothing_flagged(
    tmp_path: Path, kind: str, version: str, seed: int
) -> None:
    sample, document = _run(tmp_path, TEMPLATES[version], seed, kind, blank_rate=0.0, blank_total_rate=0.0)
    score = score_document(document, _expected(sample))
    assert score.right == score.cells
    assert score.flagged == 0
    assert document.status == "valid"
    assert document.report.issuer == sample.issuer
    assert document.report.year == sample.year
