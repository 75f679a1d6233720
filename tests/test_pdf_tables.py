"""Ruled report tables out of digital PDFs: every cell at its slot with its spans, blanks kept.

The PDFs are drawn by ``tests/pdf_samples.py`` with real text-layer faults (vertical labels one
character per line, wrapped labels, headers broken over two lines with a space, folios, tables
split over pages); the truth of each drawn part is the grid a lattice reader must see on its page.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from pdf_samples import FONT, DrawnTable, PdfWriter, register_font, sample_layout
from reportlab.pdfgen.canvas import Canvas

from extractors.pdf import extract_pdf
from extractors.pdf_tables import merge_slots
from models.observation import Observations

Cell = tuple[int, int, int, int, str]


def grid_cells(observations: Observations, table: int) -> list[Cell]:
    return [
        (t.grid.row, t.grid.col, t.grid.rowspan, t.grid.colspan, t.text)
        for t in observations.tokens
        if t.grid is not None and t.grid.table == table
    ]


def truth(drawn: DrawnTable) -> list[Cell]:
    return [(e.row, e.col, e.rowspan, e.colspan, e.text) for e in drawn.cells]


def test_merge_slots_turns_unruled_runs_into_spans() -> None:
    # (ruled right, ruled bottom) per slot: a 2x2 block at the top left, a 2-high cell on the right.
    flags = [
        [(False, False), (True, False), (True, False)],
        [(False, True), (True, True), (True, True)],
        [(True, True), (True, True), (True, True)],
    ]
    assert list(merge_slots(flags)) == [(0, 0, 2, 2), (0, 2, 2, 1), (2, 0, 1, 1), (2, 1, 1, 1), (2, 2, 1, 1)]


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("table_id", ["二", "三", "四"])
def test_every_cell_of_each_report_table_at_its_slot(tmp_path: Path, version: str, table_id: str) -> None:
    writer = PdfWriter(tmp_path / "report.pdf")
    writer.text("某某区人民政府政府信息公开工作年度报告", 16)
    writer.table(sample_layout(version, table_id, seed=7))
    writer.save()
    observations = extract_pdf(tmp_path / "report.pdf")
    assert observations.source_kind == "pdf"
    assert observations.media_type == "application/pdf"
    assert observations.pages == 1
    assert grid_cells(observations, 0) == truth(writer.tables[0])
    assert all(t.confidence == 1.0 and t.page == 1 for t in observations.tokens)


def test_blank_cells_are_kept_in_place_and_merged_cells_are_not_blanks(tmp_path: Path) -> None:
    layout = sample_layout("2021", "三", seed=11)
    for row in layout.rows:
        for cell in row:
            if cell.key is not None:
                cell.lines = [""]
    writer = PdfWriter(tmp_path / "blank.pdf")
    writer.table(layout)
    writer.save()
    cells = grid_cells(extract_pdf(tmp_path / "blank.pdf"), 0)
    assert cells == truth(writer.tables[0])
    assert sum(1 for cell in cells if cell[4] == "") == 25 * 7
    header = next(cell for cell in cells if cell[4].startswith("（本列数据的勾稽关系为"))
    assert header[:4] == (0, 0, 3, 3)
    assert not any(r < 3 and c < 3 for r, c, *_ in cells if (r, c) != (0, 0))


def test_table_continued_on_the_next_page_without_its_header(tmp_path: Path) -> None:
    writer = PdfWriter(tmp_path / "split.pdf")
    writer.table(sample_layout("2021", "三", seed=3), split_after=12)
    writer.save()
    observations = extract_pdf(tmp_path / "split.pdf")
    assert observations.pages == 2
    assert [d.page for d in writer.tables] == [1, 2]
    for index, drawn in enumerate(writer.tables):
        assert grid_cells(observations, index) == truth(drawn)
        assert {t.page for t in observations.tokens if t.grid and t.grid.table == index} == {drawn.page}


def test_table_continued_with_its_header_repeated(tmp_path: Path) -> None:
    writer = PdfWriter(tmp_path / "repeat.pdf")
    writer.table(sample_layout("2019", "三", seed=5), split_after=14, repeat_header=3)
    writer.save()
    observations = extract_pdf(tmp_path / "repeat.pdf")
    second = grid_cells(observations, 1)
    assert second == truth(writer.tables[1])
    assert any(text == "申请人情况" for *_, text in second)


def test_vertical_wrapped_and_broken_labels_come_out_whole(tmp_path: Path) -> None:
    writer = PdfWriter(tmp_path / "labels.pdf")
    writer.table(sample_layout("2021", "三", seed=2))
    writer.table(sample_layout("2021", "四", seed=2))
    writer.save()
    observations = extract_pdf(tmp_path / "labels.pdf")
    texts = {t.text for t in observations.tokens if t.grid is not None}
    assert "三、本年度办理结果" in texts  # drawn one character per line
    assert "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" in texts  # wrapped in its cell
    assert "5.要求行政机关确认或重新出具已获取信息" in texts
    assert {"商业企业", "社会公益组织", "结果维持", "尚未审结"} <= texts  # drawn as 商 业 / 企业


def test_folios_are_dropped_and_text_interleaves_with_tables(tmp_path: Path) -> None:
    writer = PdfWriter(tmp_path / "order.pdf")
    writer.text("某某区人民政府2023年政府信息公开工作年度报告", 16, bold_twice=True)
    writer.text("二、主动公开政府信息情况")
    writer.table(sample_layout("2021", "二", seed=1))
    writer.text("三、收到和处理政府信息公开申请情况")
    writer.table(sample_layout("2021", "三", seed=1), split_after=20)
    writer.text("五、存在的主要问题及改进情况")
    writer.save()
    observations = extract_pdf(tmp_path / "order.pdf")
    sequence = [t.text if t.grid is None else f"<table {t.grid.table}>" for t in observations.tokens]
    compact = [item for i, item in enumerate(sequence) if i == 0 or item != sequence[i - 1]]
    assert compact == [
        "某某区人民政府2023年政府信息公开工作年度报告",
        "二、主动公开政府信息情况",
        "<table 0>",
        "三、收到和处理政府信息公开申请情况",
        "<table 1>",
        "<table 2>",
        "五、存在的主要问题及改进情况",
    ]
    assert not any(
        "-" in t.text and t.grid is None and t.text.strip("- ").isdigit() for t in observations.tokens
    )


def test_boxes_are_points_from_the_top_left(tmp_path: Path) -> None:
    writer = PdfWriter(tmp_path / "boxes.pdf")
    writer.text("标题", 16)
    writer.table(sample_layout("2021", "四", seed=4))
    writer.save()
    observations = extract_pdf(tmp_path / "boxes.pdf")
    title = observations.tokens[0]
    assert title.text == "标题"
    assert title.bbox is not None and 45 < title.bbox[0] < 55 and 45 < title.bbox[1] < 60
    cells = [t for t in observations.tokens if t.grid is not None]
    assert min(t.bbox[1] for t in cells if t.bbox) > title.bbox[3]
    assert all(t.bbox and t.bbox[0] < t.bbox[2] and t.bbox[1] < t.bbox[3] for t in cells)


def test_table_ruled_with_polylines_is_found_by_the_raster_pass(tmp_path: Path) -> None:
    """Rules drawn as one zig-zag path are no lines to the vector pass; the rendered page shows them."""
    register_font()
    canvas = Canvas(str(tmp_path / "polyline.pdf"))
    xs, ys = [72, 200, 260, 320], [700, 680, 660, 640]
    path = canvas.beginPath()
    path.moveTo(xs[0], ys[0])
    for top, bottom in itertools.pairwise(ys):
        for x, y in ((xs[-1], top), (xs[-1], bottom), (xs[0], bottom), (xs[0], top)):
            path.lineTo(x, y)
        path.moveTo(xs[0], bottom)
    path.moveTo(xs[1], ys[0])
    for x, y in ((xs[1], ys[-1]), (xs[2], ys[-1]), (xs[2], ys[0]), (xs[3], ys[0])):
        path.lineTo(x, y)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setFont(FONT, 10)
    rows = [["信息内容", "制发", "废止"], ["规章", "3", "1"], ["行政规范性文件", "12", ""]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            canvas.drawString(xs[c] + 4, ys[r] - 14, text)
    canvas.showPage()
    canvas.save()
    cells = grid_cells(extract_pdf(tmp_path / "polyline.pdf"), 0)
    assert cells == [(r, c, 1, 1, text) for r, row in enumerate(rows) for c, text in enumerate(row)]


def test_table_without_rules_comes_out_as_positioned_runs_row_by_row(tmp_path: Path) -> None:
    register_font()
    canvas = Canvas(str(tmp_path / "unruled.pdf"))
    canvas.setFont(FONT, 10)
    rows = [["信息内容", "本年制发件数", "本年废止件数"], ["规章", "3", "1"], ["行政规范性文件", "12", "0"]]
    columns = [72, 250, 350]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            canvas.drawString(columns[c], 700 - 20 * r, text)
    canvas.showPage()
    canvas.save()
    tokens = extract_pdf(tmp_path / "unruled.pdf").tokens
    assert [t.text for t in tokens] == [text for row in rows for text in row]
    assert all(t.grid is None and t.bbox is not None for t in tokens)
    assert [round(t.bbox[0]) for t in tokens] == columns * 3
    for r in range(3):
        baseline = 841.89 - (700 - 20 * r)  # top-left origin: y grows downwards
        assert all(t.bbox and t.bbox[1] < baseline < t.bbox[3] for t in tokens[3 * r : 3 * r + 3])
