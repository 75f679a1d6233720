"""The characters of a page's text layer, with boxes in the display frame.

pdfium is read character by character (not its own line text) so that cells, lines and runs can be
rebuilt from geometry: a text layer's order and spaces are whatever the producer wrote, its positions
are what the reader sees. Whitespace and pdfium's generated characters are left out (spacing is
recomputed from gaps); a glyph drawn twice at nearly the same place (fake bold) is kept once.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.pdf_geometry import PageFrame

_DUPLICATE_BUCKET = 0.5  # points: fake-bold copies sit a fraction of a point apart, neighbours farther


@dataclass(frozen=True, slots=True)
class Char:
    """One visible character; x0, y0, x1, y1 in points, top-left origin."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class PageText:
    """A page's characters plus what the sanity check needs: all their text and pdfium's map errors."""

    chars: list[Char]
    text: str
    map_errors: int


def read_page_text(page: pdfium.PdfPage, frame: PageFrame) -> PageText:
    textpage = page.get_textpage()
    try:
        return _read(textpage.raw, frame)
    finally:
        textpage.close()


def _read(raw: pdfium_c.FPDF_TEXTPAGE, frame: PageFrame) -> PageText:
    count = pdfium_c.FPDFText_CountChars(raw)
    rect = pdfium_c.FS_RECTF()
    chars: list[Char] = []
    seen: set[tuple[str, int, int]] = set()
    pieces: list[str] = []
    map_errors = 0
    pending_high = 0
    for index in range(max(count, 0)):
        if pdfium_c.FPDFText_IsGenerated(raw, index) == 1:
            continue
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        if 0xD800 <= code <= 0xDBFF:
            pending_high = code
            continue
        if 0xDC00 <= code <= 0xDFFF:
            if not pending_high:
                continue
            code = 0x10000 + ((pending_high - 0xD800) << 10) + (code - 0xDC00)
        pending_high = 0
        text = chr(code) if code else ""
        pieces.append(text)
        map_errors += pdfium_c.FPDFText_HasUnicodeMapError(raw, index) == 1
        if not text or text.isspace():
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, index, ctypes.byref(rect)):
            continue
        x0, y0, x1, y1 = frame.user_box((rect.left, rect.bottom, rect.right, rect.top))
        if x1 <= x0 or y1 <= y0:
            continue
        if _is_duplicate(seen, text, (x0 + x1) / 2, (y0 + y1) / 2):
            continue
        chars.append(Char(text, x0, y0, x1, y1))
    return PageText(chars=chars, text="".join(pieces), map_errors=map_errors)


def _is_duplicate(seen: set[tuple[str, int, int]], text: str, cx: float, cy: float) -> bool:
    """True when the same character was already drawn within a bucket of this position (fake bold)."""
    bx, by = int(cx // _DUPLICATE_BUCKET), int(cy // _DUPLICATE_BUCKET)
    if any((text, bx + dx, by + dy) in seen for dx in (-1, 0, 1) for dy in (-1, 0, 1)):
        return True
    seen.add((text, bx, by))
    return False
