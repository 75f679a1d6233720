"""Rules on certain and doubtful readings: printed values are kept, misreads the sums expose are corrected."""

from __future__ import annotations

import random

from extractors.html import extract_html
from models.document import Document, SourceInfo
from models.observation import GridPosition, Observations, Token
from models.template import builtin_templates
from reconcile import reconcile_document
from samplegen.render_html import render_html
from samplegen.values import random_report

SOURCE = SourceInfo(path="memory", sha256="", media_type="text/html")
REVIEW_HEADER = ["行政复议", "行政诉讼"]
BLOCK = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _table_four(values: list[str], confidence: float = 1.0) -> list[Token]:
    """Table 四 as a grid: its title, a header row and the value row of fifteen cells."""
    tokens = [Token(text="四、政府信息公开行政复议、行政诉讼情况")]
    header = [*BLOCK, *BLOCK, *BLOCK]
    tokens += [Token(text=label, grid=GridPosition(table=0, row=0, col=i)) for i, label in enumerate(header)]
    tokens += [
        Token(text=text, confidence=confidence, grid=GridPosition(table=0, row=1, col=i))
        for i, text in enumerate(values)
    ]
    return tokens


def _reconcile(tokens: list[Token]) -> Document:
    return reconcile_document(Observations(source_kind="scan", media_type="image/png", tokens=tokens), SOURCE)


def _cells(document: Document, table_id: str) -> dict:
    table = next(t for t in document.tables if t.id == table_id)
    return {f"{c.row_key}/{c.col_key}": c for c in table.cells}


def test_a_certain_reading_that_breaks_a_rule_is_kept_and_flagged() -> None:
    """The real report that prints 行政复议 10 + 1 + 0 + 0 and 总计 0."""
    values = ["10", "1", "0", "0", "0"] + ["0"] * 10
    document = _reconcile(_table_four(values))
    cells = _cells(document, "四")
    review = [cells[f"cases/review_{k}"].value for k in ("upheld", "corrected", "other", "pending", "total")]
    assert review == [10, 1, 0, 0, 0]
    assert all(cells[f"cases/review_{k}"].needs_review for k in ("upheld", "corrected", "total"))
    assert not cells["cases/direct_total"].needs_review
    failed = [c for c in document.checks if c.kind == "rule" and not c.passed]
    assert [(c.name, c.expected, c.actual) for c in failed] == [("review_total[cases]", 11, 0)]
    assert document.status == "needs_review"


def test_a_doubtful_digit_the_sums_single_out_is_corrected() -> None:
    values = ["5", "2", "0", "0", "7", "3", "1", "0", "0", "4"] + ["0"] * 5
    tokens = _table_four(values, confidence=0.98)
    misread = next(t for t in tokens if t.grid and t.grid.row == 1 and t.grid.col == 1)
    misread.text, misread.confidence = "7", 0.42
    cells = _cells(_reconcile(tokens), "四")
    cell = cells["cases/review_corrected"]
    assert (cell.value, cell.raw, cell.origin) == (2, "7", "corrected")
    assert not cell.needs_review


def test_two_doubtful_digits_the_sums_cannot_tell_apart_are_flagged() -> None:
    """5 + 3 ≠ 7 with both parts doubtful: either could be the misread, so both need review."""
    values = ["5", "3", "0", "0", "7"] + ["0"] * 10
    tokens = _table_four(values, confidence=0.98)
    for token in tokens:
        if token.grid and token.grid.row == 1 and token.grid.col in (0, 1):
            token.confidence = 0.5 if token.grid.col == 0 else 0.45
    document = _reconcile(tokens)
    cells = _cells(document, "四")
    assert cells["cases/review_upheld"].needs_review
    assert cells["cases/review_corrected"].needs_review
    assert any(c.kind == "ambiguous" for c in document.checks)


def test_an_ocr_misread_in_table_three_is_corrected_from_row_and_column_sums(tmp_path) -> None:
    template = next(t for t in builtin_templates() if t.version == "2021")
    rng = random.Random(7)
    sample = random_report(template, rng, blank_rate=0.0, blank_total_rate=0.0, zero_rate=0.3)
    path = tmp_path / "report.html"
    path.write_text(render_html(sample, rng), encoding="utf-8")
    observations = extract_html(path)
    table3 = next(t for t in sample.tables if t.table.id == "三")
    key = next(
        k
        for k, v in table3.expected.items()
        if k[1] == "natural_person" and v >= 2 and k[0] != "total_handled"
    )
    truth = table3.expected[key]
    label = next(row.label for row in table3.table.rows if row.key == key[0])
    grid_row = next(t.grid.row for t in observations.tokens if t.grid and t.text == label)
    target = next(
        t for t in observations.tokens if t.grid and t.grid.row == grid_row and t.text == str(truth)
    )
    target.text, target.confidence = str(truth + 5), 0.35
    document = reconcile_document(observations, SOURCE)
    cell = _cells(document, "三")[f"{key[0]}/{key[1]}"]
    assert (cell.value, cell.origin, cell.raw) == (truth, "corrected", str(truth + 5))
    assert document.status == "valid"


def _table_two_2019(rows: dict[str, list[str]]) -> list[Token]:
    """Table 二's first two blocks as a grid: a heading row, a header row, then label + value cells."""
    tokens = [Token(text="二、主动公开政府信息情况")]
    grid_rows = [
        ["第二十条第（一）项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "1", "1", "5"],
        ["规范性文件", "2", "2", "9"],
        ["第二十条第（五）项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        *([label, *values] for label, values in rows.items()),
    ]
    for r, cells in enumerate(grid_rows):
        tokens += [Token(text=text, grid=GridPosition(table=0, row=r, col=c)) for c, text in enumerate(cells)]
    return tokens


def test_a_grid_row_with_merged_cells_is_flagged_not_trusted() -> None:
    """OCR of a merged cell read "-186" and "0" as "-1860": the only sign is the missing cell."""
    document = _reconcile(
        _table_two_2019({"行政许可": ["3", "-1860"], "其他对外管理服务事项": ["0", "0", "0"]})
    )
    cells = _cells(document, "二")
    assert all(cells[f"licensing/{col}"].needs_review for col in ("previous_items", "change", "decisions"))
    assert not cells["other_services/change"].needs_review
    assert not cells["regulations/total_public"].needs_review
    assert any(c.name == "rows_damaged" for c in document.checks)


def test_value_cells_read_as_words_are_unknown_not_blank() -> None:
    """A red seal over a row: its cells come out as characters, which must not pass for empty cells."""
    document = _reconcile(
        _table_two_2019({"行政许可": ["帝思", "3公", "X"], "其他对外管理服务事项": ["0", "+2", "0"]})
    )
    cells = _cells(document, "二")
    licensing = [cells[f"licensing/{col}"] for col in ("previous_items", "change", "decisions")]
    assert all(cell.needs_review for cell in licensing)
    assert [cell.raw for cell in licensing] == ["帝思", "3公", "X"]
    assert cells["other_services/change"].value == 2
    assert not cells["other_services/change"].needs_review


def test_a_sum_that_holds_through_an_unreadable_cell_confirms_no_ocr_reading() -> None:
    """行政复议 5 + ? + 0 + 0 = 7: the unreadable cell takes 2, but only if the 5 and the 7 are right, and
    nothing else vouches for them; the zeros of the other blocks check each other."""
    values = ["5", "帝", "0", "0", "7"] + ["0"] * 10
    tokens = _table_four(values, confidence=0.99)
    for token in tokens:
        token.recognised = token.grid is not None
    cells = _cells(_reconcile(tokens), "四")
    assert cells["cases/review_upheld"].needs_review
    corrected = cells["cases/review_corrected"]
    assert (corrected.value, corrected.origin, corrected.needs_review) == (2, "corrected", True)
    assert cells["cases/review_total"].needs_review
    assert not cells["cases/direct_total"].needs_review


def test_a_negative_reading_in_a_cell_that_holds_counts_is_doubted_not_fatal() -> None:
    """A certain "-3" where only counts can stand once made the whole document fail (the solver had
    no assignment); now it is a reading like a doubtful one: here the sum singles out 3."""
    values = ["-3", "2", "0", "0", "5"] + ["0"] * 10
    document = _reconcile(_table_four(values))
    cells = _cells(document, "四")
    assert document.status != "failed"
    upheld = cells["cases/review_upheld"]
    assert (upheld.value, upheld.raw, upheld.origin) == (3, "-3", "corrected")
    assert not cells["cases/direct_total"].needs_review
