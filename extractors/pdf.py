"""Digital PDFs: ruled tables as grid cells and the text around them, scanned pages through OCR.

Per page: read the characters of the text layer (pdfium) and judge them (``pdf_textlayer``). A page
whose text is sane gets camelot's ruled grids filled with its characters (``pdf_tables``,
``pdf_page``); a page without a usable text layer is rendered and read by the scan path
(``pdf_scanned``). Boxes are in PDF points of the page as displayed, origin top-left, y down (as in
a rendered image); ``page`` is 1-based. A table continued on the next page is simply another grid
table: joining the parts is the reconciler's job.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium

from extractors.base import ExtractionError
from extractors.pdf_chars import read_page_text
from extractors.pdf_content import survey_content
from extractors.pdf_geometry import PageFrame
from extractors.pdf_open import PDFIUM_LOCK, open_pdf
from extractors.pdf_page import page_tokens
from extractors.pdf_scanned import Observe, Rendered, load_observer, ocr_page, render
from extractors.pdf_tables import GridFinder, PageGrids
from extractors.pdf_textlayer import text_layer_fault
from models.errors import ErrorCode
from models.observation import Observations, PageRecord, ReadMethod, Token, grid_records

MEDIA_TYPE = "application/pdf"


def extract_pdf(path: Path) -> Observations:
    """Observations of a PDF: raises ExtractionError when it cannot be opened or nothing in it is readable."""
    with PDFIUM_LOCK:
        document = open_pdf(path)
        pages = len(document)
    reader = _Reader()
    try:
        with GridFinder(path) as finder:
            for number in range(1, pages + 1):
                reader.read(document, number, finder)
    finally:
        with PDFIUM_LOCK:
            document.close()
    if not any(token.text for token in reader.tokens):
        reasons = "; ".join(reader.notes) or "no text found"
        raise ExtractionError(ErrorCode.NO_TEXT_OR_IMAGE, f"{path.name}: nothing readable: {reasons}")
    return Observations(
        source_kind="pdf",
        media_type=MEDIA_TYPE,
        pages=pages,
        tokens=reader.tokens,
        notes=reader.notes,
        page_records=reader.records,
    )


class _Reader:
    """Tokens and notes of a document, page after page; tables numbered across the whole document.

    pdfium work on a page is done holding PDFIUM_LOCK; OCR of a rendered page runs without it.
    """

    def __init__(self) -> None:
        self.tokens: list[Token] = []
        self.notes: list[str] = []
        self.tables = 0
        self.records: list[PageRecord] = []
        self._observer: tuple[Observe | None, str | None] | None = None

    def read(self, document: pdfium.PdfDocument, number: int, finder: GridFinder) -> None:
        """Read one page; a page pdfium cannot load or read is noted and skipped."""
        try:
            self._read(document, number, finder)
        except pdfium.PdfiumError as exc:
            self.notes.append(f"page {number}: damaged, not read: {exc}")
            self.records.append(PageRecord(page=number, method="text_layer", faults=[f"damaged: {exc}"]))

    def _read(self, document: pdfium.PdfDocument, number: int, finder: GridFinder) -> None:
        with PDFIUM_LOCK:
            page = document[number - 1]
            try:
                frame = PageFrame(media=tuple(page.get_mediabox()), rotation=page.get_rotation() % 360)
                corner = frame.user_box(page.get_cropbox())[:2]
                text = read_page_text(page, frame)
                content = survey_content(page, frame)
                fault = text_layer_fault(
                    text.text, text.map_errors, content.image_cover, content.invisible_text
                )
                if fault is None:
                    found = finder.find(number, frame) if content.drawings else PageGrids([])
                    if found.note:
                        self.notes.append(found.note)
                    self.tokens.extend(
                        page_tokens(number, text.chars, found.grids, frame.size[1], self.tables)
                    )
                    self.tables += len(found.grids)
                    self._record(number, "text_layer", frame, corner, [found.note] if found.note else [])
                    return
                if not (text.chars or content.drawings or content.image_cover):
                    self.notes.append(f"page {number}: blank")
                    self._record(number, "text_layer", frame, corner, ["blank"])
                    return
                observe = self._observe(number, fault)
                if observe is None:
                    self._record(
                        number, "ocr", frame, corner, [f"text layer unusable ({fault}); OCR unavailable"]
                    )
                    return
                rendered = render(page, frame)
            finally:
                page.close()
        faults = self._ocr(rendered, number, fault, observe)
        self._record(number, "ocr", frame, corner, faults)

    def _record(
        self,
        number: int,
        method: ReadMethod,
        frame: PageFrame,
        corner: tuple[float, float],
        faults: list[str],
    ) -> None:
        """What was done with the page, the grids its tokens show (boxes in points as displayed)."""
        self.records.append(
            PageRecord(
                page=number,
                method=method,
                unit="pt",
                size=frame.size,
                origin=corner,
                grids=grid_records(self.tokens, number),
                faults=faults,
            )
        )

    def _observe(self, number: int, fault: str) -> Observe | None:
        """The scan path, or None after noting why the page cannot be read."""
        if self._observer is None:
            self._observer = load_observer()
        observe, unavailable = self._observer
        if observe is None:
            self.notes.append(f"page {number}: text layer unusable ({fault}); not read: {unavailable}")
        return observe

    def _ocr(self, rendered: Rendered, number: int, fault: str, observe: Observe) -> list[str]:
        """Read the rendered page; return the page's faults."""
        try:
            read = ocr_page(rendered, number, self.tables, observe)
        except ExtractionError as exc:
            self.notes.append(f"page {number}: text layer unusable ({fault}); OCR failed: {exc}")
            return [f"text layer unusable ({fault})", f"OCR failed: {exc}"]
        self.notes.append(f"page {number}: text layer unusable ({fault}); read by OCR")
        self.tables += len({token.grid.table for token in read if token.grid is not None})
        self.tokens.extend(read)
        return [f"text layer unusable ({fault})"]
