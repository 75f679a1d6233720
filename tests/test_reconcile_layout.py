"""Layout damage: tables without titles, wrapped and vertical labels, page footers inside a table."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from extractors.html import extract_html
from models.document import Document, SourceInfo
from models.observation import Observations
from models.template import builtin_templates
from reconcile import reconcile_document
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.scoring import load_expected, score_document
from samplegen.shared_data import PROJECT_REAL, REAL_DATA
from samplegen.values import random_report

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"


def test_grid_tables_without_their_titles_are_found_by_their_own_labels(tmp_path: Path) -> None:
    template = builtin_templates()[1]
    rng = random.Random(5)
    sample = random_report(template, rng)
    path = tmp_path / "report.html"
    path.write_text(render_html(sample, rng), encoding="utf-8")
    cells_only = [t for t in extract_html(path).tokens if t.grid is not None]
    document = reconcile_document(
        Observations(source_kind="html", media_type="text/html", tokens=cells_only),
        SourceInfo(path=str(path), sha256="", media_type="text/html"),
    )
    expected = {t.table.id: {f"{r}/{c}": v for (r, c), v in t.expected.items()} for t in sample.tables}
    score = score_document(document, expected)
    assert [t.id for t in document.tables] == ["二", "三", "四"]
    assert score.right == score.cells
    assert document.status == "valid"


def test_wrapped_labels_vertical_labels_and_footers_do_not_shift_rows(tmp_path: Path) -> None:
    text = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")
    text = text.replace(
        "(二)部分公开(区分处理的,只计这一情形,不计其他情形)\n\n0\n\n0\n\n0\n",
        "(二)部分公开(区分处理的,\n0\n\n0\n\n- 4 -\n\n0\n只计这一情形,不计其他情形)\n",
    )
    text = text.replace("三、本年度办理结果\n", "三、\n本\n年\n度\n办\n理\n结\n果\n")
    text = text.replace("+189", "+7")
    assert "- 4 -" in text and "\n本\n年\n" in text
    path = tmp_path / "damaged.txt"
    path.write_text(text, encoding="utf-8")
    document = process_document(path)
    expected = load_expected(PROJECT_REAL / "hushan-2020.txt.expected.json")["tables"]
    expected["二"]["other_services/change"] = 7
    score = score_document(document, expected)
    assert score.silent_errors == []
    assert score.right == score.cells
    assert document.status == "valid"


def _with_label_misread(
    tmp_path: Path, seed: int, found: Callable[[str], bool], misread: str
) -> tuple[Document, dict]:
    """A generated HTML report whose first grid label that ``found`` picks reads ``misread``,
    reconciled; with the truth per table."""
    template = builtin_templates()[0]
    rng = random.Random(seed)
    sample = random_report(template, rng, blank_rate=0.0, blank_total_rate=0.0)
    path = tmp_path / "report.html"
    path.write_text(render_html(sample, rng), encoding="utf-8")
    tokens = extract_html(path).tokens
    label = next(t for t in tokens if t.grid is not None and found(t.text))
    label.text = misread
    document = reconcile_document(
        Observations(source_kind="html", media_type="text/html", tokens=tokens),
        SourceInfo(path=str(path), sha256="", media_type="text/html"),
    )
    expected = {t.table.id: {f"{r}/{c}": v for (r, c), v in t.expected.items()} for t in sample.tables}
    return document, expected


def test_a_grid_row_with_an_unreadable_label_is_placed_by_the_rows_around_it(tmp_path: Path) -> None:
    document, expected = _with_label_misread(
        tmp_path, 9, lambda text: "属于四类过程性信息" in text, "6.屈于四尖辻桯"
    )
    score = score_document(document, expected)
    assert score.right == score.cells
    assert document.status == "valid"


def test_a_row_placed_by_its_neighbours_where_no_sum_vouches_is_flagged(tmp_path: Path) -> None:
    """Table 二 has no sums: a row whose label was unread is placed next to the recognised one above
    it, but nothing confirms that the placement (or the row) is right, so its cells are flagged."""
    document, expected = _with_label_misread(
        tmp_path, 4, lambda text: text.strip() == "规范性文件", "枧范忤攵件"
    )
    assert score_document(document, expected).right == sum(len(cells) for cells in expected.values())
    table = next(t for t in document.tables if t.id == "二")
    flagged = {c.row_key for c in table.cells if c.needs_review}
    assert flagged == {"normative_documents"}


def test_a_misread_column_header_is_no_value_of_a_table_without_row_labels(tmp_path: Path) -> None:
    """Table 四's one row has no label: a header a seal blotted ("品复议后起诉") is not taken as a
    value of that row, which would shift its cells."""
    document, expected = _with_label_misread(
        tmp_path, 9, lambda text: text.strip() == "复议后起诉", "品复议后起诉"
    )
    score = score_document(document, expected)
    assert score.right == score.cells
    assert document.status == "valid"


def _with_extra_grid_row(tmp_path: Path, cells: str) -> tuple[Document, dict]:
    """A generated 2021 HTML report with a grid row of its own (``cells``, HTML) before table 三's
    四、结转下年度继续办理 row, reconciled; with the truth per table."""
    template = builtin_templates()[1]
    rng = random.Random(5)
    sample = random_report(template, rng, blank_rate=0.0, blank_total_rate=0.0)
    html = render_html(sample, rng)
    at = html.rfind("<tr>", 0, html.index("四、结转下年度继续办理"))
    path = tmp_path / "report.html"
    path.write_text(html[:at] + f"<tr>{cells}</tr>\n" + html[at:], encoding="utf-8")
    document = reconcile_document(
        extract_html(path), SourceInfo(path=str(path), sha256="", media_type="text/html")
    )
    expected = {t.table.id: {f"{r}/{c}": v for (r, c), v in t.expected.items()} for t in sample.tables}
    return document, expected


def test_a_grid_row_of_label_pieces_leaves_no_value_unplaced(tmp_path: Path) -> None:
    """A Word cell's label wrapped into a grid row of its own (seen in an office scan of the 2021
    template made with LibreOffice): words alone are no value, the document stays valid."""
    document, expected = _with_extra_grid_row(
        tmp_path, '<td colspan="3">他处理</td><td colspan="7">行政机关不再处理其政府信息公开申请</td>'
    )
    assert score_document(document, expected).right == sum(len(cells) for cells in expected.values())
    assert [c.name for c in document.checks if c.name == "unplaced_values"] == []
    assert document.status == "valid"


def test_a_number_in_a_grid_row_no_template_row_takes_is_flagged(tmp_path: Path) -> None:
    """The same row holding a number: the number may be a cell's value, so the document is flagged."""
    document, expected = _with_extra_grid_row(
        tmp_path, '<td colspan="3">他处理</td><td colspan="6">行政机关不再处理</td><td>5</td>'
    )
    assert score_document(document, expected).right == sum(len(cells) for cells in expected.values())
    unplaced = [c for c in document.checks if c.name == "unplaced_values"]
    assert [c.message for c in unplaced] == ["values that belong to no recognised row: 5"]
    assert document.status == "needs_review"
