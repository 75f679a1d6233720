"""Discovery: which files of a folder tree are documents, and page-image folders as one document."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgrid.discover import DiscoveryError, DocumentInput, discover, page_files, page_number


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
    _touch(tmp_path, "top.txt", "scan/r_p10.png", "scan/r_p2.png", "scan/r_p1.png", "scan/r.expected.json")
    found = discover([tmp_path])
    scan = tmp_path / "scan"
    assert found == [
        DocumentInput(tmp_path / "top.txt"),
        DocumentInput(scan, (scan / "r_p1.png", scan / "r_p2.png", scan / "r_p10.png")),
    ]


def test_images_that_are_not_pages_of_one_scan_are_separate_documents(tmp_path: Path) -> None:
    _touch(tmp_path, "a_p1.png", "b_p1.png", "photo.jpg")
    assert page_files(tmp_path) == []
    assert [unit.path.name for unit in discover([tmp_path])] == ["a_p1.png", "b_p1.png", "photo.jpg"]


def test_pages_mixed_with_other_documents_are_refused_with_advice(tmp_path: Path) -> None:
    _touch(tmp_path, "r_p1.png", "r_p2.png", "other.txt")
    with pytest.raises(DiscoveryError, match="folder of their own"):
        discover([tmp_path])


def test_two_images_for_one_page_are_refused(tmp_path: Path) -> None:
    _touch(tmp_path, "r_p1.png", "r_p01.jpg")
    with pytest.raises(DiscoveryError, match="both page 1"):
        discover([tmp_path])


def test_a_document_reached_twice_is_listed_once(tmp_path: Path) -> None:
    _touch(tmp_path, "a.txt")
    assert discover([tmp_path / "a.txt", tmp_path]) == [DocumentInput(tmp_path / "a.txt")]
