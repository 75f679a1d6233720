"""What a cell's ink looks like before any recognition: nothing, a lone "/" or "-", or text lines.

A recogniser asked to read an empty crop or a lone slash guesses ("50", "1", "1."); deciding these by
shape first keeps blanks blank and blank markers as markers. Deciding "empty" is a reading too: a
faded digit can fall apart into specks below the ink threshold, so an empty cell carries a confidence
from what ink is left in it (``blank_confidence``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Kind = Literal["empty", "slash", "dash", "text"]


@dataclass(frozen=True)
class CellInk:
    """A cell interior's ink: its kind and, for text, the row bands (y0, y1) and column extent."""

    kind: Kind
    lines: tuple[tuple[int, int], ...] = ()
    x_range: tuple[int, int] = (0, 0)
    confidence: float = 1.0
    """For ``empty``: how surely the cell holds nothing (see ``blank_confidence``)."""


CLEAN_BLANK = 0.99
FAINT_DEPTH = 30
"""Grey this much darker than the cell's own paper (its upper-quartile grey, so a shaded fill is paper
too) is a trace of print: JPEG noise on the generated office scans (sd 6) stays within it."""
TRACE_SHARE = (0.12, 0.45)
"""Residue of an empty cell (ink and faint pixels, as a share of one digit's ink, h²/7 for a character
h high) up to which the blank is clean, and from which it is most likely a faded digit."""


def blank_confidence(ink: np.ndarray, grey: np.ndarray | None, char_height: float) -> float:
    """How surely a cell with no ink component of a character's size is blank.

    Specks a fax leaves (a few pixels) keep it clean; the fragments of a faded digit, or its strokes
    just lighter than the ink threshold, make it doubtful: below ``CERTAIN`` the blank can be
    corrected by the sums and witnesses nothing.
    """
    residue = int(np.count_nonzero(ink))
    if grey is not None and grey.size:
        paper = float(np.percentile(grey, 75))
        residue += int(np.count_nonzero((grey < paper - FAINT_DEPTH) & (ink == 0)))
    share = residue / max(1.0, char_height * char_height / 7)
    low, high = TRACE_SHARE
    if share <= low:
        return CLEAN_BLANK
    if share >= high:
        return 0.3
    return 0.6


def _components(ink: np.ndarray, speck: int) -> list[tuple[int, int, int, int, int]]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    return [(int(x), int(y), int(w), int(h), int(a)) for x, y, w, h, a in stats[1:count] if a >= speck]


def _is_slash(ink: np.ndarray, char_height: float) -> bool:
    ys, xs = np.nonzero(ink)
    height, width = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    if height < 0.55 * char_height or not 0.2 * height <= width <= 1.2 * height:
        return False
    top, bottom = ys < ys.min() + height / 3, ys > ys.max() - height / 3
    lean = xs[top].mean() - xs[bottom].mean()
    top_rows = xs[ys < ys.min() + max(2, height * 0.15)]
    thin_top = top_rows.max() - top_rows.min() + 1 < 0.5 * width
    spread = np.cov(np.vstack([xs, ys]).astype(float))
    eigen = np.linalg.eigvalsh(spread)
    thin = eigen[0] < 0.06 * eigen[1]
    return bool(lean > 0.2 * height and thin_top and thin)


def _is_dash(parts: list[tuple[int, int, int, int, int]], char_height: float) -> bool:
    if len(parts) != 1:
        return False
    _, _, width, height, area = parts[0]
    return height <= 0.35 * char_height and width >= 2 * height and area >= 0.6 * width * height


def _bands(ink: np.ndarray, char_height: float) -> list[tuple[int, int]]:
    """Row bands holding one text line each; slivers (dots, noise) join the nearest band."""
    rows = np.flatnonzero(ink.any(axis=1))
    bands: list[list[int]] = []
    for y in rows:
        if bands and y - bands[-1][1] <= max(2, round(char_height * 0.12)):
            bands[-1][1] = int(y)
        else:
            bands.append([int(y), int(y)])
    merged: list[list[int]] = []
    for band in bands:
        if merged and (
            band[1] - band[0] < 0.35 * char_height or merged[-1][1] - merged[-1][0] < 0.35 * char_height
        ):
            merged[-1][1] = band[1]
        else:
            merged.append(band)
    return [(a, b + 1) for a, b in merged]


def classify(ink: np.ndarray, char_height: float, grey: np.ndarray | None = None) -> CellInk:
    """The kind of a cell interior's ink mask (255 = ink) given the page's usual character height; the
    interior's grey pixels, when given, tell a clean blank from a faded digit."""
    speck = max(4, round((char_height / 12) ** 2))
    parts = _components(ink, speck)
    if not parts:
        return CellInk("empty", confidence=blank_confidence(ink, grey, char_height))
    if _is_dash(parts, char_height):
        return CellInk("dash")
    clean = np.zeros_like(ink)
    for x, y, w, h, _ in parts:
        clean[y : y + h, x : x + w] |= ink[y : y + h, x : x + w]
    if len(parts) == 1 and _is_slash(clean, char_height):
        return CellInk("slash")
    cols = np.flatnonzero(clean.any(axis=0))
    return CellInk("text", tuple(_bands(clean, char_height)), (int(cols[0]), int(cols[-1]) + 1))


def char_height(ink: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """The usual height of a character in these cells: the median height of their ink components."""
    heights = []
    for x0, y0, x1, y1 in boxes:
        count, _, stats, _ = cv2.connectedComponentsWithStats(ink[y0:y1, x0:x1], connectivity=8)
        heights.extend(int(h) for h in stats[1:count, cv2.CC_STAT_HEIGHT] if h >= 4)
    return float(np.median(heights)) if heights else 20.0
