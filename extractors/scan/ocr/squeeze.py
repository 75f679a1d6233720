"""Long text lines read narrowed: the recogniser's cost is their width, and most of it is labels.

A table page's label and header cells (Chinese text, each character about as wide as high) take three
quarters of the pixels the recogniser reads; its numbers are short. PP-OCR's recognisers are trained on
lines squeezed to a fixed width, so a Chinese line narrowed to 0.6 of its width still reads. Digits
are narrow already and would merge, so only crops at least ``MIN_ASPECT`` times as wide as high are
narrowed, and any of them that reads mostly as digits (a long amount) or with low confidence is read
again at full width. Headings and the title outside the tables are read the same way (on the 30
generated scans: the same cells and every issuer and year as before).

The recogniser's reading of a crop depends on its neighbours on a strip (see strips.py): numbers read
beside narrowed labels came out worse (on 30 generated scans 36 wrong cells after reconciliation
against 21). So the long crops are read on their own, and the others together in their order as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from extractors.scan.ocr.base import OcrEngine

NARROWING = 0.6
MIN_ASPECT = 3.0
TRUSTED = 0.8


def _narrowed(crop: np.ndarray) -> np.ndarray:
    return cv2.resize(
        crop, (max(1, round(crop.shape[1] * NARROWING)), crop.shape[0]), interpolation=cv2.INTER_AREA
    )


def _read_again(text: str, confidence: float) -> bool:
    """A narrowed reading not to keep: empty, doubtful, or mostly digits."""
    kept = text.replace(" ", "")
    digits = sum(character.isdigit() for character in kept)
    return not kept or confidence < TRUSTED or 2 * digits >= len(kept)


def recognise_narrowed(engine: OcrEngine, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
    """Text and confidence of each crop, long ones read narrowed (see the module's docstring)."""
    wide = [index for index, crop in enumerate(crops) if crop.shape[1] >= MIN_ASPECT * crop.shape[0]]
    rest = sorted(set(range(len(crops))) - set(wide))
    readings: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for index, reading in zip(rest, engine.recognise([crops[index] for index in rest]), strict=True):
        readings[index] = reading
    for index, reading in zip(
        wide, engine.recognise([_narrowed(crops[index]) for index in wide]), strict=True
    ):
        readings[index] = reading
    again = [index for index in wide if _read_again(*readings[index])]
    for index, reading in zip(again, engine.recognise([crops[index] for index in again]), strict=True):
        readings[index] = reading
    return readings
