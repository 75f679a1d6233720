"""Why a document failed: a code from a closed list, for programs and operators to filter on.

Each code has one cause and one thing the operator should do (``ERROR_CODES``); the README's error
table says the same. ``internal`` is a bug in reportgrid by definition: every other failure is the
input's or the machine's.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel


class ErrorCode(StrEnum):
    """Why a document failed: a closed list; the README's error table gives cause and remedy of each."""

    UNSUPPORTED_TYPE = "unsupported_type"
    UNREADABLE = "unreadable"
    EMPTY_FILE = "empty_file"
    NOT_TEXT = "not_text"
    NOT_A_PDF = "not_a_pdf"
    PDF_DAMAGED = "pdf_damaged"
    PDF_PASSWORD = "pdf_password"
    IMAGE_UNREADABLE = "image_unreadable"
    IMAGE_TOO_LARGE = "image_too_large"
    NO_TEXT_OR_IMAGE = "no_text_or_image"
    NOT_A_REPORT = "not_a_report"
    PAGE_SET_INVALID = "page_set_invalid"
    LIMIT_TIME = "limit_time"
    LIMIT_MEMORY = "limit_memory"
    OUTPUT_UNWRITABLE = "output_unwritable"
    INTERNAL = "internal"


ERROR_CODES: dict[ErrorCode, tuple[str, str]] = {
    ErrorCode.UNSUPPORTED_TYPE: (
        "the file's kind has no extractor (e.g. .docx, .xls) or its content is of another kind",
        "convert it to PDF, HTML or text, or leave it out",
    ),
    ErrorCode.UNREADABLE: (
        "the file cannot be opened: no permission, gone, or a symlink loop",
        "fix its permissions or path and run it again",
    ),
    ErrorCode.EMPTY_FILE: ("the file has zero bytes", "fetch or scan the document again"),
    ErrorCode.NOT_TEXT: (
        "a .txt/.html file holds binary data, not text in a known encoding",
        "check what the file really is; rename it to its real kind",
    ),
    ErrorCode.NOT_A_PDF: ("a .pdf file has no PDF header", "check what the file really is"),
    ErrorCode.PDF_DAMAGED: (
        "the PDF is truncated or its structure is broken beyond repair",
        "download it again or repair it (e.g. qpdf, mutool clean)",
    ),
    ErrorCode.PDF_PASSWORD: (
        "the PDF needs a password to be opened",
        "ask the publisher for an unprotected copy, or decrypt it with the password",
    ),
    ErrorCode.IMAGE_UNREADABLE: (
        "an image file is corrupt, truncated or not an image",
        "scan or download it again",
    ),
    ErrorCode.IMAGE_TOO_LARGE: (
        "an image has more pixels than reportgrid decodes (refused before decoding)",
        "rescan at 300 dpi or split the image into pages",
    ),
    ErrorCode.NO_TEXT_OR_IMAGE: (
        "the document holds nothing to read: blank pages, empty markup, unreadable fonts",
        "check the source; a blank or font-broken PDF may need rescanning",
    ),
    ErrorCode.NOT_A_REPORT: (
        "the document was read but holds none of the report's tables",
        "check it is an annual disclosure report; leave it out otherwise",
    ),
    ErrorCode.PAGE_SET_INVALID: (
        "a folder of page images is misnamed, has a gap or two images for one page",
        "rename the page images name_p1.png, name_p2.png … one per page",
    ),
    ErrorCode.LIMIT_TIME: (
        "the document took longer than the per-document time limit",
        "run it alone with a higher --time-limit; report it if it is small",
    ),
    ErrorCode.LIMIT_MEMORY: (
        "the document needed more memory than the per-document memory limit",
        "run it alone with a higher --memory-limit",
    ),
    ErrorCode.OUTPUT_UNWRITABLE: (
        "the document's JSON could not be written (permission, read-only or full disk)",
        "free space or fix the output folder, then run the document again",
    ),
    ErrorCode.INTERNAL: (
        "a bug in reportgrid: processing crashed",
        "report it with the input and the message",
    ),
}


class DocumentError(BaseModel):
    """A failed document's reason: ``code`` (see ``ErrorCode``) and a sentence naming the file."""

    code: ErrorCode
    message: str

    def __str__(self) -> str:
        return f"{self.code.value}: {self.message}"
