"""A photographed page: its outline on the darker desk, and the perspective that flattens it again.

A phone photo shows the sheet as a four-sided shape at an angle, so its ruling lines converge: no
single rotation levels them all, and a grid found on it loses the rows whose rules lean off the
others. The sheet is found as the large bright shape with darker surroundings, its four corners
taken from the shape's hull, and the image warped so the sheet fills a rectangle. A scan (the page
filling the image, or a light scanner bed around it) is left as it is.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 800  # the outline is found on a copy this many pixels on its long side
MIN_SHARE = 0.3  # the sheet covers at least this share of the photo
MAX_SHARE = 0.97  # above this the page fills the image: a scan, nothing to correct
DESK_CONTRAST = 0.75  # the surroundings are darker than this share of the paper's brightness
INSET = 0.004  # share of the sheet's size cut off every side, so no sliver of desk stays as a dark rule


def page_quad(grey: np.ndarray) -> np.ndarray | None:
    """The sheet's corners (top-left, top-right, bottom-right, bottom-left; x, y in pixels of
    ``grey``) when the image shows a sheet on darker surroundings, else None."""
    height, width = grey.shape
    scale = WORK_SIDE / max(height, width)
    small = cv2.resize(grey, (max(1, round(width * scale)), max(1, round(height * scale))), cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 2)
    _, paper = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = cv2.morphologyEx(paper, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    paper = cv2.morphologyEx(paper, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(paper, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    sheet = max(contours, key=cv2.contourArea)
    share = cv2.contourArea(sheet) / float(small.size)
    if not MIN_SHARE <= share <= MAX_SHARE:
        return None
    inside = np.zeros_like(paper)
    cv2.drawContours(inside, [sheet], -1, 255, thickness=-1)
    paper_level = float(small[inside > 0].mean())
    desk_level = float(small[inside == 0].mean())
    if desk_level > DESK_CONTRAST * paper_level:
        return None
    hull = cv2.convexHull(sheet).reshape(-1, 2).astype(np.float64)
    corners = _corners(hull)
    if corners is None:
        return None
    return corners / scale


def _corners(hull: np.ndarray) -> np.ndarray | None:
    """Four corners of a convex outline: the hull's points furthest along the four diagonals."""
    sums, diffs = hull.sum(axis=1), hull[:, 0] - hull[:, 1]
    quad = np.array(
        [hull[sums.argmin()], hull[diffs.argmax()], hull[sums.argmax()], hull[diffs.argmin()]],
        dtype=np.float64,
    )
    if len({tuple(point) for point in quad}) < 4:
        return None
    area = cv2.contourArea(quad.astype(np.float32))
    return quad if area >= 0.9 * cv2.contourArea(hull.astype(np.float32)) else None


def flatten_sheet(grey: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sheet warped flat and the 3x3 map from ``grey``'s pixels to the result's; the image itself
    and the identity when there is no sheet on a desk to flatten."""
    quad = page_quad(grey)
    if quad is None:
        return grey, np.eye(3)
    top, bottom = np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])
    left, right = np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])
    width, height = round(max(top, bottom)), round(max(left, right))
    cut_x, cut_y = width * INSET, height * INSET
    target = np.array(
        [
            [-cut_x, -cut_y],
            [width + cut_x, -cut_y],
            [width + cut_x, height + cut_y],
            [-cut_x, height + cut_y],
        ],
        dtype=np.float32,
    )
    view = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    flat = cv2.warpPerspective(grey, view, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)
    return flat, view.astype(np.float64)
