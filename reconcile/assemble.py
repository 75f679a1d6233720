"""Turn solved tables into the output document: cells, rule checks, ambiguity notes and the status."""

from __future__ import annotations

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


def build_table(
    evidence: TableEvidence, decision: TableDecision, failed: list[Check]
) -> tuple[Table, list[Check]]:
    """The output table, and the checks that explain its flagged cells."""
    in_failed_rule = {tuple(cell) for check in failed for cell in check.cells}
    checks: list[Check] = []
    cells = []
    for spec in decision.table.cells:
        decided: CellDecision = decision.cells[spec.key]
        reading = decided.reading
        token = reading.token if reading is not None else None
        needs_review = decided.needs_review or spec.key in in_failed_rule
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


def _structure_checks(evidence: TableEvidence, decision: TableDecision) -> list[Check]:
    checks = []
    missing = [row.key for row in decision.table.rows if row.key not in evidence.rows]
    if missing:
        checks.append(
            Check(
                kind="structure",
                table=decision.table.id,
                name="rows_missing",
                passed=False,
                message=f"rows not found in the source: {', '.join(missing)}",
                cells=[[row, ""] for row in missing],
            )
        )
    damaged = [key for key, row in evidence.rows.items() if row.damaged]
    if damaged:
        checks.append(
            Check(
                kind="structure",
                table=decision.table.id,
                name="rows_damaged",
                passed=False,
                message="grid rows with more or fewer cells than the template's (merged or split cells): "
                + ", ".join(damaged),
                cells=[[row, ""] for row in damaged],
            )
        )
    lost = [key for key, row in evidence.rows.items() if row.lost]
    if lost:
        checks.append(
            Check(
                kind="structure",
                table=decision.table.id,
                name="rows_unread",
                passed=False,
                message=f"rows whose label was found but none of their cells: {', '.join(lost)}",
                cells=[[row, ""] for row in lost],
            )
        )
    for row_key, readings in decision.dropped.items():
        checks.append(
            Check(
                kind="structure",
                table=decision.table.id,
                name=f"extra_values[{row_key}]",
                passed=False,
                message=f"row {row_key} shows more values than it has cells; left out: "
                + ", ".join(r.token.text for r in readings),
                cells=[[row_key, ""]],
            )
        )
    if evidence.orphans:
        checks.append(
            Check(
                kind="structure",
                table=decision.table.id,
                name="unplaced_values",
                passed=False,
                message="values that belong to no recognised row: "
                + ", ".join(t.text for t in evidence.orphans[:20]),
            )
        )
    return checks
