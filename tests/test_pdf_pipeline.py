"""Digital, mixed and broken-font PDFs end to end against the generator's truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgrid.pipeline import process_document
from samplegen.scoring import load_expected, score_document

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"


@pytest.mark.parametrize(
    "name", ["digital-2021-filled.pdf", "digital-2019-blanks.pdf", "digital-2021-no-repeated-header.pdf"]
)
def test_a_digital_pdf_comes_out_exact_and_certain(name: str) -> None:
    document = process_document(SAMPLES / name)
    expected = load_expected(SAMPLES / f"{name}.expected.json")
    score = score_document(document, expected["tables"])
    assert score.cells == sum(len(cells) for cells in expected["tables"].values())
    assert score.right == score.cells
    assert score.flagged == 0
    assert document.status == "valid"
    assert (document.report.issuer, document.report.year) == (expected["issuer"], expected["year"])
    assert all(cell.page and cell.bbox for table in document.tables for cell in table.cells if cell.raw)


@pytest.mark.parametrize(
    "name", ["mixed-2019.pdf", "broken-font-garbled-2019.pdf", "broken-font-missing-2021.pdf"]
)
def test_pages_read_by_ocr_come_out_whole_and_never_silently_wrong(name: str) -> None:
    document = process_document(SAMPLES / name)
    expected = load_expected(SAMPLES / f"{name}.expected.json")
    score = score_document(document, expected["tables"])
    assert score.missing_tables == []
    assert score.silent_errors == []
    assert score.right >= 0.95 * score.cells
