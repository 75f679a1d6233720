"""The default engine: rapidocr's PP-OCRv6 small detection and recognition models, shipped in its wheel."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime
import rapidocr
from rapidocr import RapidOCR

from extractors.scan.ocr.base import DET_MAX_SIDE, Box
from extractors.scan.ocr.strips import recognise_in_strips

_WHEEL_MODELS = Path(rapidocr.__file__).parent / "models"
_DET_FILE, _REC_FILE = "PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"
OCR_THREADS = "REPORTGRID_OCR_THREADS"
"""Threads onnxruntime may use per session (unset: one per core); worker processes set their share."""


def _sleeping_session(model: Path) -> onnxruntime.InferenceSession:
    """A session as rapidocr builds it, but whose worker threads sleep rather than spin when idle.

    The recogniser runs many small batches; between (and within) them onnxruntime's default
    spin-waiting burns CPU that, on a shared machine, the other thread or process needed: on the
    sample scans' cell crops it cost 28-30 % more CPU time for the same readings.
    """
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 4
    options.enable_cpu_mem_arena = False
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.intra_op_num_threads = int(os.environ.get(OCR_THREADS) or 0)
    return onnxruntime.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])


class RapidOcrEngine:
    """rapidocr's detector, and the recogniser run directly on strips of crops (see strips.py); no
    text-line classifier, since pages are turned upright beforehand."""

    name = "rapidocr"

    def __init__(self) -> None:
        self._ocr = RapidOCR(
            params={
                "Det.model_path": str(_WHEEL_MODELS / _DET_FILE),
                "Rec.model_path": str(_WHEEL_MODELS / _REC_FILE),
                "Global.log_level": "warning",
                "Global.use_cls": False,
                "Det.limit_type": "max",
                "Det.limit_side_len": DET_MAX_SIDE,
            }
        )
        # rapidocr exposes no session option for this: its detector gets a session built alike.
        self._ocr._load_det_model().session.session = _sleeping_session(_WHEEL_MODELS / _DET_FILE)
        self._recogniser = _sleeping_session(_WHEEL_MODELS / _REC_FILE)
        self._input = self._recogniser.get_inputs()[0].name
        # CTC classes: the blank, the dictionary the model carries, and the space PP-OCR appends.
        dictionary = self._recogniser.get_modelmeta().custom_metadata_map["character"].splitlines()
        self._characters = ["", *dictionary, " "]

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return recognise_in_strips(crops, self._run, self._characters)

    def _run(self, batch: np.ndarray) -> np.ndarray:
        return self._recogniser.run(None, {self._input: batch})[0]

    def detect(self, image: np.ndarray) -> list[Box]:
        # rapidocr keeps the steps of its last call as settings: every call here asks for the same
        # ones, so threads sharing the engine never change them under each other.
        result = self._ocr(image, use_det=True, use_cls=False, use_rec=False)
        if getattr(result, "boxes", None) is None:
            return []
        boxes: list[Box] = []
        for box in result.boxes:
            points = np.asarray(box, dtype=float)
            x0, y0 = points.min(axis=0)
            x1, y1 = points.max(axis=0)
            boxes.append((float(x0), float(y0), float(x1), float(y1)))
        return boxes
