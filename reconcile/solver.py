"""Decide every cell of one table with CP-SAT: place the readings, hold the sums, and prove what is certain.

The model: each reading of a row goes to one cell (order kept; a grid source fixes the cell), empty
cells are 0 except totals, which the rules determine. Every rule is a soft equation; the solver
minimises broken rules, then corrections of doubtful (low-confidence OCR) readings. A cell is certain
only when no other optimal solution gives it another value — the solver is asked for counter-examples
until none is left; a cell that has one gets ``needs_review`` and its alternative values.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from models.template import CellKey, Column, TableTemplate
from reconcile.digit_runs import (
    RunPlacement,
    SplitTable,
    is_run,
    place_runs,
    run_values,
    split_table,
    splits,
)
from reconcile.evidence import Reading, RowEvidence, TableEvidence

CERTAIN = 0.9
"""Readings at or above this confidence (a text layer, HTML, a confident OCR read) are never rewritten."""
VIOLATION_COST = 1000
DROP_COST = 3000
UNFILLED_TOTAL_COST = 20
"""Tie-break: a blank total whose rule makes it non-zero is allowed (publishers do leave totals blank) but
is the less likely reading of a flattened row. It only chooses the value shown: small counts and zeros
make "this number is the sum of the others" a frequent coincidence, so it never settles a doubt."""


TIE_BREAK_SECONDS = 1.0
"""Tie-breaks only choose among equally good fits, so their search may stop early."""
ROUND_SECONDS = 0.3
"""Search for one counter-example with many differing cells; stopping early only costs another round."""


RUN_SECONDS = 5.0
"""The fit of a table with rows run together (``reconcile.digit_runs``) is searched this long at most;
unproven, its open cells are flagged. A 2019 table 三 of two-digit values run together, with blanks,
was not proven within 20 s either (several minutes per document on this 2-core machine)."""


CORRECTION_COST = 100
"""Correcting a doubtful reading is cheaper than breaking a rule. Every correction costs the same: which
of two doubtful readings is the misread is not settled by their confidences, only chosen by them."""


def correction_tie_break(confidence: float) -> int:
    """Among equally good fits, correct the least confident readings."""
    return round(100 * max(0.0, min(confidence, 1.0)))


@dataclass
class CellDecision:
    value: int | float | None
    reading: Reading | None
    origin: str
    needs_review: bool
    alternatives: list[int | float] = field(default_factory=list)


@dataclass
class TableDecision:
    table: TableTemplate
    cells: dict[CellKey, CellDecision]
    dropped: dict[str, list[Reading]]


@dataclass
class _RowPlacement:
    """Literals saying which reading sits in which cell of an order-only row."""

    at: dict[tuple[int, int], cp_model.IntVar]
    dropped: dict[int, cp_model.IntVar]


class _TableModel:
    def __init__(self, evidence: TableEvidence) -> None:
        self.evidence = evidence
        self.table = evidence.table
        self.model = cp_model.CpModel()
        numbers = run_values([r for ev in evidence.rows.values() for r in ev.readings])
        self.scale = 10 ** min(4, max((p.decimals for p in numbers), default=0))
        self.bound = 2 * sum(abs(p.scaled(self.scale)) for p in numbers) + 1000 * self.scale
        self.values: dict[CellKey, cp_model.IntVar] = {}
        for spec in self.table.cells:
            low = -self.bound if spec.column.signed else 0
            self.values[spec.key] = self.model.new_int_var(low, self.bound, f"v{spec.key}")
        self.costs: list[tuple[int, cp_model.IntVar]] = []
        self.tie_breaks: list[tuple[int, cp_model.IntVar]] = []
        self.reading_vars: dict[int, cp_model.IntVar] = {}
        self.corrections: dict[int, cp_model.IntVar] = {}
        self.placements: dict[str, _RowPlacement] = {}
        self.runs: dict[str, RunPlacement | SplitTable] = {}
        self.fixed: set[CellKey] = set()

    def unscale(self, value: int) -> int | float:
        """A model value back in the table's units: a whole number stays an int."""
        whole, rest = divmod(value, self.scale)
        return whole if rest == 0 else value / self.scale

    def reading_value(self, reading: Reading, fits: bool = True) -> cp_model.LinearExprT:
        """The value a number reading stands for: fixed when certain, correctable when doubtful or
        when it cannot stand in the cell as read (``fits`` False: a negative number in a cell that
        holds counts, as a scrambled row can ask)."""
        read = reading.parsed.scaled(self.scale)
        if reading.token.confidence >= CERTAIN and fits:
            return read
        key = id(reading)
        if key not in self.reading_vars:
            var = self.model.new_int_var(-self.bound, self.bound, "w")
            corrected = self.model.new_bool_var("corrected")
            self.model.add(var == read).only_enforce_if(corrected.Not())
            self.model.add(var != read).only_enforce_if(corrected)
            self.reading_vars[key] = var
            self.corrections[key] = corrected
            self.costs.append((CORRECTION_COST, corrected))
            self.tie_breaks.append((correction_tie_break(reading.token.confidence), corrected))
        return self.reading_vars[key]

    def put(self, cell: CellKey, reading: Reading | None, when: list[cp_model.IntVar]) -> None:
        """Constrain a cell to hold ``reading`` (None: the cell is empty) whenever ``when`` holds."""
        value = self.values[cell]
        derivable = cell in self.table.derivable
        if reading is None or reading.parsed.kind == "blank":
            if not derivable:
                self.model.add(value == 0).only_enforce_if(when)
                return
            unfilled = self.model.new_bool_var(f"unfilled total {cell}")
            self.model.add(value == 0).only_enforce_if([*when, unfilled.Not()])
            self.tie_breaks.append((UNFILLED_TOTAL_COST, unfilled))
        elif reading.parsed.kind == "number":
            fits = _fits(reading, self.table.cell_map[cell].column)
            self.model.add(value == self.reading_value(reading, fits)).only_enforce_if(when)

    def add_row(self, row_key: str, evidence: RowEvidence) -> None:
        columns = self.table.section_of(row_key).columns
        cells = [(row_key, column.key) for column in columns]
        readings = evidence.readings
        if not evidence.positioned and any(map(is_run, readings)):
            self.runs[row_key] = self.place_run_row(cells, readings)
            return
        if evidence.positioned or len(readings) == len(cells):
            for cell, reading in zip(cells, readings, strict=True):
                self.put(cell, reading, [])
                certain = (
                    reading.parsed.kind == "number"
                    and reading.token.confidence >= CERTAIN
                    and _fits(reading, self.table.cell_map[cell].column)
                )
                if certain or (reading.parsed.kind == "blank" and cell not in self.table.derivable):
                    self.fixed.add(cell)
            return
        if not readings:
            for cell in cells:
                self.put(cell, None, [])
                if cell not in self.table.derivable:
                    self.fixed.add(cell)
            return
        self.placements[row_key] = self.place_in_order(cells, readings)
        if _all_zero(readings):
            self.fixed.update(cell for cell in cells if cell not in self.table.derivable)

    def place_in_order(self, cells: list[CellKey], readings: list[Reading]) -> _RowPlacement:
        n, k = len(cells), len(readings)
        model = self.model
        at: dict[tuple[int, int], cp_model.IntVar] = {}
        dropped: dict[int, cp_model.IntVar] = {}
        positions = []
        for i in range(k):
            choices = range(n) if k > n else range(i, n - k + i + 1)
            for j in choices:
                at[i, j] = model.new_bool_var(f"x{i},{j}")
            literals = [at[i, j] for j in choices]
            if k > n:
                dropped[i] = model.new_bool_var(f"drop{i}")
                literals.append(dropped[i])
                self.costs.append((DROP_COST, dropped[i]))
            model.add_exactly_one(literals)
            position = model.new_int_var(0, n - 1, f"p{i}")
            model.add(position == sum(j * at[i, j] for j in choices)).only_enforce_if(
                dropped[i].Not() if i in dropped else []
            )
            positions.append(position)
        for i in range(k - 1):
            for later in range(i + 1, k if dropped else i + 2):
                guards = [dropped[x].Not() for x in (i, later) if x in dropped]
                model.add(positions[later] > positions[i]).only_enforce_if(guards)
        for j, cell in enumerate(cells):
            here = [at[i, j] for i in range(k) if (i, j) in at]
            rarity = self.table.cell_map[cell].column.rarity
            for i in range(k):
                if (i, j) in at:
                    self.put(cell, readings[i], [at[i, j]])
                    if rarity and readings[i].parsed.kind == "number" and readings[i].parsed.value:
                        self.tie_breaks.append((rarity, at[i, j]))
            empty = model.new_bool_var(f"empty{j}")
            model.add(sum(here) == 0).only_enforce_if(empty)
            model.add(sum(here) == 1).only_enforce_if(empty.Not())
            self.put(cell, None, [empty])
        return _RowPlacement(at, dropped)

    def place_run_row(self, cells: list[CellKey], readings: list[Reading]) -> RunPlacement | SplitTable:
        """A row holding digits that ran together (``reconcile.digit_runs``): its ways to read it as a
        table constraint, or (too many ways, or a doubtful reading among them) as a path of cuts."""
        columns = [self.table.cell_map[cell].column for cell in cells]
        totals = {j for j, cell in enumerate(cells) if cell in self.table.derivable}
        plain = all(is_run(r) or _constant(r, columns[0], self.scale) is not None for r in readings)
        ways = splits(columns, readings) if plain else None
        if ways:
            row = split_table(self.model, ways, totals, self.scale, self.bound)
            self.costs.append((DROP_COST, row.drops))
            for j, cell in enumerate(cells):
                if j in totals:
                    self.model.add(self.values[cell] == row.shown[j]).only_enforce_if(row.empty[j].Not())
                    self.put(cell, None, [row.empty[j]])
                else:
                    self.model.add(self.values[cell] == row.shown[j])
                if columns[j].rarity:
                    shown = self.model.new_bool_var(f"nonzero{j}")
                    self.model.add(row.shown[j] == 0).only_enforce_if(shown.Not())
                    self.tie_breaks.append((columns[j].rarity, shown))
            return row
        placement = place_runs(self.model, columns, readings)
        self.costs.extend((DROP_COST, literal) for literal in placement.dropped.values())
        for j, cell in enumerate(cells):
            held = placement.held.get(j, [])
            for literal, part in held:
                self.put(cell, part, [literal])
                if columns[j].rarity and part.parsed.kind == "number" and part.parsed.value:
                    self.tie_breaks.append((columns[j].rarity, literal))
            empty = self.model.new_bool_var(f"empty{j}")
            self.model.add(sum(literal for literal, _ in held) + empty == 1)
            self.put(cell, None, [empty])
        return placement

    def add_rules(self) -> None:
        for inst in self.table.rule_instances:
            broken = self.model.new_bool_var(f"broken {inst.name}")
            lhs = sum(self.values[c] for c in inst.lhs)
            rhs = sum(self.values[c] for c in inst.rhs)
            self.model.add(lhs == rhs).only_enforce_if(broken.Not())
            self.costs.append((VIOLATION_COST, broken))


def _fits(reading: Reading, column: Column) -> bool:
    return column.signed or (reading.parsed.value or 0) >= 0


def _constant(reading: Reading, column: Column, scale: int) -> int | None:
    """The fixed scaled value a reading gives its cell (a blank is 0); None when it may be corrected."""
    if reading.parsed.kind == "blank":
        return 0
    if reading.parsed.kind == "number" and reading.token.confidence >= CERTAIN and _fits(reading, column):
        return reading.parsed.scaled(scale)
    return None


def _all_zero(readings: list[Reading]) -> bool:
    """Wherever such readings go, every non-total cell of the row is 0."""
    return all(
        r.token.confidence >= CERTAIN
        and (r.parsed.kind == "blank" or (r.parsed.kind == "number" and not r.parsed.value))
        for r in readings
    )


def _solver(seconds: float = 20.0) -> cp_model.CpSolver:
    """One worker, bounded in deterministic time so a document gives the same answer however loaded
    the machine is; the wall-clock bound is only a safety net."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = seconds
    solver.parameters.max_time_in_seconds = 10 * seconds
    return solver


def _best_fit(built: _TableModel) -> tuple[cp_model.CpSolver, int, bool]:
    """The best fit, then the tie-breaks among solutions that fit as well.

    Returns the solver holding the chosen solution, the optimal fit and whether it is proven optimal.
    The tie-break search is bounded in time: any solution with the optimal fit is a sound reference
    for the certainty check, the tie-breaks only choose which values a doubtful cell shows.
    """
    model = built.model
    objective = sum(cost * literal for cost, literal in built.costs)
    model.minimize(objective)
    solver = _solver(RUN_SECONDS if built.runs else 20.0)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(
            f"table {built.table.id}: the solver found no assignment ({solver.status_name(status)})"
        )
    optimum = round(solver.objective_value)
    if not built.tie_breaks:
        return solver, optimum, status == cp_model.OPTIMAL
    proven = status == cp_model.OPTIMAL
    model.clear_hints()
    for var in built.values.values():
        model.add_hint(var, solver.value(var))
    model.add(objective <= optimum)
    model.minimize(sum(cost * literal for cost, literal in built.tie_breaks))
    chooser = _solver(TIE_BREAK_SECONDS)
    if chooser.solve(model) in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return chooser, optimum, proven
    return solver, optimum, proven


def _runs_unread(evidence: TableEvidence, rows: set[str]) -> TableEvidence:
    """The table with its rows run together unread: no split of them was found in the time given, so
    their cells are unknown (``missing``, flagged) rather than guessed."""
    unread = {key: replace(row, lost=True) if key in rows else row for key, row in evidence.rows.items()}
    return replace(evidence, rows=unread)


def _build(evidence: TableEvidence, seen_rows: set[str]) -> _TableModel:
    built = _TableModel(evidence)
    for row in built.table.rows:
        if row.key in seen_rows:
            built.add_row(row.key, evidence.rows[row.key])
    built.add_rules()
    return built


def solve_table(evidence: TableEvidence) -> TableDecision:
    seen_rows = {key for key, row in evidence.rows.items() if not row.lost}
    built = _build(evidence, seen_rows)
    try:
        solver, optimum, proven = _best_fit(built)
    except RuntimeError:
        if not built.runs:
            raise
        return solve_table(_runs_unread(evidence, set(built.runs)))
    best = {cell: solver.value(var) for cell, var in built.values.items()}
    occupant = _occupants(built, solver)
    corrected = {key for key, lit in built.corrections.items() if solver.boolean_value(lit)}
    dropped = {
        row_key: [
            evidence.rows[row_key].readings[i]
            for i, lit in placement.dropped.items()
            if solver.boolean_value(lit)
        ]
        for row_key, placement in built.placements.items()
    }
    for row_key, run in built.runs.items():
        dropped[row_key] = [evidence.rows[row_key].readings[i] for i in run.dropped_in(solver)]
    dropped = {key: readings for key, readings in dropped.items() if readings}

    if built.runs and not proven:
        # Its fit unproven, every open cell is flagged: a search for alternatives would only list them.
        alternatives: dict[CellKey, set[int]] = {}
        unsure = {key for key in built.values if key[0] in seen_rows and key not in built.fixed}
    else:
        alternatives, unsure = _alternatives(built, optimum, best, seen_rows)
    if not proven:
        unsure = {key for key in built.values if key[0] in seen_rows and key not in built.fixed}
    cells: dict[CellKey, CellDecision] = {}
    for spec in built.table.cells:
        key = spec.key
        row_key = spec.row.key
        if row_key not in seen_rows:
            cells[key] = CellDecision(None, None, "missing", True)
            continue
        reading = occupant.get(key)
        value = built.unscale(best[key])
        origin = _origin(reading, key in built.table.derivable, corrected)
        alts = sorted(alternatives.get(key, set()) - {best[key]})
        alt_values = [built.unscale(a) for a in alts]
        needs_review = bool(alts) or key in unsure or row_key in dropped or evidence.rows[row_key].damaged
        if origin == "corrected" and reading is not None and reading.parsed.kind == "unreadable" and alts:
            value = None
        cells[key] = CellDecision(value, reading, origin, needs_review, alt_values)
    return TableDecision(built.table, cells, dropped)


def _origin(reading: Reading | None, derivable: bool, corrected: set[int]) -> str:
    if reading is None or reading.parsed.kind == "blank":
        return "derived" if derivable else "blank"
    if reading.parsed.kind == "unreadable" or id(reading) in corrected:
        return "corrected"
    return "read"


def _occupants(built: _TableModel, solver: cp_model.CpSolver) -> dict[CellKey, Reading]:
    """Which reading each cell holds in the chosen solution."""
    out: dict[CellKey, Reading] = {}
    for row_key, evidence in built.evidence.rows.items():
        if evidence.lost:
            continue
        columns = built.table.section_of(row_key).columns
        if evidence.positioned or len(evidence.readings) == len(columns):
            for column, reading in zip(columns, evidence.readings, strict=True):
                out[row_key, column.key] = reading
        elif row_key in built.placements:
            for (i, j), literal in built.placements[row_key].at.items():
                if solver.boolean_value(literal):
                    out[row_key, columns[j].key] = evidence.readings[i]
        elif row_key in built.runs:
            for j, part in built.runs[row_key].occupants(solver).items():
                out[row_key, columns[j].key] = part
    return out


def _alternatives(
    built: _TableModel, optimum: int, best: dict[CellKey, int], seen_rows: set[str]
) -> tuple[dict[CellKey, set[int]], set[CellKey]]:
    """Per cell, the values other optimal solutions give it; and the cells the solver could not settle.

    Group testing: ask for an optimal solution in which at least one still-unproven cell differs (as many
    as a short search finds). Each answer marks the cells it changes as ambiguous; "infeasible" proves
    every remaining cell certain at once.
    """
    model = built.model
    objective = sum(cost * literal for cost, literal in built.costs)
    model.clear_objective()
    model.add(objective <= optimum)
    checkable = [key for key in built.values if key[0] in seen_rows and key not in built.fixed]
    differs = {}
    for key in checkable:
        differs[key] = model.new_bool_var(f"differs {key}")
        model.add(built.values[key] != best[key]).only_enforce_if(differs[key])
    found: dict[CellKey, set[int]] = {}
    remaining = list(checkable)
    model.clear_hints()
    while remaining:
        round_on = model.new_bool_var("round")
        model.add_bool_or([differs[key] for key in remaining]).only_enforce_if(round_on)
        model.clear_assumptions()
        model.add_assumptions([round_on])
        model.maximize(sum(differs[key] for key in remaining))
        solver = _solver(ROUND_SECONDS)
        status = solver.solve(model)
        if status == cp_model.UNKNOWN:
            model.clear_objective()
            solver = _solver()
            status = solver.solve(model)
        if status == cp_model.INFEASIBLE:
            break
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            model.clear_assumptions()
            return found, set(remaining)
        for other in checkable:
            value = solver.value(built.values[other])
            if value != best[other]:
                found.setdefault(other, {best[other]}).add(value)
        remaining = [key for key in remaining if key not in found]
    model.clear_assumptions()
    return found, set()
