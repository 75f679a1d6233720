"""Never silently wrong: one test per class of silent error found on documents this project did not make.

Each class is closed in the mechanism (a value is certain only with positive evidence), so each test
makes the damage itself and checks that the cells it touches are flagged, or exactly right.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from extractors.scan import marks, observe_pages
from models.document import Cell, Document, SourceInfo, to_json
from models.observation import Observations, Token
from models.template import builtin_templates
from reconcile import reconcile_document
from reconcile.assemble import build_table, rule_checks
from reconcile.evidence import Reading, RowEvidence, TableEvidence
from reconcile.solver import CERTAIN, TableDecision, solve_table
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_pdf import render_pdf
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.values import random_report
from tests.scan_pages import draw_table_page, sample_layout

TEMPLATES = {template.version: template for template in builtin_templates()}
SOURCE = SourceInfo(path="test", sha256="", media_type="text/plain")


def _cells(document: Document, table_id: str) -> dict[tuple[str, str], Cell]:
    table = next(t for t in document.tables if t.id == table_id)
    return {(c.row_key, c.col_key): c for c in table.cells}


# 1. A cell nobody saw comes out certain.


def test_a_scan_whose_value_grid_is_erased_in_a_block_flags_every_cell_there() -> None:
    layout = sample_layout("2021", "三", seed=5)
    page = draw_table_page(layout)
    values = [c for c in page.cells if c.is_value]
    rows = sorted({c.row for c in values})
    erased_rows = set(rows[4:12])
    block = [c.bbox for c in values if c.row in erased_rows]
    image = page.image.copy()
    ImageDraw.Draw(image).rectangle(
        (
            min(b[0] for b in block) - 2,
            min(b[1] for b in block) - 2,
            max(b[2] for b in block) + 3,
            max(b[3] for b in block) + 3,
        ),
        fill=255,
    )
    tokens = observe_pages([np.asarray(image.convert("L"))])
    for token in tokens:
        token.recognised = True
    observations = Observations(source_kind="scan", media_type="image/png", pages=1, tokens=tokens)
    document = reconcile_document(observations, SOURCE)
    erased_keys = {cell.key for row in layout.rows for cell in row if cell.key and cell.row in erased_rows}
    assert erased_keys
    cells = _cells(document, "三")
    for key in erased_keys:
        cell = cells[key]
        assert cell.needs_review, (key, cell.value, cell.origin)
        assert cell.origin != "blank" or cell.raw is not None
    assert document.status == "needs_review"


def test_rows_read_by_ocr_without_their_numbers_are_unobserved_not_blank() -> None:
    """OCR'd text with no grid (a page whose table was not found): a label followed by no number is
    no evidence of blanks, unlike a web page's text where empty cells vanish."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量",
            "二、上年结转政府信息公开申请数量",
        ]
    )
    tokens = [Token(text=line, recognised=True, confidence=0.95) for line in text.splitlines()]
    document = reconcile_document(
        Observations(source_kind="scan", media_type="image/png", tokens=tokens), SOURCE
    )
    cells = _cells(document, "三")
    new = [cells["new_received", col] for col in ("natural_person", "total")]
    assert all(c.value is None and c.origin == "missing" and c.needs_review for c in new)
    assert all(c.review_reason == "unobserved" for c in new)
    web = reconcile_document(
        Observations(
            source_kind="text",
            media_type="text/plain",
            tokens=[Token(text=line) for line in text.splitlines()],
        ),
        SOURCE,
    )
    assert _cells(web, "三")["new_received", "natural_person"].origin == "blank"


def test_a_sum_over_unobserved_cells_vouches_for_nothing() -> None:
    """Table 四 read by OCR with the 行政复议 block's total cell lost from the grid row."""
    evidence = _four(["1", "2", "0", "0", "3", *["0"] * 10], recognised=True)
    row = evidence.rows["cases"]
    row.readings = row.readings[:4] + row.readings[5:]
    row.positioned, row.damaged = False, True
    decision = solve_table(evidence)
    assert decision.cells["cases", "review_total"].origin == "missing"
    assert decision.cells["cases", "review_total"].value is None


def _four(texts: list[str], recognised: bool = False, confidence: float = 1.0) -> TableEvidence:
    """Table 四's evidence: its one row read cell by cell (a grid row) from ``texts``."""
    tokens = [Token(text=t, recognised=recognised, confidence=confidence) for t in texts]
    evidence = TableEvidence(TEMPLATES["2021"].table("四"))
    evidence.rows["cases"] = RowEvidence(readings=[Reading.of(t) for t in tokens], positioned=True)
    return evidence


def _document_of(evidence: TableEvidence, decision: TableDecision | None = None) -> Document:
    decision = decision or solve_table(evidence)
    rules = rule_checks(decision)
    table, checks = build_table(evidence, decision, rules)
    return Document(source=SOURCE, status="needs_review", tables=[table], checks=rules + checks)


# 2. A blank on a degraded page is a reading too.


def _cell_ink(draw: Callable[[ImageDraw.ImageDraw], None]) -> tuple[np.ndarray, np.ndarray]:
    """A cell interior drawn by ``draw``: its ink mask (a mid-grey threshold) and its grey pixels."""
    image = Image.new("L", (90, 40), 255)
    draw(ImageDraw.Draw(image))
    grey = np.asarray(image)
    return np.where(grey <= 150, 255, 0).astype(np.uint8), grey


def test_a_faded_digit_is_a_doubtful_blank_and_a_clean_cell_a_sure_one() -> None:
    height = 24.0
    faded_ink, faded_grey = _cell_ink(lambda d: d.text((35, 8), "3", fill=185, font_size=26))
    assert marks.classify(faded_ink, height, faded_grey).kind == "empty"
    assert marks.classify(faded_ink, height, faded_grey).confidence < CERTAIN

    def specks(d: ImageDraw.ImageDraw) -> None:
        for x, y in ((10, 5), (70, 30), (40, 20)):
            d.point((x, y), fill=0)

    clean_ink, clean_grey = _cell_ink(specks)
    found = marks.classify(clean_ink, height, clean_grey)
    assert found.kind == "empty" and found.confidence >= CERTAIN


def test_a_doubtful_blank_and_a_misread_total_that_agree_are_both_flagged() -> None:
    """The fax case: a faded 3 taken as blank (doubtful), its total 4 misread 1 at 0.55: 0+1 = 1
    holds, but two doubtful readings witness nothing."""
    texts = ["1", "3", "0", "0", "4", *["0"] * 10]
    evidence = _four(texts, recognised=True, confidence=0.97)
    readings = evidence.rows["cases"].readings
    readings[1] = Reading.of(Token(text="", recognised=True, confidence=0.6))
    readings[4] = Reading.of(Token(text="1", recognised=True, confidence=0.55))
    document = _document_of(evidence)
    cells = _cells(document, "四")
    assert cells["cases", "review_corrected"].needs_review
    assert cells["cases", "review_total"].needs_review


# 3. Decimals are kept exactly as printed.

AMOUNTS = ["5949.088667", "12.3456789012", "1,234.50", "0.5", "12.", "251000元", "96171.6万元"]


def _with_fee(version: str, printed: str, seed: int = 3):
    sample = random_report(TEMPLATES[version], random.Random(seed))
    table = next(t for t in sample.tables if t.table.id == "二")
    key = next(k for k in table.printed if table.table.cell_map[k].column.money)
    table.printed[key] = printed
    return sample, key


@pytest.mark.parametrize("printed", AMOUNTS)
@pytest.mark.parametrize("kind", ["flat", "pipe", "html", "pdf"])
def test_amounts_keep_every_printed_digit(tmp_path: Path, kind: str, printed: str) -> None:
    sample, key = _with_fee("2021", printed)
    rng = random.Random(1)
    path = tmp_path / f"r.{'pdf' if kind == 'pdf' else 'html' if kind == 'html' else 'txt'}"
    if kind == "pdf":
        render_pdf(sample, path, rng)
    else:
        render = {"flat": render_flat_text, "pipe": render_pipe_text, "html": render_html}[kind]
        path.write_text(render(sample, rng), encoding="utf-8")
    document = process_document(path)
    cell = _cells(document, "二")[key]
    number = printed.replace(",", "").removesuffix("万元").removesuffix("元").rstrip(".")
    assert cell.value == Decimal(number)
    written = json.loads(to_json(document), parse_float=Decimal)
    table = next(t for t in written["tables"] if t["id"] == "二")
    value = next(c["value"] for c in table["cells"] if (c["row_key"], c["col_key"]) == key)
    assert str(value) == str(Decimal(number))
    assert f'"value": {Decimal(number)}' in to_json(document)


# 4. Crashes lose whole documents.


def test_a_real_pdf_text_dump_is_read_not_failed(tmp_path: Path) -> None:
    import pypdfium2

    real = Path(__file__).resolve().parents[2] / "shared" / "data" / "real" / "pdf"
    for name in ("hongze-2023", "huaian-2024"):
        pdf = pypdfium2.PdfDocument(real / f"{name}.pdf")
        text = "\n".join(page.get_textpage().get_text_range() for page in pdf)
        path = tmp_path / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        document = process_document(path)
        assert document.status != "failed", document.error
        assert not any("solve failed" in c.message for c in document.checks)


@pytest.mark.parametrize("digits", [17, 18, 19, 30])
def test_a_long_digit_run_is_an_unreadable_reading_not_a_crash(tmp_path: Path, digits: int) -> None:
    sample = random_report(TEMPLATES["2021"], random.Random(7), blank_rate=0.0, blank_total_rate=0.0)
    table = next(t for t in sample.tables if t.table.id == "三")
    key = ("new_received", "natural_person")
    table.printed[key] = "9" * digits
    path = tmp_path / "long.txt"
    path.write_text(render_pipe_text(sample, random.Random(2)), encoding="utf-8")
    document = process_document(path)
    assert document.status == "needs_review" and document.error is None
    cell = _cells(document, "三")[key]
    assert cell.needs_review and cell.review_reason == "unreadable" and cell.raw == "9" * digits


def test_a_table_read_cell_by_cell_with_certain_readings_needs_no_solve() -> None:
    """Nothing left to decide: every reading in its cell and certain, the sums holding. Decided with no
    budget at all, as read, and certain (the solver would have had no other solution)."""
    texts = ["1", "2", "0", "0", "3", *["0"] * 10]
    four = _four(texts)
    decision = solve_table(four, budget_seconds=0.0)
    assert decision.incomplete is None
    document = _document_of(four, decision)
    cells = _cells(document, "四")
    columns = four.table.section_of("cases").columns
    assert [str(cells["cases", column.key].value) for column in columns] == texts
    assert not any(cell.needs_review for cell in cells.values())
    assert document.checks and all(check.passed for check in document.checks)


def test_a_solve_past_its_budget_falls_back_to_what_was_observed() -> None:
    """No time at all: the grid row's readings stay where they were seen, the rest is flagged. (One
    doubtful reading gives 四 something to decide: a table with nothing to decide needs no solve.)"""
    four = _four(["1", "2", "0", "0", "3", *["0"] * 10])
    four.rows["cases"].readings[-1] = Reading.of(Token(text="0", confidence=0.5))
    three = TableEvidence(TEMPLATES["2021"].table("三"))
    three.rows["new_received"] = RowEvidence(readings=[Reading.of(Token(text="5"))])
    for evidence, placed in ((four, True), (three, False)):
        decision = solve_table(evidence, budget_seconds=0.0)
        assert decision.incomplete is not None
        document = _document_of(evidence, decision)
        assert any(c.name == "solve_incomplete" and not c.passed for c in document.checks)
        cells = _cells(document, evidence.table.id)
        if placed:
            assert cells["cases", "review_upheld"].value == 1
            assert not cells["cases", "review_upheld"].needs_review
        else:
            row = [c for key, c in cells.items() if key[0] == "new_received"]
            assert all(c.value is None and c.review_reason == "unproven" for c in row)


# 5. A malformed number becomes another number.


@pytest.mark.parametrize("malformed", ["+189,5", "+-５", "1O5", "12a"])
def test_a_malformed_number_is_kept_unreadable_and_flagged(tmp_path: Path, malformed: str) -> None:
    sample = random_report(TEMPLATES["2019"], random.Random(11), blank_rate=0.0, blank_total_rate=0.0)
    table = next(t for t in sample.tables if t.table.id == "二")
    key = ("licensing", "change")
    table.printed[key] = malformed
    path = tmp_path / "malformed.txt"
    path.write_text(render_flat_text(sample, random.Random(4)), encoding="utf-8")
    document = process_document(path)
    cells = _cells(document, "二")
    cell = cells[key]
    assert cell.needs_review and cell.raw is not None
    for other, expected in table.expected.items():
        decided = cells[other]
        assert decided.value == Decimal(str(expected)) or decided.needs_review, other
    assert document.status == "needs_review"
