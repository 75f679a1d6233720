"""The one OCR interface the scan pipeline talks to, so an engine is swapped without touching the pipeline."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Protocol

import numpy as np

# The paddle engine's recogniser pads every crop of a batch to at least this width (at the models'
# height of 48 px; the rapidocr engine packs crops on strips instead, see strips.py).
# PP-OCR's usual 320 pads a one-digit cell crop to a whole text line. On the sample scans 160 read the
# same cells about 3x faster with much the same confidences; 96 was faster still but left 14 of 610
# right readings under 0.9 confidence (160: 4, 320: 3).
MIN_REC_WIDTH = int(os.environ.get("REPORTGRID_REC_WIDTH", "160"))
# Detection (of text outside the tables only) scales an image's long side down to at most this. Text of a
# 200-300 dpi page is still 12-20 px high there, and the detector's cost falls with the area: on the
# sample scans 960 read the same lines as full resolution at half the CPU time.
DET_MAX_SIDE = 960


Box = tuple[float, float, float, float]
"""x0, y0, x1, y1 in an image's pixels."""


class OcrEngine(Protocol):
    """Recognition of cropped text lines, and detection of the text lines in an image.

    Images are 3-channel BGR uint8 arrays (OpenCV's order). Confidences are the engine's own, 0..1.
    """

    name: str

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of each single-line crop, in input order."""

    def detect(self, image: np.ndarray) -> list[Box]:
        """The box of every text line detected in the image."""
