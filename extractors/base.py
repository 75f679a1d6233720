"""What every extractor shares: the error for unreadable input and dispatch by file kind."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path

from models.observation import Observations


class ExtractionError(Exception):
    """The input cannot be read as a document; the message goes into that document's JSON."""


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


PAGES_EXTRACTOR = "extractors.scan:extract_images"
"""A document given as its page images, in order, is a scan."""


def extract(path: Path, pages: Sequence[Path] = ()) -> Observations:
    """Read one document with the extractor for its kind; raise ExtractionError when it cannot.

    ``pages``, when given, are the document's page images in order (discovery decided them).
    """
    if pages:
        module_name, _, function_name = PAGES_EXTRACTOR.partition(":")
        return getattr(importlib.import_module(module_name), function_name)(path, pages=pages)
    if path.is_dir():
        raise ExtractionError(f"{path.name}/ is a folder, not a document")
    target = _EXTRACTORS.get(path.suffix.lower())
    if target is None:
        raise ExtractionError(f"unsupported file type {path.suffix or '(none)'!r}")
    module_name, _, function_name = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ExtractionError(f"no extractor installed for {path.suffix} files: {exc}") from exc
    return getattr(module, function_name)(path)
