"""The shapes of a number cell's characters, kept so a reading can be witnessed by the page's own print.

A recogniser's reading of a cell has no witness where no sum holds over it (table 二). The cells a sum
confirms in tables 三 and 四 show, in the same font and degradation, what each digit looks like on
this document; matching a cell's glyphs against them (``reconcile/witness.py``) reads the cell a
second time, independently of the recogniser. Here each glyph is cut out and described, nothing more.

A glyph is a connected piece of the cell's ink (its rules' pieces and specks taken out), pieces that
overlap in x joined (a stroke a fax broke). Its code (``models.observation.glyph_code``) is its shape
scaled to the box's height, aspect kept and centred; a piece well under the
line's height is a mark instead: ``.`` low on the line (a point, a comma), ``-`` at mid height and
flat, ``?`` otherwise; a cross shorter than the digits is ``+`` (the sign of a change in table 二).
"""

from __future__ import annotations

import cv2
import numpy as np

from models.observation import GLYPH_SIZE, glyph_code

MARK_HEIGHT = 0.5  # a piece under this share of the line's tallest is a mark, not a digit
PLUS_HEIGHT = 0.9  # a "+" is shorter than the digits beside it
OVERLAP = 0.5  # pieces whose x ranges overlap by this share of the narrower are one glyph


def _pieces(ink: np.ndarray, speck: int) -> list[list[int]]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    boxes = sorted(
        [int(x), int(y), int(x + w), int(y + h)] for x, y, w, h, area in stats[1:count] if area >= speck
    )
    joined: list[list[int]] = []
    for box in boxes:
        if joined:
            last = joined[-1]
            overlap = min(last[2], box[2]) - max(last[0], box[0])
            if overlap >= OVERLAP * min(last[2] - last[0], box[2] - box[0]):
                joined[-1] = [
                    min(last[0], box[0]),
                    min(last[1], box[1]),
                    max(last[2], box[2]),
                    max(last[3], box[3]),
                ]
                continue
        joined.append(box)
    return joined


def _is_plus(shape: np.ndarray) -> bool:
    """A cross: ink through the middle of each side, its four corners paper."""
    height, width = shape.shape
    if not 0.6 * height <= width <= 1.5 * height or height < 5:
        return False
    ink = shape > 0
    third_y, third_x = slice(height // 3, height - height // 3), slice(width // 3, width - width // 3)
    across = ink[third_y, :].any(axis=0).mean() >= 0.8
    down = ink[:, third_x].any(axis=1).mean() >= 0.8
    corners = [ink[: height // 3, : width // 3], ink[: height // 3, -(width // 3) :]]
    corners += [ink[-(height // 3) :, : width // 3], ink[-(height // 3) :, -(width // 3) :]]
    return bool(across and down and max(corner.mean() for corner in corners) < 0.1)


def _code(shape: np.ndarray) -> str:
    height, width = shape.shape
    scaled_width = max(1, min(GLYPH_SIZE, round(GLYPH_SIZE * width / height)))
    scaled = cv2.resize(
        shape.astype(np.float32) / 255.0, (scaled_width, GLYPH_SIZE), interpolation=cv2.INTER_AREA
    )
    square = np.zeros((GLYPH_SIZE, GLYPH_SIZE), dtype=np.float32)
    left = (GLYPH_SIZE - scaled_width) // 2
    square[:, left : left + scaled_width] = scaled
    return glyph_code(square)


def glyph_codes(ink: np.ndarray, char_height: float) -> list[str]:
    """The codes of a one-line cell interior's glyphs, left to right (255 = ink, its rules' pieces
    already taken out); none when the ink holds no piece of a character's size."""
    speck = max(4, round((char_height / 12) ** 2))
    pieces = _pieces(ink, speck)
    if not pieces:
        return []
    top = min(box[1] for box in pieces)
    bottom = max(box[3] for box in pieces)
    tallest = max(box[3] - box[1] for box in pieces)
    codes = []
    for x0, y0, x1, y1 in pieces:
        height, width = y1 - y0, x1 - x0
        if height < MARK_HEIGHT * tallest:
            if y0 >= top + 0.55 * (bottom - top):
                codes.append(".")
            elif width >= 1.5 * height:
                codes.append("-")
            else:
                codes.append("?")
            continue
        shape = ink[y0:y1, x0:x1]
        if height < PLUS_HEIGHT * tallest and _is_plus(shape):
            codes.append("+")
            continue
        codes.append(_code(shape))
    return codes
