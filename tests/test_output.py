"""Output files: unique deterministic names, atomic writes, and the summary line of a document."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from models.document import Cell, Check, Document, SourceInfo, Table
from models.errors import DocumentError, ErrorCode
from reportgrid import output


def _document(path: str, needs_review: bool, rule_passed: bool) -> Document:
    cell = Cell(
        row_key="r",
        col_key="c",
        row_path=["一、本年新收政府信息公开申请数量"],
        col_path=["申请人情况", "自然人"],
        value=3,
        raw="3",
        origin="read",
        confidence=1.0,
        needs_review=needs_review,
    )
    rule = Check(
        kind="rule", table="三", name="row_total[r]", passed=rule_passed, message="sum", expected=3, actual=4
    )
    return Document(
        source=SourceInfo(path=path, sha256="0" * 64, media_type="text/plain"),
        status="needs_review",
        tables=[
            Table(id="三", title="三、收到和处理政府信息公开申请情况", version="2021", cells=[cell, cell])
        ],
        checks=[rule],
        seconds=0.25,
    )


def test_names_use_the_stem_when_it_is_unique() -> None:
    names = output.output_names([Path("in/hushan-2020.txt"), Path("in/shanghai-2019.html")])
    assert names == ["hushan-2020.json", "shanghai-2019.json"]


def test_names_keep_the_suffix_when_stems_clash(tmp_path: Path) -> None:
    names = output.output_names([tmp_path / "a" / "x.txt", tmp_path / "b" / "x.html", tmp_path / "y.txt"])
    assert names == ["x.txt.json", "x.html.json", "y.json"]


def test_names_take_the_folder_when_names_clash(tmp_path: Path) -> None:
    paths = [tmp_path / "a" / "x.txt", tmp_path / "b" / "x.txt", tmp_path / "b" / "x.html"]
    assert output.output_names(paths) == ["a__x.txt.json", "b__x.txt.json", "x.html.json"]
    assert output.output_names(paths) == output.output_names(list(paths))


def test_names_never_take_the_run_summary_or_collide_by_case(tmp_path: Path) -> None:
    names = output.output_names(
        [tmp_path / "run-summary.txt", tmp_path / "X.txt", tmp_path / "sub" / "x.txt"]
    )
    assert output.SUMMARY_NAME not in names
    assert len({name.lower() for name in names}) == 3


def test_write_atomic_leaves_only_the_final_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "doc.json"
    output.write_atomic(target, '{"a": "湖山乡"}\n')
    output.write_atomic(target, '{"a": "第二版"}\n')
    assert json.loads(target.read_text(encoding="utf-8")) == {"a": "第二版"}
    assert os.listdir(target.parent) == ["doc.json"]


def test_write_atomic_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "doc.json"
    output.write_atomic(target, "old\n")
    with pytest.raises(UnicodeEncodeError):
        output.write_atomic(target, "new \ud800 unencodable")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["doc.json"]


def test_written_document_reads_back_equal(tmp_path: Path) -> None:
    document = _document("in/a.txt", needs_review=True, rule_passed=False)
    path = output.write_document(document, tmp_path, "a.json")
    assert Document.model_validate_json(path.read_text(encoding="utf-8")) == document
    assert "申请人情况" in path.read_text(encoding="utf-8")


def test_summarize_counts_cells_review_and_failed_rules(tmp_path: Path) -> None:
    summary = output.summarize(
        _document("in/a.txt", needs_review=True, rule_passed=False), tmp_path / "a.json"
    )
    assert (summary.cells, summary.cells_needing_review, summary.failed_rules) == (2, 2, 1)
    assert summary.output == "a.json"
    clean = output.summarize(_document("in/b.txt", needs_review=False, rule_passed=True), None)
    assert (clean.cells_needing_review, clean.failed_rules, clean.output) == (0, 0, None)


def test_failed_document_for_a_missing_file_names_it(tmp_path: Path) -> None:
    error = DocumentError(code=ErrorCode.INTERNAL, message="gone.txt: task crashed")
    document = output.failed_document(tmp_path / "gone.txt", error)
    assert document.status == "failed"
    assert document.error == error
    assert document.source.path.endswith("gone.txt")


def test_run_summary_counts_every_status(tmp_path: Path) -> None:
    lines = [output.summarize(_document(f"in/{n}.txt", True, True), None) for n in "ab"]
    summary = output.run_summary(lines, output.now())
    assert summary.counts == {"valid": 0, "needs_review": 2, "failed": 0}
    path = output.write_summary(summary, tmp_path)
    assert path.name == "run-summary.json"
    assert json.loads(path.read_text(encoding="utf-8"))["documents"][1]["source"] == "in/b.txt"
