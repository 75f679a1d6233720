"""What every extractor shares: the error for unreadable input and dispatch by file kind."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
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


def _check_size(path: Path) -> None:
    """Refuse a file that cannot be opened or holds nothing, the same way for every kind."""
    try:
        with path.open("rb") as handle:
            empty = not handle.read(1)
    except OSError as exc:
        raise ExtractionError(
            ErrorCode.UNREADABLE, f"{path.name} cannot be read: {exc.strerror or exc}"
        ) from exc
    if empty:
        raise ExtractionError(ErrorCode.EMPTY_FILE, f"{path.name} is empty (0 bytes)")


PAGES_EXTRACTOR = "extractors.scan:extract_images"
"""A document given as its page images, in order, is a scan."""


def extract(path: Path, pages: Sequence[Path] = ()) -> Observations:
    """Read one document with the extractor for its kind; raise ExtractionError when it cannot.

    ``pages``, when given, are the document's page images in order (discovery decided them).
    """
    if pages:
        for page in pages:
            _check_size(page)
        module_name, _, function_name = PAGES_EXTRACTOR.partition(":")
        return getattr(importlib.import_module(module_name), function_name)(path, pages=pages)
    if path.is_dir():
        raise ExtractionError(ErrorCode.UNSUPPORTED_TYPE, f"{path.name}/ is a folder, not a document")
    target = _EXTRACTORS.get(path.suffix.lower())
    if target is None:
        raise ExtractionError(
            ErrorCode.UNSUPPORTED_TYPE, f"{path.name}: unsupported file type {path.suffix or '(none)'!r}"
        )
    _check_size(path)
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ExtractionError(
            ErrorCode.UNSUPPORTED_TYPE, f"{path.name}: no extractor installed for {path.suffix} files: {exc}"
        ) from exc
    return getattr(module, function_name)(path)
