"""Whole-document behaviour: encryption, damaged files, broken font maps and scanned pages."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from pdf_samples import BROKEN_FONT, FONT, PdfWriter, break_font_map, register_font, sample_layout
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

import extractors.pdf as pdf_module
from extractors.base import ExtractionError, extract
from extractors.pdf import extract_pdf
from models.errors import ErrorCode
from models.observation import GridPosition, Token


def table_pdf(path: Path, *, encrypt: StandardEncryption | None = None) -> Path:
    writer = PdfWriter(path, encrypt=encrypt)
    writer.text("某某区人民政府2023年政府信息公开工作年度报告", 16)
    writer.table(sample_layout("2021", "四", seed=9))
    writer.save()
    return path


def grid_texts(tokens: list[Token]) -> list[str]:
    return [t.text for t in tokens if t.grid is not None]


def test_encrypted_with_an_empty_user_password_opens(tmp_path: Path) -> None:
    plain = extract_pdf(table_pdf(tmp_path / "plain.pdf"))
    locked = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0, canModify=0, strength=128)
    observations = extract_pdf(table_pdf(tmp_path / "locked.pdf", encrypt=locked))
    assert grid_texts(observations.tokens) == grid_texts(plain.tokens)
    assert "结果维持" in grid_texts(observations.tokens)


def test_encrypted_with_a_user_password_is_a_clear_error(tmp_path: Path) -> None:
    table_pdf(tmp_path / "secret.pdf", encrypt=StandardEncryption("secret", ownerPassword="owner"))
    with pytest.raises(ExtractionError, match="encrypted PDF: a password is needed") as caught:
        extract_pdf(tmp_path / "secret.pdf")
    assert caught.value.code == ErrorCode.PDF_PASSWORD


def test_garbage_bytes_are_an_extraction_error(tmp_path: Path) -> None:
    path = tmp_path / "garbage.pdf"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    with pytest.raises(ExtractionError, match="not a PDF") as caught:
        extract(path)
    assert caught.value.code == ErrorCode.NOT_A_PDF
    path.write_bytes(b"%PDF-1.7\n" + path.read_bytes())
    with pytest.raises(ExtractionError, match="damaged") as caught:
        extract(path)
    assert caught.value.code == ErrorCode.PDF_DAMAGED


def test_truncated_pdf_is_an_extraction_error(tmp_path: Path) -> None:
    table_pdf(tmp_path / "whole.pdf")
    data = (tmp_path / "whole.pdf").read_bytes()
    (tmp_path / "cut.pdf").write_bytes(data[: len(data) // 10])
    with pytest.raises(ExtractionError, match=r"cut\.pdf is damaged") as caught:
        extract_pdf(tmp_path / "cut.pdf")
    assert caught.value.code == ErrorCode.PDF_DAMAGED


def test_missing_file_is_an_extraction_error(tmp_path: Path) -> None:
    with pytest.raises(ExtractionError, match="no such file") as caught:
        extract_pdf(tmp_path / "absent.pdf")
    assert caught.value.code == ErrorCode.UNREADABLE


def broken_font_map_pdf(path: Path) -> PdfWriter:
    """Page 1 digital, page 2 drawn with a font whose ToUnicode maps are dropped (codes only)."""
    writer = PdfWriter(path)
    writer.text("某某区人民政府2023年政府信息公开工作年度报告", 16)
    writer.table(sample_layout("2021", "二", seed=1))
    writer.new_page()
    writer.font = BROKEN_FONT
    writer.table(sample_layout("2021", "四", seed=1))
    writer.save()
    break_font_map(path)
    return writer


def test_broken_font_map_page_is_flagged_not_read_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = broken_font_map_pdf(tmp_path / "broken.pdf")
    monkeypatch.setattr(pdf_module, "load_observer", lambda: (None, "OCR unavailable: test"))
    observations = extract_pdf(tmp_path / "broken.pdf")
    assert {t.page for t in observations.tokens} == {1}
    first = [
        (t.grid.row, t.grid.col, t.grid.rowspan, t.grid.colspan, t.text)
        for t in observations.tokens
        if t.grid
    ]
    assert first == [(e.row, e.col, e.rowspan, e.colspan, e.text) for e in writer.tables[0].cells]
    assert len(observations.notes) == 1
    assert observations.notes[0].startswith("page 2: text layer unusable (unmapped glyphs")
    assert observations.notes[0].endswith("not read: OCR unavailable: test")


def test_broken_font_map_page_goes_to_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken_font_map_pdf(tmp_path / "broken.pdf")
    pages: list[int] = []

    def observe(images: list[np.ndarray], *, first_page: int) -> list[Token]:
        pages.append(first_page)
        return [Token(text="结果维持", page=first_page, bbox=(0.0, 0.0, 10.0, 10.0), confidence=0.8)]

    monkeypatch.setattr(pdf_module, "load_observer", lambda: (observe, None))
    observations = extract_pdf(tmp_path / "broken.pdf")
    assert pages == [2]
    assert [t.text for t in observations.tokens if t.page == 2] == ["结果维持"]
    assert observations.notes[0].startswith("page 2: text layer unusable (unmapped glyphs")


def test_every_page_unreadable_is_an_extraction_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = PdfWriter(tmp_path / "all-broken.pdf")
    writer.font = BROKEN_FONT
    writer.table(sample_layout("2019", "四", seed=1))
    writer.save()
    break_font_map(tmp_path / "all-broken.pdf")
    monkeypatch.setattr(pdf_module, "load_observer", lambda: (None, "OCR unavailable: test"))
    with pytest.raises(
        ExtractionError, match=r"nothing readable: page 1: text layer unusable \(unmapped glyphs"
    ):
        extract_pdf(tmp_path / "all-broken.pdf")


def mixed_pdf(path: Path) -> Path:
    """Page 1: a digital table. Page 2: a picture of a table page (a scan inside the PDF).

    Returns the digital PDF the picture was rendered from (at 150 dpi, drawn full page).
    """
    source = path.with_name("source.pdf")
    writer = PdfWriter(source)
    writer.table(sample_layout("2021", "四", seed=6))
    writer.save()
    document = pdfium.PdfDocument(source)
    picture = document[0].render(scale=150 / 72).to_pil()
    document.close()
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    register_font()
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(FONT, 12)
    canvas.drawString(50, 780, "某某区人民政府2023年政府信息公开工作年度报告")
    canvas.rect(50, 600, 200, 100)
    canvas.line(150, 600, 150, 700)
    canvas.drawString(60, 640, "规章")
    canvas.drawString(160, 640, "12")
    canvas.showPage()
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *A4)
    canvas.drawCentredString(A4[0] / 2, 30, "- 2 -")
    canvas.showPage()
    canvas.save()
    return source


def test_scanned_page_goes_to_the_scan_path_in_points(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed_pdf(tmp_path / "mixed.pdf")
    seen: list[tuple[tuple[int, ...], int]] = []

    def observe(images: list[np.ndarray], *, first_page: int) -> list[Token]:
        seen.append((images[0].shape, first_page))
        return [
            Token(text="结果维持", page=first_page, bbox=(200.0, 400.0, 300.0, 450.0), confidence=0.9),
            Token(text="10", page=first_page, bbox=(0, 0, 50, 50), grid=GridPosition(table=0, row=1, col=0)),
        ]

    monkeypatch.setattr(pdf_module, "load_observer", lambda: (observe, None))
    observations = extract_pdf(tmp_path / "mixed.pdf")
    assert observations.pages == 2
    assert seen == [((round(A4[1] * 200 / 72), round(A4[0] * 200 / 72), 3), 2)]
    page1 = [t for t in observations.tokens if t.page == 1]
    assert [t.text for t in page1 if t.grid is not None] == ["规章", "12"]
    scanned = [t for t in observations.tokens if t.page == 2]
    assert [t.text for t in scanned] == ["结果维持", "10"]
    assert scanned[0].bbox == pytest.approx((72.0, 144.0, 108.0, 162.0))
    assert scanned[0].confidence == 0.9
    assert scanned[1].grid is not None and scanned[1].grid.table == 1  # after page 1's table 0
    assert any(
        note.startswith("page 2: text layer unusable") and "OCR" in note for note in observations.notes
    )


def test_searchable_scan_with_a_hidden_ocr_layer_goes_to_the_scan_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed_pdf(tmp_path / "mixed.pdf")
    picture = pdfium.PdfDocument(tmp_path / "mixed.pdf")[1].render(scale=1).to_pil()
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    canvas = Canvas(str(tmp_path / "searchable.pdf"), pagesize=A4)
    canvas.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *A4)
    hidden = canvas.beginText(60, 700)
    hidden.setTextRenderMode(3)
    hidden.setFont(FONT, 9)
    hidden.textLine("行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉")
    canvas.drawText(hidden)
    canvas.showPage()
    canvas.save()
    pages: list[int] = []

    def observe(images: list[np.ndarray], *, first_page: int) -> list[Token]:
        pages.append(first_page)
        return [Token(text="行政复议", page=first_page, bbox=(0.0, 0.0, 10.0, 10.0), confidence=0.8)]

    monkeypatch.setattr(pdf_module, "load_observer", lambda: (observe, None))
    observations = extract_pdf(tmp_path / "searchable.pdf")
    assert pages == [1]
    assert [t.text for t in observations.tokens] == ["行政复议"]
    assert observations.notes == [
        "page 1: text layer unusable (a page-sized image under invisible text (a scanner's OCR layer)); "
        "read by OCR"
    ]


def test_blank_page_is_noted_and_not_sent_to_ocr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register_font()
    canvas = Canvas(str(tmp_path / "blank.pdf"), pagesize=A4)
    canvas.setFont(FONT, 12)
    canvas.drawString(50, 780, "政府信息公开工作年度报告")
    canvas.showPage()
    canvas.showPage()
    canvas.setFont(FONT, 12)
    canvas.drawString(50, 780, "六、其他需要报告的事项")
    canvas.showPage()
    canvas.save()

    def observe(images: list[np.ndarray], *, first_page: int) -> list[Token]:
        raise AssertionError("a blank page was sent to OCR")

    monkeypatch.setattr(pdf_module, "load_observer", lambda: (observe, None))
    observations = extract_pdf(tmp_path / "blank.pdf")
    assert observations.pages == 3
    assert [(t.page, t.text) for t in observations.tokens] == [
        (1, "政府信息公开工作年度报告"),
        (3, "六、其他需要报告的事项"),
    ]
    assert observations.notes == ["page 2: blank"]


def test_scanned_page_is_flagged_when_ocr_is_unavailable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mixed_pdf(tmp_path / "mixed.pdf")
    monkeypatch.setattr(pdf_module, "load_observer", lambda: (None, "OCR unavailable: test"))
    observations = extract_pdf(tmp_path / "mixed.pdf")
    assert {t.page for t in observations.tokens} == {1}
    assert observations.notes == [
        "page 2: text layer unusable (a page-sized image with only 3 characters of text); "
        "not read: OCR unavailable: test"
    ]


def test_rotated_page_cells_are_filled_in_the_displayed_frame(tmp_path: Path) -> None:
    register_font()
    canvas = Canvas(str(tmp_path / "rotated.pdf"), pagesize=A4)
    canvas.setPageRotation(90)
    canvas.setFont(FONT, 12)
    canvas.rect(72, 500, 200, 100)
    canvas.line(172, 500, 172, 600)
    canvas.line(72, 550, 272, 550)
    for x, y, text in ((80, 570, "规章"), (180, 570, "12"), (80, 520, "行政规范性文件"[:4]), (180, 520, "7")):
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    observations = extract_pdf(tmp_path / "rotated.pdf")
    cells = {(t.grid.row, t.grid.col): t.text for t in observations.tokens if t.grid is not None}
    # Turned a quarter clockwise: the first column (规章 over 行政规范) is the top row, read right to left.
    assert cells == {(0, 0): "行政规范", (0, 1): "规章", (1, 0): "7", (1, 1): "12"}


def test_scanned_page_read_by_the_real_scan_path_lines_up_with_the_digital_one(tmp_path: Path) -> None:
    source = mixed_pdf(tmp_path / "mixed.pdf")
    digital = {
        (t.grid.row, t.grid.col, t.grid.rowspan, t.grid.colspan): t
        for t in extract_pdf(source).tokens
        if t.grid is not None
    }
    observations = extract_pdf(tmp_path / "mixed.pdf")
    assert observations.notes == [
        "page 2: text layer unusable (a page-sized image with only 3 characters of text); read by OCR"
    ]
    scanned = {
        (t.grid.row, t.grid.col, t.grid.rowspan, t.grid.colspan): t
        for t in observations.tokens
        if t.page == 2 and t.grid is not None
    }
    assert {t.grid.table for t in scanned.values() if t.grid} == {1}
    assert scanned.keys() == digital.keys()
    same_text = sum(scanned[key].text == digital[key].text for key in digital)
    assert same_text >= 0.9 * len(digital)
    for key, token in digital.items():
        assert scanned[key].bbox == pytest.approx(token.bbox, abs=2.0)


def test_documents_read_in_threads_come_out_as_read_alone(tmp_path: Path) -> None:
    """The batch flow runs documents in threads; pdfium is not thread-safe, the extractor serialises it."""
    paths = []
    for index, (version, table_id) in enumerate(
        [("2019", "三"), ("2021", "三"), ("2021", "四"), ("2019", "二")]
    ):
        writer = PdfWriter(tmp_path / f"doc{index}.pdf")
        writer.text("某某区人民政府政府信息公开工作年度报告", 16)
        writer.table(
            sample_layout(version, table_id, seed=index), split_after=6 if table_id == "三" else None
        )
        writer.save()
        paths.append(tmp_path / f"doc{index}.pdf")
    alone = [extract_pdf(path) for path in paths]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(extract_pdf, paths * 3))
    assert together == alone * 3


def test_rotated_page_with_content_drawn_upright_keeps_display_coordinates(tmp_path: Path) -> None:
    """/Rotate 90 with the content counter-rotated (how landscape tables are often written): the
    viewer shows it upright, and boxes come out where the viewer shows them."""
    register_font()
    canvas = Canvas(str(tmp_path / "upright.pdf"), pagesize=A4)
    canvas.setPageRotation(90)
    canvas.rotate(90)  # (u, v) lands at display (u, -v): draw with y negated, top-left origin
    canvas.setFont(FONT, 12)
    canvas.drawString(60, -60, "横向页面的表格")
    xs, ys = [60, 300, 500], [100, 130, 160]
    for y in ys:
        canvas.line(xs[0], -y, xs[-1], -y)
    for x in xs:
        canvas.line(x, -ys[0], x, -ys[-1])
    rows = [["结果维持", "10"], ["结果纠正", "1"]]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            canvas.drawString(xs[c] + 5, -(ys[r] + 20), text)
    canvas.showPage()
    canvas.save()
    tokens = extract_pdf(tmp_path / "upright.pdf").tokens
    assert tokens[0].text == "横向页面的表格" and tokens[0].grid is None
    cells = [(t.grid.row, t.grid.col, t.text, t.bbox) for t in tokens if t.grid is not None]
    assert [cell[:3] for cell in cells] == [(0, 0, "结果维持"), (0, 1, "10"), (1, 0, "结果纠正"), (1, 1, "1")]
    for row, col, _, bbox in cells:
        assert bbox == pytest.approx((xs[col], ys[row], xs[col + 1], ys[row + 1]), abs=1.0)


def test_a_page_pdfium_cannot_read_is_noted_and_the_rest_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = PdfWriter(tmp_path / "two.pdf")
    writer.table(sample_layout("2021", "二", seed=1))
    writer.new_page()
    writer.table(sample_layout("2021", "四", seed=1))
    writer.save()
    real = pdf_module.read_page_text
    calls: list[int] = []

    def failing_on_page_1(page: pdfium.PdfPage, frame: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise pdfium.PdfiumError("Failed to load page.")
        return real(page, frame)

    monkeypatch.setattr(pdf_module, "read_page_text", failing_on_page_1)
    observations = extract_pdf(tmp_path / "two.pdf")
    assert {t.page for t in observations.tokens} == {2}
    assert observations.notes == ["page 1: damaged, not read: Failed to load page."]


def test_fake_bold_is_read_once_and_small_repeated_digits_are_all_kept(tmp_path: Path) -> None:
    register_font()
    canvas = Canvas(str(tmp_path / "small.pdf"), pagesize=A4)
    canvas.setFont(FONT, 14)
    for dx in (0.0, 0.25, 0.5):  # bold faked by drawing the title three times
        canvas.drawString(50 + dx, 780, "政府信息公开工作年度报告")
    canvas.setFont(FONT, 4)
    canvas.drawString(50, 700, "1000 2333 4.444")
    canvas.showPage()
    canvas.save()
    assert [t.text for t in extract_pdf(tmp_path / "small.pdf").tokens] == [
        "政府信息公开工作年度报告",
        "1000 2333 4.444",
    ]
