"""Review pages: real documents laid out as their template, flags and checks shown, every text escaped."""

from __future__ import annotations

import shutil
from pathlib import Path

import lxml.html
import pytest
from typer.testing import CliRunner

from models.document import Document, ReportInfo, TemplateRef
from models.template import builtin_templates
from reportgrid.cli import app
from reportgrid.output import write_document
from reportgrid.pipeline import process_document
from reportgrid.review_page import render_review
from samplegen.shared_data import REAL_DATA

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"
runner = CliRunner()


@pytest.fixture(scope="module")
def shanghai() -> Document:
    document = process_document(REAL_DATA / "shanghai-2019.txt")
    assert document.status == "needs_review"
    assert any(check.kind == "ambiguous" for check in document.checks)
    return document


@pytest.fixture(scope="module")
def hushan() -> Document:
    document = process_document(REAL_DATA / "hushan-2020.txt")
    assert document.status == "valid"
    return document


def _grid(page: str, table_id: str) -> lxml.html.HtmlElement:
    (grid,) = lxml.html.fromstring(page).xpath("//table[@data-table=$id]", id=table_id)
    return grid


@pytest.mark.parametrize("name", ["shanghai", "hushan"])
def test_every_cell_of_table_three_sits_in_its_row_and_column(
    name: str, request: pytest.FixtureRequest
) -> None:
    document: Document = request.getfixturevalue(name)
    grid = _grid(render_review(document), "三")
    (table,) = [table for table in document.tables if table.id == "三"]
    for cell in table.cells:
        (row,) = grid.xpath(".//tr[@data-row=$row]", row=cell.row_key)
        assert row.xpath("./th")[-1].text_content() == cell.row_path[-1]
        (td,) = row.xpath("./td[@data-col=$col]", col=cell.col_key)
        assert td.xpath(".//span[@class='value']")[0].text_content() == str(cell.value)
        assert cell.origin in td.get("class").split()


def test_rows_and_headers_follow_the_template(hushan: Document) -> None:
    grid = _grid(render_review(hushan), "三")
    spec = next(t for t in builtin_templates() if t.version == "2019").table("三")
    assert [row.get("data-row") for row in grid.xpath(".//tr[@data-row]")] == [row.key for row in spec.rows]
    spans = {th.text_content(): int(th.get("colspan")) for th in grid.xpath(".//th[@class='col']")}
    assert spans["申请人情况"] == 7
    assert spans["法人或其他组织"] == 5
    group = grid.xpath(".//th[normalize-space()='三、本年度办理结果']")[0]
    assert int(group.get("rowspan")) == sum(row.path[0] == "三、本年度办理结果" for row in spec.rows)


def test_flagged_cells_carry_the_flag_and_their_alternatives(shanghai: Document) -> None:
    root = lxml.html.fromstring(render_review(shanghai))
    flagged = root.xpath("//td[contains(concat(' ', @class, ' '), ' flag ')]")
    assert len(flagged) == sum(cell.needs_review for table in shanghai.tables for cell in table.cells)
    ambiguous = [check for check in shanghai.checks if check.kind == "ambiguous"]
    for check in ambiguous:
        ((row_key, col_key),) = check.cells
        (td,) = root.xpath(
            "//table[@data-table=$t]//tr[@data-row=$r]/td[@data-col=$c]", t=check.table, r=row_key, c=col_key
        )
        assert "flag" in td.get("class").split()
        alternatives = ", ".join(str(value) for value in check.alternatives)
        assert f"alternatives: {alternatives}" in td.get("title")
        assert "confidence " in td.get("title")


def test_every_text_is_escaped(hushan: Document) -> None:
    hostile = "<script>alert('x')</script>\"><img src=x>"
    document = hushan.model_copy(
        deep=True, update={"report": ReportInfo(issuer=hostile, year=2020), "error": hostile}
    )
    document.tables[1].cells[0] = document.tables[1].cells[0].model_copy(update={"raw": hostile})
    page = render_review(document)
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    root = lxml.html.fromstring(page)
    assert hostile in root.xpath("string(//div[@class='error'])")
    assert hostile in root.xpath("//tr[@data-row='new_received']/td[@data-col='natural_person']/@title")[0]


def test_a_failed_document_shows_its_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(256)) * 4)
    document = process_document(path)
    assert document.status == "failed" and document.error
    root = lxml.html.fromstring(render_review(document))
    assert root.xpath("string(//div[@class='error'])") == f"not_text: {document.error.message}"
    assert not root.xpath("//table[@class='grid']")


def test_failed_rules_show_expected_and_actual(tmp_path: Path) -> None:
    source = (SAMPLES / "generated-2021.html").read_text(encoding="utf-8")
    damaged = tmp_path / "damaged.html"
    damaged.write_text(source.replace(">2543<", ">2549<", 1), encoding="utf-8")
    document = process_document(damaged)
    failed = [check for check in document.checks if check.kind == "rule" and not check.passed]
    assert failed
    root = lxml.html.fromstring(render_review(document))
    shown = {
        row.xpath("string(td[1])"): (row.xpath("string(td[2])"), row.xpath("string(td[3])"))
        for row in root.xpath("//table[@class='checks']//tr[td]")
    }
    assert shown == {check.name: (str(check.expected), str(check.actual)) for check in failed}


def test_a_missing_table_shows_its_structure_check(tmp_path: Path) -> None:
    text = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: text.index("四、政府信息公开行政复议")], encoding="utf-8")
    document = process_document(cut)
    (missing,) = [check for check in document.checks if check.kind == "structure" and check.table == "四"]
    page = render_review(document)
    assert "Table 四: not in the result" in page
    assert missing.message in lxml.html.fromstring(page).text_content()


def test_an_unknown_template_is_laid_out_from_the_cells(hushan: Document) -> None:
    document = hushan.model_copy(update={"template": TemplateRef(id="other-report", version="1")})
    page = render_review(document)
    assert "no template found" in page
    grid = _grid(page, "三")
    for cell in document.tables[1].cells:
        value = grid.xpath(".//tr[@data-row=$r]/td[@data-col=$c]//span", r=cell.row_key, c=cell.col_key)
        assert value[0].text_content() == str(cell.value)


def test_cli_review_writes_linked_pages_and_skips_what_is_not_a_document(
    shanghai: Document, hushan: Document, tmp_path: Path
) -> None:
    write_document(shanghai, tmp_path, "shanghai-2019.json")
    write_document(hushan, tmp_path, "hushan-2020.json")
    (tmp_path / "broken.json").write_text('{"status": "odd"}', encoding="utf-8")
    shutil.copy(tmp_path / "hushan-2020.json", tmp_path / "run-summary.json")
    result = runner.invoke(app, ["review", str(tmp_path)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    pages = sorted(path.name for path in (tmp_path / "review").iterdir())
    assert pages == ["hushan-2020.html", "index.html", "shanghai-2019.html"]
    assert "2 documents' review pages written" in result.output
    assert "broken.json" in result.output and "1 skipped" in result.output
    index = lxml.html.fromstring((tmp_path / "review" / "index.html").read_text(encoding="utf-8"))
    links = index.xpath("//a/@href")
    assert links == ["shanghai-2019.html", "hushan-2020.html"]  # the one needing review first
    page = lxml.html.fromstring((tmp_path / "review" / "shanghai-2019.html").read_text(encoding="utf-8"))
    flagged = page.xpath("//ol[@class='review']/li[@class='flagged']")
    assert len(flagged) == sum(cell.needs_review for table in shanghai.tables for cell in table.cells)
    assert not page.xpath("//form")  # the static pages are read only


def test_cli_review_of_a_folder_without_json_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "run-summary.json").write_text("{}", encoding="utf-8")
    result = runner.invoke(app, ["review", str(tmp_path)])
    assert result.exit_code == 2
    assert "no document JSON found" in result.output
