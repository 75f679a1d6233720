"""HTML pages: cells land on the slots the HTML table model gives them, empty ones included."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.base import ExtractionError
from extractors.html import extract_html
from models.observation import Token
from models.template import builtin_templates
from samplegen.layout import Style, table_layout
from samplegen.render_html import render_html
from samplegen.values import random_report

PAGE = """<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>某局2020年政府信息公开工作年度报告</title>
<script>document.write("<table><tr><td>not a cell</td></tr></table>");</script><style>td{}</style>
</head><body><div>首页 &gt; 政务公开</div><h1>某局2020年
政府信息公开工作年度报告</h1><p>一、总体情况<br>第二行</p>
<table><tr><td><p>三、收到和处理政府信息公开申请情况</p>
<table border="1"><tbody>
<tr><td colspan="3" rowspan="3">（本列数据的勾稽关系为：<br>第一项加第二项之和）</td>
<td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业<br/>企业</td><td><p>科研</p><p>机构</p></td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收</td><td>821</td><td>35</td><td></td><td>&nbsp;</td>
<td> 2 </td><td>1</td><td>859</td></tr>
<tr><td rowspan="0">三<br>、<br>本<br>年</td><td colspan="0">（一）予以公开</td><td></td><td>258</td></tr>
<tr><td rowspan="9">（三）不予公开</td><td>1.属于国家秘密</td><td>14</td></tr>
</tbody><tbody><tr><td>next group</td></tr></tbody>
</table></td><td>layout text</td></tr></table>
<!-- a comment --><p>二、第二段</p></body></html>
"""


def grid_of(tokens: list[Token]) -> dict[tuple[int, int, int], tuple[str, int, int]]:
    return {
        (t.grid.table, t.grid.row, t.grid.col): (t.text, t.grid.rowspan, t.grid.colspan)
        for t in tokens
        if t.grid is not None
    }


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "page.html"
    path.write_bytes(PAGE.encode("gbk"))
    return path


def test_spans_and_empty_cells_get_their_slots(page: Path) -> None:
    grid = grid_of(extract_html(page).tokens)
    assert grid[(0, 0, 0)] == ("（本列数据的勾稽关系为：第一项加第二项之和）", 3, 3)
    assert grid[(0, 0, 3)] == ("申请人情况", 1, 7)
    assert grid[(0, 1, 3)] == ("自然人", 2, 1)
    assert grid[(0, 1, 4)] == ("法人或其他组织", 1, 5)
    assert grid[(0, 1, 9)] == ("总计", 2, 1)
    assert grid[(0, 2, 4)] == ("商业企业", 1, 1)
    assert grid[(0, 2, 5)] == ("科研机构", 1, 1)
    assert [grid[(0, 3, col)][0] for col in range(3, 10)] == ["821", "35", "", "", "2", "1", "859"]
    assert grid[(0, 3, 0)] == ("一、本年新收", 1, 3)
    # rowspan=0 runs to the end of its row group; colspan=0 counts as 1; a rowspan past the group is cut.
    assert grid[(0, 4, 0)] == ("三、本年", 2, 1)
    assert grid[(0, 4, 1)] == ("（一）予以公开", 1, 1)
    assert grid[(0, 4, 2)] == ("", 1, 1)
    assert grid[(0, 5, 1)] == ("（三）不予公开", 1, 1)
    assert grid[(0, 5, 3)] == ("14", 1, 1)
    assert grid[(0, 6, 0)] == ("next group", 1, 1)


def test_text_outside_tables_interleaves_in_document_order(page: Path) -> None:
    tokens = extract_html(page).tokens
    texts = [t.text for t in tokens if t.grid is None]
    assert texts == [
        "某局2020年政府信息公开工作年度报告",
        "首页 > 政务公开",
        "某局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "第二行",
        "三、收到和处理政府信息公开申请情况",
        "layout text",
        "二、第二段",
    ]
    order = [t.text for t in tokens]
    assert order.index("三、收到和处理政府信息公开申请情况") < order.index("申请人情况")
    assert order.index("next group") < order.index("layout text")
    assert "not a cell" not in order
    assert {t.grid.table for t in tokens if t.grid} == {0}


def test_utf8_page_without_declaration(tmp_path: Path) -> None:
    path = tmp_path / "page.htm"
    path.write_bytes(PAGE.replace("charset=gb2312", "").encode("utf-8"))
    assert grid_of(extract_html(path).tokens)[(0, 0, 3)] == ("申请人情况", 1, 7)


def test_binary_and_empty_pages_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "x.html"
    binary.write_bytes(b"\x00\x01\x02<html>" + bytes(range(256)))
    with pytest.raises(ExtractionError, match="is not a text document"):
        extract_html(binary)
    empty = tmp_path / "empty.html"
    empty.write_text("<html><body><script>x=1</script></body></html>", encoding="utf-8")
    with pytest.raises(ExtractionError, match="empty"):
        extract_html(empty)


@pytest.mark.parametrize("seed", range(12))
def test_rendered_reports_round_trip(tmp_path: Path, seed: int) -> None:
    """Every cell the renderer lays out is found at its slot with its spans, values as printed."""
    template = builtin_templates()[seed % 2]
    sample = random_report(template, random.Random(seed))
    path = tmp_path / "report.html"
    path.write_text(render_html(sample, random.Random(seed)), encoding="utf-8")
    tokens = extract_html(path).tokens
    grid = grid_of(tokens)
    expected_slots = 0
    for index, table in enumerate(sample.tables):
        for row in table_layout(table, Style()).rows:
            for cell in row:
                expected_slots += 1
                text, rowspan, colspan = grid[(index, cell.row, cell.col)]
                assert (rowspan, colspan) == (cell.rowspan, cell.colspan)
                if cell.key:
                    assert text == table.printed[cell.key]
    assert len(grid) == expected_slots
    assert tokens[0].text == sample.title
