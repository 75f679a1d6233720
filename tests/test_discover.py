"""Discovery: which files of a folder tree are documents, and a scan's page images as one document."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from models.errors import ErrorCode
from reportgrid.discover import DiscoveryError, DocumentInput, discover, page_number
from reportgrid.pipeline import process_document


def _touch(folder: Path, *names: str) -> None:
    for name in names:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"x")


def test_folders_are_recursed_and_non_inputs_skipped(tmp_path: Path) -> None:
    _touch(
        tmp_path, "b.txt", "a.html", "a.expected.json", "notes.md", ".hidden.txt", "sub/c.pdf", "sub/d.htm"
    )
    found = discover([tmp_path])
    assert [unit.path.relative_to(tmp_path).as_posix() for unit in found] == [
        "a.html",
        "b.txt",
        "sub/c.pdf",
        "sub/d.htm",
    ]
    assert all(unit.pages == () for unit in found)


def test_a_file_named_on_the_command_line_is_an_input_even_if_unsupported(tmp_path: Path) -> None:
    _touch(tmp_path, "report.docx", "a.txt")
    found = discover([tmp_path / "report.docx", tmp_path, tmp_path / "a.txt"])
    assert found == [DocumentInput(tmp_path / "report.docx"), DocumentInput(tmp_path / "a.txt")]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(DiscoveryError, match="no such file"):
        discover([tmp_path / "absent"])


def test_page_names_in_every_accepted_spelling() -> None:
    assert page_number(Path("r_p1.png")) == ("r", 1)
    assert page_number(Path("r_p01.jpg")) == ("r", 1)
    assert page_number(Path("r-p12.PNG")) == ("r", 12)
    assert page_number(Path("my_report_page3.tiff")) == ("my_report", 3)
    assert page_number(Path("r_p1.txt")) is None
    assert page_number(Path("photo.png")) is None


def test_a_page_image_folder_is_one_document_in_page_order(tmp_path: Path) -> None:
    _touch(
        tmp_path,
        "top.txt",
        "scan/r.expected.json",
        *(f"scan/r_p{n}.png" for n in (10, 2, 1, 9, 3, 8, 4, 7, 5, 6)),
    )
    found = discover([tmp_path])
    scan = tmp_path / "scan"
    assert found == [
        DocumentInput(tmp_path / "top.txt"),
        DocumentInput(scan, tuple(scan / f"r_p{n}.png" for n in range(1, 11))),
    ]


def test_first_pages_of_different_scans_are_separate_documents(tmp_path: Path) -> None:
    _touch(tmp_path, "a_p1.png", "b_p1.png", "photo.jpg")
    assert discover([tmp_path]) == [
        DocumentInput(tmp_path / name) for name in ("a_p1.png", "b_p1.png", "photo.jpg")
    ]


def test_scans_side_by_side_are_grouped_by_name_beside_other_documents(tmp_path: Path) -> None:
    _touch(tmp_path, "B_p2.png", "A-p1.png", "a-p2.jpg", "B_p1.png", "notes.txt", "A_p10.tif", "B_p3.png")
    _touch(tmp_path, *(f"A_page{n}.png" for n in range(3, 10)))
    found = discover([tmp_path])
    assert [unit.path for unit in found] == [tmp_path / "A", tmp_path / "B", tmp_path / "notes.txt"]
    a, b, notes = found
    assert [page.name for page in a.pages] == [
        "A-p1.png",
        "a-p2.jpg",
        *(f"A_page{n}.png" for n in range(3, 10)),
        "A_p10.tif",
    ]
    assert [page.name for page in b.pages] == ["B_p1.png", "B_p2.png", "B_p3.png"]
    assert a.page_problem is None and b.page_problem is None and notes.pages == ()


def test_a_gap_or_a_duplicate_page_marks_that_document_alone(tmp_path: Path) -> None:
    _touch(tmp_path, "gap_p1.png", "gap_p2.png", "gap_p4.png", "twice_p1.png", "twice_p01.jpg", "ok.txt")
    _touch(tmp_path, "late_p2.png", "late_p3.png")
    gap, late, ok, twice = discover([tmp_path])
    assert gap.page_problem is not None and "page 3 missing" in gap.page_problem
    assert late.page_problem is not None and "page 1 missing" in late.page_problem
    assert (
        twice.page_problem is not None and "twice_p01.jpg and twice_p1.png claim page 1" in twice.page_problem
    )
    assert ok.page_problem is None


def test_a_scan_with_a_gap_fails_with_its_code_and_names_the_gap(tmp_path: Path) -> None:
    for number in (1, 3):
        Image.new("L", (64, 64), 255).save(tmp_path / f"r_p{number}.png")
    (unit,) = discover([tmp_path])
    document = process_document(unit)
    assert document.status == "failed"
    assert document.error is not None and document.error.code == ErrorCode.PAGE_SET_INVALID
    assert "page 2 missing" in document.error.message
    assert document.source.path == str(tmp_path)


def test_page_order_is_decided_once_and_the_pipeline_reads_it(tmp_path: Path) -> None:
    """The pipeline reads the pages discovery listed, in that order: a reordered list gives another digest."""
    for number in (1, 2):
        Image.new("L", (64, 64), 255 - number).save(tmp_path / f"r_p{number}.png")
    (unit,) = discover([tmp_path])
    reordered = DocumentInput(unit.path, tuple(reversed(unit.pages)))
    first, second = process_document(unit), process_document(reordered)
    assert first.source.sha256 != second.source.sha256
    assert (first.source.pages, second.source.pages) == (2, 2)


def test_a_document_reached_twice_is_listed_once(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    assert discover([tmp_path / "a.txt", tmp_path]) == [DocumentInput(tmp_path / "a.txt")]
