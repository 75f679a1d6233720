"""The review station served live: ``reportgrid review OUT --serve``.

The standard library's threading HTTP server on 127.0.0.1 (one operator, a few requests a minute: a
web framework would add nothing). Routes: ``/`` the index, ``/doc/<json>`` a document's page (``?edit=
table|row|col`` adds any cell to its forms), ``/file/<png>`` an overlay of the folder, and ``POST
/doc/<json>/review`` a decision: the document is read from disk, the decision applied and checked
(``reportgrid.review``), the JSON rewritten atomically, its overlays drawn again from the source when
the source is still there with the same sha256, and the browser sent back to the page (303).
Decisions are made one at a time (a lock), so two tabs never interleave a read and a write.
"""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

from models.document import Cell, Document
from models.inputs import DocumentInput
from models.lexicon import parse_value
from reportgrid.output import write_document
from reportgrid.overlay import write_overlays
from reportgrid.pipeline import input_digest
from reportgrid.review import Decision, ReviewError, apply_review
from reportgrid.review_site import entries, live_links, load_entry, render_document, render_index

DEFAULT_PORT = 8765
_OVERLAY = re.compile(r"^[^/\\]+\.page-\d+\.png$")


def parse_decision(form: dict[str, str], cell: Cell) -> Decimal:
    """The value a form decides: the shown one confirmed, an alternative picked, or the typed text,
    which must be a number (a blank marker, ``/`` ``-`` ``无``, is an empty cell: 0)."""
    if form.get("action") == "confirm":
        if cell.value is None:
            raise ReviewError("the cell shows no value to confirm: type its value")
        return cell.value
    typed = form.get("pick") or form.get("value", "")
    if not typed.strip():
        raise ReviewError("type the cell's value (0 for an empty cell)")
    parsed = parse_value(typed)
    if parsed.kind == "blank":
        return Decimal(0)
    if parsed.kind != "number":
        raise ReviewError(f"“{typed}” is not a number")
    return parsed.value


class ReviewStation:
    """An output folder under review: reads its documents, applies decisions, writes them back."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._lock = threading.Lock()

    def json_path(self, name: str) -> Path | None:
        """The document JSON called ``name`` in the folder; None for anything else (``..``, a PNG)."""
        if "/" in name or "\\" in name or name.startswith(".") or not name.endswith(".json"):
            return None
        path = self.out_dir / name
        return path if path.is_file() else None

    def decide(self, name: str, form: dict[str, str]) -> tuple[Document, str]:
        """Apply the form's decision to document ``name``; the document written and what was done."""
        path = self.json_path(name)
        if path is None:
            raise ReviewError(f"no document {name}")
        with self._lock:
            entry = load_entry(path)
            if entry.document is None:
                raise ReviewError(f"{name}: {entry.problem}")
            document = entry.document
            table, row, col = form.get("table", ""), form.get("row", ""), form.get("col", "")
            cell = next(
                (
                    c
                    for t in document.tables
                    if t.id == table
                    for c in t.cells
                    if c.row_key == row and c.col_key == col
                ),
                None,
            )
            if cell is None:
                raise ReviewError(f"no cell {table}/{row}/{col} in {name}")
            value = parse_decision(form, cell)
            decided = apply_review(document, [Decision(table, row, col, value, form.get("note", "").strip())])
            decided = self._redraw(decided, name)
            write_document(decided, self.out_dir, name)
        message = f"table {table} {' / '.join(cell.row_path)} × {' / '.join(cell.col_path)} set to {value}"
        return decided, f"{message}; the document is now {decided.status}"

    def _redraw(self, document: Document, name: str) -> Document:
        """The overlays drawn again with the decision, when the source is still the one read."""
        unit = source_input(document)
        if unit is None:
            return document
        return write_overlays(document, unit, self.out_dir, name)


def source_input(document: Document) -> DocumentInput | None:
    """The document's input as discovery sees it, if it is still there with the bytes it had."""
    from reportgrid.discover import discover

    path = Path(document.source.path)
    if not document.source.sha256 or not document.pages:
        return None
    try:
        if path.is_file():
            unit = DocumentInput(path)
        else:
            folder = path if path.is_dir() else path.parent
            unit = next(u for u in discover([folder]) if u.path == path)
        return unit if input_digest(unit) == document.source.sha256 else None
    except (OSError, StopIteration, ValueError):
        return None


def make_server(out_dir: Path, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> ThreadingHTTPServer:
    """A server for the station (port 0: any free port); call ``serve_forever`` on it."""
    station = ReviewStation(out_dir)
    links = live_links()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return  # the terminal shows the URL only; each decision is in the JSON

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            route = unquote(url.path)
            if route == "/":
                found = entries(out_dir)
                self._html(render_index(found, links, out_dir.name or str(out_dir)))
            elif route.startswith("/doc/"):
                self._document(route.removeprefix("/doc/"), parse_qs(url.query).get("edit", [""])[0])
            elif route.startswith("/file/") and _OVERLAY.match(route.removeprefix("/file/")):
                self._png(out_dir / route.removeprefix("/file/"))
            else:
                self._html("<h1>Not found</h1>", HTTPStatus.NOT_FOUND)

        def do_POST(self) -> None:
            route = unquote(urlsplit(self.path).path)
            if not (route.startswith("/doc/") and route.endswith("/review")):
                self._html("<h1>Not found</h1>", HTTPStatus.NOT_FOUND)
                return
            name = route.removeprefix("/doc/").removesuffix("/review")
            length = int(self.headers.get("Content-Length") or 0)
            fields = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
            form = {key: values[0] for key, values in fields.items()}
            try:
                _, message = station.decide(name, form)
            except ReviewError as exc:
                self._document(name, "", problem=str(exc), status=HTTPStatus.BAD_REQUEST)
                return
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", f"{links.document(name)}?done={quote(message)}#review")
            self.end_headers()

        def _document(
            self, name: str, edit: str, problem: str | None = None, status: HTTPStatus = HTTPStatus.OK
        ) -> None:
            path = station.json_path(name)
            entry = load_entry(path) if path is not None else None
            if entry is None or entry.document is None:
                self._html(f"<h1>No document {name}</h1>", HTTPStatus.NOT_FOUND)
                return
            asked = tuple(edit.split("|")) if edit.count("|") == 2 else None
            done = parse_qs(urlsplit(self.path).query).get("done", [None])[0]
            page = render_document(entry.document, name, links, asked, done, problem)  # type: ignore[arg-type]
            self._html(page, status)

        def _png(self, path: Path) -> None:
            try:
                data = path.read_bytes()
            except OSError:
                self._html("<h1>Not found</h1>", HTTPStatus.NOT_FOUND)
                return
            self._send(data, "image/png", HTTPStatus.OK)

        def _html(self, page: str, status: HTTPStatus = HTTPStatus.OK) -> None:
            self._send(page.encode("utf-8"), "text/html; charset=utf-8", status)

        def _send(self, data: bytes, kind: str, status: HTTPStatus) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

    return ThreadingHTTPServer((host, port), Handler)
