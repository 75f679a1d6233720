"""Which way up a page is: sideways or not from its text-line geometry, then 0 vs 180 by the recogniser.

Text lines run horizontally on an upright page, so ink smeared along a row forms long flat bands; on a
sideways page it does not. Evenly spaced characters on close lines form bands down the page as well,
so a page the bands call sideways is turned only when its sample lines do not read clearly as they are
(``clearly_upright``). Whether an upright-looking page is upside down is asked of the recogniser:
a few text lines read as they are and turned half round, the reading with more confidence wins.

The bands are found on the ink reduced by ``REDUCTION`` (each reduced pixel is ink where any of its
pixels is): their geometry needs no more, and the morphology costs a quarter. The page's bands are found
once for both decisions. On 25 pages of the archive bench set's tuning documents (every kind): the same
decisions on every page, 0.34 -> 0.19 s of CPU per page for the two (a busy machine).
"""

from __future__ import annotations

import cv2
import numpy as np

from extractors.scan.grid import components
from extractors.scan.ocr import OcrEngine

REDUCTION = 2
CLEARLY_UPRIGHT = 15.0
"""Confidence-weighted characters of the first two sample lines read as they are, from which a page is
upright without reading them turned. On the pages of the archive set's tuning documents (seed 12)
and two fax sets (seeds 77, 78): 11.0 to 31 on the 143 upright pages (133 reach 15), at most 4.5 on
148 upside-down ones (the set's 5 and every upright page turned); the turned reading must lead by
three times and ten, so 15 leaves room."""

Box = tuple[int, int, int, int]


def _without_rules(ink: np.ndarray, unit: float) -> np.ndarray:
    """Ink with long ruling lines removed, so only text shapes remain."""
    long = round(unit * 6)
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
    return cv2.subtract(ink, cv2.bitwise_or(horizontal, vertical))


def _reduced(ink: np.ndarray) -> np.ndarray:
    height, width = ink.shape
    small = cv2.resize(
        ink, (max(1, width // REDUCTION), max(1, height // REDUCTION)), interpolation=cv2.INTER_AREA
    )
    return np.where(small > 0, 255, 0).astype(np.uint8)


def _bands(small: np.ndarray, unit: float) -> list[Box]:
    """Boxes of text-line-like bands on reduced ink (``unit`` in its pixels): wide and text-high."""
    text = _without_rules(small, unit)
    smeared = cv2.dilate(text, cv2.getStructuringElement(cv2.MORPH_RECT, (max(2, round(unit / 2)), 1)))
    return [
        (x0, y0, x1, y1)
        for (x0, y0, x1, y1), _ in components(smeared)
        if unit * 0.6 <= y1 - y0 <= unit * 4 and x1 - x0 >= 3 * (y1 - y0)
    ]


def line_boxes(ink: np.ndarray, unit: int) -> list[Box]:
    """Boxes (x0, y0, x1, y1, pixels of ``ink``) of text-line-like bands: ink smeared along rows."""
    found = _bands(_reduced(ink), unit / REDUCTION)
    return [(x0 * REDUCTION, y0 * REDUCTION, x1 * REDUCTION, y1 * REDUCTION) for x0, y0, x1, y1 in found]


def is_sideways(ink: np.ndarray, unit: int, across: list[Box]) -> bool:
    """True when the text runs up or down the page rather than across it (``across``: the page's
    ``line_boxes``)."""
    down = _bands(np.ascontiguousarray(_reduced(ink).T), unit / REDUCTION)
    across_length = sum((x1 - x0) for x0, _, x1, _ in across) / REDUCTION
    down_length = sum((y1 - y0) for y0, _, y1, _ in down)
    return down_length > 1.5 * across_length and down_length > 0


def _sample_crops(grey: np.ndarray, lines: list[Box], unit: int, samples: int) -> list[np.ndarray]:
    """The page's longest lines of up to ten characters' width, longest first, as BGR crops."""
    boxes = [b for b in lines if (b[2] - b[0]) <= 10 * (b[3] - b[1])]
    boxes = sorted(boxes, key=lambda b: b[2] - b[0], reverse=True)[:samples]
    pad = max(2, unit // 4)
    height, width = grey.shape
    return [
        cv2.cvtColor(
            grey[max(0, y0 - pad) : min(height, y1 + pad), max(0, x0 - pad) : min(width, x1 + pad)],
            cv2.COLOR_GRAY2BGR,
        )
        for x0, y0, x1, y1 in boxes
    ]


def clearly_upright(grey: np.ndarray, lines: list[Box], unit: int, engine: OcrEngine) -> bool:
    """True when the first two sample lines read as they are at least ``CLEARLY_UPRIGHT``: the text
    runs across the page, whatever its bands' geometry says.

    An upright page of a real report (hongze 2024, page 4, as an office scan of the held-out set of
    seed 21) had bands down it 1.9 times as long as across and was read turned; its lines read 18.0
    as they are. On the pages of 8 tuning documents of seed 12 (every kind) turned a quarter either
    way, 54 pages, the bands call every one sideways and the lines read at most 8.0 as they are.
    """
    crops = _sample_crops(grey, lines, unit, 2)
    return bool(crops) and _score(engine.recognise(crops)) >= CLEARLY_UPRIGHT


def upside_down(
    grey: np.ndarray, lines: list[Box], unit: int, engine: OcrEngine, samples: int = 6, step: int = 2
) -> bool:
    """True when a few of the page's text lines (``lines``: its ``line_boxes``) read more confidently
    turned half round.

    The longest lines of up to ten characters' width are read ``step`` at a time, as they are and
    turned, until one way leads clearly (three times the other's confidence-weighted characters and
    ten more): a clean page is decided by its first two lines, a poor fax page reads up to ``samples``.
    The first lines are read as they are before they are read turned: a reading as strong as
    ``CLEARLY_UPRIGHT`` decides at once.
    """
    sampled = _sample_crops(grey, lines, unit, samples)
    score_as_is = score_turned = 0.0
    for first in range(0, len(sampled), step):
        crops = sampled[first : first + step]
        turned = [np.ascontiguousarray(np.rot90(crop, 2)) for crop in crops]
        if first == 0:
            score_as_is = _score(engine.recognise(crops))
            if score_as_is >= CLEARLY_UPRIGHT:
                return False
            score_turned = _score(engine.recognise(turned))
        else:
            readings = engine.recognise(crops + turned)
            score_as_is += _score(readings[: len(crops)])
            score_turned += _score(readings[len(crops) :])
        low, high = sorted((score_as_is, score_turned))
        if high >= 3 * low and high - low >= 10:
            break
    return score_turned > score_as_is


def _score(readings: list[tuple[str, float]]) -> float:
    """Confidence-weighted characters of some readings."""
    return sum(confidence * len(text) for text, confidence in readings)
