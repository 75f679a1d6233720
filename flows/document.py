"""One document's whole job, with or without Prefect: process it, write its JSON, return its outcome.

The Prefect task (``flows.batch``) and the server-less run (``flows.local``) both call ``run_document``,
so both write the same JSON and the same overlays (``reportgrid.overlay``), and both keep the cells a
person reviewed in an earlier JSON of the same input (``reportgrid.review``) unless told not to. A JSON
that cannot be written (permission, read-only or full disk) makes the document ``failed`` with
``output_unwritable`` in the run summary; no partial file is left.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

from flows.artifacts import Outcome, document_log, review_of
from models.document import Document
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from reportgrid.limits import Limits, run_limited
from reportgrid.output import failed_document, summarize, write_document
from reportgrid.overlay import write_overlays
from reportgrid.pipeline import process_document
from reportgrid.review import earlier_document, keep_reviewed


def run_document(
    source: DocumentInput, out_dir: Path, name: str, limits: Limits, keep_reviews: bool = True
) -> Outcome:
    """Read, reconcile and write one document within ``limits``, with its overlays; bad input, a limit
    exceeded and an unwritable output are coded failures. With ``keep_reviews`` the cells a person
    reviewed in the JSON already there survive (same input only)."""
    job = partial(finish_document, out_dir=out_dir, name=name, keep_reviews=keep_reviews)
    result = run_limited(job, source, limits)
    if isinstance(result, DocumentError):
        return write_outcome(failed_document(source, result), out_dir, name)
    return result


def finish_document(source: DocumentInput, out_dir: Path, name: str, keep_reviews: bool) -> Outcome:
    """The document's whole job where it runs (under limits, a worker process): read and reconcile it,
    keep its reviewed cells, draw its overlays and write its JSON. Its ``seconds`` cover all but the
    JSON's write."""
    started = time.perf_counter()
    document = process_document(source)
    if keep_reviews:
        document = keep_reviewed(document, earlier_document(out_dir / name))
    document = write_overlays(document, source, out_dir, name)
    document.seconds = round(time.perf_counter() - started, 3)
    return write_outcome(document, out_dir, name)


def write_outcome(document: Document, out_dir: Path, name: str) -> Outcome:
    """Write the document's JSON; when that fails, its summary says so (``output_unwritable``)."""
    try:
        written: Path | None = write_document(document, out_dir, name)
    except OSError as exc:
        written = None
        unwritten = f"its JSON {name} could not be written in {out_dir}: {exc.strerror or exc}"
        if document.error is not None and document.error.code == ErrorCode.INTERNAL:
            error = DocumentError(code=ErrorCode.INTERNAL, message=f"{document.error.message}; {unwritten}")
        else:
            message = f"{Path(document.source.path).name}: {unwritten}"
            error = DocumentError(code=ErrorCode.OUTPUT_UNWRITABLE, message=message)
        document = document.model_copy(update={"status": "failed", "error": error})
    return outcome_of(document, written)


def outcome_of(document: Document, written: Path | None, skipped: bool = False) -> Outcome:
    """What the flow needs of a document: its summary line, queue line facts, pages and log line."""
    return Outcome(
        summarize(document, written, skipped),
        review_of(document),
        document.source.pages or 0,
        document_log(document),
        tuple((record.page, record.overlay) for record in document.pages if record.overlay),
    )


def crashed(source: DocumentInput, out_dir: Path, name: str, error: object) -> Outcome:
    """A failed document for an input whose job raised, so every input still gets its JSON."""
    message = f"{source.path.name}: processing crashed: {type(error).__name__}: {error}"
    return write_outcome(
        failed_document(source, DocumentError(code=ErrorCode.INTERNAL, message=message)), out_dir, name
    )
