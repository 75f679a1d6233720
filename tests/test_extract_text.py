"""Text pages: real scraped reports tokenise line by line, encodings decode alike, binary is refused."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.base import ExtractionError
from extractors.text import extract_text
from models.template import builtin_templates
from samplegen.layout import Style, table_layout
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.shared_data import REAL_DATA
from samplegen.values import random_report


def texts(path: Path) -> list[str]:
    return [token.text for token in extract_text(path).tokens]


def after(tokens: list[str], label: str, count: int) -> list[str]:
    index = tokens.index(label)
    return tokens[index + 1 : index + 1 + count]


def test_hushan_lines_become_tokens() -> None:
    path = REAL_DATA / "hushan-2020.txt"
    tokens = texts(path)
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert tokens == lines
    assert "湖山乡人民政府2020年政府信息公开工作年度报告" in tokens
    # The first row of table 三 printed five zeros: two of its seven cells were blank and vanished.
    assert after(tokens, "一、本年新收政府信息公开申请数量", 6) == ["0"] * 5 + [
        "二、上年结转政府信息公开申请数量"
    ]
    assert after(tokens, "规范性文件", 3) == ["0", "0", "1"]
    assert after(tokens, "其他对外管理服务事项", 3) == ["0", "+189", "0"]


def test_shanghai_rows_keep_only_printed_cells() -> None:
    tokens = texts(REAL_DATA / "shanghai-2019.txt")
    assert after(tokens, "一、本年新收政府信息公开申请数量", 5) == ["821", "35", "2", "1", "859"]
    assert after(tokens, "政府集中采购", 2) == ["6", "251000元"]
    assert after(tokens, "本年新", 1) == ["制作数量"]


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("shanghai-2019.txt", "gbk"),
        ("hushan-2020.txt", "gb18030"),
        ("hushan-2020.txt", "utf-8-sig"),
        ("shanghai-2019.txt", "utf-16"),
    ],
)
def test_other_encodings_decode_identically(tmp_path: Path, name: str, encoding: str) -> None:
    original = REAL_DATA / name
    copy = tmp_path / name
    copy.write_bytes(original.read_text(encoding="utf-8").encode(encoding))
    assert texts(copy) == texts(original)


def test_binary_garbage_is_refused(tmp_path: Path) -> None:
    rng = random.Random(7)
    cases = {
        "nul.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.randrange(256) for _ in range(500)),
        "noise.txt": bytes(rng.randrange(1, 256) for _ in range(2000)),
        "controls.txt": "报告".encode() + bytes(range(1, 9)) * 20,
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ExtractionError, match="is not a text document"):
            extract_text(path)


def test_unreadable_and_empty_files_give_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="cannot read"):
        extract_text(tmp_path / "missing.txt")
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match="empty"):
        extract_text(empty)


def test_bar_rows_split_into_cells_keeping_empty_ones(tmp_path: Path) -> None:
    path = tmp_path / "rows.txt"
    path.write_text(
        "标题\n"
        "a |  | c |\n"
        "｜ x ｜ y ｜\n"
        "|---|:---:|\n"
        "三、本年度办理结果 | （一）予以公开 | 258 | 12 |  |  | 1 | 1 |  |\n"
        "商业 | 企业 | / | - |\n",
        encoding="utf-8",
    )
    assert texts(path) == [
        "标题",
        *["a", "", "c"],
        *["x", "y"],
        *["三、本年度办理结果", "（一）予以公开", "258", "12", "", "", "1", "1", ""],
        *["商业", "企业", "/", "-"],
    ]


@pytest.mark.parametrize("seed", range(6))
def test_generated_pipe_text_keeps_every_cell_in_place(tmp_path: Path, seed: int) -> None:
    template = builtin_templates()[seed % 2]
    sample = random_report(template, random.Random(seed))
    path = tmp_path / "pipe.txt"
    path.write_text(render_pipe_text(sample, random.Random(seed)), encoding="utf-8")
    tokens = texts(path)
    label_of = {row.key: row.label for row in template.table("三").rows}
    three = next(t for t in sample.tables if t.table.id == "三")
    columns = [column.key for column in three.table.sections[0].columns]
    start = tokens.index(three.table.title)
    for row_key, label in label_of.items():
        printed = [three.printed[(row_key, column)] for column in columns]
        index = next(i for i in range(start, len(tokens)) if _same_label(tokens[i], label))
        assert tokens[index + 1 : index + 8] == printed


@pytest.mark.parametrize("seed", range(6))
def test_generated_flat_text_drops_exactly_the_empty_cells(tmp_path: Path, seed: int) -> None:
    template = builtin_templates()[seed % 2]
    sample = random_report(template, random.Random(seed))
    path = tmp_path / "flat.txt"
    path.write_text(render_flat_text(sample, random.Random(seed)), encoding="utf-8")
    tokens = texts(path)
    three = next(t for t in sample.tables if t.table.id == "三")
    start = tokens.index(three.table.title)
    for row in table_layout(three, Style()).rows:
        keys = [cell.key for cell in row if cell.key]
        if not keys:
            continue
        label = [cell.text for cell in row if not cell.key][-1]
        printed = [three.printed[key] for key in keys if three.printed[key]]
        index = next(i for i in range(start, len(tokens)) if _same_label(tokens[i], label))
        following = tokens[index + 1 : index + 2 + len(printed)]
        assert following[:-1] == printed
        assert not following[-1].isdigit()


_ASCII = str.maketrans({"（": "(", "）": ")", "：": ":", "，": ",", "“": '"', "”": '"', "、": "."})


def _same_label(token: str, label: str) -> bool:
    """Labels as publishers style them: (一) for （一）, 1、 for 1., "" for “”."""
    return token.translate(_ASCII) == label.translate(_ASCII)
