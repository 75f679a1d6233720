"""Opening a PDF with pdfium, turning its failures into clear ``ExtractionError`` messages.

pdfium tries the empty user password itself, so a PDF encrypted only against copying or printing
(common for government reports) opens like any other; one that needs a password to be read does not.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.base import ExtractionError
from models.errors import ErrorCode

_PASSWORD_ERRORS = (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)

# pdfium is not thread-safe and the batch flow runs documents in threads: every pdfium call (opening,
# reading, rendering, closing) is made holding this lock. Re-entrant, so a holder may call helpers
# that take it again.
PDFIUM_LOCK = threading.RLock()


def open_pdf(path: Path) -> pdfium.PdfDocument:
    """The document, or ExtractionError saying why it cannot be read. Call holding PDFIUM_LOCK."""
    if not path.is_file():
        raise ExtractionError(ErrorCode.UNREADABLE, f"{path.name}: no such file")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if b"%PDF-" not in head:
        raise ExtractionError(ErrorCode.NOT_A_PDF, f"{path.name} is not a PDF: no %PDF- header")
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        if pdfium_c.FPDF_GetLastError() in _PASSWORD_ERRORS or "password" in str(exc).lower():
            raise ExtractionError(
                ErrorCode.PDF_PASSWORD, f"{path.name}: encrypted PDF: a password is needed"
            ) from exc
        raise ExtractionError(
            ErrorCode.PDF_DAMAGED, f"{path.name} is damaged and cannot be read as a PDF: {exc}"
        ) from exc
    if len(document) == 0:
        document.close()
        raise ExtractionError(ErrorCode.PDF_DAMAGED, f"{path.name} is damaged or empty: no pages")
    return document
