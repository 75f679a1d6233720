"""A flattened table whose every cell was empty: its headers say it is there, so it is a table of blanks."""

from __future__ import annotations

import re
from pathlib import Path

from models.document import Document
from reportgrid.pipeline import process_document
from samplegen.shared_data import REAL_DATA

TITLE = "四、政府信息公开行政复议、行政诉讼情况"
NEXT = "  五、存在的主要问题及改进情况"
HEADERS = [
    "行政复议",
    "行政诉讼",
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
    "未经复议直接起诉",
    "复议后起诉",
]


def _hushan_with_table_four(tmp_path: Path, keep_headers: bool) -> Document:
    """Hushan's page with table 四's six printed zeros removed (and its headers too, when asked);
    the closing section's lone 无 is dropped so no blank marker follows the table."""
    text = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")
    head, _, tail = text.partition(TITLE)
    table, _, rest = tail.partition(NEXT)
    lines = [line for line in table.splitlines() if line.strip() != "0"]
    if not keep_headers:
        lines = [line for line in lines if line.strip() not in HEADERS]
    rest = re.sub(r"\n\s*无\s*\n", "\n", rest)
    path = tmp_path / "hushan-blank-four.txt"
    path.write_text(head + TITLE + "\n".join(lines) + "\n" + NEXT + rest, encoding="utf-8")
    return process_document(path)


def test_headers_without_values_are_a_table_of_certain_blanks(tmp_path: Path) -> None:
    document = _hushan_with_table_four(tmp_path, keep_headers=True)
    four = next(t for t in document.tables if t.id == "四")
    assert len(four.cells) == 15
    assert all(cell.value == 0 and not cell.needs_review for cell in four.cells)
    assert {cell.origin for cell in four.cells} == {"blank", "derived"}
    assert not any(c.name == "table_missing" for c in document.checks)
    assert document.status == "valid"


def test_a_title_without_headers_or_values_is_still_not_found(tmp_path: Path) -> None:
    document = _hushan_with_table_four(tmp_path, keep_headers=False)
    assert [t.id for t in document.tables] == ["二", "三"]
    assert any(c.name == "table_missing" and c.table == "四" for c in document.checks)
    assert document.status == "needs_review"
