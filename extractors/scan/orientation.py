"""Which way up a page is: sideways or not from its text-line geometry, then 0 vs 180 by the recogniser.

Text lines run horizontally on an upright page, so ink smeared along a row forms long flat bands; on a
sideways page it does not. Whether an upright-looking page is upside down is asked of the recogniser:
a few text lines read as they are and turned half round, the reading with more confidence wins.
"""

from __future__ import annotations

import cv2
import numpy as np

from extractors.scan.ocr import OcrEngine


def _without_rules(ink: np.ndarray, unit: int) -> np.ndarray:
    """Ink with long ruling lines removed, so only text shapes remain."""
    long = unit * 6
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (long, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, long)))
    return cv2.subtract(ink, cv2.bitwise_or(horizontal, vertical))


def line_boxes(ink: np.ndarray, unit: int) -> list[tuple[int, int, int, int]]:
    """Boxes (x0, y0, x1, y1) of text-line-like bands: ink smeared along rows, wide and text-high."""
    text = _without_rules(ink, unit)
    smeared = cv2.dilate(text, cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, unit // 2), 1)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    boxes = []
    for x, y, w, h, _area in stats[1:count]:
        if unit * 0.6 <= h <= unit * 4 and w >= 3 * h:
            boxes.append((int(x), int(y), int(x + w), int(y + h)))
    return boxes


def is_sideways(ink: np.ndarray, unit: int) -> bool:
    """True when the text runs up or down the page rather than across it."""
    across = sum((x1 - x0) for x0, _, x1, _ in line_boxes(ink, unit))
    down = sum((y1 - y0) for y0, _, y1, _ in line_boxes(np.ascontiguousarray(ink.T), unit))
    return down > 1.5 * across and down > 0


def upside_down(
    grey: np.ndarray, ink: np.ndarray, unit: int, engine: OcrEngine, samples: int = 6, step: int = 2
) -> bool:
    """True when a few of the page's text lines read more confidently turned half round.

    The longest lines of up to ten characters' width are read ``step`` at a time, as they are and
    turned, until one way leads clearly (three times the other's confidence-weighted characters and
    ten more): a clean page is decided by its first two lines, a poor fax page reads up to ``samples``.
    """
    boxes = [b for b in line_boxes(ink, unit) if (b[2] - b[0]) <= 10 * (b[3] - b[1])]
    boxes = sorted(boxes, key=lambda b: b[2] - b[0], reverse=True)[:samples]
    pad = max(2, unit // 4)
    height, width = grey.shape
    score_as_is = score_turned = 0.0
    for first in range(0, len(boxes), step):
        crops = []
        for x0, y0, x1, y1 in boxes[first : first + step]:
            crop = grey[max(0, y0 - pad) : min(height, y1 + pad), max(0, x0 - pad) : min(width, x1 + pad)]
            crops.append(cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR))
        turned = [np.ascontiguousarray(np.rot90(crop, 2)) for crop in crops]
        readings = engine.recognise(crops + turned)
        score_as_is += sum(conf * len(text) for text, conf in readings[: len(crops)])
        score_turned += sum(conf * len(text) for text, conf in readings[len(crops) :])
        low, high = sorted((score_as_is, score_turned))
        if high >= 3 * low and high - low >= 10:
            break
    return score_turned > score_as_is
