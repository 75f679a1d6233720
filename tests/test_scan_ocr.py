"""Both OCR engines read known digits and text lines, offline, from the models in the rapidocr wheel."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scan_pages import _font

from extractors.scan.ocr import ENGINES, get_engine
from extractors.scan.ocr.paddle_engine import DET_MODEL, REC_MODEL, build_model_dirs
from extractors.scan.ocr.strips import GAP, decode, pack


def _crop(text: str, size: int = 40) -> np.ndarray:
    font = _font(size)
    width = round(font.getlength(text)) + 24
    image = Image.new("RGB", (width, size + 20), (255, 255, 255))
    ImageDraw.Draw(image).text((12, 10), text, font=font, fill=(0, 0, 0))
    return np.ascontiguousarray(np.asarray(image)[:, :, ::-1])


DIGITS = ["0", "7", "36", "254", "1902", "+8", "96171.6", "251000元"]


@pytest.mark.parametrize("name", ENGINES)
def test_engine_reads_known_digits_in_one_batch(name: str) -> None:
    engine = get_engine(name)
    readings = engine.recognise([_crop(text) for text in DIGITS])
    assert [text for text, _ in readings] == DIGITS
    assert all(0.8 <= confidence <= 1.0 for _, confidence in readings)



def test_a_crop_reads_the_same_whatever_else_is_read_with_it() -> None:
    """Strips run alone: numbers read beside a line wider than a strip are not padded to its width."""
    engine = get_engine("rapidocr")
    numbers = [_crop(text) for text in DIGITS]
    alone = engine.recognise(numbers)
    wide = _crop("二、主动公开政府信息情况" * 4)
    assert engine.recognise([*numbers, wide])[: len(numbers)] == alone
    assert engine.recognise([wide, *numbers])[1:] == alone

@pytest.mark.parametrize("name", ENGINES)
def test_engine_detects_lines_that_it_then_reads(name: str) -> None:
    lines = ["二、主动公开政府信息情况", "行政许可 1234"]
    page = Image.new("RGB", (900, 400), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    for index, line in enumerate(lines):
        draw.text((60, 80 + 160 * index), line, font=_font(44), fill=(0, 0, 0))
    image = np.ascontiguousarray(np.asarray(page)[:, :, ::-1])
    engine = get_engine(name)
    boxes = sorted(engine.detect(image), key=lambda box: box[1])
    assert len(boxes) == 2
    first = boxes[0]
    assert 40 <= first[0] <= 80 and 60 <= first[1] <= 100
    crops = [image[int(y0) - 4 : int(y1) + 4, int(x0) - 4 : int(x1) + 4] for x0, y0, x1, y1 in boxes]
    read = [text.replace(" ", "") for text, _ in engine.recognise(crops)]
    assert read == [line.replace(" ", "") for line in lines]


def test_engines_are_loaded_once() -> None:
    assert get_engine("rapidocr") is get_engine("rapidocr")


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown OCR engine"):
        get_engine("tesseract")


def test_paddle_model_folders_built_from_the_wheel(tmp_path) -> None:
    folders = build_model_dirs(tmp_path)
    for name in (DET_MODEL, REC_MODEL):
        assert (folders[name] / "inference.onnx").stat().st_size > 1_000_000
        assert f"model_name: {name}" in (folders[name] / "inference.yml").read_text(encoding="utf-8")
    assert "character_dict:" in (folders[REC_MODEL] / "inference.yml").read_text(encoding="utf-8")


def test_strips_keep_every_crop_once_and_give_a_wide_crop_its_own() -> None:
    strips = pack([100, 2000, 300, 1400, 50])
    placed = [index for strip in strips for index, _ in strip]
    assert sorted(placed) == [0, 1, 2, 3, 4]
    assert [1] in [[index for index, _ in strip] for strip in strips]
    for strip in strips:
        lefts = [x for _, x in strip]
        assert lefts == sorted(lefts) and lefts[0] == GAP


def test_strip_decoding_drops_blanks_repeats_and_edge_spaces() -> None:
    characters = ["", "1", "2", " "]
    indices = np.array([3, 0, 1, 1, 0, 1, 2, 2, 0, 3])
    probabilities = np.array([0.5, 0.9, 0.8, 0.8, 0.9, 0.6, 1.0, 1.0, 0.9, 0.4])
    text, confidence = decode(indices, probabilities, characters)
    assert text == "112"
    assert confidence == pytest.approx((0.8 + 0.6 + 1.0) / 3)
    assert decode(np.array([0, 3, 0]), np.array([0.9, 0.9, 0.9]), characters) == ("", 0.0)
