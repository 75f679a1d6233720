"""The review station's pages: an index of every document of an output folder, and per document its
flagged cells first (reason, raw text, alternatives, a form to decide each), then its tables beside
the overlays of its pages.

The same pages serve two ways: live from ``reportgrid review OUT --serve`` (``reportgrid.review_server``,
with forms that post decisions), or written once as static files, read only, under ``OUT/review/``
(``write_site``). Every text from a document is escaped; no script, no external resource.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from pydantic import ValidationError

from models.document import Cell, Document, ReviewReason
from reportgrid.output import SUMMARY_NAME, write_atomic
from reportgrid.review_page import STYLE, CellAt, CellNotes, escape, meta, number_text, tables_html

SITE_FOLDER = "review"
STATUS_ORDER = {"needs_review": 0, "failed": 1, "valid": 2}
REASONS: dict[ReviewReason, str] = {
    "unobserved": "no source showed this cell",
    "unreadable": "what was seen is no well-formed number",
    "structure": "its row is damaged, was placed by its neighbours, or showed more values than cells",
    "broken_sum": "it is in a sum that does not hold",
    "ambiguous": "another reading fits as well and gives it another value",
    "unproven": "the solver ran out of time before proving it",
    "unconfirmed_ocr": "an OCR reading that no holding sum confirms",
}

SITE_STYLE = """
.workspace { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 20px; }
.pages { position: sticky; top: 0; max-height: 100vh; overflow-y: auto; }
.pages img { width: 100%; border: 1px solid #aaa; }
.pages figcaption { color: #555; font-size: 12px; margin-bottom: 14px; }
nav { margin-bottom: 10px; }
ol.review { padding-left: 20px; }
ol.review li { margin: 0 0 8px; padding: 6px; border: 1px solid #e0b0b0; background: #fff8f8; }
ol.review li.done { border-color: #9c9; background: #f4fff2; }
ol.review .where { font-weight: bold; }
ol.review .why { color: #933; }
ol.review form { margin-top: 4px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
ol.review input[name=value] { width: 8em; } ol.review input[name=note] { width: 18em; }
p.message { background: #e8f4ff; border: 1px solid #69c; padding: 6px 10px; }
p.problem { background: #fde8e8; border: 1px solid #d33; padding: 6px 10px; }
table.index { border-collapse: collapse; }
table.index th, table.index td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; }
table.index td.num { text-align: right; }
"""


@dataclass(frozen=True)
class Entry:
    """One JSON of the folder: its file name, and the document or why it is not one."""

    name: str
    document: Document | None
    problem: str | None = None


def document_files(out_dir: Path) -> list[Path]:
    """The document JSON files of an output folder (not the run summary, not hidden files)."""
    found = sorted(out_dir.glob("*.json")) if out_dir.is_dir() else []
    return [path for path in found if path.name != SUMMARY_NAME and not path.name.startswith(".")]


def load_entry(path: Path) -> Entry:
    try:
        return Entry(path.name, Document.model_validate_json(path.read_bytes()))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "document"
        return Entry(path.name, None, f"not a document ({where}: {first['msg']})")
    except OSError as exc:
        return Entry(path.name, None, str(exc))


def entries(out_dir: Path) -> list[Entry]:
    """Every JSON of the folder, documents needing review first, then failed, then valid ones."""
    loaded = [load_entry(path) for path in document_files(out_dir)]
    return sorted(
        loaded,
        key=lambda e: (STATUS_ORDER[e.document.status] if e.document else 3, e.name),
    )


@dataclass(frozen=True)
class Links:
    """Where the pages point: live (the server's routes) or static (files beside each other)."""

    index: str
    document: Callable[[str], str]
    image: Callable[[str], str]
    action: Callable[[str], str] | None
    """The URL a decision on a document's cell posts to; None for read-only pages."""


def live_links() -> Links:
    return Links(
        index="/",
        document=lambda name: f"/doc/{quote(name)}",
        image=lambda name: f"/file/{quote(name)}",
        action=lambda name: f"/doc/{quote(name)}/review",
    )


def static_links() -> Links:
    return Links(
        index="index.html",
        document=lambda name: quote(static_page(name)),
        image=lambda name: "../" + quote(name),
        action=None,
    )


def static_page(name: str) -> str:
    """The static page of the document whose JSON is ``name``."""
    return f"{name.removesuffix('.json')}.html"


def _page(title: str, body: list[str]) -> str:
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            f"<title>{escape(title)}</title>",
            f"<style>{STYLE}{SITE_STYLE}</style></head><body>",
            *body,
            "</body></html>\n",
        ]
    )


def render_index(found: list[Entry], links: Links, folder: str) -> str:
    """One line per document: its status, cells to review, reviewed cells, failed rules, error."""
    counts = {
        status: sum(e.document is not None and e.document.status == status for e in found)
        for status in STATUS_ORDER
    }
    summary = ", ".join(f"{count} {status}" for status, count in counts.items())
    head = (
        "<tr><th>document</th><th>status</th><th>to review</th><th>reviewed</th>"
        "<th>failed rules</th><th>pages</th><th>error</th></tr>"
    )
    rows = []
    for entry in found:
        document = entry.document
        name = f'<a href="{escape(links.document(entry.name))}">{escape(entry.name)}</a>'
        if document is None:
            rows.append(
                f"<tr><td>{escape(entry.name)}</td><td colspan='6'>{escape(entry.problem or '')}</td></tr>"
            )
            continue
        cells = [cell for table in document.tables for cell in table.cells]
        failed = sum(
            check.kind == "rule" and not check.passed and not check.reviewed for check in document.checks
        )
        status = f'<span class="status status-{escape(document.status)}">{escape(document.status)}</span>'
        error = escape(str(document.error)) if document.error else ""
        rows.append(
            f'<tr data-document="{escape(entry.name)}"><td>{name}</td><td>{status}</td>'
            f'<td class="num">{sum(cell.needs_review for cell in cells)}</td>'
            f'<td class="num">{sum(cell.origin == "reviewed" for cell in cells)}</td>'
            f'<td class="num">{failed}</td><td class="num">{len(document.pages)}</td><td>{error}</td></tr>'
        )
    body = [
        f"<h1>Review: {escape(folder)}</h1>",
        f'<p class="summary">{len(found)} documents: {escape(summary)}. '
        "Documents that need review come first.</p>",
        f'<table class="index">{head}{"".join(rows)}</table>',
    ]
    return _page(f"Review: {folder}", body)


def render_document(
    document: Document,
    name: str,
    links: Links,
    edit: CellAt | None = None,
    message: str | None = None,
    problem: str | None = None,
) -> str:
    """A document's review page: flagged cells first (and ``edit``, a cell asked for), then its tables
    beside its page overlays. ``message``/``problem`` report the last decision."""
    title = Path(document.source.path).name or document.source.path
    notes = CellNotes(document.checks)
    action = links.action(name) if links.action is not None else None

    def edit_link(at: CellAt) -> str:
        return f"{links.document(name)}?edit={quote('|'.join(at))}#review"

    body = [
        f'<nav><a href="{escape(links.index)}">← all documents</a></nav>',
        f"<h1>{escape(title)}</h1>",
        meta(document),
    ]
    if message:
        body.append(f'<p class="message">{escape(message)}</p>')
    if problem:
        body.append(f'<p class="problem">{escape(problem)}</p>')
    body.append('<div class="workspace"><div class="tables">')
    body.append(_to_review(document, notes, action, edit))
    body.append(tables_html(document, edit_link if action is not None else None))
    body.append('</div><div class="pages">')
    body.append(_pages(document, links))
    body.append("</div></div>")
    return _page(f"{title}: review", body)


def _to_review(document: Document, notes: CellNotes, action: str | None, edit: CellAt | None) -> str:
    """The flagged cells (and the one asked for), each with why, what was seen and a form."""
    chosen = [
        (table.id, cell)
        for table in document.tables
        for cell in table.cells
        if cell.needs_review or (edit is not None and (table.id, cell.row_key, cell.col_key) == edit)
    ]
    done = [
        (table.id, cell) for table in document.tables for cell in table.cells if cell.origin == "reviewed"
    ]
    parts = [f'<h2 id="review">To review ({sum(cell.needs_review for _, cell in chosen)} cells)</h2>']
    if not chosen:
        parts.append('<p class="summary">No cell needs review.</p>')
    else:
        items = "".join(_review_item(table_id, cell, notes, action) for table_id, cell in chosen)
        parts.append(f'<ol class="review">{items}</ol>')
    if done:
        items = "".join(_review_item(table_id, cell, notes, action) for table_id, cell in done)
        summary = f"<summary>Reviewed by a person ({len(done)})</summary>"
        parts.append(f'<details>{summary}<ol class="review">{items}</ol></details>')
    return "\n".join(parts)


def _review_item(table_id: str, cell: Cell, notes: CellNotes, action: str | None) -> str:
    at = (table_id, cell.row_key, cell.col_key)
    where = f"table {table_id}: {' / '.join(cell.row_path) or '(row)'} × {' / '.join(cell.col_path)}"
    facts = [f"shown {number_text(cell.value)} ({cell.origin})"]
    facts.append(f"raw “{cell.raw}”" if cell.raw is not None else "raw: nothing seen")
    if cell.page is not None:
        facts.append(f"page {cell.page}")
    if cell.review is not None:
        facts.append(
            f"pipeline said {number_text(cell.review.previous_value)} ({cell.review.previous_origin}); "
            f"reviewed {cell.review.reviewed_at}" + (f": “{cell.review.note}”" if cell.review.note else "")
        )
    why = REASONS[cell.review_reason] if cell.review_reason else ""
    extra = []
    alternatives = notes.alternatives.get(at, [])
    if alternatives:
        extra.append("alternatives: " + ", ".join(number_text(value) for value in alternatives))
    if at in notes.corrections:
        extra.append(f"correction: {notes.corrections[at]}")
    if notes.failed_rules.get(at):
        extra.append("failed rules: " + ", ".join(notes.failed_rules[at]))
    classes = "done" if cell.origin == "reviewed" else "flagged"
    item = [
        f'<li class="{classes}" id="cell-{escape("-".join(at))}" data-table="{escape(table_id)}" '
        f'data-row="{escape(cell.row_key)}" data-col="{escape(cell.col_key)}">',
        f'<div class="where">{escape(where)}</div>',
    ]
    if cell.review_reason:
        item.append(f'<div class="why">{escape(cell.review_reason)}: {escape(why)}</div>')
    item.append(f"<div>{escape('; '.join(facts))}</div>")
    item.extend(f"<div>{escape(line)}</div>" for line in extra)
    if action is not None:
        item.append(_form(at, cell, alternatives, action))
    item.append("</li>")
    return "".join(item)


def _form(at: CellAt, cell: Cell, alternatives: list, action: str) -> str:
    shown = "" if cell.value is None else number_text(cell.value)
    hidden = "".join(
        f'<input type="hidden" name="{key}" value="{escape(value)}">'
        for key, value in zip(("table", "row", "col"), at, strict=True)
    )
    texts = [number_text(value) for value in alternatives if value is not None and value != cell.value]
    picks = "".join(
        f'<button type="submit" name="pick" value="{escape(text)}">use {escape(text)}</button>'
        for text in texts
    )
    confirm = (
        f'<button type="submit" name="action" value="confirm">confirm {escape(shown)}</button>'
        if shown
        else ""
    )
    return (
        f'<form method="post" action="{escape(action)}">{hidden}'
        f'<label>value <input name="value" value="{escape(shown)}" inputmode="decimal"></label>'
        '<label>note <input name="note" placeholder="why (optional)"></label>'
        '<button type="submit" name="action" value="save">save typed value</button>'
        f"{confirm}{picks}</form>"
    )


def _pages(document: Document, links: Links) -> str:
    figures = []
    for record in document.pages:
        if record.overlay is None:
            continue
        method = {"ocr": "OCR", "text_layer": "text layer"}.get(record.method, record.method)
        faults = f"; faults: {'; '.join(record.faults)}" if record.faults else ""
        src = links.image(record.overlay)
        figures.append(
            f'<figure><a href="{escape(src)}"><img src="{escape(src)}" alt="page {record.page}" '
            f'data-page="{record.page}"></a><figcaption>page {record.page}: read by {escape(method)}, '
            f"{len(record.grids)} grids{escape(faults)}</figcaption></figure>"
        )
    if not figures:
        return (
            '<p class="summary">No page pictures: the document has no scanned or PDF page with a table.</p>'
        )
    return "\n".join(figures)


def write_site(out_dir: Path) -> tuple[Path, list[Entry]]:
    """Write the read-only pages under ``out_dir/review/`` (index.html and one page per document)."""
    site = out_dir / SITE_FOLDER
    found = entries(out_dir)
    links = static_links()
    for entry in found:
        if entry.document is not None:
            page = render_document(entry.document, entry.name, links)
            write_atomic(site / static_page(entry.name), page)
    index = site / "index.html"
    write_atomic(index, render_index(found, links, out_dir.name or str(out_dir)))
    return index, found
