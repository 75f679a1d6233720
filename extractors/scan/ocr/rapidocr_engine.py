"""The default engine: rapidocr's PP-OCRv6 small detection and recognition models, shipped in its wheel."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidocr import RapidOCR

from extractors.scan.ocr.base import DET_MAX_SIDE, MIN_REC_WIDTH, TextLine


class RapidOcrEngine:
    """rapidocr on onnxruntime; no text-line classifier, since pages are turned upright beforehand."""

    name = "rapidocr"

    def __init__(self) -> None:
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "warning",
                "Global.use_cls": False,
                "Rec.rec_img_shape": [3, 48, MIN_REC_WIDTH],
                "Det.limit_type": "max",
                "Det.limit_side_len": DET_MAX_SIDE,
            }
        )

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        # rapidocr sorts crops by aspect ratio and batches them (Rec.rec_batch_num), so one wide
        # label crop does not pad a batch of narrow number crops.
        result = self._ocr.recognize_txt(list(crops))
        return [(str(text), float(score)) for text, score in zip(result.txts, result.scores, strict=True)]

    def read_page(self, image: np.ndarray) -> list[TextLine]:
        result = self._ocr(image)
        if getattr(result, "boxes", None) is None or getattr(result, "txts", None) is None:
            return []
        lines = []
        for box, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            points = np.asarray(box, dtype=float)
            bbox = (points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max())
            lines.append(TextLine(str(text), float(score), tuple(float(v) for v in bbox)))
        return lines
