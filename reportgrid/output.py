"""Writing results: one JSON per document and ``run-summary.json``, each written atomically.

A reader (or a crash) never sees a partial file under a final name: the JSON goes to a temporary file
in the same folder (``.NAME.json.XXXXXXXX.tmp``), is flushed to disk, then renamed over the final name
in one step. A run killed mid-write leaves such a temporary file; the next run removes them before it
starts (``remove_stale_temporaries``). A JSON an earlier run wrote is kept when it is complete and was
made from the same input bytes by the same pipeline version (``kept_document``).
"""

from __future__ import annotations

import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from models.document import Document, DocumentSummary, RunSummary, Status
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from models.version import PIPELINE_VERSION
from reportgrid.pipeline import failed

SUMMARY_NAME = "run-summary.json"
STATUSES: tuple[Status, ...] = ("valid", "needs_review", "failed")
SKIPPED = "skipped"
_TEMPORARY = re.compile(r"^\..+\.json\.[A-Za-z0-9_]+\.tmp$")
# Failures that say nothing about the input (the task's process was lost, a crash): redone on a rerun.
_REDONE_ERRORS = frozenset({ErrorCode.WORKER_LOST, ErrorCode.INTERNAL})


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) so that it holds either the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            os.fchmod(handle.fileno(), 0o644)  # mkstemp's 0600 would hide results from other readers
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); folders cannot be opened this way everywhere."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_stale_temporaries(out_dir: Path) -> list[Path]:
    """Delete the temporary files a killed run left in ``out_dir``; call before a run writes anything.

    Only names ``write_atomic`` makes are touched. One run at a time may use an output folder.
    """
    removed = []
    for name in os.listdir(out_dir):
        if _TEMPORARY.match(name):
            (out_dir / name).unlink(missing_ok=True)
            removed.append(out_dir / name)
    return removed


def kept_document(path: Path, digest: str) -> Document | None:
    """The document at ``path`` if a rerun may keep it: a complete JSON of this pipeline version made
    from input bytes with sha256 ``digest``, and not failed for a reason outside the input."""
    try:
        document = Document.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None
    if "pipeline_version" not in document.model_fields_set:
        return None  # written before versions were recorded
    if document.pipeline_version != PIPELINE_VERSION or document.source.sha256 != digest:
        return None
    if document.error is not None and document.error.code in _REDONE_ERRORS:
        return None
    return document


def output_names(paths: Sequence[Path]) -> list[str]:
    """The JSON file name for each input, unique within the run and the same on every run.

    The stem is enough when it is unique (``hushan-2020.json``). Inputs that share a stem keep their
    suffix (``x.txt.json``, ``x.html.json``); those that still clash take their folder path relative to
    the inputs' common folder (``a__x.txt.json``). A name never takes ``run-summary.json``.
    """
    absolute = [path.resolve() for path in paths]
    base = Path(os.path.commonpath([p.parent for p in absolute])) if absolute else Path()
    ladders = [_name_ladder(path, base) for path in absolute]
    names = [""] * len(paths)
    taken = {SUMMARY_NAME.removesuffix(".json")}
    unresolved = list(range(len(paths)))
    for level in range(3):
        groups: defaultdict[str, list[int]] = defaultdict(list)
        for index in unresolved:
            groups[ladders[index][level].lower()].append(index)
        unresolved = []
        for key, members in groups.items():
            if len(members) == 1 and key not in taken:
                names[members[0]] = ladders[members[0]][level]
                taken.add(key)
            else:
                unresolved.extend(members)
    for index in sorted(unresolved):
        names[index] = _numbered(ladders[index][2], taken)
    return [f"{name}.json" for name in names]


def _name_ladder(path: Path, base: Path) -> tuple[str, str, str]:
    relative = path.relative_to(base) if path.is_relative_to(base) else Path(path.name)
    return path.stem, path.name, "__".join(relative.parts)


def _numbered(name: str, taken: set[str]) -> str:
    counter = 2
    while f"{name}-{counter}".lower() in taken:
        counter += 1
    chosen = f"{name}-{counter}"
    taken.add(chosen.lower())
    return chosen


def write_document(document: Document, out_dir: Path, name: str) -> Path:
    path = out_dir / name
    write_atomic(path, document.model_dump_json(indent=2) + "\n")
    return path


def failed_document(source: DocumentInput | Path, error: DocumentError) -> Document:
    """A document for an input that could not be processed at all, carrying the reason."""
    return failed(source, error)


def summarize(document: Document, output: Path | None, skipped: bool = False) -> DocumentSummary:
    """The run-summary line of one document: its status and what a reviewer has to look at."""
    cells = [cell for table in document.tables for cell in table.cells]
    return DocumentSummary(
        source=document.source.path,
        output=output.name if output is not None else None,
        status=document.status,
        error=document.error,
        cells=len(cells),
        cells_needing_review=sum(cell.needs_review for cell in cells),
        failed_rules=sum(check.kind == "rule" and not check.passed for check in document.checks),
        seconds=document.seconds or 0.0,
        skipped=skipped,
    )


def run_summary(documents: Sequence[DocumentSummary], started: datetime, complete: bool = True) -> RunSummary:
    """The summary of a run; an incomplete one (written as the run goes) has no ``finished`` time."""
    counts = Counter(doc.status for doc in documents)
    codes = Counter(doc.error.code.value for doc in documents if doc.error is not None)
    return RunSummary(
        started=started.isoformat(timespec="seconds"),
        finished=now().isoformat(timespec="seconds") if complete else None,
        complete=complete,
        documents=list(documents),
        counts={status: counts[status] for status in STATUSES}
        | {SKIPPED: sum(doc.skipped for doc in documents)},
        errors=dict(sorted(codes.items())),
    )


def write_summary(summary: RunSummary, out_dir: Path) -> Path:
    path = out_dir / SUMMARY_NAME
    write_atomic(path, summary.model_dump_json(indent=2) + "\n")
    return path


def now() -> datetime:
    return datetime.now(UTC)
