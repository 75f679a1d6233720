"""Bad input: a clear error or needs_review in that document's JSON, never a crash, never a silent number."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.document import Document
from models.errors import ErrorCode
from reportgrid.pipeline import process_document
from samplegen.shared_data import REAL_DATA

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"
HUSHAN = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")


def _run(tmp_path: Path, name: str, content: str | bytes) -> Document:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return process_document(path)


def test_a_text_that_is_not_a_report_fails_with_a_clear_error(tmp_path: Path) -> None:
    document = _run(tmp_path, "notice.txt", "关于开展春季植树活动的通知\n各单位：\n请于3月12日前报名。\n12\n")
    assert document.status == "failed"
    assert document.error is not None and document.error.code == ErrorCode.NOT_A_REPORT
    assert "notice.txt" in document.error.message and "no report table found" in document.error.message
    assert document.tables == []


def test_binary_garbage_in_a_txt_fails_with_a_clear_error(tmp_path: Path) -> None:
    document = _run(tmp_path, "garbage.txt", bytes(range(256)) * 40)
    assert document.status == "failed"
    assert document.error is not None and document.error.code == ErrorCode.NOT_TEXT
    assert "garbage.txt is not a text document" in document.error.message


def test_an_empty_file_fails_with_a_clear_error(tmp_path: Path) -> None:
    document = _run(tmp_path, "empty.txt", b"")
    assert document.status == "failed"
    assert document.error is not None and document.error.code == ErrorCode.EMPTY_FILE


def test_a_report_missing_table_four_needs_review(tmp_path: Path) -> None:
    cut = HUSHAN.index("  四、政府信息公开行政复议")
    rest = HUSHAN.index("  五、存在的主要问题")
    document = _run(tmp_path, "no-four.txt", HUSHAN[:cut] + HUSHAN[rest:])
    assert document.status == "needs_review"
    assert [t.id for t in document.tables] == ["二", "三"]
    missing = [c for c in document.checks if c.name == "table_missing"]
    assert [c.table for c in missing] == ["四"]


@pytest.mark.parametrize("cut_after", ["(三)不予公开", "(五)不予处理"])
def test_a_report_truncated_mid_table_flags_what_it_lacks(tmp_path: Path, cut_after: str) -> None:
    cut = HUSHAN.index(cut_after)
    document = _run(tmp_path, "truncated.txt", HUSHAN[:cut])
    assert document.status == "needs_review"
    table3 = next(t for t in document.tables if t.id == "三")
    lacking = [c for c in table3.cells if c.row_key == "total_handled"]
    assert lacking and all(c.needs_review and c.value is None and c.origin == "missing" for c in lacking)
    assert any(c.name == "rows_missing" and c.table == "三" for c in document.checks)
    assert any(c.name == "table_missing" and c.table == "四" for c in document.checks)
    seen = [c for c in table3.cells if c.row_key == "new_received"]
    assert all(c.value == 0 and not c.needs_review for c in seen)


def test_an_unsupported_file_type_fails_with_a_clear_error(tmp_path: Path) -> None:
    document = _run(tmp_path, "report.docx", b"PK\x03\x04")
    assert document.status == "failed"
    assert document.error is not None and document.error.code == ErrorCode.UNSUPPORTED_TYPE
    assert "report.docx: unsupported file type" in document.error.message


def test_a_report_bound_twice_reads_the_first_copy_and_says_so(tmp_path: Path) -> None:
    """Twice the same tables: the first copy is read, each table says it is repeated (needs_review); the
    copies are not merged into rows of twice their cells (which took minutes to solve)."""
    once = process_document(_write(tmp_path, "once.txt", HUSHAN))
    twice = _run(tmp_path, "twice.txt", HUSHAN + HUSHAN)
    assert twice.status == "needs_review"
    repeated = [c.table for c in twice.checks if c.name == "table_repeated"]
    assert repeated == ["二", "三", "四"]
    assert [t.model_dump() for t in twice.tables] == [t.model_dump() for t in once.tables]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
