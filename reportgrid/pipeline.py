"""One document from file to ``Document``: extract, reconcile, and turn any failure into an error."""

from __future__ import annotations

import hashlib
import mimetypes
import time
from pathlib import Path

from extractors.base import ExtractionError, extract
from models.document import Document, SourceInfo
from models.errors import DocumentError, ErrorCode
from reconcile import reconcile_document


def _media_type(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    return guessed or "application/octet-stream"


def _digest(path: Path) -> str:
    """The file's sha256; for a folder of page images, over its files' names and bytes in order."""
    digest = hashlib.sha256()
    if path.is_dir():
        for page in sorted(p for p in path.iterdir() if p.is_file()):
            digest.update(page.name.encode())
            digest.update(page.read_bytes())
    else:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def source_info(path: Path, pages: int | None = None, media_type: str | None = None) -> SourceInfo:
    digest = _digest(path)
    return SourceInfo(path=str(path), sha256=digest, media_type=media_type or _media_type(path), pages=pages)


def process_document(path: Path) -> Document:
    """Never raises for bad input: a document that cannot be read comes back ``failed`` with its error."""
    started = time.perf_counter()
    try:
        observations = extract(path)
        document = reconcile_document(
            observations, source_info(path, observations.pages, observations.media_type)
        )
    except ExtractionError as exc:
        document = failed(path, exc.as_error())
    except MemoryError:
        document = failed(
            path, DocumentError(code=ErrorCode.LIMIT_MEMORY, message=f"{path.name}: ran out of memory")
        )
    except Exception as exc:  # one bad document must not stop a run of thousands
        message = f"{path.name}: processing crashed: {type(exc).__name__}: {exc}"
        document = failed(path, DocumentError(code=ErrorCode.INTERNAL, message=message))
    document.seconds = round(time.perf_counter() - started, 3)
    return document


def failed(path: Path, error: DocumentError) -> Document:
    """A ``failed`` document for ``path`` carrying ``error``; its source as far as it can be read."""
    return Document(source=_safe_source(path), status="failed", error=error)


def _safe_source(path: Path) -> SourceInfo:
    try:
        return source_info(path)
    except OSError:
        return SourceInfo(path=str(path), sha256="", media_type=_media_type(path))
