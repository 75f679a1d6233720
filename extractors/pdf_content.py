"""What a page draws, in one pass over its objects: paths (can it hold ruled tables?), its largest
image (is it a picture?), and how much of its text is invisible (a scanner's hidden OCR layer).

A searchable scan is a page-sized image with invisible text laid over it. That text is someone else's
OCR, without the table grid, so such a page goes to the scan path like any other picture.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.pdf_geometry import PageFrame

_MAX_DEPTH = 4  # form XObjects nested deeper than this are not looked into


@dataclass(frozen=True)
class PageContent:
    drawings: bool  # any path, or a form XObject holding one
    image_cover: float  # share of the page under its largest image
    invisible_text: float  # share of text objects drawn invisibly (render mode 3)


def survey_content(page: pdfium.PdfPage, frame: PageFrame) -> PageContent:
    width, height = frame.size
    tally = _Tally(frame)
    tally.walk(
        pdfium_c.FPDFPage_CountObjects(page.raw), lambda i: pdfium_c.FPDFPage_GetObject(page.raw, i), 0
    )
    area = width * height
    return PageContent(
        drawings=tally.drawings,
        image_cover=tally.largest_image / area if area > 0 else 0.0,
        invisible_text=tally.invisible / tally.texts if tally.texts else 0.0,
    )


class _Tally:
    def __init__(self, frame: PageFrame) -> None:
        self.frame = frame
        self.drawings = False
        self.largest_image = 0.0
        self.texts = 0
        self.invisible = 0
        self._bounds = [ctypes.c_float() for _ in range(4)]

    def walk(self, count: int, get: Callable[[int], pdfium_c.FPDF_PAGEOBJECT], depth: int) -> None:
        for index in range(max(count, 0)):
            obj = get(index)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                self.drawings = True
            elif kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                self.texts += 1
                mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
                self.invisible += mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                self.largest_image = max(self.largest_image, self._visible_area(obj))
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < _MAX_DEPTH:
                self.walk(
                    pdfium_c.FPDFFormObj_CountObjects(obj),
                    lambda i, form=obj: pdfium_c.FPDFFormObj_GetObject(form, i),
                    depth + 1,
                )

    def _visible_area(self, obj: pdfium_c.FPDF_PAGEOBJECT) -> float:
        left, bottom, right, top = self._bounds
        if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
            return 0.0
        x0, y0, x1, y1 = self.frame.user_box((left.value, bottom.value, right.value, top.value))
        width, height = self.frame.size
        return max(0.0, min(x1, width) - max(x0, 0.0)) * max(0.0, min(y1, height) - max(y0, 0.0))
