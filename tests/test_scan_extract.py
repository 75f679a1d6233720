"""Scans end to end: image files and page folders in, every table cell out with text, place and box."""

from __future__ import annotations

from pathlib import Path
from unicodedata import normalize

import numpy as np
import pytest
from PIL import Image
from scan_pages import TruthPage, draw_table_page, sample_layout

from extractors.base import ExtractionError
from extractors.scan import extract_images
from extractors.scan.grid import GridCell, Table
from extractors.scan.loading import read_image_file
from extractors.scan.page import _wanted
from models.errors import ErrorCode
from models.observation import Observations

# Table 四's 15 value cells as printed: zeros, blanks, both blank markers and multi-digit numbers.
PRINTED = ["0", "1", "/", "", "12", "-", "0", "305", "7", "", "0", "3", "/", "19", "2"]
DPI = 150


@pytest.fixture(scope="module")
def page() -> TruthPage:
    layout = sample_layout("2021", "四", seed=1)
    values = [cell for row in layout.rows for cell in row if cell.key is not None]
    for cell, text in zip(values, PRINTED, strict=True):
        cell.lines = [text]
    return draw_table_page(layout, dpi=DPI)


def _cells(observations: Observations, page_number: int = 1) -> dict[tuple[int, int], tuple]:
    return {
        (t.grid.row, t.grid.col): (t.text, t.confidence, t.bbox, t.grid.rowspan, t.grid.colspan)
        for t in observations.tokens
        if t.grid is not None and t.page == page_number
    }


def _check(observations: Observations, page: TruthPage, page_number: int = 1) -> None:
    found = _cells(observations, page_number)
    assert set(found) == {(c.row, c.col) for c in page.cells}
    for cell in page.cells:
        text, confidence, _, rowspan, colspan = found[cell.row, cell.col]
        assert (rowspan, colspan) == (cell.rowspan, cell.colspan)
        if cell.is_value:
            assert text == cell.text, (cell.row, cell.col)
            assert confidence >= 0.8
        else:
            # Labels are matched after NFKC (reconcile.labels), where "）" and ")" are one character.
            assert normalize("NFKC", text.replace(" ", ""))[-2:] == normalize("NFKC", cell.text)[-2:]


def test_png_every_cell_read_blanks_kept_and_text_around(tmp_path: Path, page: TruthPage) -> None:
    path = tmp_path / "report.png"
    page.image.save(path)
    observations = extract_images(path)
    assert (observations.source_kind, observations.media_type, observations.pages) == ("scan", "image/png", 1)
    _check(observations, page)
    found = _cells(observations)
    for cell in page.cells:
        assert np.abs(np.subtract(found[cell.row, cell.col][2], cell.bbox)).max() <= 3
    loose = [t.text for t in observations.tokens if t.grid is None]
    assert "某某县人民政府2021年政府信息公开工作年度报告" in loose
    assert any("行政复议" in text for text in loose)


@pytest.mark.parametrize("turn", [180, 90])
def test_turned_page_read_upright_with_boxes_on_the_image_as_given(
    tmp_path: Path, page: TruthPage, turn: int
) -> None:
    path = tmp_path / f"turned{turn}.jpg"
    page.image.rotate(turn, expand=True).save(path, quality=90)
    observations = extract_images(path)
    assert observations.media_type == "image/jpeg"
    _check(observations, page)
    width, height = page.image.size
    found = _cells(observations)
    for cell in page.cells:
        x0, y0, x1, y1 = cell.bbox
        expected = (
            (width - x1, height - y1, width - x0, height - y0)
            if turn == 180
            else (y0, width - x1, y1, width - x0)
        )
        assert np.abs(np.subtract(found[cell.row, cell.col][2], expected)).max() <= 5


def test_multi_page_tiff_and_page_folder_give_pages_in_order(tmp_path: Path, page: TruthPage) -> None:
    second = draw_table_page(sample_layout("2019", "二", seed=3), dpi=DPI)
    tiff = tmp_path / "scan.tiff"
    page.image.save(tiff, save_all=True, append_images=[second.image.convert("1")])
    from_tiff = extract_images(tiff)
    assert (from_tiff.media_type, from_tiff.pages) == ("image/tiff", 2)
    _check(from_tiff, page, 1)
    _check(from_tiff, second, 2)
    assert {t.grid.table for t in from_tiff.tokens if t.grid and t.page == 2} == {1}

    folder = tmp_path / "scan"
    folder.mkdir()
    second.image.convert("1").save(folder / "scan_p2.png")
    page.image.save(folder / "scan_p1.png")
    from_folder = extract_images(folder)
    assert from_folder.pages == 2
    assert [(t.page, t.text, t.grid) for t in from_folder.tokens] == [
        (t.page, t.text, t.grid) for t in from_tiff.tokens
    ]


def test_blank_page_gives_notes_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "blank.png"
    Image.new("L", (1240, 1754), 255).save(path)
    observations = extract_images(path)
    assert observations.tokens == []
    assert "no ruled table found on any page" in observations.notes


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("broken.png", b"not an image at all", "not a readable image"), ("notes.txt", b"hello", "not a PNG")],
)
def test_unreadable_input_is_a_clear_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ExtractionError, match=message):
        extract_images(path)


def test_page_folder_with_unnumbered_or_duplicate_pages_is_refused(tmp_path: Path) -> None:
    image = Image.new("L", (64, 64), 255)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExtractionError, match="no page images") as caught:
        extract_images(tmp_path / "empty")
    assert caught.value.code == ErrorCode.PAGE_SET_INVALID
    odd = tmp_path / "odd"
    odd.mkdir()
    image.save(odd / "cover.png")
    with pytest.raises(ExtractionError, match="not named like") as caught:
        extract_images(odd)
    assert caught.value.code == ErrorCode.PAGE_SET_INVALID
    twice = tmp_path / "twice"
    twice.mkdir()
    image.save(twice / "a_p1.png")
    image.save(twice / "a-p1.jpg")
    with pytest.raises(ExtractionError, match="two images for page 1") as caught:
        extract_images(twice)
    assert caught.value.code == ErrorCode.PAGE_SET_INVALID


def test_sixteen_bit_and_transparent_pages_load_as_paper_and_ink(tmp_path: Path) -> None:
    ink = np.full((40, 60), 65535, dtype=np.uint16)
    ink[10:20, 10:50] = 0
    Image.fromarray(ink).save(tmp_path / "deep.png")
    (grey,) = read_image_file(tmp_path / "deep.png")
    assert grey.dtype == np.uint8 and grey[0, 0] == 255 and grey[15, 20] == 0

    clear = np.zeros((40, 60, 4), dtype=np.uint8)
    clear[10:20, 10:50] = (0, 0, 0, 255)
    Image.fromarray(clear, "RGBA").save(tmp_path / "clear.png")
    (bgr,) = read_image_file(tmp_path / "clear.png")
    assert tuple(bgr[0, 0]) == (255, 255, 255) and tuple(bgr[15, 20]) == (0, 0, 0)


def test_outside_the_tables_only_title_headings_and_table_titles_are_read() -> None:
    table = Table((100, 900, 1500, 1800), 1, 2, (GridCell(0, 0, 1, 1, (100, 900, 800, 1800)),))
    tops = [50, 120, 200, 280, 360, 440, 520, 840, 1900, 1980]
    lines = [((100.0, float(top), 1500.0, top + 40.0), float(top)) for top in tops]
    probes = ["广州市", "2019", "本报告", "根据条", "一、总", "2019", "进一步", "主动公", "五、存", "政府信"]
    assert [i for i, keep in enumerate(_wanted(lines, probes, [table], title_page=True)) if keep] == [
        0,
        1,
        2,
        3,
        4,
        7,
        8,
    ]
    later_page = _wanted(lines, probes, [table], title_page=False)
    assert [i for i, keep in enumerate(later_page) if keep] == [4, 7, 8]
    assert all(_wanted(lines, probes, [], title_page=False))
