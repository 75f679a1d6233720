"""Light clean-up before any geometry: red seals out, uneven light flattened, ink separated from paper."""

from __future__ import annotations

import cv2
import numpy as np


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
    """Divide out the paper's brightness (estimated with text removed), so shadows do not become ink."""
    height, width = grey.shape
    factor = 4
    small = cv2.resize(
        grey, (max(1, width // factor), max(1, height // factor)), interpolation=cv2.INTER_AREA
    )
    paper = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15)))
    paper = cv2.GaussianBlur(paper, (0, 0), 5)
    paper = cv2.resize(paper, (width, height), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    flat = grey.astype(np.float32) / np.maximum(paper, 1.0) * 255.0
    return np.clip(flat, 0, 255).astype(np.uint8)


def ink_mask(flat: np.ndarray) -> np.ndarray:
    """Ink as 255, paper as 0: Otsu's threshold on the flattened page, never above a mid grey."""
    threshold, _ = cv2.threshold(flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    limit = min(threshold, 200.0)
    return np.where(flat <= limit, 255, 0).astype(np.uint8)
