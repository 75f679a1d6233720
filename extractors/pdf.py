"""Digital PDFs: ruled tables as grid cells and the text around them, scanned pages through OCR.

Per page: read the characters of the text layer (pdfium) and judge them (``pdf_textlayer``). A page
whose text is sane gets camelot's ruled grids filled with its characters (``pdf_tables``,
``pdf_page``); a page without a usable text layer is rendered and read by the scan path
(``pdf_scanned``). Boxes are in PDF points of the page as displayed, origin top-left, y down (as in
a rendered image); ``page`` is 1-based. A table continued on the next page is simply another grid
table: joining the parts is the reconciler's job.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from extractors.base import ExtractionError
from extractors.pdf_chars import Char, read_page_text
from extractors.pdf_content import survey_content
from extractors.pdf_geometry import PageFrame
from extractors.pdf_open import open_pdf
from extractors.pdf_page import page_tokens
from extractors.pdf_scanned import Observe, load_observer, ocr_page
from extractors.pdf_tables import PageGrids, find_grids
from extractors.pdf_textlayer import text_layer_fault
from models.observation import Observations, Token

MEDIA_TYPE = "application/pdf"


@dataclass
class _Page:
    number: int
    frame: PageFrame
    chars: list[Char]
    fault: str | None
    ruled: bool  # draws paths: camelot may find ruled tables on it


def extract_pdf(path: Path) -> Observations:
    """Observations of a PDF: raises ExtractionError when it cannot be opened or nothing in it is readable."""
    document = open_pdf(path)
    try:
        pages = [_survey(document, number) for number in range(1, len(document) + 1)]
        tokens, notes = _read(path, document, pages)
    finally:
        document.close()
    if not any(token.text for token in tokens):
        reasons = "; ".join(notes) or "no text found"
        raise ExtractionError(f"{path.name}: nothing readable: {reasons}")
    return Observations(
        source_kind="pdf", media_type=MEDIA_TYPE, pages=len(pages), tokens=tokens, notes=notes
    )


def _survey(document: pdfium.PdfDocument, number: int) -> _Page:
    page = document[number - 1]
    try:
        frame = PageFrame(media=tuple(page.get_mediabox()), rotation=page.get_rotation() % 360)
        text = read_page_text(page, frame)
        content = survey_content(page, frame)
        fault = text_layer_fault(text.text, text.map_errors, content.image_cover, content.invisible_text)
        return _Page(number, frame, text.chars, fault, content.drawings)
    finally:
        page.close()


def _read(path: Path, document: pdfium.PdfDocument, pages: list[_Page]) -> tuple[list[Token], list[str]]:
    ruled = {page.number: page.frame for page in pages if page.fault is None and page.ruled}
    grids: dict[int, PageGrids] = dict(find_grids(path, ruled)) if ruled else {}
    observe, unavailable = (None, None)
    if any(page.fault for page in pages):
        observe, unavailable = load_observer()
    tokens: list[Token] = []
    notes: list[str] = []
    tables = 0
    for page in pages:
        if page.fault is None:
            found = grids.get(page.number, PageGrids([]))
            if found.note:
                notes.append(found.note)
            page_height = page.frame.size[1]
            tokens.extend(page_tokens(page.number, page.chars, found.grids, page_height, tables))
            tables += len(found.grids)
        elif observe is None:
            notes.append(f"page {page.number}: text layer unusable ({page.fault}); not read: {unavailable}")
        else:
            read, note = _ocr(document, page, tables, observe)
            notes.append(note)
            tables += len({token.grid.table for token in read if token.grid is not None})
            tokens.extend(read)
    return tokens, notes


def _ocr(document: pdfium.PdfDocument, page: _Page, tables: int, observe: Observe) -> tuple[list[Token], str]:
    """The page read by the scan path, and the note saying so (or why the scan path could not)."""
    pdf_page = document[page.number - 1]
    try:
        read = ocr_page(pdf_page, page.frame, page.number, tables, observe)
    except ExtractionError as exc:
        return [], f"page {page.number}: text layer unusable ({page.fault}); OCR failed: {exc}"
    finally:
        pdf_page.close()
    return read, f"page {page.number}: text layer unusable ({page.fault}); read by OCR"
