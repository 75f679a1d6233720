"""Skew of up to a few degrees, from the page's own horizontals (ruling lines and text lines)."""

from __future__ import annotations

import cv2
import numpy as np


def _sharpness(small: np.ndarray, angle: float) -> float:
    """How peaked the row profile is after turning by ``angle``: level lines give tall narrow peaks."""
    height, width = small.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    turned = cv2.warpAffine(small, matrix, (width, height), flags=cv2.INTER_NEAREST, borderValue=0)
    profile = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(profile)).sum())


def skew_angle(ink: np.ndarray, limit: float = 5.0) -> float:
    """The angle (degrees, counter-clockwise as OpenCV counts) that levels the page; 0.0 for a blank one."""
    height, width = ink.shape
    scale = min(1.0, 900 / max(height, width))
    small = cv2.resize(ink, (max(1, round(width * scale)), max(1, round(height * scale))), cv2.INTER_AREA)
    small = (small > 64).astype(np.uint8)
    if small.sum() < 50:
        return 0.0
    coarse = max(np.arange(-limit, limit + 1e-6, 0.25), key=lambda a: _sharpness(small, float(a)))
    fine = max(
        np.arange(coarse - 0.25, coarse + 0.25 + 1e-6, 0.05), key=lambda a: _sharpness(small, float(a))
    )
    return round(float(fine), 2)
