"""What operators see in the Prefect UI: a table of the run and a note of what needs review and why.

The content is built here from the documents; the flow only publishes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from models.document import Document, DocumentSummary

MAX_CELLS_LISTED = 40


@dataclass(frozen=True)
class Outcome:
    """What one document task hands back to the flow: its summary line and its review notes."""

    summary: DocumentSummary
    review: tuple[str, ...]


def review_notes(document: Document) -> tuple[str, ...]:
    """Markdown bullet lines saying why a document is not valid: error, failed checks, flagged cells."""
    notes: list[str] = []
    if document.error:
        notes.append(f"- **error** `{document.error.code.value}`: {document.error.message}")
    for check in document.checks:
        if check.passed:
            continue
        where = f"table {check.table}, {check.kind} `{check.name}`"
        if check.kind == "rule":
            notes.append(f"- {where}: expected {check.expected}, actual {check.actual} — {check.message}")
        elif check.kind == "ambiguous":
            alternatives = ", ".join(str(value) for value in check.alternatives)
            notes.append(f"- {where}: {check.message} (alternatives: {alternatives})")
        else:
            notes.append(f"- {where}: {check.message}")
    flagged = [(table.id, cell) for table in document.tables for cell in table.cells if cell.needs_review]
    for table_id, cell in flagged[:MAX_CELLS_LISTED]:
        row = " › ".join(cell.row_path) or "(single row)"
        notes.append(
            f"- table {table_id}, cell {row} | {' › '.join(cell.col_path)} = {cell.value} "
            f"({cell.origin}, confidence {cell.confidence})"
        )
    if len(flagged) > MAX_CELLS_LISTED:
        notes.append(f"- … and {len(flagged) - MAX_CELLS_LISTED} more cells needing review")
    return tuple(notes)


def summary_rows(summaries: Sequence[DocumentSummary]) -> list[dict[str, object]]:
    """One table-artifact row per document."""
    return [
        {
            "document": line.source,
            "status": line.status,
            "cells": line.cells,
            "cells needing review": line.cells_needing_review,
            "failed rules": line.failed_rules,
            "seconds": line.seconds,
            "output": line.output or "",
            "code": line.error.code.value if line.error else "",
            "error": line.error.message if line.error else "",
        }
        for line in summaries
    ]


def review_markdown(outcomes: Sequence[Outcome]) -> str:
    """One section per document that is not valid, with its review notes."""
    pending = [outcome for outcome in outcomes if outcome.summary.status != "valid"]
    lines = [f"# Needs review: {len(pending)} of {len(outcomes)} documents", ""]
    if not pending:
        lines.append("Every document is valid: all rules hold and no cell needs review.")
    for outcome in pending:
        line = outcome.summary
        lines += [f"## {line.source} — {line.status}", "", f"Output: `{line.output or 'not written'}`", ""]
        lines += list(outcome.review) or ["- (no details recorded)"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
