"""What every extractor shares: the error for unreadable input and dispatch by file kind."""

from __future__ import annotations

import importlib
import stat
from pathlib import Path

from models.errors import DocumentError, ErrorCode
from models.observation import Observations


class ExtractionError(Exception):
    """The input cannot be read as a document; its code and message go into that document's JSON."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_error(self) -> DocumentError:
        return DocumentError(code=self.code, message=self.message)


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff")

# suffix -> "module:function"; each function takes a Path and returns Observations.
_EXTRACTORS: dict[str, str] = {
    ".txt": "extractors.text:extract_text",
    ".html": "extractors.html:extract_html",
    ".htm": "extractors.html:extract_html",
    ".pdf": "extractors.pdf:extract_pdf",
    **{suffix: "extractors.scan:extract_images" for suffix in IMAGE_SUFFIXES},
}


def supported(path: Path) -> bool:
    return path.suffix.lower() in _EXTRACTORS


def _head(path: Path) -> bytes:
    """The file's first bytes; refuses a file that cannot be opened or holds nothing, for every kind."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1024)
    except OSError as exc:
        raise ExtractionError(
            ErrorCode.UNREADABLE, f"{path.name} cannot be read: {exc.strerror or exc}"
        ) from exc
    if not head:
        raise ExtractionError(ErrorCode.EMPTY_FILE, f"{path.name} is empty (0 bytes)")
    return head


_PDF_EXTRACTOR = _EXTRACTORS[".pdf"]
_TEXT_EXTRACTORS = frozenset(_EXTRACTORS[suffix] for suffix in (".txt", ".html"))


PAGE_FOLDER_EXTRACTOR = "extractors.scan:extract_images"
"""A folder is one document made of page images (name_p1.png, name_p2.png …)."""


def extract(path: Path) -> Observations:
    """Read one document with the extractor for its kind; raise ExtractionError when it cannot."""
    try:
        is_dir = stat.S_ISDIR(path.stat().st_mode)
    except OSError as exc:
        raise ExtractionError(
            ErrorCode.UNREADABLE, f"{path.name} cannot be read: {exc.strerror or exc}"
        ) from exc
    target = PAGE_FOLDER_EXTRACTOR if is_dir else _EXTRACTORS.get(path.suffix.lower())
    if target is None:
        raise ExtractionError(
            ErrorCode.UNSUPPORTED_TYPE, f"{path.name}: unsupported file type {path.suffix or '(none)'!r}"
        )
    if not is_dir and _head(path).startswith(b"%PDF-") and target in _TEXT_EXTRACTORS:
        target = _PDF_EXTRACTOR  # a PDF saved under a web page's name: read what it is
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ExtractionError(
            ErrorCode.UNSUPPORTED_TYPE, f"{path.name}: no extractor installed for {path.suffix} files: {exc}"
        ) from exc
    return getattr(module, function_name)(path)
