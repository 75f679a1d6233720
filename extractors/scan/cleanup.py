"""Light clean-up before any geometry: red seals out, uneven light flattened, ink separated from paper."""

from __future__ import annotations

import cv2
import numpy as np

FILL_SHARE = 0.6  # Word's and WPS's lightest to darkest header fills: 240 down to 180 on white (0.7)


def to_grey(image: np.ndarray) -> np.ndarray:
    """Grey page (uint8) from a BGR or grey image, with red ink (seals, stamps) turned to background.

    Black print stays dark in every channel, so where a seal overlaps text or ruling lines the print
    survives; pixels clearly redder than green and blue take their (light) red-channel value.
    """
    if image.ndim == 2:
        return image.astype(np.uint8, copy=False)
    colour = image[:, :, :3]
    grey = cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)
    blue, green, red = (colour[:, :, i].astype(np.int16) for i in range(3))
    red_ink = (red - np.maximum(green, blue) > 50) & (red > 120)
    grey[red_ink] = red[red_ink].astype(np.uint8)
    return grey


def flatten_light(grey: np.ndarray) -> np.ndarray:
    """Divide out the paper's brightness (estimated with text removed), so shadows do not become ink
    and a shaded fill (a header row, a 第二十条 band) becomes paper like the rest.

    The paper is estimated twice: over wide windows (a quarter-size page's 15 px maxima, blurred),
    which see past any print but also past a fill narrower than them, and by a closing a little
    wider than a stroke, which keeps a fill's own grey and its edges. The close estimate is used
    wherever it is paper-like (at least ``FILL_SHARE`` of the wide one): there no print is wider
    than its window. Where it is darker, a block of print wider than a stroke, the wide one is.
    """
    height, width = grey.shape
    factor = 4
    small = cv2.resize(
        grey, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA
    )
    wide = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    wide = cv2.GaussianBlur(wide, (0, 0), 5)
    wide = cv2.resize(wide, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    side = max(7, max(height, width) // 200) | 1
    close = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (side, side)))
    close = cv2.GaussianBlur(close, (0, 0), 1.5).astype(np.float32)
    paper = np.where(close >= FILL_SHARE * wide, close, wide)
    flat = grey.astype(np.float32) / np.maximum(paper, 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def ink_mask(flat: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0: Otsu's threshold on the flattened page, never above a mid grey."""
    threshold, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    limit = min(threshold, 200.0)
    return np.where(flat <= limit, 255, 0).astype(np.uint8)
