"""One coordinate frame for every PDF reading: the page as displayed, in points, top-left origin, y down.

pdfium reports character boxes in the page's own user space (origin bottom-left, /Rotate not
applied); camelot's layout (playa, ``space="page"``) applies /Rotate and puts the origin at the bottom
left of the rotated MediaBox. Both are brought here into the displayed page with y growing downwards,
the same orientation as the pixels of a rendered page, so a scan path's pixel boxes divided by the
render scale land in the same frame.
"""

from __future__ import annotations

from dataclasses import dataclass

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class PageFrame:
    """MediaBox and /Rotate of one page; converts user-space and camelot boxes to the display frame."""

    media: BBox  # (left, bottom, right, top) in user space
    rotation: int  # clockwise degrees: 0, 90, 180 or 270

    @property
    def size(self) -> tuple[float, float]:
        """(width, height) of the page as displayed."""
        left, bottom, right, top = self.media
        width, height = right - left, top - bottom
        return (height, width) if self.rotation in (90, 270) else (width, height)

    def user_point(self, x: float, y: float) -> tuple[float, float]:
        """A user-space point in the display frame (top-left origin, y down)."""
        left, bottom, right, top = self.media
        dx, dy = x - left, y - bottom
        width, height = right - left, top - bottom
        if self.rotation == 90:
            return dy, dx
        if self.rotation == 180:
            return width - dx, dy
        if self.rotation == 270:
            return height - dy, width - dx
        return dx, height - dy

    def user_box(self, box: BBox) -> BBox:
        """A user-space (left, bottom, right, top) box in the display frame as (x0, y0, x1, y1)."""
        ax, ay = self.user_point(box[0], box[1])
        bx, by = self.user_point(box[2], box[3])
        return (min(ax, bx), min(ay, by), max(ax, bx), max(ay, by))

    def layout_y(self, y: float) -> float:
        """A y coordinate of camelot's page space (rotation applied, y up) in the display frame."""
        return self.size[1] - y

    def layout_box(self, x0: float, y0: float, x1: float, y1: float) -> BBox:
        """A box in camelot's page space in the display frame."""
        return (min(x0, x1), self.layout_y(max(y0, y1)), max(x0, x1), self.layout_y(min(y0, y1)))
