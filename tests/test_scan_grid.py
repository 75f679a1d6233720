"""Grid detection on drawn report tables: every cell with its slot and spans, whatever the damage."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image
from scan_pages import TruthPage, draw_table_page, fax, rotate, sample_layout, scanned, with_seal

from extractors.scan import cleanup, deskew, grid


def _ink(image) -> np.ndarray:
    return cleanup.ink_mask(cleanup.flatten_light(cleanup.to_grey(np.asarray(image))))


def _levelled(image) -> np.ndarray:
    grey = cleanup.flatten_light(cleanup.to_grey(np.asarray(image)))
    angle = deskew.skew_angle(cleanup.ink_mask(grey))
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    grey = cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return cleanup.ink_mask(grey)


def _slots(tables: list[grid.Table]) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for t in tables for c in t.cells}


def _truth(page: TruthPage) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for c in page.cells}


@pytest.fixture(scope="module")
def table_three() -> TruthPage:
    return draw_table_page(sample_layout("2021", "三", seed=5))


def test_clean_page_every_cell_with_spans_and_boxes(table_three: TruthPage) -> None:
    tables = grid.find_tables(_ink(table_three.image))
    assert len(tables) == 1
    assert _slots(tables) == _truth(table_three)
    found = {(c.row, c.col): c.bbox for c in tables[0].cells}
    for cell in table_three.cells:
        assert np.abs(np.subtract(found[cell.row, cell.col], cell.bbox)).max() <= 3
    # the header note spans 3 label columns and 3 header rows; the vertical group label 25 - 3 rows
    assert (0, 0, 3, 3) in _slots(tables)


@pytest.mark.parametrize("degrees", [3.0, -4.5])
def test_skewed_page_levelled_then_every_cell_found(table_three: TruthPage, degrees: float) -> None:
    turned = rotate(table_three, degrees)
    assert deskew.skew_angle(_ink(turned)) == pytest.approx(-degrees, abs=0.15)
    assert _slots(grid.find_tables(_levelled(turned))) == _truth(table_three)


def test_fax_page_with_broken_lines_keeps_cells_and_spans(table_three: TruthPage) -> None:
    broken = fax(table_three.image, seed=4, gap_rate=0.15)
    raw_lines = grid.line_masks(_ink(broken), grid.line_unit(_ink(broken)))[0]
    assert raw_lines.any()
    assert _slots(grid.find_tables(_ink(broken))) == _truth(table_three)


def test_grey_scan_with_uneven_light_and_a_red_seal() -> None:
    page = draw_table_page(sample_layout("2019", "二", seed=2))
    x0, _, x1, y1 = page.cells[len(page.cells) // 2].bbox
    stamped = with_seal(scanned(page.image, seed=3), ((x0 + x1) // 2, y1), radius=160)
    bgr = np.ascontiguousarray(np.asarray(stamped)[:, :, ::-1])
    assert _slots(grid.find_tables(_ink(bgr))) == _truth(page)


def test_two_tables_on_a_page_are_told_apart() -> None:
    top = draw_table_page(sample_layout("2021", "四", seed=1))
    bottom = draw_table_page(sample_layout("2021", "四", seed=2))
    height = top.image.height // 3
    both = np.vstack([np.asarray(top.image)[:height], np.asarray(bottom.image)[:height]])
    tables = grid.find_tables(_ink(both))
    assert len(tables) == 2
    assert all(len(t.cells) == len(top.cells) for t in tables)
    assert tables[0].bbox[1] < tables[1].bbox[1]


def test_page_without_rules_has_no_table() -> None:
    page = draw_table_page(sample_layout("2021", "四", seed=1))
    text_only = np.asarray(page.image)[: page.cells[0].bbox[1] - 5]
    assert grid.find_tables(_ink(text_only)) == []


def _cut_rules_at(ink: np.ndarray, x: int, width: int) -> np.ndarray:
    """Every horizontal rule broken just left of the vertical rule at ``x``, as fax pages break
    them at crossings: the parts either side are no longer joined."""
    horizontal, _ = grid.line_masks(ink, grid.line_unit(ink))
    cut = ink.copy()
    band = cut[:, x - 4 - width : x - 4]
    band[horizontal[:, x - 4 - width : x - 4] > 0] = 0
    return cut


def test_table_broken_at_a_crossing_is_one_table(table_three: TruthPage) -> None:
    ink = _ink(table_three.image)
    boundary = max(c.bbox[2] for c in table_three.cells if c.col == 0)
    broken = _cut_rules_at(ink, boundary, grid.line_unit(ink) * 5 // 2)
    assert _slots(grid.find_tables(broken)) == _truth(table_three)


def test_line_work_overlapping_a_table_is_no_second_table(table_three: TruthPage) -> None:
    ink = _ink(table_three.image)
    x0 = min(c.bbox[0] for c in table_three.cells)
    y0 = min(c.bbox[1] for c in table_three.cells)
    x1 = max(c.bbox[2] for c in table_three.cells)
    shadowed = ink.copy()
    # A shadowed sheet edge above and left of the table, its box reaching into the table's: the
    # sheet's top and left edges, and a rule of the heading row, never touching the table's rules.
    top, left = y0 - 250, x0 - 80
    cv2.line(shadowed, (left, top), (x1 - 200, top), 255, 3)
    cv2.line(shadowed, (left, top), (left, y0 + 400), 255, 3)
    cv2.line(shadowed, (left, y0 - 120), (x1 - 200, y0 - 120), 255, 3)
    cv2.line(shadowed, (x1 - 200, top), (x1 - 200, y0 - 120), 255, 3)
    assert _slots(grid.find_tables(shadowed)) == _truth(table_three)


def test_a_run_through_large_print_is_no_rule() -> None:
    """A heading's strokes joined by the closing look like a rule; print above and below gives it away."""
    ink = np.zeros((400, 1200), dtype=np.uint8)
    cv2.line(ink, (100, 300), (1100, 300), 255, 3)
    cv2.line(ink, (100, 100), (1100, 100), 255, 3)
    for x in range(100, 1100, 24):
        cv2.rectangle(ink, (x, 80), (x + 14, 96), 255, -1)
        cv2.rectangle(ink, (x + 4, 104), (x + 18, 120), 255, -1)
    horizontal, _ = grid.line_masks(ink, 17)
    assert horizontal[300, 100:1100].mean() > 200
    assert horizontal[100, 100:1100].max() == 0


def _dashed_vertical(ink: np.ndarray, x: int, top: int, bottom: int) -> None:
    """The vertical rule at ``x`` between two horizontal rules redrawn as dashes shorter than any
    piece the line mask keeps, as a fax renders a hairline: 12 px of ink, 8 px of paper."""
    ink[top + 2 : bottom - 1, x - 3 : x + 4] = 0
    for y in range(top + 2, bottom - 13, 20):
        ink[y : y + 12, x - 1 : x + 2] = 255
    ink[bottom - 13 : bottom - 1, x - 1 : x + 2] = 255


def _dashed_horizontal(ink: np.ndarray, y: int, left: int, right: int) -> None:
    ink[y - 3 : y + 4, left + 2 : right - 1] = 0
    for x in range(left + 2, right - 13, 20):
        ink[y - 1 : y + 2, x : x + 12] = 255
    ink[y - 1 : y + 2, right - 13 : right - 1] = 255


def test_rules_drawn_in_dashes_still_part_cells() -> None:
    """Table 四 with two hairlines a fax broke into dashes: the column rule between the last two
    columns (through the sub-header and the value row: no piece of it is long enough for the line
    mask anywhere) and the rule above one sub-header. Each cell stays its own."""
    page = draw_table_page(sample_layout("2021", "四", seed=1))
    ink = _ink(page.image)
    last = max(page.cells, key=lambda c: (c.row, c.col))
    header = next(c for c in page.cells if c.row == 2 and c.col == 9)
    _dashed_vertical(ink, last.bbox[0], header.bbox[1], header.bbox[3])
    _dashed_vertical(ink, last.bbox[0], last.bbox[1], last.bbox[3])
    _dashed_horizontal(ink, header.bbox[1], header.bbox[0], header.bbox[2])
    vertical = grid.line_masks(ink, grid.line_unit(ink))[1]
    assert vertical[header.bbox[1] : last.bbox[3], last.bbox[0]].max() == 0
    assert _slots(grid.find_tables(ink)) == _truth(page)


def test_blurred_text_above_a_table_is_no_part_of_it(table_three: TruthPage) -> None:
    """Strokes of blurred print stacked line over line reach down to the table's top rule; the table
    still starts at that rule."""
    ink = _ink(table_three.image)
    unit = grid.line_unit(ink)
    top = min(c.bbox[1] for c in table_three.cells)
    x0 = min(c.bbox[0] for c in table_three.cells)
    for x in range(x0 + 150, x0 + 1100, 170):
        ink[top - 6 * unit : top, x : x + 3] = 255
    for y in range(top - 6 * unit, top - unit, 2 * unit):
        ink[y : y + 3, x0 + 300 : x0 + 300 + 5 * unit] = 255
    tables = grid.find_tables(ink)
    assert _slots(tables) == _truth(table_three)
    assert abs(tables[0].bbox[1] - top) <= 3


def test_a_rule_nearly_erased_in_one_row_is_kept_where_it_runs_on_above_and_below(
    table_three: TruthPage,
) -> None:
    """A fax wiped a column rule along one row of values but for two short dashes in the middle;
    the rule runs unbroken in the rows above and below and nothing is printed across it."""
    ink = _ink(table_three.image)
    cell = next(c for c in table_three.cells if c.is_value and c.row == 12 and c.col == 5)
    x, top, bottom = cell.bbox[2], cell.bbox[1], cell.bbox[3]
    ink[top + 3 : bottom - 2, x - 3 : x + 4] = 0
    middle = (top + bottom) // 2
    ink[middle - 10 : middle - 4, x - 1 : x + 2] = 255
    ink[middle + 2 : middle + 8, x - 1 : x + 2] = 255
    assert _slots(grid.find_tables(ink)) == _truth(table_three)


@pytest.mark.parametrize("look", ["clean", "fax"])
def test_a_last_row_carried_alone_to_the_next_page_is_a_table(table_three: TruthPage, look: str) -> None:
    """A table's last row at the top of the next page is a table of one row: its vertical rules, one
    row high, are shorter than a line mask keeps elsewhere."""
    last = max(c.row for c in table_three.cells)
    row = [c for c in table_three.cells if c.row == last and c.rowspan == 1]
    top, bottom = row[0].bbox[1], row[0].bbox[3]
    page = np.full_like(np.asarray(table_three.image), 255)
    page[300 : 300 + bottom - top + 3] = np.asarray(table_three.image)[top - 1 : bottom + 2]
    image = Image.fromarray(page)
    ink = _ink(fax(image, seed=3) if look == "fax" else image)
    (table,) = grid.find_tables(ink)
    assert (table.n_rows, len(table.cells)) == (1, len(row))
    near = 3 if look == "clean" else grid.line_unit(ink) // 2  # a fax's broken rule: within half a unit
    drawn = sorted(row, key=lambda c: c.col)
    for cell, truth in zip(table.cells, drawn, strict=True):
        assert abs(cell.bbox[0] - truth.bbox[0]) <= near and abs(cell.bbox[2] - truth.bbox[2]) <= near


def test_a_last_row_carried_alone_with_its_top_rule_broken_is_a_table(table_three: TruthPage) -> None:
    """The lone row's top rule broken in two by a gap of nearly five units (79 px at 200 dpi on a fax
    of the archive set); the rule below it whole. Its pieces are one rule, the row a table."""
    last = max(c.row for c in table_three.cells)
    row = [c for c in table_three.cells if c.row == last and c.rowspan == 1]
    top, bottom = row[0].bbox[1], row[0].bbox[3]
    page = np.full_like(np.asarray(table_three.image), 255)
    page[300 : 300 + bottom - top + 3] = np.asarray(table_three.image)[top - 1 : bottom + 2]
    ink = _ink(Image.fromarray(page))
    middle = (row[0].bbox[0] + row[-1].bbox[2]) // 2
    gap = round(4.6 * grid.line_unit(ink)) // 2
    ink[296:306, middle - gap : middle + gap] = 0
    (table,) = grid.find_tables(ink)
    assert (table.n_rows, len(table.cells)) == (1, len(row))


def test_a_faded_rule_under_a_digit_s_foot_still_parts_its_cells(table_three: TruthPage) -> None:
    """A fax faded the rule over one value cell into dashes shorter than the line mask keeps and
    reaching neither end; the foot of the digit above sits just over one dash. Ink on the rule and
    above it is no print across it (that has ink on both sides): the rule runs on left and right, so
    the cells stay apart."""
    ink = _ink(table_three.image)
    cell = next(c for c in table_three.cells if c.is_value and c.row == 12 and c.col == 5)
    y, left, right = cell.bbox[1], cell.bbox[0], cell.bbox[2]
    ink[y - 3 : y + 4, left + 4 : right - 3] = 0
    for start, end in ((14, 38), (49, 54), (64, 76)):
        ink[y - 1 : y + 2, left + start : left + end] = 255
    ink[y - 10 : y - 7, left + 30 : left + 36] = 255
    unit = grid.line_unit(ink)
    horizontal = grid.line_masks(ink, unit)[0]
    assert horizontal[y - 3 : y + 4, left + unit : right - unit].any(axis=0).mean() < 0.5
    assert _slots(grid.find_tables(ink)) == _truth(table_three)


def test_print_across_a_spanning_cell_s_missing_boundary_is_no_rule() -> None:
    """A character in a spanning cell with its long stroke on a column's line (本 of 本年收费金额
    over three columns, on a fax of the archive set) is thin ink along most of the boundary; its
    cross strokes are print across it, so the cell still spans."""
    page = draw_table_page(sample_layout("2021", "二", seed=5))
    ink = _ink(page.image)
    cell = next(c for c in page.cells if c.is_value and c.colspan == 3 and not c.text)
    x = next(c for c in page.cells if c.row == 2 and c.col == 2).bbox[0]
    top, bottom = cell.bbox[1], cell.bbox[3]
    ink[top + 7 : bottom - 6, x - 1 : x + 1] = 255
    for y in (top + 14, top + 26):
        ink[y - 1 : y + 1, x - 14 : x + 15] = 255
    assert _slots(grid.find_tables(ink)) == _truth(page)


def test_a_rule_in_dashes_in_two_rows_beside_print_is_one_column() -> None:
    """One column rule drawn in dashes through two rows, with a digit's stroke close beside the
    dashes, left of them in one row and right of them in the other: each row sees the rule a few
    pixels off, one column all the same (not two, 11 px apart, as on a seed-78 fax of the archive
    set)."""
    page = draw_table_page(sample_layout("2021", "四", seed=1))
    ink = _ink(page.image)
    last = max(page.cells, key=lambda c: (c.row, c.col))
    header = next(c for c in page.cells if c.row == 2 and c.col == 9)
    x = last.bbox[0]
    for cell, side in ((header, -1), (last, 1)):
        _dashed_vertical(ink, x, cell.bbox[1], cell.bbox[3])
        middle = (cell.bbox[1] + cell.bbox[3]) // 2
        near, far = sorted((x + side * 9, x + side * 11))
        ink[middle - 10 : middle + 10, near:far] = 255
    assert _slots(grid.find_tables(ink)) == _truth(page)


def test_a_faded_rule_runs_on_beside_a_rule_itself_in_dashes(table_three: TruthPage) -> None:
    """A fax left of a column rule along one row of values a single dash in its lower half; in the
    row below, the same rule survives only in dashes (ruled, but too broken for the line mask). It
    runs on all the same: the cells stay apart ("272" and "252" had been read as one, 272252)."""
    ink = _ink(table_three.image)
    cell = next(c for c in table_three.cells if c.is_value and c.row == 12 and c.col == 5)
    below = next(c for c in table_three.cells if c.row == 13 and c.col == 5)
    x = cell.bbox[2]
    ink[cell.bbox[1] + 3 : cell.bbox[3] - 2, x - 3 : x + 4] = 0
    ink[cell.bbox[3] - 22 : cell.bbox[3] - 8, x - 1 : x + 2] = 255
    _dashed_vertical(ink, x, below.bbox[1], below.bbox[3])
    assert _slots(grid.find_tables(ink)) == _truth(table_three)


@pytest.mark.parametrize("digit_beside", [False, True])
def test_a_faded_rule_in_a_table_s_last_row_runs_on_from_the_row_above(digit_beside: bool) -> None:
    """Table 四's value row, its last: a column rule faded to one dash, the outer rule below and the
    same rule solid above; the dash alone in the middle, or longer with a digit set close beside it
    and apart from it (a Word table's left-aligned number). The cells stay apart."""
    page = draw_table_page(sample_layout("2021", "四", seed=1))
    ink = _ink(page.image)
    cell = next(c for c in page.cells if c.row == 3 and c.col == 7)
    x, top, bottom = cell.bbox[0], cell.bbox[1], cell.bbox[3]
    ink[top + 3 : bottom - 2, x - 8 : x + 9] = 0
    middle = (top + bottom) // 2
    if digit_beside:
        ink[middle - 8 : bottom - 2, x - 1 : x + 2] = 255
        ink[middle - 14 : middle + 4, x + 7 : x + 10] = 255
    else:
        ink[middle - 8 : middle + 6, x - 1 : x + 2] = 255
    assert _slots(grid.find_tables(ink)) == _truth(page)


def _rule_after_column_five(page: TruthPage) -> list[tuple[int, int, int, int]]:
    """Where the column rule right of value column 5 runs in rows 12 and 13: its x, each row's top,
    bottom and middle."""
    out = []
    for row in (12, 13):
        cell = next(c for c in page.cells if c.is_value and c.row == row and c.col == 5)
        x, top, bottom = cell.bbox[2], cell.bbox[1], cell.bbox[3]
        out.append((x, top, bottom, (top + bottom) // 2))
    return out


def test_a_rule_faded_along_two_rows_runs_on_between_rules_clear_above_and_below(
    table_three: TruthPage,
) -> None:
    """A column rule faded to a dash in each of two rows of values one under the other; it is whole
    in the rows above and below them. Both rows' cells stay apart ("5" "0" read "510" on a fax)."""
    ink = _ink(table_three.image)
    for x, top, bottom, middle in _rule_after_column_five(table_three):
        ink[top + 3 : bottom - 2, x - 3 : x + 4] = 0
        ink[middle - 6 : middle + 6, x - 1 : x + 2] = 255
    assert _slots(grid.find_tables(ink)) == _truth(table_three)


def test_a_faded_rule_with_a_digit_close_beside_it_in_two_rows_still_parts_the_cells(
    table_three: TruthPage,
) -> None:
    """As above, each dash with a digit's stroke nine pixels off it along its whole length (a Word
    table's left-aligned number, as on the seed-79 fax fax-docx-2021-04 of the archive set, where
    "5" "0" were read "510"): the dash has paper just beside it, the digit stands apart."""
    ink = _ink(table_three.image)
    for x, top, bottom, middle in _rule_after_column_five(table_three):
        ink[top + 3 : bottom - 2, x - 3 : x + 14] = 0
        ink[middle - 8 : middle + 8, x - 1 : x + 2] = 255
        ink[middle - 10 : middle + 10, x + 10 : x + 13] = 255
    assert _slots(grid.find_tables(ink)) == _truth(table_three)


def test_a_lone_row_whose_only_inner_rule_is_in_dashes_is_a_table_of_two_cells() -> None:
    """Table 二's last row (行政事业性收费 and its amount) carried alone to the next page, its one
    inner rule broken into dashes shorter than any piece the line mask keeps (as on the seed-77 fax
    fax-docx-2021-01 of the archive set): a table of one row and two cells, not a box of one."""
    page = draw_table_page(sample_layout("2021", "二", seed=5))
    last = max(c.row for c in page.cells)
    label = min((c for c in page.cells if c.row == last), key=lambda c: c.col)
    top, bottom = label.bbox[1], label.bbox[3]
    blank = np.full_like(np.asarray(page.image), 255)
    blank[300 : 300 + bottom - top + 3] = np.asarray(page.image)[top - 1 : bottom + 2]
    ink = _ink(Image.fromarray(blank))
    x = label.bbox[2]
    _dashed_vertical(ink, x, 301, 301 + bottom - top)
    assert grid.line_masks(ink, grid.line_unit(ink))[1][305 : 295 + bottom - top, x].max() == 0
    (table,) = grid.find_tables(ink)
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in table.cells] == [(0, 0, 1, 1), (0, 1, 1, 1)]
    assert abs(table.cells[0].bbox[2] - x) <= grid.line_unit(ink) // 2


def test_a_table_whose_rules_broke_into_two_overlapping_parts_is_one_table() -> None:
    """A fax broke table 二's left rule in one row, its right rule four rows lower and the rules
    between near their left ends (as on the seed-79 fax fax-reportlab-2021-05 of the archive set):
    its line work is two pieces whose boxes overlap, each holding some of the rows. One table."""
    page = draw_table_page(sample_layout("2021", "二", seed=5))
    ink = _ink(page.image)
    unit = grid.line_unit(ink)
    tops = sorted({c.bbox[1] for c in page.cells})
    bottoms = sorted({c.bbox[3] for c in page.cells})
    left = min(c.bbox[0] for c in page.cells)
    right = max(c.bbox[2] for c in page.cells)
    ink[tops[7] + 3 : bottoms[7] - 2, left - 4 : left + 5] = 0
    ink[tops[11] + 3 : bottoms[11] - 2, right - 4 : right + 5] = 0
    for row in (8, 9, 10, 11):
        ink[tops[row] - 4 : tops[row] + 5, left + 3 * unit : left + 7 * unit] = 0
    horizontal, vertical = grid.line_masks(ink, unit)
    pieces = grid.components(cv2.dilate(horizontal | vertical, np.ones((5, 5), np.uint8)))
    (a, _), (b, _) = sorted((p for p in pieces if p[0][3] - p[0][1] > 3 * unit), key=lambda p: p[0][1])
    assert a[1] < b[1] < a[3] < b[3]
    assert _slots(grid.find_tables(ink)) == _truth(page)


def test_a_faded_rule_between_sub_headers_runs_on_from_the_row_below() -> None:
    """Table 四's column rule between 结果维持 and 结果纠正 under 未经复议直接起诉 faded to two
    dashes, the lower one meeting the rule below; above them the spanning header has no rule there
    at all, below it the rule is whole (the faxes of the archive set's seeds 77-79: sub-headers of
    tables 三 and 四 read as one cell, a 2019 table 二 label with its value). The dashes stand alone,
    so the rule ends with them and the two sub-headers stay apart."""
    page = draw_table_page(sample_layout("2021", "四", seed=1))
    ink = _ink(page.image)
    cell = next(c for c in page.cells if c.row == 2 and c.col == 6)
    x, top, bottom = cell.bbox[0], cell.bbox[1], cell.bbox[3]
    ink[top + 3 : bottom - 2, x - 3 : x + 4] = 0
    ink[top + 29 : top + 38, x - 1 : x + 2] = 255
    ink[bottom - 20 : bottom - 1, x - 1 : x + 2] = 255
    assert _slots(grid.find_tables(ink)) == _truth(page)
