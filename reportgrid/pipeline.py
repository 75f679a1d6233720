"""One document from file to ``Document``: extract, reconcile, and turn any failure into an error."""

from __future__ import annotations

import gc
import hashlib
import mimetypes
import time
from functools import cache
from pathlib import Path

from extractors.base import ExtractionError, extract
from models.document import Document, SourceInfo
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from reconcile import reconcile_document


def _media_type(source: DocumentInput) -> str:
    guessed, _ = mimetypes.guess_type(source.files[0].name)
    return guessed or "application/octet-stream"


def input_digest(source: DocumentInput) -> str:
    """The input's sha256: a file's bytes; for a scan's page images, their names and bytes in order."""
    digest = hashlib.sha256()
    if source.pages:
        for page in source.pages:
            digest.update(page.name.encode())
            digest.update(page.read_bytes())
    else:
        digest.update(source.path.read_bytes())
    return digest.hexdigest()


def source_info(
    source: DocumentInput | Path, pages: int | None = None, media_type: str | None = None
) -> SourceInfo:
    unit = _unit(source)
    return SourceInfo(
        path=str(unit.path),
        sha256=input_digest(unit),
        media_type=media_type or _media_type(unit),
        pages=pages,
    )


def process_document(source: DocumentInput | Path) -> Document:
    """Never raises for bad input: a document that cannot be read comes back ``failed`` with its error.

    A bare path is a single-file document.
    """
    unit = _unit(source)
    started = time.perf_counter()
    try:
        if unit.page_problem is not None:
            raise ExtractionError(ErrorCode.PAGE_SET_INVALID, unit.page_problem)
        observations = extract(unit.path, unit.pages)
        document = reconcile_document(
            observations, source_info(unit, observations.pages, observations.media_type)
        )
    except ExtractionError as exc:
        document = failed(unit, exc.as_error())
    except MemoryError:
        document = failed(
            unit, DocumentError(code=ErrorCode.LIMIT_MEMORY, message=f"{unit.path.name}: ran out of memory")
        )
    except Exception as exc:  # one bad document must not stop a run of thousands
        message = f"{unit.path.name}: processing crashed: {type(exc).__name__}: {exc}"
        document = failed(unit, DocumentError(code=ErrorCode.INTERNAL, message=message))
    document.seconds = round(time.perf_counter() - started, 3)
    _freeze_heap()
    return document


@cache
def _freeze_heap() -> None:
    """Once a process has read a document, what is alive (modules, templates, warmed caches: ~75,000
    objects) stays alive: the cyclic collector stops looking at it. Each document's short-lived objects
    (tokens, cells, models) set off a full collection every ~20 HTML documents, and each one walked
    that whole heap: frozen, bench/bench_text.py's HTML went from 91 to 130 documents/s (flat text 17.2
    to 18.2). Objects are still freed by reference counting; only a cycle among them would be kept."""
    gc.collect()
    gc.freeze()


def failed(source: DocumentInput | Path, error: DocumentError) -> Document:
    """A ``failed`` document for ``source`` carrying ``error``; its source as far as it can be read."""
    return Document(source=_safe_source(_unit(source)), status="failed", error=error)


def _unit(source: DocumentInput | Path) -> DocumentInput:
    return source if isinstance(source, DocumentInput) else DocumentInput(source)


def _safe_source(source: DocumentInput) -> SourceInfo:
    try:
        return source_info(source)
    except OSError:
        return SourceInfo(path=str(source.path), sha256="", media_type=_media_type(source))
