"""Long crops are read narrowed, each on its own, and long numbers come back read at full width."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import pytest
from test_scan_ocr import _crop

from extractors.scan.ocr import ENGINES, get_engine
from extractors.scan.ocr.base import OcrEngine
from extractors.scan.ocr.squeeze import MIN_ASPECT, NARROWING, recognise_narrowed

LABELS = ["（一）本年新收政府信息公开申请数量", "其他对外管理服务事项", "行政复议"]
NUMBERS = ["0", "36", "1902", "96171.6", "12345678.90"]


class _Recording:
    """The real engine, with the widths of every call's crops noted."""

    def __init__(self, engine: OcrEngine) -> None:
        self.engine = engine
        self.calls: list[list[int]] = []

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        self.calls.append([crop.shape[1] for crop in crops])
        return self.engine.recognise(crops)


def _plain(text: str) -> str:
    """As label matching compares text: full-width forms folded, spaces out."""
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def _long(crop: np.ndarray) -> bool:
    return crop.shape[1] >= MIN_ASPECT * crop.shape[0]


@pytest.mark.parametrize("name", ENGINES)
def test_labels_read_narrowed_and_numbers_at_full_width(name: str) -> None:
    texts = [LABELS[0], *NUMBERS[:3], LABELS[1], NUMBERS[3], LABELS[2], NUMBERS[4]]
    crops = [_crop(text) for text in texts]
    recording = _Recording(get_engine(name))
    readings = recognise_narrowed(recording, crops)  # type: ignore[arg-type]
    assert [_plain(text) for text, _ in readings] == [_plain(text) for text in texts]
    long_ones = [(text, crop.shape[1]) for text, crop in zip(texts, crops, strict=True) if _long(crop)]
    short_ones = [crop.shape[1] for crop in crops if not _long(crop)]
    # short crops together in their order; long ones narrowed on their own; long numbers again.
    assert recording.calls == [
        short_ones,
        [round(width * NARROWING) for _, width in long_ones],
        [width for text, width in long_ones if text in NUMBERS],
    ]
    assert len(recording.calls[2]) == 2
