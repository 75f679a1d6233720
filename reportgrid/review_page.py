"""A reviewer's picture of one result: each table laid out as its template lays it out, cell by cell.

Like camelot's ``plotting.py``, it shows what the pipeline decided and why, without re-deriving it:
every cell coloured by where its value came from, doubtful cells outlined, the checks that failed
under their table. Inline CSS, no script, no external resource, so it opens anywhere offline; every
text from the document is escaped. The review station (``reportgrid.review_site``) puts these tables
beside the page overlays and the forms that decide flagged cells.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from models.document import Cell, Check, Document, Number, Table
from models.lexicon import decimal_text
from models.template import TableTemplate
from reportgrid.review import template_table

CellAt = tuple[str, str, str]
"""A cell of a document: table id, row key, column key."""
CellLink = Callable[[CellAt], str] | None
"""Where a cell's value links to (the review station's edit form), or no links."""

ORIGINS: dict[str, str] = {
    "read": "seen in the source",
    "blank": "empty in the source: 0",
    "derived": "blank total the sums determine",
    "corrected": "seen, but the sums prove it wrong",
    "missing": "not in the source",
    "reviewed": "typed or confirmed by a person",
}

STYLE = """
body { font: 14px/1.4 "Noto Sans CJK SC", "WenQuanYi Zen Hei", "AR PL UMing CN", sans-serif;
  margin: 24px; color: #222; }
h1 { font-size: 20px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
h3 { font-size: 14px; margin: 14px 0 4px; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 2px 14px; margin: 0; }
dl.meta dt { color: #666; }
dl.meta dd { margin: 0; word-break: break-all; }
.status { font-weight: bold; padding: 1px 8px; border-radius: 3px; }
.status-valid { background: #d7f0d3; } .status-needs_review { background: #fbe7a6; }
.status-failed { background: #f6c1c1; }
.error { background: #fde8e8; border: 1px solid #d33; padding: 8px 12px; margin: 12px 0;
  white-space: pre-wrap; }
.legend { margin: 12px 0; display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; }
.legend span.swatch { display: inline-block; min-width: 46px; padding: 1px 6px; border: 1px solid #999;
  text-align: center; }
table.grid { border-collapse: collapse; margin: 4px 0; }
table.grid th, table.grid td { border: 1px solid #888; padding: 2px 6px; }
table.grid th { background: #f2f2f2; font-weight: normal; text-align: left; vertical-align: middle;
  max-width: 24em; }
table.grid thead th, table.grid th.col { text-align: center; }
table.grid div.vertical { width: 1.2em; word-break: break-all; margin: 0 auto; }
table.grid th.section { background: #e4e8f0; font-weight: bold; }
table.grid td { text-align: right; min-width: 3.2em; font-variant-numeric: tabular-nums; }
.read { background: #ffffff; } .blank { background: #e6e6e6; color: #555; }
.derived { background: #d6e6fa; } .corrected { background: #ffd39b; }
.reviewed { background: #bfe8b5; }
.missing { background: repeating-linear-gradient(45deg, #f4f4f4, #f4f4f4 4px, #e0e0e0 4px, #e0e0e0 8px);
  color: #999; }
.absent { background: #fff; color: #bbb; }
td.flag { outline: 2px solid #d40000; outline-offset: -2px; }
.legend span.flag { outline: 2px solid #d40000; outline-offset: -2px; }
s.raw { color: #a33; font-size: 11px; margin-right: 3px; }
table.checks { border-collapse: collapse; margin: 4px 0; }
table.checks th, table.checks td { border: 1px solid #ccc; padding: 2px 6px; text-align: left;
  vertical-align: top; }
table.checks td.num { text-align: right; }
p.summary { color: #444; margin: 6px 0; }
ul { margin: 4px 0; }
"""


@dataclass(frozen=True)
class _Block:
    """Rows sharing one set of value columns, under an optional heading: a template section."""

    label: str | None
    corner: str
    columns: list[tuple[str, tuple[str, ...]]]
    rows: list[tuple[str, tuple[str, ...]]]


def render_review(document: Document) -> str:
    """The whole review page of ``document`` as one HTML string."""
    title = Path(document.source.path).name or document.source.path
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(title)}: review</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_e(title)}</h1>",
        meta(document),
        tables_html(document),
        "</body></html>\n",
    ]
    return "\n".join(parts)


def tables_html(document: Document, link: CellLink = None) -> str:
    """The error, the legend and every table with its checks; ``link`` makes each value a link."""
    parts = []
    if document.error:
        parts.append(f'<div class="error">{_e(str(document.error))}</div>')
    if not document.tables:
        parts.append('<p class="summary">No tables were read.</p>')
    else:
        parts.append(_legend(document))
    notes = CellNotes(document.checks)
    shown: set[str] = set()
    for table in document.tables:
        shown.add(table.id)
        parts.append(_table_section(document, table, notes, link))
    for table_id in dict.fromkeys(check.table for check in document.checks):
        if table_id not in shown:
            checks = [check for check in document.checks if check.table == table_id]
            parts.append(f"<h2>Table {_e(table_id)}: not in the result</h2>{_checks(checks)}")
    return "\n".join(parts)


class CellNotes:
    """What the checks say about each cell: its alternatives, its correction, the failed rules it is in."""

    def __init__(self, checks: list[Check]) -> None:
        self.alternatives: dict[CellAt, list[Number | None]] = {}
        self.corrections: dict[CellAt, str] = {}
        self.failed_rules: defaultdict[CellAt, list[str]] = defaultdict(list)
        for check in checks:
            for row_key, col_key in (tuple(pair) for pair in check.cells if len(pair) == 2):
                at = (check.table, row_key, col_key)
                if check.kind == "ambiguous":
                    self.alternatives[at] = check.alternatives
                elif check.kind == "correction":
                    self.corrections[at] = check.message
                elif check.kind == "rule" and not check.passed:
                    self.failed_rules[at].append(check.name)


def meta(document: Document) -> str:
    template = document.template
    rows = [
        ("source", document.source.path),
        ("status", None),
        ("error", str(document.error) if document.error else "none"),
        ("issuer", document.report.issuer or "unknown"),
        ("year", str(document.report.year) if document.report.year is not None else "unknown"),
        ("template", f"{template.id} {template.version}" if template else "none"),
        ("media type", document.source.media_type),
        ("pages", str(document.source.pages) if document.source.pages is not None else "unknown"),
        ("sha256", document.source.sha256 or "unknown"),
        ("seconds", f"{document.seconds:.2f}" if document.seconds is not None else "unknown"),
    ]
    status = f'<span class="status status-{_e(document.status)}">{_e(document.status)}</span>'
    items = "".join(
        f"<dt>{_e(key)}</dt><dd>{status if value is None else _e(value)}</dd>" for key, value in rows
    )
    return f'<dl class="meta">{items}</dl>'


def _legend(document: Document) -> str:
    cells = [cell for table in document.tables for cell in table.cells]
    swatches = [
        f'<span><span class="swatch {origin}">{origin}</span> {_e(meaning)} '
        f"({sum(cell.origin == origin for cell in cells)})</span>"
        for origin, meaning in ORIGINS.items()
    ]
    flagged = sum(cell.needs_review for cell in cells)
    swatches.append(
        f'<span><span class="swatch flag">review</span> needs review ({flagged}); '
        "hover a cell for raw text, confidence, position and alternatives</span>"
    )
    return f'<div class="legend">{"".join(swatches)}</div>'


def _table_section(document: Document, table: Table, notes: CellNotes, link: CellLink) -> str:
    spec = template_table(document, table)
    blocks = _blocks_from_template(spec) if spec else [_block_from_cells(table)]
    cells = {(cell.row_key, cell.col_key): cell for cell in table.cells}
    heading = f"<h2>{_e(table.title or f'Table {table.id}')} <small>(version {_e(table.version)}"
    heading += ")</small></h2>" if spec else "; no template found, laid out from the cells)</small></h2>"
    placed = {(row, column) for block in blocks for row, _ in block.rows for column, _ in block.columns}
    stray = [cell for cell in table.cells if (cell.row_key, cell.col_key) not in placed]
    checks = [check for check in document.checks if check.table == table.id]
    return "\n".join(
        [
            heading,
            _grid(table.id, blocks, cells, notes, link),
            _stray_cells(table.id, stray, notes, link) if stray else "",
            _summary(checks, table.cells),
            _checks(checks),
        ]
    )


def _blocks_from_template(spec: TableTemplate) -> list[_Block]:
    corner = " ".join(spec.header_labels)
    return [
        _Block(
            label=section.label,
            corner=corner,
            columns=[(column.key, tuple(column.path)) for column in section.columns],
            rows=[(row.key, tuple(row.path)) for row in section.rows],
        )
        for section in spec.sections
    ]


def _block_from_cells(table: Table) -> _Block:
    """A layout from the cells alone (a template this installation does not have), in their order."""
    columns = dict.fromkeys((cell.col_key, tuple(cell.col_path)) for cell in table.cells)
    rows = dict.fromkeys((cell.row_key, tuple(cell.row_path)) for cell in table.cells)
    return _Block(label=None, corner="", columns=list(columns), rows=list(rows))


def _grid(
    table_id: str,
    blocks: list[_Block],
    cells: dict[tuple[str, str], Cell],
    notes: CellNotes,
    link: CellLink,
) -> str:
    label_width = max((len(path) for block in blocks for _, path in block.rows), default=0)
    width = max(len(block.columns) for block in blocks)
    out = [f'<table class="grid" data-table="{_e(table_id)}">']
    for block in blocks:
        out.append("<tbody>")
        if block.label:
            out.append(f'<tr><th class="section" colspan="{label_width + width}">{_e(block.label)}</th></tr>')
        out.extend(_header_rows(block, label_width, width))
        labels = _row_labels([path for _, path in block.rows], label_width)
        for (row_key, _), label_cells in zip(block.rows, labels, strict=True):
            values = [
                _value_cell(
                    table_id, row_key, key, cells.get((row_key, key)), notes, _extra(i, block, width), link
                )
                for i, (key, _) in enumerate(block.columns)
            ]
            out.append(f'<tr data-row="{_e(row_key)}">{"".join(label_cells + values)}</tr>')
        out.append("</tbody>")
    out.append("</table>")
    return "\n".join(out)


def _extra(index: int, block: _Block, width: int) -> int:
    """Columns the last column of a narrower section spans, as in the official form (table 二)."""
    return width - len(block.columns) if index == len(block.columns) - 1 else 0


def _header_rows(block: _Block, label_width: int, width: int) -> list[str]:
    """Column headers as merged cells: a group label spans its columns, a short path spans down."""
    columns = [path for _, path in block.columns]
    depth = max((len(path) for path in columns), default=0) or 1
    rows: list[list[str]] = [[] for _ in range(depth)]
    if label_width:
        rows[0].append(f'<th colspan="{label_width}" rowspan="{depth}">{_e(block.corner)}</th>')
    for level in range(depth):
        index = 0
        while index < len(columns):
            path = columns[index]
            if len(path) <= level:
                index += 1
                continue
            end = index + 1
            if level < len(path) - 1:
                while end < len(columns) and columns[end][: level + 1] == path[: level + 1]:
                    end += 1
            span = end - index + (width - len(columns) if end == len(columns) else 0)
            down = depth - level if level == len(path) - 1 else 1
            rows[level].append(f'<th class="col" colspan="{span}" rowspan="{down}">{_e(path[level])}</th>')
            index = end
    return [f"<tr>{''.join(row)}</tr>" for row in rows]


def _row_labels(paths: list[tuple[str, ...]], width: int) -> list[list[str]]:
    """Each row's label cells: a group label once, spanning its rows; the row's own label fills the rest."""
    out: list[list[str]] = []
    for index, path in enumerate(paths):
        cells: list[str] = []
        if not path and width:
            cells.append(f'<th colspan="{width}"></th>')
        for level, label in enumerate(path):
            if level == len(path) - 1:
                cells.append(f'<th colspan="{width - level}">{_e(label)}</th>')
                continue
            prefix = path[: level + 1]
            if index and _in_group(paths[index - 1], prefix):
                continue
            span = 1
            while index + span < len(paths) and _in_group(paths[index + span], prefix):
                span += 1
            text = f'<div class="vertical">{_e(label)}</div>' if level == 0 else _e(label)
            cells.append(f'<th rowspan="{span}">{text}</th>')
        out.append(cells)
    return out


def _in_group(path: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return len(path) > len(prefix) and path[: len(prefix)] == prefix


def _value_cell(
    table_id: str,
    row_key: str,
    col_key: str,
    cell: Cell | None,
    notes: CellNotes,
    extra: int,
    link: CellLink = None,
) -> str:
    span = f' colspan="{extra + 1}"' if extra else ""
    if cell is None:
        return f'<td class="absent" data-col="{_e(col_key)}"{span} title="not in the result"></td>'
    at = (table_id, row_key, col_key)
    classes = cell.origin + (" flag" if cell.needs_review else "")
    raw = f'<s class="raw">{_e(cell.raw)}</s>' if cell.origin == "corrected" and cell.raw else ""
    tooltip = _e(_tooltip(cell, notes, at)).replace("\n", "&#10;")
    value = f'<span class="value">{_e(number_text(cell.value))}</span>'
    if link is not None:
        value = f'<a href="{_e(link(at))}">{value}</a>'
    return f'<td class="{classes}" data-col="{_e(col_key)}"{span} title="{tooltip}">{raw}{value}</td>'


def _tooltip(cell: Cell, notes: CellNotes, at: CellAt) -> str:
    lines = [
        f"{' / '.join(cell.row_path) or '(single row)'} × {' / '.join(cell.col_path)}",
        f"value {number_text(cell.value)} ({cell.origin}: {ORIGINS[cell.origin]})",
        f"raw “{cell.raw}”" if cell.raw is not None else "raw: nothing seen",
        f"confidence {cell.confidence:.2f}",
        _position(cell),
    ]
    if cell.needs_review:
        lines.append("NEEDS REVIEW")
    if at in notes.alternatives:
        lines.append(f"alternatives: {', '.join(number_text(value) for value in notes.alternatives[at])}")
    if at in notes.corrections:
        lines.append(f"correction: {notes.corrections[at]}")
    if notes.failed_rules.get(at):
        lines.append(f"failed rules: {', '.join(notes.failed_rules[at])}")
    return "\n".join(lines)


def _position(cell: Cell) -> str:
    page = f"page {cell.page}" if cell.page is not None else "page unknown"
    box = ", bbox [" + ", ".join(f"{v:g}" for v in cell.bbox) + "]" if cell.bbox else ", no bbox"
    return page + box


def _stray_cells(table_id: str, cells: list[Cell], notes: CellNotes, link: CellLink) -> str:
    rows = "".join(
        f"<tr><th>{_e(' / '.join(cell.row_path))}</th><th>{_e(' / '.join(cell.col_path))}</th>"
        f"{_value_cell(table_id, cell.row_key, cell.col_key, cell, notes, 0, link)}</tr>"
        for cell in cells
    )
    return f'<h3>Cells outside the template layout</h3><table class="grid">{rows}</table>'


def _summary(checks: list[Check], cells: list[Cell]) -> str:
    kinds = Counter(check.kind for check in checks)
    failed = sum(check.kind == "rule" and not check.passed for check in checks)
    return (
        f'<p class="summary">{kinds["rule"]} rules checked, {failed} failed; '
        f"{kinds['ambiguous']} ambiguous cells; {kinds['correction']} corrections; "
        f"{kinds['structure']} structure problems; {sum(cell.needs_review for cell in cells)} "
        "cells need review.</p>"
    )


def _checks(checks: list[Check]) -> str:
    """The failed rules, structure problems and corrections in full; the ambiguous cells folded."""
    failed = [check for check in checks if check.kind == "rule" and not check.passed]
    ambiguous = [check for check in checks if check.kind == "ambiguous"]
    corrections = [check for check in checks if check.kind == "correction"]
    structure = [check for check in checks if check.kind == "structure"]
    out = []
    if failed:
        out.append("<h3>Failed rules</h3>" + _failed_rules(failed))
    if structure:
        out.append("<h3>Structure</h3>" + _check_list(structure))
    if corrections:
        out.append("<h3>Corrections</h3>" + _check_list(corrections))
    if ambiguous:
        summary = f"<summary>Ambiguous cells ({len(ambiguous)})</summary>"
        out.append(f"<details>{summary}{_check_list(ambiguous)}</details>")
    return "\n".join(out)


def _failed_rules(checks: list[Check]) -> str:
    head = "<tr><th>rule</th><th>expected (sum of parts)</th><th>actual (total)</th><th>message</th></tr>"
    rows = "".join(
        f'<tr><td>{_e(check.name)}</td><td class="num">{_e(number_text(check.expected))}</td>'
        f'<td class="num">{_e(number_text(check.actual))}</td><td>{_e(check.message)}</td></tr>'
        for check in checks
    )
    return f'<table class="checks">{head}{rows}</table>'


def _check_list(checks: list[Check]) -> str:
    items = "".join(f"<li><code>{_e(check.name)}</code>: {_e(check.message)}</li>" for check in checks)
    return f"<ul>{items}</ul>"


def number_text(value: Number | None) -> str:
    return "–" if value is None else decimal_text(value)


def escape(text: str) -> str:
    """Text for HTML, quotes too: every text from a document goes through here."""
    return html.escape(text, quote=True)


_e = escape
