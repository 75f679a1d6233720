"""What operators see in the Prefect UI: the run's progress, its table, and a review queue, built here
from the documents as plain values (Markdown, table rows); the flow only publishes them.

Everything is written for a person: numbers as printed (never ``Decimal('…')``), nothing where a value
is absent (never ``None``), every output a link. The review queue is one line per document that is
not valid, however many there are: the detail is behind its links (the JSON), and a long queue is
split into pages of at most ``QUEUE_PAGE_LINES`` lines and ``QUEUE_PAGE_BYTES``, each its own artifact.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from models.document import Document, DocumentSummary, RunSummary
from reportgrid.overlay import thumbnail_data_uri, thumbnail_name

# One queue page's lines: 100 rows of a Markdown table render at about 4,000 px in the UI, a page an
# operator scrolls through; a run of thousands of documents gets one artifact per hundred.
QUEUE_PAGE_LINES = 100
# One queue page's size. Prefect's server announces each artifact in an event that carries its whole
# text, and refuses events over PREFECT_SERVER_EVENTS_MAXIMUM_SIZE_BYTES (1.5 MB by default): a page of
# 71 scan documents with their thumbnails was 6.4 MB, its event refused and missing from the UI's feed
# (bench/throughput.py, 200 documents). A line with three thumbnails is about 30 KB.
QUEUE_PAGE_BYTES = 1_000_000
# Characters of a document's reason shown in its queue line; the whole message is in its JSON. The UI
# does not wrap table cells (docs/prefect-review-queue.png): a longer reason only widens the row an
# operator scrolls sideways, so the reason comes last and is cut short.
WHY_CHARACTERS = 100
RULES_NAMED = 1
STRUCTURE_CHARACTERS = 50
# The extractor of each media type, for the per-document log line.
_EXTRACTORS = {"text/plain": "text", "text/html": "html", "application/pdf": "pdf"}


@dataclass(frozen=True)
class Review:
    """Why one document is not valid, in a queue line's terms (built from the document in its task)."""

    why: str = ""
    flagged: int = 0
    reasons: tuple[tuple[str, int], ...] = ()
    """Flagged cells per ``review_reason``, most frequent first."""
    rules: tuple[str, ...] = ()
    """The names of the failed rule checks."""


@dataclass(frozen=True, repr=False)
class Outcome:
    """What one document task hands back to the flow: its summary line, its review, its log line."""

    summary: DocumentSummary
    review: Review = field(default_factory=Review)
    pages: int = 0
    log: str = ""
    overlays: tuple[tuple[int, str], ...] = ()
    """Its page overlays beside its JSON: page number and file name, in page order."""

    def __repr__(self) -> str:
        """Short: Prefect prints a task's result in its state lines, in the UI's logs too."""
        return f"Outcome({Path(self.summary.source).name}: {self.summary.status})"


Thumbnails = Callable[[Outcome], str]
"""Markdown images for a queue line (e.g. a flagged page's overlay as a ``data:`` URI), or ""."""


def review_of(document: Document) -> Review:
    """The queue line's facts of a document: its error or its failed checks and flagged cells."""
    cells = [cell for table in document.tables for cell in table.cells if cell.needs_review]
    reasons = Counter(cell.review_reason or "no reason recorded" for cell in cells)
    failed = [check for check in document.checks if not check.passed]
    rules = tuple(f"{check.table} {check.name}" for check in failed if check.kind == "rule")
    if document.error is not None:
        why = f"{document.error.code.value}: {document.error.message}"
    else:
        parts = [f"{count} cells {reason}" for reason, count in reasons.most_common()]
        structure = [check for check in failed if check.kind == "structure"]
        if structure:
            more = f" (+{len(structure) - 1} more)" if len(structure) > 1 else ""
            parts.append(f"structure: {_shorten(structure[0].message, STRUCTURE_CHARACTERS)}{more}")
        why = "; ".join(parts)
    return Review(why=why, flagged=len(cells), reasons=tuple(reasons.most_common()), rules=rules)


def document_log(document: Document) -> str:
    """The per-document log line: extractor, pages, tables read, cells, status and seconds."""
    source = document.source
    kind = _EXTRACTORS.get(source.media_type) or (
        "scan (OCR)" if source.media_type.startswith("image/") else source.media_type
    )
    pages = f"{source.pages} pages" if source.pages else "no pages"
    tables = ", ".join(f"table {table.id} ({len(table.cells)} cells)" for table in document.tables)
    flagged = sum(cell.needs_review for table in document.tables for cell in table.cells)
    seconds = f"{document.seconds:.2f} s" if document.seconds is not None else "time not measured"
    status = document.status + (f" ({document.error.code.value})" if document.error else "")
    return (
        f"{Path(source.path).name}: {kind} extractor, {pages}{_page_methods(document)}; "
        f"{tables or 'no table read'}; {flagged} cells need review; {status}; {seconds}"
    )


def _page_methods(document: Document) -> str:
    """How each page was read and the grids found on it, runs of alike pages together:
    `` (pages 1-2 text layer, 0 grids; page 3 OCR, 1 grid 12x4)``."""
    described: list[tuple[int, int, str]] = []
    for record in document.pages:
        grids = ", ".join(f"{grid.rows}x{grid.cols}" for grid in record.grids)
        what = f"{_METHODS[record.method]}, {len(record.grids)} grid{'s' * (len(record.grids) != 1)}"
        what += f" {grids}" if grids else ""
        what += f", {len(record.faults)} fault{'s' * (len(record.faults) != 1)}" if record.faults else ""
        if described and described[-1][2] == what and described[-1][1] == record.page - 1:
            described[-1] = (described[-1][0], record.page, what)
        else:
            described.append((record.page, record.page, what))
    parts = [
        f"page {first} {what}" if first == last else f"pages {first}-{last} {what}"
        for first, last, what in described
    ]
    return f" ({'; '.join(parts)})" if parts else ""


_METHODS = {"text_layer": "text layer", "ocr": "OCR", "html": "HTML", "text": "text"}


def output_link(name: str | None, out_dir: Path, base: str | None = None) -> str:
    """Where an output file can be opened: under ``base`` (a URL the output folder is served at) or as
    a ``file://`` URL; "" when it was not written."""
    if not name:
        return ""
    if base:
        return f"{base.rstrip('/')}/{quote(name)}"
    return (out_dir / name).resolve().as_uri()


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no column breaks."""
    return " ".join(text.split()).replace("|", "\\|")


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def run_rows(outcomes: Sequence[Outcome], out_dir: Path, base: str | None = None) -> list[dict[str, object]]:
    """One table-artifact row per document, its output as a link."""
    rows = []
    for outcome in outcomes:
        line = outcome.summary
        rows.append(
            {
                "document": Path(line.source).name,
                "status": line.status + (" (kept)" if line.skipped else ""),
                "pages": outcome.pages,
                "cells": line.cells,
                "cells needing review": line.cells_needing_review,
                "failed rules": line.failed_rules,
                "seconds": round(line.seconds, 2),
                "output": output_link(line.output, out_dir, base),
                "code": line.error.code.value if line.error else "",
                "error": line.error.message if line.error else "",
            }
        )
    return rows


def run_description(summary: RunSummary, outcomes: Sequence[Outcome], seconds: float) -> str:
    """The run table's heading: counts per status and the pages per second of what this run read."""
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items())
    read = [outcome for outcome in outcomes if not outcome.summary.skipped]
    pages = sum(outcome.pages for outcome in read)
    rate = f"{pages / seconds:.2f} pages/s" if seconds > 0 and pages else "no pages read"
    return (
        f"{len(summary.documents)} documents: {counts}. This run read {len(read)} documents, "
        f"{pages} pages in {seconds:.1f} s: {rate}."
    )


def progress_text(done: int, total: int, counts: Counter[str]) -> str:
    """The progress artifact's description: "N of M done" and the statuses so far."""
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()) if count)
    return f"{done} of {total} done" + (f" ({statuses})" if statuses else "")


def review_queue(
    outcomes: Sequence[Outcome],
    out_dir: Path,
    base: str | None = None,
    page_lines: int = QUEUE_PAGE_LINES,
    page_bytes: int = QUEUE_PAGE_BYTES,
    thumbnails: Thumbnails | None = None,
) -> list[str]:
    """The review queue as Markdown pages: one table row per document that is not valid (status, cells
    flagged, failed rules, why, link to its JSON), at most ``page_lines`` rows and ``page_bytes`` of
    rows a page; one page saying so when every document is valid. ``thumbnails`` adds a column of
    images per row."""
    pending = [outcome for outcome in outcomes if outcome.summary.status != "valid"]
    if not pending:
        return [f"# Review queue: empty\n\nAll {len(outcomes)} documents are valid.\n"]
    numbered = enumerate(pending, start=1)
    lines = [_queue_line(index, outcome, out_dir, base, thumbnails) for index, outcome in numbered]
    chunks = _pages(lines, max(1, page_lines), page_bytes)
    header = "| # | document | status | cells flagged | failed rules | why |"
    rule = "|---|---|---|---|---|---|"
    if thumbnails is not None:
        header += " pages |"
        rule += "---|"
    pages = []
    first = 1
    for number, chunk in enumerate(chunks, start=1):
        title = f"# Review queue: {len(pending)} of {len(outcomes)} documents"
        if len(chunks) > 1:
            title += f", page {number} of {len(chunks)} ({first}–{first + len(chunk) - 1})"
        pages.append("\n".join([title, "", header, rule, *chunk]) + "\n")
        first += len(chunk)
    return pages


def _pages(lines: list[str], most_lines: int, most_bytes: int) -> list[list[str]]:
    """Consecutive lines in pages of at most ``most_lines`` and, but for a lone line, ``most_bytes``."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in lines:
        length = len(line.encode()) + 1
        if pages[-1] and (len(pages[-1]) >= most_lines or size + length > most_bytes):
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += length
    return pages


def _queue_line(
    index: int, outcome: Outcome, out_dir: Path, base: str | None, thumbnails: Thumbnails | None
) -> str:
    line, review = outcome.summary, outcome.review
    name = _cell(Path(line.source).name)
    link = output_link(line.output, out_dir, base)
    document = f"[{name}]({link})" if link else f"{name} (no JSON written)"
    rules = ", ".join(f"`{rule}`" for rule in review.rules[:RULES_NAMED])
    if len(review.rules) > RULES_NAMED:
        rules += f" +{len(review.rules) - RULES_NAMED} more"
    cells = [
        str(index),
        document,
        line.status,
        str(review.flagged),
        rules or "—",
        _cell(_shorten(review.why, WHY_CHARACTERS)) or "—",
    ]
    if thumbnails is not None:
        cells.append(thumbnails(outcome))
    return "| " + " | ".join(cells) + " |"


# A queue line's pictures: 160 px wide keeps a page's grid and its flagged (red) cells visible at
# about 10 KB a page as a data: URI; three pages a line keep a 100-line queue page near 3 MB.
THUMBNAILS_PER_LINE = 3


def overlay_thumbnails(out_dir: Path) -> Thumbnails:
    """Thumbnails of a document's page overlays, written beside them in ``out_dir``."""

    def images(outcome: Outcome) -> str:
        shown = []
        for page, name in outcome.overlays[:THUMBNAILS_PER_LINE]:
            try:
                shown.append(f"![page {page}]({thumbnail_data_uri(out_dir / thumbnail_name(name))})")
            except ValueError:
                continue
        hidden = len(outcome.overlays) - THUMBNAILS_PER_LINE
        return " ".join(shown) + (f" +{hidden} pages" if hidden > 0 else "")

    return images
