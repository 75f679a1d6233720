"""Publishers mix template versions: each table is read in the version its labels show."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from models.template import builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.scoring import score_document
from samplegen.values import ReportSample, random_report

TEMPLATES = {template.version: template for template in builtin_templates()}


def _mixed(seed: int, versions: dict[str, str]) -> ReportSample:
    """A 2021 report whose tables come from the versions given (table id -> version)."""
    samples = {v: random_report(t, random.Random(seed)) for v, t in TEMPLATES.items()}
    report = samples["2021"]
    tables = [
        next(t for t in samples[versions[table_id]].tables if t.table.id == table_id)
        for table_id in ("二", "三", "四")
    ]
    return ReportSample(template=report.template, issuer=report.issuer, year=report.year, tables=tables)


@pytest.mark.parametrize("render", [render_flat_text, render_pipe_text, render_html])
@pytest.mark.parametrize(
    "versions",
    [
        {"二": "2019", "三": "2021", "四": "2021"},  # a 2023 report with the 2019 table 二 headers
        {"二": "2021", "三": "2019", "四": "2021"},  # a 2024 report printing （六）其他处理 as one row
    ],
)
def test_each_table_is_read_in_its_own_version(tmp_path: Path, render, versions: dict[str, str]) -> None:
    sample = _mixed(11, versions)
    path = tmp_path / ("report.html" if render is render_html else "report.txt")
    path.write_text(render(sample, random.Random(3)), encoding="utf-8")
    document = process_document(path)
    assert {t.id: t.version for t in document.tables} == versions
    expected = {t.table.id: {f"{r}/{c}": v for (r, c), v in t.expected.items()} for t in sample.tables}
    score = score_document(document, expected)
    assert score.silent_errors == []
    assert score.missing_tables == []
