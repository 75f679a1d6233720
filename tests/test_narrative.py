"""The report's prose confirms a split of a run-together table 二 row, never overrides one."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from models.document import Document
from models.template import builtin_templates
from reconcile.narrative import narrative_figures
from reportgrid.pipeline import process_document
from samplegen.render_text import render_joined_text
from samplegen.values import random_report

TEMPLATES = {template.version: template for template in builtin_templates()}
DOCUMENTS = [("normative_documents", column) for column in ("issued", "repealed", "in_force")]


def _figures(version: str, *texts: str) -> dict[tuple[str, str], Decimal]:
    found = narrative_figures(texts, TEMPLATES[version].table("二"))
    return {key: figure.value for key, figure in found.items()}


def test_figures_are_read_with_their_row_and_column() -> None:
    assert _figures("2021", "动态更新本年度制发的规范性文件77件，废止26件，现行有效470件。") == {
        ("normative_documents", "issued"): 77,
        ("normative_documents", "repealed"): 26,
        ("normative_documents", "in_force"): 470,
    }
    # A one-column row needs no column word; money only in the unit its column names.
    assert _figures("2021", "全年作出行政许可决定4件，收取行政事业性收费15.8万元。") == {
        ("licensing", "decisions"): 4,
        ("fees", "fee_amount"): Decimal("15.8"),
    }
    assert _figures("2021", "收取行政事业性收费158000元。") == {}
    assert _figures("2019", "新制作规范性文件2件，新公开1件，对外公开总数3件。") == {
        ("normative_documents", "made"): 2,
        ("normative_documents", "published"): 1,
        ("normative_documents", "total_public"): 3,
    }


def test_figures_that_say_too_little_or_disagree_give_nothing() -> None:
    # No column named in a row of several columns; no unit; another unit; a year.
    assert _figures("2021", "规范性文件77件。", "行政规范性文件77132470", "规章3条。", "2021年制发规章") == {}
    # The prose gives one cell two figures: it gets none.
    assert _figures("2021", "现行有效规范性文件393件。", "现行有效规范性文件470件。") == {}
    # A clause naming two rows with words of the same length decides neither.
    assert _figures("2021", "行政处罚和行政强制决定5件。") == {}


def _joined(tmp_path: Path, row: str, *prose: str) -> Document:
    """A generated 2021 report of zeros with its rows run together (规章000, table 三's rows 0000000),
    table 二's 行政规范性文件 row printed as ``row`` and ``prose`` after 一、总体情况."""
    rng = random.Random(1)
    zeros = {"zero_rate": 1.0, "blank_rate": 0.0, "marker_rate": 0.0, "blank_total_rate": 0.0}
    sample = random_report(TEMPLATES["2021"], rng, scale=5, **zeros)
    lines = render_joined_text(sample, rng).splitlines()
    lines[lines.index("行政规范性文件000")] = "行政规范性文件" + row
    at = lines.index("一、总体情况") + 1
    lines[at:at] = prose
    path = tmp_path / "joined.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return process_document(path)


def _documents_row(document: Document) -> dict[tuple[str, str], tuple[Decimal | None, bool]]:
    two = next(table for table in document.tables if table.id == "二")
    return {
        (c.row_key, c.col_key): (c.value, c.needs_review)
        for c in two.cells
        if (c.row_key, c.col_key) in DOCUMENTS
    }


def test_prose_that_picks_one_split_makes_it_certain(tmp_path: Path) -> None:
    """行政规范性文件77132470 is 77 | 132 | 470 or 7 | 7132 | 470 or 7713 | 2 | 470 …: no sum decides."""
    two = next(table for table in _joined(tmp_path, "77132470").tables if table.id == "二")
    reasons = [c.review_reason for c in two.cells if (c.row_key, c.col_key) in DOCUMENTS]
    assert reasons == ["ambiguous"] * 3
    three = _joined(tmp_path, "77132470", "动态更新本年度制发的规范性文件77件，废止132件，现行有效470件。")
    assert _documents_row(three) == {
        DOCUMENTS[0]: (77, False),
        DOCUMENTS[1]: (132, False),
        DOCUMENTS[2]: (470, False),
    }
    picked = [c for c in three.checks if c.kind == "ambiguous" and c.table == "二"]
    assert {c.name for c in picked} == {
        "normative_documents/issued",
        "normative_documents/repealed",
        "normative_documents/in_force",
    }
    assert all(c.passed and "77件" in c.message for c in picked)
    # One figure is enough when it leaves one split: 132 sits in one place only.
    one = _documents_row(_joined(tmp_path, "77132470", "本年度废止规范性文件132件。"))
    assert one == _documents_row(three)


def test_prose_that_leaves_several_splits_leaves_the_cells_flagged(tmp_path: Path) -> None:
    """77 issued fits 77 | 132 | 470, 77 | 1324 | 70, 77 | 13247 | 0 …"""
    document = _joined(tmp_path, "77132470", "动态更新本年度制发的规范性文件77件。")
    assert all(flagged for _, flagged in _documents_row(document).values())
    assert [c for c in document.checks if c.kind == "ambiguous" and c.passed] == []


def test_prose_that_disagrees_with_every_split_changes_nothing(tmp_path: Path) -> None:
    """The real report's 现行有效 393 against the 470 its table prints: no split of the row ends in 393."""
    alone = _joined(tmp_path, "77132470")
    disagreeing = _joined(tmp_path, "77132470", "现行有效规范性文件393件，制发12件。")
    assert _documents_row(disagreeing) == _documents_row(alone)
    assert all(flagged for _, flagged in _documents_row(disagreeing).values())
    checks = [(c.name, c.passed, c.alternatives) for c in disagreeing.checks if c.table == "二"]
    assert checks == [(c.name, c.passed, c.alternatives) for c in alone.checks if c.table == "二"]


def test_a_figure_never_changes_a_certain_cell(tmp_path: Path) -> None:
    """规章000 reads one way only (0 | 0 | 0): the prose's 5 does not touch it."""
    document = _joined(tmp_path, "77132470", "制发规章5件，现行有效规章5件。")
    two = next(table for table in document.tables if table.id == "二")
    regulations = [(c.value, c.needs_review) for c in two.cells if c.row_key == "regulations"]
    assert regulations == [(0, False)] * 3
