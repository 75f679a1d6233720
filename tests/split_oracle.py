"""An oracle for tables whose rows ran together into strings of digits: is the truth the only reading
of the runs that the template's sums admit?

Written apart from ``reconcile`` on purpose, with hard sums and no budget, so that a test can tell "the
sums leave one split" from "the pipeline found one split". A reading cuts each row's run, in order, into
whole numbers without leading zeros, one per cell or none; an empty cell is 0, an empty total is
whatever the sums make it (as the pipeline reads a page whose empty cells vanished). Counts only: the
tables with sums (三, 四) hold no signs, decimals or units.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from models.template import CellKey, RuleInstance, TableTemplate

Values = tuple[int | None, ...]
"""One row's reading: each cell's number, None for an empty total the row's own sums do not give."""


def row_readings(table: TableTemplate, row_key: str, run: str) -> set[Values]:
    """Every reading of one row's run that keeps the sums lying inside the row."""
    columns = table.section_of(row_key).columns
    if any(column.signed or column.money for column in columns):
        raise ValueError(f"table {table.id} row {row_key}: the oracle reads counts only")
    keys = [(row_key, column.key) for column in columns]
    index = {key: j for j, key in enumerate(keys)}
    inner = [inst for inst in table.rule_instances if all(k in index for k in (*inst.lhs, *inst.rhs))]
    done_at = {id(inst): max(index[k] for k in (*inst.lhs, *inst.rhs)) for inst in inner}
    found: set[Values] = set()

    def walk(t: int, held: list[int | None]) -> None:
        j = len(held) - 1
        row = list(held)
        for inst in inner:
            if done_at[id(inst)] == j and not _settle(inst, row, index, table.derivable):
                return
        if t == len(run) and len(row) == len(keys):
            found.add(tuple(row))
            return
        if len(held) == len(keys):
            return
        empty = 0 if keys[len(held)] not in table.derivable else None
        walk(t, [*row, empty])
        for end in range(t + 1, len(run) + 1):
            if run[t] == "0" and end > t + 1:
                break
            walk(end, [*row, int(run[t:end])])

    walk(0, [])
    return found


def _settle(
    inst: RuleInstance, row: list[int | None], index: dict[CellKey, int], derivable: frozenset
) -> bool:
    """Check a sum inside the row on its cells (False: broken); an empty total it gives takes its value."""
    cells = [*inst.lhs, *inst.rhs]
    unknown = [k for k in cells if row[index[k]] is None]
    if len(unknown) > 1:
        return True
    lhs = sum(row[index[k]] or 0 for k in inst.lhs)
    rhs = sum(row[index[k]] or 0 for k in inst.rhs)
    if not unknown:
        return lhs == rhs
    (key,) = unknown
    value = rhs - lhs if key in inst.lhs else lhs - rhs
    if value < 0 or key not in derivable:
        return False
    row[index[key]] = value
    return True


def only_reading(
    table: TableTemplate, runs: dict[str, str], truth: dict[CellKey, int], seconds: float = 120
) -> bool:
    """Whether the truth is the one reading of the rows' runs under all of the table's sums.

    ``runs``: each row's cells run together (every row of the table). ``seconds``: how long CP-SAT may
    search before the oracle gives up (TimeoutError).
    """
    model = cp_model.CpModel()
    bound = 10 * sum(int(run) if len(run) < 16 else 10**15 for run in runs.values()) + 1
    bound = min(bound, 2**40)
    values = {spec.key: model.new_int_var(0, bound, str(spec.key)) for spec in table.cells}
    for row_key, run in runs.items():
        keys = [(row_key, column.key) for column in table.section_of(row_key).columns]
        readings = row_readings(table, row_key, run)
        if not readings:
            raise ValueError(f"table {table.id} row {row_key}: no reading of {run!r}")
        empty = [model.new_bool_var(f"empty {key}") for key in keys]
        shown = [model.new_int_var(0, bound, f"shown {key}") for key in keys]
        tuples = [(*(v or 0 for v in way), *(int(v is None) for v in way)) for way in readings]
        model.add_allowed_assignments([*shown, *empty], tuples)
        for key, s, e in zip(keys, shown, empty, strict=True):
            model.add(values[key] == s).only_enforce_if(e.Not())
    for inst in table.rule_instances:
        model.add(sum(values[k] for k in inst.lhs) == sum(values[k] for k in inst.rhs))
    differs = []
    for key, var in values.items():
        literal = model.new_bool_var(f"differs {key}")
        model.add(var != truth[key]).only_enforce_if(literal)
        differs.append(literal)
    model.add_bool_or(differs)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = seconds
    status = solver.solve(model)
    if status not in (cp_model.INFEASIBLE, cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeoutError(f"table {table.id}: the oracle did not decide ({solver.status_name(status)})")
    return status == cp_model.INFEASIBLE
