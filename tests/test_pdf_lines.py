"""Cell and line text rebuilt from glyph positions: the text-layer faults come out clean."""

from __future__ import annotations

from extractors.pdf_chars import Char
from extractors.pdf_lines import (
    cell_text,
    group_lines,
    is_page_number,
    join_wrapped,
    line_text,
    run_of,
    split_runs,
)

SIZE = 9.0


def row_of(text: str, x: float, y: float, advance: float = SIZE) -> list[Char]:
    """Characters of one line, each ``advance`` wide; a space in ``text`` leaves a gap and no glyph."""
    chars = []
    for ch in text:
        if ch != " ":
            chars.append(Char(ch, x, y, x + (SIZE if ord(ch) > 127 else SIZE / 2), y + SIZE))
        x += advance if ord(ch) > 127 or ch == " " else SIZE / 2
    return chars


def test_vertical_label_one_character_per_line_is_joined() -> None:
    chars = [c for i, ch in enumerate("三、本年度办理结果") for c in row_of(ch, 80, 100 + i * 11)]
    assert cell_text(chars) == "三、本年度办理结果"


def test_label_wrapped_inside_a_cell_is_joined_without_spaces() -> None:
    chars = row_of("（二）部分公开（区分处理的，", 100, 200) + row_of(
        "只计这一情形，不计其他情形）", 104, 211
    )
    assert cell_text(chars) == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"


def test_broken_header_with_a_space_inside_is_one_word() -> None:
    chars = row_of("结 果", 300, 50) + row_of("维持", 302, 61)
    assert cell_text(chars) == "结果维持"


def test_text_layer_order_does_not_matter() -> None:
    chars = row_of("行政规范性文件", 50, 50)
    assert cell_text(list(reversed(chars))) == "行政规范性文件"


def test_latin_words_keep_their_space_and_numbers_stay_whole() -> None:
    assert line_text(row_of("Annual report 2023", 10, 10)) == "Annual report 2023"
    assert cell_text(row_of("96171.", 10, 10) + row_of("6万元", 10, 21)) == "96171.6万元"


def test_a_line_breaks_into_runs_at_wide_gaps_only() -> None:
    line = row_of("一、本年新收申请数量", 50, 300) + row_of("821", 260, 300) + row_of("35", 320, 300)
    runs = [line_text(run) for run in split_runs(group_lines(line)[0])]
    assert runs == ["一、本年新收申请数量", "821", "35"]


def test_lines_are_found_top_to_bottom_despite_small_baseline_shifts() -> None:
    chars = row_of("第二行", 50, 120) + row_of("第一行", 50, 100) + [Char("注", 80, 101.5, 89, 110.5)]
    assert [line_text(line) for line in group_lines(chars)] == ["第一行注", "第二行"]


def test_folios_are_recognised() -> None:
    assert is_page_number("- 4 -", 400, 410, 842)
    assert is_page_number("-12-", 800, 810, 842)
    assert is_page_number("第 3 页", 810, 820, 842)
    assert is_page_number("4/12", 815, 825, 842)
    assert is_page_number("7", 812, 820, 842)
    assert not is_page_number("7", 400, 410, 842)
    assert not is_page_number("共受理政府信息公开申请3119件", 815, 825, 842)


def test_wrapped_paragraph_lines_are_joined_and_headings_are_not() -> None:
    lines = [
        row_of("一、总体情况", 110, 100),
        row_of("本机关2023年共收到政府信息公开申请31", 82, 111),  # the longest line: it reaches the margin
        row_of("19件，均已按规定时限答复。", 82, 122),
        row_of("二、主动公开政府信息情况", 82, 133),
        row_of("附件", 82, 160),
    ]
    joined = join_wrapped([[run_of(line)] for line in lines])
    texts = [line[0].text for line in joined]
    assert len(texts) == 4
    assert texts[0] == "一、总体情况"
    assert "申请3119件" in texts[1]
    assert texts[2:] == ["二、主动公开政府信息情况", "附件"]
