"""Turn solved tables into the output document: cells, rule checks, ambiguity notes and the status."""

from __future__ import annotations

from collections.abc import Sequence

from models.document import Cell, Check, Number, Table
from models.template import RuleInstance
from reconcile.evidence import TableEvidence
from reconcile.solver import CellDecision, TableDecision


def _sum(values: list[Number | None]) -> Number | None:
    if any(v is None for v in values):
        return None
    total = sum(v for v in values if v is not None)
    return round(total, 4) if isinstance(total, float) else total


def rule_checks(decision: TableDecision) -> list[Check]:
    """Every rule instance checked on the decided values, with expected (lhs) and actual (rhs) sums."""
    checks = []
    for inst in decision.table.rule_instances:
        expected = _sum([decision.cells[c].value for c in inst.lhs])
        actual = _sum([decision.cells[c].value for c in inst.rhs])
        checkable = expected is not None and actual is not None
        passed = checkable and abs(expected - actual) < 1e-6  # type: ignore[operator]
        message = _rule_message(inst, decision, expected, actual, checkable)
        checks.append(
            Check(
                kind="rule",
                table=decision.table.id,
                name=inst.name,
                passed=passed,
                message=message,
                cells=[[*key] for key in inst.lhs + inst.rhs],
                expected=expected,
                actual=actual,
            )
        )
    return checks


def _rule_message(
    inst: RuleInstance,
    decision: TableDecision,
    expected: Number | None,
    actual: Number | None,
    checkable: bool,
) -> str:
    if not checkable:
        return f"{inst.rule.text}: cannot be checked, cells are missing"
    if expected == actual:
        return f"{inst.rule.text}: holds ({expected})"
    return f"{inst.rule.text}: the parts add up to {expected}, the table says {actual}"


def _cell_paths(decision: TableDecision, key: tuple[str, str]) -> list[str]:
    spec = decision.table.cell_map[key]
    return [" / ".join(spec.row_path) or "(row)", " / ".join(spec.column.path)]


def _fixed(cell: CellDecision) -> bool:
    """A cell whose value is what the source shows, with no freedom left to absorb a misread."""
    return cell.origin in ("read", "blank") and not cell.alternatives and not cell.needs_review


def _confirmed(decision: TableDecision, held: list[Check], placed: set[str]) -> set[tuple[str, ...]]:
    """Cells a holding sum vouches for.

    A sum whose cells are all fixed readings cross-checks them all (one misread would break it). A sum
    with one free cell (unreadable, corrected, a blank total) vouches for that cell only when every
    other cell is trusted: read from text, or itself confirmed. A sum with two free cells vouches for
    nothing. Repeated until nothing changes, since a confirmed cell can confirm others. Cells of a
    row placed by its neighbours (``placed``: its label unread) are never trusted by themselves.
    """
    fixed = {spec.key for spec in decision.table.cells if _fixed(decision.cells[spec.key])}
    from_text = {
        key
        for key in fixed
        if key[0] not in placed
        and (decision.cells[key].reading is None or not decision.cells[key].reading.token.recognised)  # type: ignore[union-attr]
    }
    confirmed: set[tuple[str, ...]] = set()
    while True:
        before = len(confirmed)
        trusted = from_text | confirmed
        for check in held:
            cells = [(row, col) for row, col in check.cells]
            free = [cell for cell in cells if cell not in fixed]
            if not free:
                confirmed.update(cells)
            elif len(free) == 1 and all(cell in trusted for cell in cells if cell != free[0]):
                confirmed.add(free[0])
        if len(confirmed) == before:
            return confirmed


def build_table(
    evidence: TableEvidence, decision: TableDecision, rules: list[Check]
) -> tuple[Table, list[Check]]:
    """The output table, and the checks that explain its flagged cells.

    A cell is flagged when it is ambiguous, in a broken sum, or read by OCR (or in a row placed by its
    neighbours) and not confirmed by a sum (see ``_confirmed``; table 二 has no sums, so nothing
    confirms a confident misread there).
    """
    failed = [c for c in rules if not c.passed and c.expected is not None and c.actual is not None]
    in_failed_rule = {tuple(cell) for check in failed for cell in check.cells}
    placed = {key for key, row in evidence.rows.items() if row.inferred}
    confirmed = _confirmed(decision, [c for c in rules if c.passed], placed)
    checks: list[Check] = []
    cells = []
    for spec in decision.table.cells:
        decided: CellDecision = decision.cells[spec.key]
        reading = decided.reading
        token = reading.token if reading is not None else None
        witnessed = token is not None and (token.recognised or spec.row.key in placed)
        unconfirmed = witnessed and spec.key not in confirmed
        needs_review = decided.needs_review or spec.key in in_failed_rule or unconfirmed
        confidence = 1.0 if token is None else token.confidence
        if decided.origin == "corrected":
            confidence = 1.0 - confidence if token is not None else 0.0
        if decided.alternatives:
            confidence = round(confidence / (len(decided.alternatives) + 1), 3)
        if decided.origin == "missing":
            confidence = 0.0
        cells.append(
            Cell(
                row_key=spec.row.key,
                col_key=spec.column.key,
                row_path=list(spec.row_path),
                col_path=list(spec.column.path),
                value=decided.value,
                raw=token.text if token is not None else None,
                unit=reading.parsed.unit if reading is not None else None,
                origin=decided.origin,  # type: ignore[arg-type]
                confidence=round(confidence, 3),
                needs_review=needs_review,
                page=token.page if token is not None else None,
                bbox=token.bbox if token is not None else None,
            )
        )
        if decided.alternatives:
            checks.append(
                Check(
                    kind="ambiguous",
                    table=decision.table.id,
                    name=f"{spec.row.key}/{spec.column.key}",
                    passed=False,
                    message=(
                        f"{' / '.join(_cell_paths(decision, spec.key))}: the source and the rules allow "
                        f"{decided.value} or {', '.join(map(str, decided.alternatives))}"
                    ),
                    cells=[[*spec.key]],
                    actual=decided.value,
                    alternatives=[decided.value, *decided.alternatives],
                )
            )
        if decided.origin == "corrected":
            checks.append(
                Check(
                    kind="correction",
                    table=decision.table.id,
                    name=f"{spec.row.key}/{spec.column.key}",
                    passed=not needs_review,
                    message=f"read {token.text if token else '?'!r}, the sums give {decided.value}",
                    cells=[[*spec.key]],
                    actual=decided.value,
                )
            )
    checks.extend(_structure_checks(evidence, decision))
    table = Table(
        id=decision.table.id, title=decision.table.title, version=decision.table.version, cells=cells
    )
    return table, checks


def structure_problem(table_id: str, name: str, message: str, rows: Sequence[str] = ()) -> Check:
    """A failed structure check: something of the table's layout the source did not show as expected."""
    return Check(
        kind="structure",
        table=table_id,
        name=name,
        passed=False,
        message=message,
        cells=[[row, ""] for row in rows],
    )


def _structure_checks(evidence: TableEvidence, decision: TableDecision) -> list[Check]:
    table_id = decision.table.id
    missing = [row.key for row in decision.table.rows if row.key not in evidence.rows]
    damaged = [key for key, row in evidence.rows.items() if row.damaged]
    lost = [key for key, row in evidence.rows.items() if row.lost]
    checks = []
    if missing:
        checks.append(
            structure_problem(
                table_id, "rows_missing", f"rows not found in the source: {', '.join(missing)}", missing
            )
        )
    if damaged:
        message = "grid rows with more or fewer cells than the template's (merged or split cells): "
        checks.append(structure_problem(table_id, "rows_damaged", message + ", ".join(damaged), damaged))
    if lost:
        message = "rows whose label was found but none of their cells: "
        checks.append(structure_problem(table_id, "rows_unread", message + ", ".join(lost), lost))
    for row_key, readings in decision.dropped.items():
        message = f"row {row_key} shows more values than it has cells; left out: "
        left_out = ", ".join(r.token.text for r in readings)
        checks.append(structure_problem(table_id, f"extra_values[{row_key}]", message + left_out, [row_key]))
    if evidence.orphans:
        message = "values that belong to no recognised row: " + ", ".join(
            t.text for t in evidence.orphans[:20]
        )
        checks.append(structure_problem(table_id, "unplaced_values", message))
    return checks
