"""Score a pipeline document against known truth: right, flagged, and silent errors (wrong, not flagged)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from models.document import Document

Expected = dict[str, dict[str, int | float]]
"""table id -> "row_key/col_key" -> the value the pipeline must output."""


@dataclass
class Score:
    cells: int = 0
    right: int = 0
    flagged: int = 0
    silent_errors: list[str] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.cells += other.cells
        self.right += other.right
        self.flagged += other.flagged
        self.silent_errors += other.silent_errors
        self.missing_tables += other.missing_tables


def load_expected(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def score_document(document: Document, expected: Expected) -> Score:
    """A cell is right when its value equals the truth exactly (as printed, no tolerance); wrong and not
    needs_review is a silent error.
    A table the document lacks counts with all its cells."""
    score = Score()
    tables = {table.id: table for table in document.tables}
    for table_id, cells in expected.items():
        table = tables.get(table_id)
        if table is None:
            # Its cells count, none of them right; the document flags the table as missing.
            score.missing_tables.append(table_id)
            score.cells += len(cells)
            score.flagged += len(cells)
            continue
        decided = {f"{cell.row_key}/{cell.col_key}": cell for cell in table.cells}
        for key, value in cells.items():
            cell = decided.get(key)
            score.cells += 1
            right = cell is not None and cell.value is not None and cell.value == Decimal(str(value))
            flagged = cell is None or cell.needs_review
            score.right += right
            score.flagged += flagged
            if not right and not flagged:
                score.silent_errors.append(f"{table_id} {key}: {cell.value if cell else None} != {value}")
    return score
