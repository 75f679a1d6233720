"""Pages without a usable text layer, read through OCR.

Such a page is rendered by pdfium at 200 dpi (BGR uint8, as OpenCV reads images) and handed to the scan
path (``extractors.scan.observe_pages``), whose pixel boxes are brought back to points in the display
frame by the render scale and the CropBox offset (pdfium renders the CropBox). The scan path numbers
its tables from its own zero; they are renumbered after the document's tables so far.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium

from extractors.pdf_geometry import PageFrame
from models.observation import GridPosition, Token

RENDER_DPI = 200
_SCALE = RENDER_DPI / 72

Observe = Callable[..., list[Token]]


def load_observer() -> tuple[Observe | None, str | None]:
    """The scan path's ``observe_pages``, or None and the reason it cannot be used."""
    try:
        from extractors.scan import observe_pages
    except ImportError as exc:
        return None, f"OCR unavailable: {exc}"
    return observe_pages, None


@dataclass(frozen=True)
class Rendered:
    """A page as the scan path sees it, and where its pixels sit in the display frame."""

    image: np.ndarray  # BGR uint8
    offset: tuple[float, float]  # display-frame point of the image's top-left pixel (the CropBox corner)


def render(page: pdfium.PdfPage, frame: PageFrame) -> Rendered:
    bitmap = page.render(scale=_SCALE)
    try:
        image = np.array(bitmap.to_numpy()[:, :, :3])
    finally:
        bitmap.close()
    x0, y0, _, _ = frame.user_box(page.get_cropbox())
    return Rendered(image, (x0, y0))


def ocr_page(rendered: Rendered, number: int, first_table: int, observe: Observe) -> list[Token]:
    """OCR tokens of one page, boxes in points of the display frame, tables numbered from first_table."""
    offset_x, offset_y = rendered.offset
    tables: dict[int, int] = {}
    tokens = []
    for token in observe([rendered.image], first_page=number):
        update: dict[str, object] = {"page": number}
        if token.bbox is not None:
            x0, y0, x1, y1 = token.bbox
            update["bbox"] = (
                x0 / _SCALE + offset_x,
                y0 / _SCALE + offset_y,
                x1 / _SCALE + offset_x,
                y1 / _SCALE + offset_y,
            )
        if token.grid is not None:
            table = tables.setdefault(token.grid.table, first_table + len(tables))
            update["grid"] = GridPosition(**{**token.grid.model_dump(), "table": table})
        tokens.append(token.model_copy(update=update))
    return tokens
