"""The real published reports: the seed text comes out exact; the damaged one never silently wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.document import Document
from reportgrid.pipeline import process_document
from samplegen.scoring import load_expected, score_document
from samplegen.shared_data import PROJECT_REAL, REAL_DATA

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"


@pytest.fixture(scope="module")
def hushan() -> Document:
    return process_document(REAL_DATA / "hushan-2020.txt")


@pytest.fixture(scope="module")
def shanghai() -> Document:
    return process_document(REAL_DATA / "shanghai-2019.txt")


def _cells(document: Document, table_id: str) -> dict[str, object]:
    table = next(t for t in document.tables if t.id == table_id)
    return {f"{c.row_key}/{c.col_key}": c for c in table.cells}


def test_hushan_gives_every_published_number_and_is_valid(hushan: Document) -> None:
    expected = load_expected(PROJECT_REAL / "hushan-2020.txt.expected.json")
    score = score_document(hushan, expected["tables"])
    assert hushan.status == "valid"
    assert score.cells == 22 + 161 + 15
    assert score.right == score.cells
    assert score.flagged == 0
    assert hushan.report.issuer == "湖山乡人民政府"
    assert hushan.report.year == 2020
    assert hushan.template is not None and hushan.template.version == "2019"
    assert all(check.passed for check in hushan.checks)


def test_hushan_signed_changes_are_read_with_their_sign(hushan: Document) -> None:
    cells = _cells(hushan, "二")
    assert cells["other_services/change"].value == 189
    assert cells["other_services/change"].raw == "+189"
    assert cells["licensing/change"].value == 8


def test_shanghai_has_no_silent_error(shanghai: Document) -> None:
    expected = load_expected(PROJECT_REAL / "shanghai-2019.txt.expected.json")
    score = score_document(shanghai, expected["tables"])
    assert score.silent_errors == []
    assert score.cells == 22 + 161 + 15
    assert shanghai.status == "needs_review"


def test_shanghai_cells_the_text_decides_are_not_flagged(shanghai: Document) -> None:
    """Totals the sums pin down, complete rows, and rows of table 三 with no number are certain."""
    t2, t3 = _cells(shanghai, "二"), _cells(shanghai, "三")
    assert not any(cell.needs_review for cell in t2.values())
    decided = {
        "new_received/total": 859,
        "carried_over/total": 18,
        "total_handled/total": 805,
        "carried_forward/total": 72,
        "granted/total": 272,
        "withheld_law/natural_person": 0,
        "declined_publication/total": 0,
    }
    for key, value in decided.items():
        assert t3[key].value == value, key
        assert not t3[key].needs_review, key
    assert t3["granted/total"].origin == "derived"
    assert t3["total_handled/total"].origin == "read"


def test_shanghai_ambiguous_cells_report_their_alternatives(shanghai: Document) -> None:
    """Table 四 prints 5 2 7 8 1 9 for fifteen cells: where the 2 goes is not decidable."""
    t4 = _cells(shanghai, "四")
    assert t4["cases/review_corrected"].needs_review
    ambiguous = [c for c in shanghai.checks if c.kind == "ambiguous" and c.table == "四"]
    assert ambiguous
    assert all(len(c.alternatives) >= 2 for c in ambiguous)


def test_counts_stay_whole_numbers_beside_a_decimal_money_cell() -> None:
    document = process_document(SAMPLES / "generated-2021.html")
    cells = _cells(document, "二")
    assert str(cells["fees/fee_amount"].value) == cells["fees/fee_amount"].raw == "168.83"
    counts = [cell for key, cell in cells.items() if key != "fees/fee_amount"]
    assert counts and all(cell.value is not None for cell in counts)
    assert all(cell.value.as_tuple().exponent == 0 for cell in counts)  # type: ignore[union-attr]
