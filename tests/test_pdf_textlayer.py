"""The text-layer sanity check: real report text passes, every kind of broken font map is caught."""

from __future__ import annotations

import pytest

from extractors.pdf_textlayer import text_layer_fault

REPORT_TEXT = (
    "某某区人民政府2023年政府信息公开工作年度报告。本报告依据《中华人民共和国政府信息公开条例》编制，"
    "全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等。"
    "一、本年新收政府信息公开申请数量 87 37 27 37 21 25 234；（三）不予公开 1.属于国家秘密 0。"
)


def test_report_text_is_sane() -> None:
    assert text_layer_fault(REPORT_TEXT) is None


def test_a_page_of_numbers_and_a_few_labels_is_sane() -> None:
    assert text_layer_fault("结果维持 10 1 0 0 11 2 0 0 0 2 3 1 0 0 4") is None


def test_no_text_is_a_fault() -> None:
    assert text_layer_fault("  \r\n ") == "no text layer"


def test_cid_placeholders_are_a_fault() -> None:
    fault = text_layer_fault("(cid:123)(cid:456)(cid:789) 12 (cid:1001)(cid:77)")
    assert fault is not None and fault.startswith("unmapped glyphs")


@pytest.mark.parametrize(
    "garbage",
    [
        "\x01\x04\x05\x06\x07\x08\x0b\x0c 2023 \x0e\x0f 12 \x10\x11\x12 7",  # ToUnicode missing
        "\ue001\ue002\ue003\ue004\ue005 2023 \ue006\ue007",  # private-use code points
        "\ufffd\ufffd\ufffd\ufffd 12 \ufffd\ufffd",  # replacement characters
    ],
)
def test_unmapped_characters_are_a_fault(garbage: str) -> None:
    fault = text_layer_fault(garbage)
    assert fault is not None and fault.startswith("unmapped glyphs")


def test_pdfium_map_errors_are_a_fault() -> None:
    fault = text_layer_fault("政府信息公开工作年度报告", map_errors=12)
    assert fault is not None and fault.startswith("unmapped glyphs")


def test_gbk_read_as_latin1_is_mojibake() -> None:
    garbled = REPORT_TEXT.encode("gbk").decode("latin-1")
    fault = text_layer_fault(garbled)
    assert fault is not None and fault.startswith("mojibake")


def test_random_ideographs_from_a_wrong_font_map_are_caught() -> None:
    scrambled = "".join(chr(0x4E00 + (ord(ch) * 2654435761) % 20902) for ch in REPORT_TEXT if ch.strip())
    fault = text_layer_fault(scrambled)
    assert fault is not None and fault.startswith("implausible characters")


def test_ascii_symbol_soup_without_chinese_is_caught() -> None:
    fault = text_layer_fault("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ " * 3 + "12 7")
    assert fault is not None and "ASCII symbols" in fault


def test_a_page_number_over_a_page_sized_image_is_a_scan() -> None:
    assert text_layer_fault("- 3 -", image_cover=0.95) is not None
    assert text_layer_fault("- 3 -", image_cover=0.0) is None


def test_invisible_text_over_a_page_sized_image_is_a_scan() -> None:
    fault = text_layer_fault(REPORT_TEXT, image_cover=0.98, invisible_text=1.0)
    assert fault is not None and "OCR layer" in fault
    assert text_layer_fault(REPORT_TEXT, image_cover=0.98, invisible_text=0.0) is None
    assert text_layer_fault(REPORT_TEXT, image_cover=0.1, invisible_text=1.0) is None
