"""The one OCR interface the scan pipeline talks to, so an engine is swapped without touching the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np


@dataclass(frozen=True)
class TextLine:
    """A line of text an engine found on a page: its text, confidence (0..1) and pixel box."""

    text: str
    confidence: float
    bbox: tuple[float, float, float, float]


class OcrEngine(Protocol):
    """Recognition of cropped text lines, and detection plus recognition of a whole image.

    Images are 3-channel BGR uint8 arrays (OpenCV's order). Confidences are the engine's own, 0..1.
    """

    name: str

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of each single-line crop, in input order."""
        ...

    def read_page(self, image: np.ndarray) -> list[TextLine]:
        """Every text line detected in the image, with boxes in the image's pixels."""
        ...
