"""Writing results: one JSON per document and ``run-summary.json``, each written atomically.

A reader (or a crash) never sees a partial file under a final name: the JSON goes to a temporary file
in the same folder (``.rg-XXXXXXXX.tmp``), is flushed to disk, then renamed over the final name
in one step. A run killed mid-write leaves such a temporary file; the next run removes them before it
starts (``remove_stale_temporaries``). A JSON an earlier run wrote is kept when it is complete and was
made from the same input bytes by the same pipeline version (``kept_document``).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from models.document import Document, DocumentSummary, RunSummary, SkippedFile, Status, to_json
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from models.version import PIPELINE_VERSION
from reportgrid.pipeline import failed

SUMMARY_NAME = "run-summary.json"
STATUSES: tuple[Status, ...] = ("valid", "needs_review", "failed")
SKIPPED = "skipped"
# write_atomic's temporary names, and the longer ones earlier versions used (.NAME.json.XXXXXXXX.tmp).
_TEMPORARY = re.compile(r"^\.(rg-|.+\.json\.)[A-Za-z0-9_]+\.tmp$")
# Failures that say nothing about the input (the task's process was lost, a crash): redone on a rerun.
_REDONE_ERRORS = frozenset({ErrorCode.WORKER_LOST, ErrorCode.INTERNAL})


def write_atomic(path: Path, content: str | bytes) -> None:
    """Replace ``path`` with ``content`` (text as UTF-8, or bytes such as a PNG) so that it holds either
    the old or the whole new content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    # A short temporary name: the final name may already be near the file system's 255 bytes.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".rg-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            os.fchmod(handle.fileno(), 0o644)  # mkstemp's 0600 would hide results from other readers
            handle.write(data)
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
    absolute = [Path(os.path.realpath(path)) for path in paths]  # resolve() raises on a symlink loop
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
    return _fitting(path.stem), _fitting(path.name), _fitting("__".join(relative.parts))


# File names are limited to 255 bytes; the longest suffix added to a name is ".review.html" (12) and a
# numbered clash "-NN", so names are kept to 200 bytes.
MAX_NAME_BYTES = 200


def _fitting(name: str) -> str:
    """``name``, or when it is too long for a file name its start and a hash of the whole of it."""
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:12]
    start = name.encode()[: MAX_NAME_BYTES - len(digest) - 1].decode(errors="ignore")
    return f"{start}-{digest}"


def _numbered(name: str, taken: set[str]) -> str:
    counter = 2
    while f"{name}-{counter}".lower() in taken:
        counter += 1
    chosen = f"{name}-{counter}"
    taken.add(chosen.lower())
    return chosen


def write_document(document: Document, out_dir: Path, name: str) -> Path:
    path = out_dir / name
    write_atomic(path, to_json(document))
    return path


def failed_document(source: DocumentInput | Path, error: DocumentError) -> Document:
    """A document for an input that could not be processed at all, carrying the reason."""
    return failed(source, error)


def summarize(document: Document, output: Path | None, skipped: bool = False) -> DocumentSummary:
    """The run-summary line of one document: its status and what a reviewer has to look at."""
    cells = [cell for table in document.tables for cell in table.cells]
    return DocumentSummary(
        source=document.source.path,
        sha256=document.source.sha256,
        output=output.name if output is not None else None,
        status=document.status,
        error=document.error,
        cells=len(cells),
        cells_needing_review=sum(cell.needs_review for cell in cells),
        failed_rules=sum(check.kind == "rule" and not check.passed for check in document.checks),
        seconds=document.seconds or 0.0,
        skipped=skipped,
    )


def run_summary(
    documents: Sequence[DocumentSummary],
    started: datetime,
    skipped: Sequence[SkippedFile] = (),
    complete: bool = True,
) -> RunSummary:
    """The summary of a run; an incomplete one (written as the run goes) has no ``finished`` time."""
    counts = Counter(doc.status for doc in documents)
    by_digest: defaultdict[str, list[str]] = defaultdict(list)
    for doc in documents:
        if doc.sha256:
            by_digest[doc.sha256].append(doc.source)
    codes = Counter(doc.error.code.value for doc in documents if doc.error is not None)
    return RunSummary(
        started=started.isoformat(timespec="seconds"),
        finished=now().isoformat(timespec="seconds") if complete else None,
        complete=complete,
        documents=list(documents),
        counts={status: counts[status] for status in STATUSES}
        | {SKIPPED: sum(doc.skipped for doc in documents)},
        errors=dict(sorted(codes.items())),
        duplicates=[sources for sources in by_digest.values() if len(sources) > 1],
        skipped=list(skipped),
    )


def write_summary(summary: RunSummary, out_dir: Path) -> Path:
    path = out_dir / SUMMARY_NAME
    write_atomic(path, to_json(summary))
    return path


def summary_written(summary: RunSummary, out_dir: Path) -> bool:
    """Whether ``out_dir`` holds this very summary (its writing can fail on a full or read-only disk)."""
    try:
        return RunSummary.model_validate_json((out_dir / SUMMARY_NAME).read_bytes()) == summary
    except (OSError, ValueError):
        return False


def now() -> datetime:
    return datetime.now(UTC)
