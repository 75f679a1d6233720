"""A person's decisions on cells: applied to a document, its rules rechecked, its status recomputed,
and kept when the pipeline runs again over the same input.

A reviewed cell has ``origin: reviewed``, the value the reviewer typed or confirmed, and a ``review``
record (note, time, what the pipeline had decided). After each decision every rule of the cell's table
is checked again on the values as they now stand (``reconcile.assemble.check_rules``, the pipeline's
own check). What a recheck changes:

- a rule that now fails flags the cells in it that no person has reviewed (``broken_sum``), as the
  pipeline's verdict does;
- a check is ``reviewed`` once a person reviewed every cell it names (every cell of the rows a
  structure check names; for a check naming no cells, every flagged cell of its table, and at least
  one); a printed sum that does not hold, confirmed cell by cell as printed, then no longer keeps the
  document in review;
- nothing else: a cell flagged for any reason keeps its flag until a person reviews it (which reason
  still applies after a neighbour's correction cannot be told from the JSON alone).

The status is then the pipeline's rule (``reconcile.assemble.document_status``).

Reruns: a JSON whose input and pipeline version are unchanged is kept whole (``reportgrid.output``).
A document redone (a new pipeline version) from an input with the same sha256 takes over every
reviewed cell whose table the new reading has, then is rechecked; a redone document that fails
(a limit, a lost worker) leaves the reviewed JSON as it was. A changed input (another sha256) is
another document: the reviews of the old one no longer apply and are dropped. ``--force`` drops them
too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from models.document import Cell, Check, Document, Review, Table
from models.template import CellKey, TableTemplate, builtin_templates
from reconcile.assemble import check_rules, document_status


class ReviewError(ValueError):
    """A decision that cannot be applied: no such cell, or a document without tables."""


@dataclass(frozen=True)
class Decision:
    """One cell's value as a person decided it (``value`` None: the cell is empty in the source)."""

    table: str
    row_key: str
    col_key: str
    value: Decimal | None
    note: str = ""


def apply_review(document: Document, decisions: list[Decision], when: datetime | None = None) -> Document:
    """``document`` with the decisions applied, its rules rechecked and its status recomputed."""
    if document.status == "failed" or not document.tables:
        raise ReviewError("a document without tables has no cells to review")
    stamp = (when or datetime.now(UTC)).isoformat(timespec="seconds")
    tables = {table.id: table.model_copy(deep=True) for table in document.tables}
    for decision in decisions:
        table = tables.get(decision.table)
        cell = _find(table, decision.row_key, decision.col_key) if table is not None else None
        if table is None or cell is None:
            where = f"{decision.table}/{decision.row_key}/{decision.col_key}"
            raise ReviewError(f"no cell {where} in the document")
        index = table.cells.index(cell)
        table.cells[index] = reviewed_cell(cell, decision.value, decision.note, stamp)
    updated = document.model_copy(update={"tables": [tables[table.id] for table in document.tables]})
    return recheck(updated)


def reviewed_cell(cell: Cell, value: Decimal | None, note: str, stamp: str) -> Cell:
    """The cell as a person decided it; a second review keeps what the pipeline had decided first."""
    before = cell.review or Review(
        previous_value=cell.value,
        previous_origin=cell.origin,
        previous_reason=cell.review_reason,
        reviewed_at=stamp,
    )
    review = before.model_copy(update={"note": note, "reviewed_at": stamp})
    return cell.model_copy(
        update={
            "value": value,
            "origin": "reviewed",
            "needs_review": False,
            "review_reason": None,
            "confidence": 1.0,
            "review": review,
        }
    )


def _find(table: Table, row_key: str, col_key: str) -> Cell | None:
    return next((c for c in table.cells if c.row_key == row_key and c.col_key == col_key), None)


def template_table(document: Document, table: Table) -> TableTemplate | None:
    """The template table this table was fitted to: the document's template kind, the table's version."""
    if document.template is None:
        return None
    for template in builtin_templates():
        if template.id == document.template.id and template.version == table.version:
            return next((spec for spec in template.tables if spec.id == table.id), None)
    return None


def recheck(document: Document) -> Document:
    """Every table's rules checked on its values as they stand, flags and status updated (module doc)."""
    tables: list[Table] = []
    rules: dict[tuple[str, str], Check] = {}
    for table in document.tables:
        spec = template_table(document, table)
        if spec is None:
            tables.append(table)
            continue
        values = {(cell.row_key, cell.col_key): cell.value for cell in table.cells}
        checked = check_rules(spec, values)
        failing = {
            (row, col)
            for check in checked
            if not check.passed and check.expected is not None and check.actual is not None
            for row, col in check.cells
        }
        cells = [_flag_broken(cell, failing) for cell in table.cells]
        tables.append(table.model_copy(update={"cells": cells}))
        rules.update({(check.table, check.name): check for check in checked})
    checks = []
    for check in document.checks:
        fresh = rules.get((check.table, check.name)) if check.kind == "rule" else None
        checks.append(_settled(fresh or check, tables))
    status = document_status(tables, checks)
    return document.model_copy(update={"tables": tables, "checks": checks, "status": status})


def _flag_broken(cell: Cell, failing: set[CellKey]) -> Cell:
    if cell.origin == "reviewed" or cell.needs_review or (cell.row_key, cell.col_key) not in failing:
        return cell
    return cell.model_copy(update={"needs_review": True, "review_reason": "broken_sum"})


def _settled(check: Check, tables: list[Table]) -> Check:
    """The check, ``reviewed`` when a person reviewed every cell it stands for."""
    table = next((t for t in tables if t.id == check.table), None)
    if table is None:
        return check.model_copy(update={"reviewed": False})
    named = [pair for pair in check.cells if len(pair) == 2]
    if named:
        cells = [
            cell
            for cell in table.cells
            if any(cell.row_key == row and (not col or cell.col_key == col) for row, col in named)
        ]
    else:
        cells = [cell for cell in table.cells if cell.needs_review or cell.origin == "reviewed"]
    reviewed = bool(cells) and all(cell.origin == "reviewed" for cell in cells)
    return check.model_copy(update={"reviewed": reviewed})


def reviewed_cells(document: Document) -> list[tuple[str, Cell]]:
    """(table id, cell) of every cell a person reviewed."""
    return [
        (table.id, cell) for table in document.tables for cell in table.cells if cell.origin == "reviewed"
    ]


def earlier_document(path: Path) -> Document | None:
    """The document a previous run or review left at ``path``, if it is one."""
    try:
        return Document.model_validate_json(path.read_bytes())
    except (OSError, ValidationError):
        return None


def keep_reviewed(new: Document, old: Document | None) -> Document:
    """The document to write when ``new`` replaces ``old``: reviewed cells carried over (module doc)."""
    if old is None or not old.source.sha256 or old.source.sha256 != new.source.sha256:
        return new
    carried = reviewed_cells(old)
    if not carried:
        return new
    if new.status == "failed" or not new.tables:
        return old
    tables = {table.id: table.model_copy(deep=True) for table in new.tables}
    for table_id, cell in carried:
        table = tables.get(table_id)
        target = _find(table, cell.row_key, cell.col_key) if table is not None else None
        if table is None or target is None:
            continue
        table.cells[table.cells.index(target)] = target.model_copy(
            update={
                "value": cell.value,
                "origin": "reviewed",
                "needs_review": False,
                "review_reason": None,
                "confidence": 1.0,
                "review": cell.review,
            }
        )
    return recheck(new.model_copy(update={"tables": [tables[table.id] for table in new.tables]}))
