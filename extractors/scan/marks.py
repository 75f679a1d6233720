"""What a cell's ink looks like before any recognition: nothing, a lone "/" "-" or "0", or text lines.

A recogniser asked to read an empty crop or a lone slash guesses ("50", "1", "1."); deciding these by
shape first keeps blanks blank and blank markers as markers. A lone zero is read as the letter "O"
(on a fax page of zeros, 149 of 175 cells), so a lone ring is decided by shape too. Pieces of the
cell's own rules that reach into its interior (a fax's thick or broken rules) are no ink of the cell:
read, they become "(" "()" "0)". Deciding "empty" is a
reading too: a faded digit can fall apart into specks below the ink threshold, so an empty cell
carries a confidence from what ink is left in it (``blank_confidence``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

Kind = Literal["empty", "slash", "dash", "zero", "text"]
RULE_REACH = 0.8  # a piece touching a side and running along this share of it is a rule's, not print
SLIVER = 3  # px: a piece this thin along the side it touches is a rule's edge


@dataclass(frozen=True)
class CellInk:
    """A cell interior's ink: its kind and, for text, the row bands (y0, y1) and column extent, and
    the ink that belongs to the cell's rules rather than its print (255 where it does)."""

    kind: Kind
    lines: tuple[tuple[int, int], ...] = ()
    x_range: tuple[int, int] = (0, 0)
    rule_ink: np.ndarray | None = None
    confidence: float = 1.0
    """For ``empty``: how surely the cell holds nothing (see ``blank_confidence``); for ``zero``, below
    ``CERTAIN`` when the ring was broken (see ``BROKEN_ZERO``)."""


CLEAN_BLANK = 0.99
BROKEN_ZERO = 0.85
"""A ring the fax broke into arcs ("()" read as "（") and that closes into a zero: a doubtful zero, below
the solver's certainty (0.9), so only the sums or a second witness make it certain."""
FAINT_DEPTH = 30
"""Grey this much darker than the cell's own paper (its upper-quartile grey, so a shaded fill is paper
too) is a trace of print: JPEG noise on the generated office scans (sd 6) stays within it."""
TRACE_SHARE = (0.12, 0.45)
"""Residue of an empty cell (ink and faint pixels, as a share of one digit's ink, h²/7 for a character
h high) up to which the blank is clean, and from which it is most likely a faded digit."""


def blank_confidence(
    ink: np.ndarray, grey: np.ndarray | None, char_height: float, rules: np.ndarray | None = None
) -> float:
    """How surely a cell with no ink component of a character's size is blank.

    Specks a fax leaves (a few pixels) keep it clean; the fragments of a faded digit, or its strokes
    just lighter than the ink threshold, make it doubtful: below ``CERTAIN`` the blank can be
    corrected by the sums and witnesses nothing. Pieces of the cell's rules (``rules``), with the
    lighter pixels of their edges, are no trace of print.
    """
    residue = int(np.count_nonzero(ink))
    if grey is not None and grey.size:
        paper = float(np.percentile(grey, 75))
        faint = (grey < paper - FAINT_DEPTH) & (ink == 0)
        if rules is not None and rules.any():
            faint &= cv2.dilate(rules, np.ones((5, 5), np.uint8)) == 0
        residue += int(np.count_nonzero(faint))
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


def _kept(ink: np.ndarray, speck: int) -> np.ndarray:
    """The ink without its specks (a speck inside a zero's ring is not part of the ring)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= speck)
    keep = keep[keep > 0]
    return np.where(np.isin(labels, keep), 255, 0).astype(np.uint8)


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


def rule_pieces(ink: np.ndarray) -> np.ndarray:
    """The ink of a cell interior that belongs to its rules: pieces touching a side that run along
    most of it, or slivers a few pixels thin along a side (a piece of a broken rule that lay a few
    pixels inside the grid line: beside a zero it read "10"). A digit touching a side is neither:
    it runs along a small part of the side and reaches farther into the cell than a sliver (even a
    "1" has its flag and foot)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = ink.shape
    rules = np.zeros(count, dtype=bool)
    for label in range(1, count):
        x, y, w, h, _ = (int(v) for v in stats[label])
        on_side = x == 0 or x + w == width
        on_end = y == 0 or y + h == height
        along_side = on_side and (h >= RULE_REACH * height or w <= SLIVER)
        along_end = on_end and (w >= RULE_REACH * width or h <= SLIVER)
        rules[label] = along_side or along_end
    return np.where(rules[labels], 255, 0).astype(np.uint8)


def _is_zero(ink: np.ndarray, char_height: float) -> bool:
    """A lone ring of a digit's height: one piece, one hole, the hole centred and most of its height.

    A 6 or a 9 has its hole in one half, a 4 a small one, an 8 two; 口 is nearly as wide as high
    with a square hole (filling its box), a zero's is an oval (about 0.79 of its box).
    """
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return False
    outer = [c for c, h in zip(contours, hierarchy[0], strict=True) if h[3] < 0]
    holes = [c for c, h in zip(contours, hierarchy[0], strict=True) if h[3] >= 0 and cv2.contourArea(c) >= 4]
    if len(outer) != 1 or len(holes) != 1:
        return False
    x, y, w, h = cv2.boundingRect(outer[0])
    hx, hy, hw, hh = cv2.boundingRect(holes[0])
    if not 0.5 * char_height <= h <= 1.6 * char_height or not 0.35 <= w / h <= 0.82:
        return False
    if cv2.contourArea(holes[0]) > 0.9 * hw * hh:
        return False
    centred = abs(hy + hh / 2 - (y + h / 2)) <= 0.15 * h and abs(hx + hw / 2 - (x + w / 2)) <= 0.2 * w
    filled = cv2.contourArea(outer[0]) / float(w * h)
    return centred and hh >= 0.5 * h and hw >= 0.3 * w and 0.6 <= filled <= 0.92


def _closed(ink: np.ndarray, char_height: float) -> np.ndarray:
    """The ink with gaps of up to a fifth of a character's height closed (a faded fax zero's ring
    broke 3 px at the top and bottom, 22 px high), and of at least 6 px: a fax's gaps are as wide
    whatever the print's size (a Word table's zero 16 px high broke 5 px wide)."""
    side = max(2 * round(char_height / 10) + 1, 7)
    return cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((side, side), np.uint8))


def classify(ink: np.ndarray, char_height: float, grey: np.ndarray | None = None) -> CellInk:
    """The kind of a cell interior's ink mask (255 = ink) given the page's usual character height; the
    interior's grey pixels, when given, tell a clean blank from a faded digit."""
    rules = rule_pieces(ink)
    ink = cv2.subtract(ink, rules)
    speck = max(4, round((char_height / 12) ** 2))
    parts = _components(ink, speck)
    if not parts:
        confidence = blank_confidence(ink, grey, char_height, rules)
        return CellInk("empty", rule_ink=rules, confidence=confidence)
    if _is_dash(parts, char_height):
        return CellInk("dash", rule_ink=rules)
    clean = _kept(ink, speck)
    if len(parts) == 1 and _is_slash(clean, char_height):
        return CellInk("slash", rule_ink=rules)
    if len(parts) == 1 and _is_zero(clean, char_height):
        return CellInk("zero", rule_ink=rules)
    if 2 <= len(parts) <= 3 and _is_zero(_closed(clean, char_height), char_height):
        return CellInk("zero", rule_ink=rules, confidence=BROKEN_ZERO)
    cols = np.flatnonzero(clean.any(axis=0))
    return CellInk("text", tuple(_bands(clean, char_height)), (int(cols[0]), int(cols[-1]) + 1), rules)


def char_height(ink: np.ndarray, boxes: list[tuple[int, int, int, int]]) -> float:
    """The usual height of a character in these cells: the median height of their ink components."""
    heights = []
    for x0, y0, x1, y1 in boxes:
        count, _, stats, _ = cv2.connectedComponentsWithStats(ink[y0:y1, x0:x1], connectivity=8)
        heights.extend(int(h) for h in stats[1:count, cv2.CC_STAT_HEIGHT] if h >= 4)
    return float(np.median(heights)) if heights else 20.0
