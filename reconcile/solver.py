"""Decide every cell of one table with CP-SAT: place the readings, hold the sums, and prove what is unique.

The model: each reading of a row goes to one cell (order kept; a grid source fixes the cell). An empty
cell the source showed is 0, except totals, which the rules determine; a cell the source did not show
(a gap in a row read by OCR or from a damaged grid row) is free and comes out ``missing``. Every rule
is a soft equation; the solver minimises broken rules, then corrections of doubtful readings (OCR
numbers and blanks under ``CERTAIN``). The solver then looks for other optimal solutions: a cell that
one of them changes gets those values as its alternatives. Whether a cell is certain is decided from
these facts and the evidence in ``reconcile/verdict.py``, not here.

Numbers are exact: values are scaled to whole units of the table's finest printed decimal, and a
reading too large to hold in CP-SAT's integer domain is unreadable. The whole solve of a table runs on
a budget of deterministic time; if not even one fitting solution is found within it, the table falls
back to what was observed (``observed_decision``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from ortools.sat.python import cp_model
from ortools.sat.python import cp_model_helper as cmh
from ortools.util.python.sorted_interval_list import Domain

from models.lexicon import ParsedValue
from models.template import CellKey, Column, TableTemplate
from reconcile.digit_runs import (
    RunChain,
    RunPlacement,
    SplitTable,
    is_run,
    place_runs,
    run_chain,
    run_values,
    split_table,
    splits,
)
from reconcile.evidence import Reading, RowEvidence, TableEvidence

CERTAIN = 0.9
"""Readings at or above this confidence (a text layer, HTML, a confident OCR read) are never rewritten."""
VALUE_LIMIT = 10**15
"""The largest scaled magnitude a reading may have: every variable's bound stays under 2**52 and a sum
of a table's 26 cells under 2**57, inside CP-SAT's 64-bit domain (a 19-digit number overflowed it)."""
TABLE_BUDGET = 8.0
"""Deterministic seconds for all the solves of one table. The generated corpora's tables need under 0.2;
damaged texts took up to 60 s of rounds before there was a budget (issue 11's fuzz corpus)."""
VIOLATION_COST = 1000
DROP_COST = 3000
UNFILLED_TOTAL_COST = 20
"""Tie-break: a blank total whose rule makes it non-zero is allowed (publishers do leave totals blank) but
is the less likely reading of a flattened row. It only chooses the value shown: small counts and zeros
make "this number is the sum of the others" a frequent coincidence, so it never settles a doubt."""


FREE_FIT_SECONDS = 1.0
"""The search for a fit that costs nothing; when it cannot decide in this time, the full fit decides."""
TIE_BREAK_SECONDS = 1.0
"""Tie-breaks only choose among equally good fits, so their search may stop early."""
ROUND_SECONDS = 0.005
"""Search for one counter-example with many differing cells; stopping early only costs another round,
and every solution the round met counts (20 bench texts' proof rounds at 0.3: 0.90 s CPU, at 0.005:
0.74 s; the last, infeasible round is not bounded by it)."""
UNPRESOLVED_SECONDS = 0.0003
"""The ordered search for the smallest values runs this long without presolve before it runs with
it (``_search_in_order``): 74 of 30 bench texts' 85 end in it, their presolve cost more than their
search; a search not ended by then is one that needs presolve."""


CORRECTION_COST = 100
"""Correcting a doubtful reading is cheaper than breaking a rule. Every correction costs the same: which
of two doubtful readings is the misread is not settled by their confidences, only chosen by them."""


def correction_tie_break(confidence: float) -> int:
    """Among equally good fits, correct the least confident readings."""
    return round(100 * max(0.0, min(confidence, 1.0)))


@dataclass
class CellDecision:
    """What the solve says of one cell: its value, the reading it holds, and what else it could be.

    ``alternatives``: values other optimal solutions give the cell (None: the cell unobserved there).
    ``unproven``: the budget ran out before the solver could look for such solutions.
    ``unreadable``: the reading is no number, none this table's model can hold exactly, or none that can
    stand in its cell (a negative count, a decimal count).
    """

    value: Decimal | None
    reading: Reading | None
    origin: str
    alternatives: list[Decimal | None] = field(default_factory=list)
    unproven: bool = False
    unreadable: bool = False
    narrative: str | None = None
    """The sentence of the report's prose whose figures picked this cell's row among the splits the
    source and the sums allow (``ruled_out``: the values the others gave the cell); None otherwise."""
    ruled_out: list[Decimal | None] = field(default_factory=list)


@dataclass
class TableDecision:
    table: TableTemplate
    cells: dict[CellKey, CellDecision]
    dropped: dict[str, list[Reading]]
    incomplete: str | None = None
    """Why the solve is not complete (a budget ran out, no solution was found); None when it is."""
    arranged: frozenset[str] = frozenset()
    """Rows whose readings the sums placed (fewer readings than cells, their order alone known)."""


@dataclass
class _RowPlacement:
    """Literals saying which reading sits in which cell of an order-only row."""

    at: dict[tuple[int, int], cp_model.IntVar]
    dropped: dict[int, cp_model.IntVar]


class _Budget:
    """Deterministic seconds left for one table's solves."""

    def __init__(self, seconds: float) -> None:
        self.left = seconds

    def solver(
        self,
        seconds: float,
        proof: bool = False,
        in_order: bool = False,
        perfect: bool = False,
        large: bool = False,
        ranked: bool = False,
        tighten: bool = False,
    ) -> cp_model.CpSolver:
        """One worker, bounded in deterministic time so a document gives the same answer however loaded
        the machine is; the wall-clock bound is only a safety net.

        ``proof``: a search for counter-examples, where which solution is found decides nothing (the
        cells it changes are flagged either way); on these small models presolve, probing and the LP
        relaxation cost more than the search (10 flattened documents' 61 rounds: 2.6 s -> 1.1 s).
        ``in_order``: the first solution of a depth-first search over the model's decision strategy, the
        smallest in its order; presolve keeps every solution and symmetry breaking is off, as either
        could drop that solution.
        ``perfect``: a search among fits that break no sum, drop and correct nothing (``_free_fit``, any
        solve of a model of perfect fits, ``_perfect_fit``, proofs included): propagation finds them, so
        one presolve pass, without probing or LP relaxation (12 bench texts' 35 free fits: 0.45 -> 0.24 s
        CPU, the same optima; the 2021 table 三 of tests/test_digit_runs.py seed 1: 7.0 s of CPU with the
        defaults, 4.3 s so), and presolve pays even in proofs (that table's proof: 5.9 deterministic
        seconds without it, 1.0 with it).
        ``large``: a proof or an ordered search in a model of perfect fits (``_perfect_fit``), whose
        chains of cuts make it large: symmetry detection and SAT inprocessing stay on there. Not its
        free fit: the tie-break search of the corpus's joined-3 table 三 stops at its bound unproven,
        and what it finds, and so the fit shown, changes with them (21 flagged cells' values).
        ``tighten``: one presolve for ``_fix_shared``, with probing (without it, 300 bench texts took
        0.08 deterministic seconds more in all).
        ``ranked``: an objective of ``_lexicographic``, with one presolve pass, without probing, LP
        relaxation, symmetry detection or SAT inprocessing (the 41 such searches of 100 bench texts, CPU:
        1.33 s with CP-SAT's defaults, 0.53 s so with presolve to its end, 3.48 s without presolve; once
        ``_fix_shared`` fixed most variables, one pass: 40 searches replayed, 5.8 -> 5.3 ms each).
        """
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        if proof and not perfect:
            solver.parameters.cp_model_presolve = False
        if proof or in_order or perfect or ranked:
            solver.parameters.cp_model_probing_level = 0
            solver.parameters.linearization_level = 0
            # No symmetry detection, no SAT inprocessing: on a table's general model they cost more than
            # they save (the solves of 10 bench texts replayed, CPU per solve: free fits 2.14 -> 1.72 ms,
            # proof rounds 2.08 -> 1.73); a model of perfect fits keeps them in its proofs and ordered
            # searches (the 2021 tables 三 run together of tests/test_digit_runs.py, CPU of the
            # document, seeds 1 / 7: 4.9 / 10.8 s without, 4.2 / 7.3 with).
            if not large:
                solver.parameters.symmetry_level = 0
                solver.parameters.use_sat_inprocessing = False
        if in_order or perfect or ranked:
            solver.parameters.max_presolve_iterations = 1
        if in_order:
            solver.parameters.symmetry_level = 0
            solver.parameters.search_branching = cp_model.FIXED_SEARCH
            solver.parameters.stop_after_first_solution = True
            # Presolve that keeps every solution (no dual reductions): without presolve the search ran
            # 1.9 deterministic seconds on a flattened 三 (the corpus's flat-6) and out of a table's
            # budget on others.
            solver.parameters.keep_all_feasible_solutions_in_presolve = True
        if tighten:
            # Presolve alone, with no reduction that drops a feasible solution: the domains it leaves
            # hold every solution.
            solver.parameters.stop_after_presolve = True
            solver.parameters.fill_tightened_domains_in_response = True
            solver.parameters.keep_all_feasible_solutions_in_presolve = True
            solver.parameters.symmetry_level = 0
            # One pass: the second probed again and fixed little (59 bench tables 三 replayed: 4.2 -> 2.9
            # ms a presolve, 11,035 -> 10,843 variables fixed).
            solver.parameters.max_presolve_iterations = 1
        solver.parameters.max_deterministic_time = max(0.01, min(seconds, self.left))
        solver.parameters.max_time_in_seconds = 10 * max(seconds, 1.0)
        return solver

    def spend(self, solver: cp_model.CpSolver) -> None:
        self.left -= solver.deterministic_time

    @property
    def spent(self) -> bool:
        return self.left <= 0.01


def gaps_observed(row: RowEvidence) -> bool:
    """Whether the cells a row's readings leave free were seen empty.

    In a complete text (a web page's text, a PDF's text layer) an empty cell vanishes, so a row's
    missing numbers are blanks. Text recognised from pixels or a damaged grid row may simply have lost
    them, and a text that ends inside the row never showed the rest: there a cell no reading takes
    was not observed at all.
    """
    tokens = [reading.token for reading in row.readings]
    if row.label is not None:
        tokens.append(row.label)
    return not row.damaged and not row.open and not any(token.recognised for token in tokens)


def splits_runs(row: RowEvidence) -> bool:
    """A row whose runs are split: splitting reads a row's missing parts as blanks, so only where its
    gaps were seen empty."""
    return not row.positioned and gaps_observed(row) and any(map(is_run, row.readings))


_ZERO_ONE = Domain(0, 1)


class _Model(cp_model.CpModel):
    """A CP-SAT model without the camel-case aliases ``CpModel`` sets on every new model for code
    written before PEP 8 names (none here): making them took 0.5 ms a model, about 3 % of a flattened
    text's time (30 bench texts, cProfile)."""

    def _add_pre_pep8_methods(self) -> None:
        """Nothing: the aliases are never called."""

    def _set_objective(self, obj: cp_model.ObjLinearExprT, maximize: bool) -> None:
        """``CpModel._set_objective`` for the integer objectives set here, each list in one call
        instead of one per term (1,028 objectives of 100 bench texts: 0.14 s under cProfile)."""
        if not isinstance(obj, cp_model.LinearExpr) or not obj.is_integer():
            super()._set_objective(obj, maximize)
            return
        self.clear_objective()
        flat = cmh.FlatIntExpr(obj)
        objective = self.model_proto.objective
        objective.vars.extend([var.index for var in flat.vars])
        sign = -1 if maximize else 1
        objective.scaling_factor = float(sign)
        objective.offset = sign * flat.offset
        objective.coeffs.extend([sign * c for c in flat.coeffs])

    def add_decision_strategy(
        self,
        variables: Iterable[cp_model.IntVar],
        var_strategy: cmh.DecisionStrategyProto.VariableSelectionStrategy,
        domain_strategy: cmh.DecisionStrategyProto.DomainReductionStrategy,
    ) -> None:
        """``CpModel.add_decision_strategy``, the expressions read from one text instead of made one field
        at a time (the same proto; 20 bench texts under callgrind: 1.8 % fewer instructions)."""
        exprs = (
            f"exprs{{vars:{v.index} coeffs:1}}"
            if v.index >= 0
            else f"exprs{{vars:{-v.index - 1} coeffs:-1 offset:1}}"
            for v in variables
        )
        strategy = self.model_proto.search_strategy.add()
        strategy.merge_text_format("".join(exprs))
        strategy.variable_selection_strategy = var_strategy
        strategy.domain_reduction_strategy = domain_strategy

    def new_bool_var(self, name: str) -> cp_model.IntVar:
        """A 0-1 variable without the name (a model's variables are found by index; its 600 or so
        0-1 variables a flattened text took 1.9 us each named, 0.8 us so)."""
        return cp_model.IntVar(self.model_proto).with_domain(_ZERO_ONE)


@dataclass
class _Ranked:
    """A term of the order: ``rank`` is 0 for the term's first choice and grows with the choices after
    it, up to ``last``; ``value`` is what is pinned once chosen."""

    value: cp_model.LinearExprT
    rank: cp_model.LinearExprT
    last: int


class _TableModel:
    def __init__(self, evidence: TableEvidence, perfect: bool = False) -> None:
        self.evidence = evidence
        self.perfect = perfect
        """A model of the fits that break no sum, drop and correct nothing (``_perfect_fit``)."""
        self.table = evidence.table
        numbers = run_values([r for ev in evidence.rows.values() for r in ev.readings])
        self.decimals = max((p.decimals for p in numbers), default=0)
        self.scale = 10**self.decimals
        magnitudes = (abs(p.scaled(self.decimals)) for p in numbers if p.kind == "number")
        held = [magnitude for magnitude in magnitudes if magnitude <= VALUE_LIMIT]
        self.bound = min(2 * sum(held) + 1000 * self.scale, 2**52)
        self.costs: list[tuple[int, cp_model.IntVar]] = []
        self.tie_breaks: list[tuple[int, cp_model.IntVar]] = []
        self.reading_vars: dict[int, cp_model.IntVar] = {}
        self.corrections: dict[int, cp_model.IntVar] = {}
        self.placements: dict[str, _RowPlacement] = {}
        self.runs: dict[str, RunPlacement | SplitTable | RunChain] = {}
        self.vacant: dict[CellKey, cp_model.IntVar] = {}
        """Literals of cells that an order-only row may leave unobserved (true: no reading there)."""
        self.unobserved: set[CellKey] = set()
        self.fixed: set[CellKey] = set()
        self.variables: dict[CellKey, cp_model.IntVar] = {}
        """Value variables of the cells that need one (``var``)."""
        self.exprs: dict[CellKey, cp_model.LinearExprT] = {}
        """Cells whose value their row gives without a variable: a constant (a certain reading in
        place), or the sum of the literals placing each reading there times what it says (a cell of
        an order-only row). Neither the sums nor the search then go through a variable (20 bench
        texts, CPU per document: 74.0 -> 69.7 ms with the sums over these, 58.9 with no variable)."""
        self.choices: dict[CellKey, list[tuple[cp_model.IntVar, int]]] = {}
        """For a cell of an order-only row in ``exprs``: each literal placing a reading there and the
        value it gives, to say "the cell differs from v" as a clause (``_alternatives``)."""
        self.seen_fits: list[dict[CellKey, int | None]] = []
        """Optimal fits the search for the best one met on its way (``_free_fit``): the cells where
        they differ from the reference are ambiguous before any proof round."""
        self.shared_fixed = False
        """Whether the variables every optimal fit gives one value are fixed (``_fix_shared``)."""
        self.leftmost: list[cp_model.IntVar] = []
        """The literals placing each reading of the order-only rows in a cell, rows and readings in
        order, each reading's cells from the left: the last order of ``_first_in_order``."""

    @cached_property
    def model(self) -> cp_model.CpModel:
        """Made when first used: a table with no freedom left needs none (a model with 66 variables
        took 1 ms to make on this machine)."""
        return _Model()

    def var(self, cell: CellKey) -> cp_model.IntVar:
        """The cell's value variable, made when first asked for."""
        if cell not in self.variables:
            self.variables[cell] = self.new_value(cell)
        return self.variables[cell]

    def ranked(self, cell: CellKey) -> _Ranked:
        """The cell's value as a term of ``_lexicographic``'s order: the cells of ``choices`` ranked
        among the values their row may give them (at most 8), the others by their value."""
        value = self.values[cell]
        if cell in self.choices:
            shown = sorted({0, *(c for _, c in self.choices[cell])})
            rank = {v: i for i, v in enumerate(shown)}
            # Exactly one of "empty" (0) and the choices holds.
            terms = [(rank[c] - rank[0]) * literal for literal, c in self.choices[cell] if rank[c] != rank[0]]
            return _Ranked(value, rank[0] + sum(terms), len(shown) - 1)
        low = -self.bound if self.table.cell_map[cell].column.signed else 0
        return _Ranked(value, value - low, self.bound - low)

    def new_value(self, cell: CellKey) -> cp_model.IntVar:
        signed = self.table.cell_map[cell].column.signed
        return self.model.new_int_var(-self.bound if signed else 0, self.bound, f"v{cell}")

    def term(self, cell: CellKey) -> cp_model.LinearExprT:
        return self.exprs[cell] if cell in self.exprs else self.var(cell)

    @cached_property
    def values(self) -> dict[CellKey, cp_model.LinearExprT]:
        """Each cell's value, scaled, in the template's order, once the rows are in the model: a constant
        or an expression where its row gives one (``exprs``), else its variable."""
        return {spec.key: self.term(spec.key) for spec in self.table.cells}

    def holds(self, parsed: ParsedValue) -> bool:
        """A number the model can hold exactly; a longer one is unreadable."""
        return parsed.kind == "number" and abs(parsed.scaled(self.decimals)) <= VALUE_LIMIT

    def unscale(self, value: int) -> Decimal:
        """A model value back in the table's units, exactly."""
        return Decimal(value).scaleb(-self.decimals) if value % self.scale else Decimal(value // self.scale)

    def correctable(self, reading: Reading, read: int) -> cp_model.IntVar:
        """A variable standing for what a doubtful reading says, equal to ``read`` unless corrected."""
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

    def reading_value(self, reading: Reading, fits: bool = True) -> cp_model.LinearExprT:
        """The value a number reading stands for: fixed when certain, correctable when doubtful or
        when it cannot stand in the cell as read (``fits`` False: a negative number in a cell that
        holds counts, as a scrambled row can ask)."""
        read = reading.parsed.scaled(self.decimals)
        if reading.token.confidence >= CERTAIN and fits:
            return read
        return self.correctable(reading, read)

    def put(self, cell: CellKey, reading: Reading | None, when: list[cp_model.IntVar]) -> None:
        """Constrain a cell to hold ``reading`` (None: the cell is seen empty) whenever ``when`` holds.

        An unreadable reading, or a number too long to hold, leaves the cell to the rules.
        """
        value = self.var(cell)
        derivable = cell in self.table.derivable
        if reading is None or reading.parsed.kind == "blank":
            if derivable:
                unfilled = self.model.new_bool_var("")
                self.model.add(value == 0).only_enforce_if([*when, unfilled.Not()])
                self.tie_breaks.append((UNFILLED_TOTAL_COST, unfilled))
            elif reading is not None and reading.token.confidence < CERTAIN:
                self.model.add(value == self.correctable(reading, 0)).only_enforce_if(when)
            else:
                self.model.add(value == 0).only_enforce_if(when)
        elif self.holds(reading.parsed):
            fits = _fits(reading, self.table.cell_map[cell].column)
            self.model.add(value == self.reading_value(reading, fits)).only_enforce_if(when)

    def certain(self, cell: CellKey, reading: Reading) -> bool:
        """A reading that pins its cell: a confident number that fits it, or a confident blank."""
        if reading.token.confidence < CERTAIN:
            return False
        if reading.parsed.kind == "blank":
            return cell not in self.table.derivable
        return self.holds(reading.parsed) and _fits(reading, self.table.cell_map[cell].column)

    def add_row(self, row_key: str, evidence: RowEvidence) -> None:
        columns = self.table.section_of(row_key).columns
        cells = [(row_key, column.key) for column in columns]
        readings = evidence.readings
        observed = gaps_observed(evidence)
        if splits_runs(evidence):
            self.runs[row_key] = (
                self.chain_run_row(cells, readings) if self.perfect else self.place_run_row(cells, readings)
            )
            return
        if evidence.positioned or len(readings) == len(cells):
            for cell, reading in zip(cells, readings, strict=True):
                if self.certain(cell, reading):
                    self.fixed.add(cell)
                    self.exprs[cell] = self.constant_in(cell, reading)
                else:
                    self.put(cell, reading, [])
            return
        if not readings:
            if not observed:
                self.unobserved.update(cells)
                return
            for cell in cells:
                self.put(cell, None, [])
                if cell not in self.table.derivable:
                    self.fixed.add(cell)
            return
        self.placements[row_key] = self.place_in_order(cells, readings, observed)
        if observed and _all_zero(readings):
            self.fixed.update(cell for cell in cells if cell not in self.table.derivable)

    def place_in_order(self, cells: list[CellKey], readings: list[Reading], observed: bool) -> _RowPlacement:
        n, k = len(cells), len(readings)
        model = self.model
        at: dict[tuple[int, int], cp_model.IntVar] = {}
        dropped: dict[int, cp_model.IntVar] = {}
        positions: list[cp_model.IntVar] = []
        for i in range(k):
            choices = range(n) if k > n else range(i, n - k + i + 1)
            if len(choices) == 2 and k <= n:
                # Two cells to choose from (one blank in the row): one literal and its negation, no
                # constraint between them; presolve found these pairs in every solve (200 bench texts,
                # CPU 8.0 -> 7.3 s, solves' 3.8 -> 3.3 s).
                left = model.new_bool_var("")
                at[i, choices[0]], at[i, choices[1]] = left, ~left
                self.leftmost += [left]
                continue
            for j in choices:
                at[i, j] = model.new_bool_var("")
            literals = [at[i, j] for j in choices]
            if k > n:
                dropped[i] = model.new_bool_var(f"drop{i}")
                literals.append(dropped[i])
                self.costs.append((DROP_COST, dropped[i]))
            model.add_exactly_one(literals)
            if dropped:
                positions.append(model.new_int_var(0, n - 1, f"p{i}"))
                where = cp_model.LinearExpr.weighted_sum([at[i, j] for j in choices], choices)
                model.add(positions[i] == where).only_enforce_if(dropped[i].Not())
            self.leftmost += [at[i, j] for j in choices]
        for i in range(k - 1):
            if dropped:
                for later in range(i + 1, k):
                    guards = [dropped[x].Not() for x in (i, later)]
                    model.add(positions[later] > positions[i]).only_enforce_if(guards)
                continue
            # Nothing dropped: reading i + 1 in cell j needs reading i left of it, as clauses over the
            # literals (no position variables: 20 bench texts, 92.5 -> 74.0 ms per document with the
            # position variables gone, then 5 % less as clauses than as one sum per pair).
            last = n - k + i
            for j in range(i + 1, last + 1):
                # Reading i left of j or, as it sits in exactly one cell, in none from j on: the shorter
                # clause. From i's last cell on there is nothing to say. (20 bench texts under callgrind:
                # 2.5 % fewer instructions than the left-of clauses for every j.)
                if j - i <= last - j + 1:
                    model.add_bool_or([at[i, x] for x in range(i, j)]).only_enforce_if(at[i + 1, j])
                else:
                    model.add_bool_and([~at[i, x] for x in range(j, last + 1)]).only_enforce_if(at[i + 1, j])
        for j, cell in enumerate(cells):
            held = [i for i in range(k) if (i, j) in at]
            rarity = self.table.cell_map[cell].column.rarity
            for i in held:
                if rarity and readings[i].parsed.kind == "number" and readings[i].parsed.value:
                    self.tie_breaks.append((rarity, at[i, j]))
            constants = [self.constant_in(cell, readings[i]) for i in held]
            if observed and cell not in self.table.derivable and None not in constants:
                # What the cell holds, 0 when empty: a sum of the literals, no variable of its own, and
                # no literal saying it is empty: the readings' order already keeps two out of one cell
                # (200 bench texts: a table 三's model 433 -> 337 variables, the solves' CPU 4.3 -> 3.7 s).
                self.choices[cell] = [(at[i, j], c) for i, c in zip(held, constants, strict=True)]
                self.exprs[cell] = cp_model.LinearExpr.weighted_sum([at[i, j] for i in held], constants)
                continue
            empty = model.new_bool_var("")
            model.add_exactly_one([empty, *(at[i, j] for i in held)])
            for i in held:
                self.put(cell, readings[i], [at[i, j]])
            if observed:
                self.put(cell, None, [empty])
            else:
                self.vacant[cell] = empty
        return _RowPlacement(at, dropped)

    def place_run_row(self, cells: list[CellKey], readings: list[Reading]) -> RunPlacement | SplitTable:
        """A row holding digits that ran together (``reconcile.digit_runs``): its ways to read it as a
        table constraint, or (too many ways, or a doubtful reading among them) as a path of cuts."""
        columns = [self.table.cell_map[cell].column for cell in cells]
        totals = {j for j, cell in enumerate(cells) if cell in self.table.derivable}
        plain = all(is_run(r) or self.constant(r) is not None for r in readings)
        ways = splits(columns, readings, self.holds) if plain else None
        if ways:
            row = split_table(self.model, ways, totals, self.decimals, self.bound)
            self.costs.append((DROP_COST, row.drops))
            for j, cell in enumerate(cells):
                if j in totals:
                    self.model.add(self.var(cell) == row.shown[j]).only_enforce_if(row.empty[j].Not())
                    self.put(cell, None, [row.empty[j]])
                else:
                    self.model.add(self.var(cell) == row.shown[j])
                if columns[j].rarity:
                    shown = self.model.new_bool_var(f"nonzero{j}")
                    self.model.add(row.shown[j] == 0).only_enforce_if(shown.Not())
                    self.tie_breaks.append((columns[j].rarity, shown))
            return row
        placement = place_runs(self.model, columns, readings, self.holds)
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

    def constant_in(self, cell: CellKey, reading: Reading) -> int | None:
        """The scaled value a reading gives this cell whatever the fit (a certain blank: 0); None when
        the fit may correct it, or the cell is a total that a blank leaves to the sums."""
        if reading.parsed.kind == "blank":
            return 0 if self.certain(cell, reading) else None
        return reading.parsed.scaled(self.decimals) if self.certain(cell, reading) else None

    def chain_run_row(self, cells: list[CellKey], readings: list[Reading]) -> RunChain:
        """A row of runs in a perfect fit: a chain of cuts (``reconcile.digit_runs.run_chain``), its
        cells tied to the values the chain shows as ``place_run_row`` ties them to a table of ways."""
        columns = [self.table.cell_map[cell].column for cell in cells]
        chain = run_chain(self.model, columns, readings, self.holds, self.decimals, self.bound)
        for j, cell in enumerate(cells):
            if cell in self.table.derivable:
                self.model.add(self.var(cell) == chain.shown[j]).only_enforce_if(chain.empty[j].Not())
                self.put(cell, None, [chain.empty[j]])
            else:
                self.model.add(self.var(cell) == chain.shown[j])
            if columns[j].rarity:
                shown = self.model.new_bool_var(f"nonzero{j}")
                self.model.add(chain.shown[j] == 0).only_enforce_if(shown.Not())
                self.tie_breaks.append((columns[j].rarity, shown))
        return chain

    def constant(self, reading: Reading) -> int | None:
        """The fixed scaled value a certain reading gives any cell (a blank is 0); else None."""
        if reading.token.confidence < CERTAIN:
            return None
        if reading.parsed.kind == "blank":
            return 0
        if self.holds(reading.parsed) and reading.parsed.value >= 0 and not reading.parsed.decimals:
            return reading.parsed.scaled(self.decimals)
        return None

    def add_rules(self) -> None:
        for inst in self.table.rule_instances:
            broken = self.model.new_bool_var("")
            lhs = sum(self.term(c) for c in inst.lhs)
            rhs = sum(self.term(c) for c in inst.rhs)
            self.model.add(lhs == rhs).only_enforce_if(broken.Not())
            self.costs.append((VIOLATION_COST, broken))


def _fits(reading: Reading, column: Column) -> bool:
    """A number that can stand in the column as read: negative only where signed, decimals only in money."""
    parsed = reading.parsed
    return (column.signed or parsed.value >= 0) and (column.money or parsed.decimals == 0)


def _all_zero(readings: list[Reading]) -> bool:
    """Wherever such readings go, every non-total cell of the row is 0."""
    return all(
        r.token.confidence >= CERTAIN
        and (r.parsed.kind == "blank" or (r.parsed.kind == "number" and not r.parsed.value))
        for r in readings
    )


class _Unsolved(Exception):
    """Not even one solution within the budget (or a model CP-SAT refuses)."""


def _best_fit(built: _TableModel, budget: _Budget) -> tuple[cp_model.CpSolver, int, bool, int]:
    """The best fit, then the tie-breaks among solutions that fit as well (both at once where a fit
    that costs nothing exists, ``_free_fit``).

    Returns the solver holding the chosen solution, the optimal fit, whether it is proven optimal and
    the chosen solution's tie-break cost. The tie-break search is bounded in time: any solution with
    the optimal fit is a sound reference for the certainty check, the tie-breaks only narrow the fits
    ``_first_in_order`` chooses the shown one from.
    """
    if budget.spent:
        raise _Unsolved("its budget was spent before the solve")
    free = _free_fit(built, budget, FREE_FIT_SECONDS)
    if free is not None:
        return free
    model = built.model
    objective = _weighted(built.costs)
    model.minimize(objective)
    solver = budget.solver(budget.left)
    status = solver.solve(model)
    budget.spend(solver)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise _Unsolved(f"the solver found no assignment ({solver.status_name(status)})")
    optimum = round(solver.objective_value)
    proven = status == cp_model.OPTIMAL
    chosen = solver
    if built.tie_breaks and not budget.spent:
        model.clear_hints()
        for var in built.variables.values():
            model.add_hint(var, solver.value(var))
        model.add(objective <= optimum)
        model.minimize(_weighted(built.tie_breaks))
        chooser = budget.solver(TIE_BREAK_SECONDS)
        found = chooser.solve(model)
        budget.spend(chooser)
        if found in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen = chooser
    return chosen, optimum, proven, _tie_break(built, chosen)


def _weighted(terms: list[tuple[int, cp_model.IntVar]]) -> cp_model.LinearExprT:
    """The sum of cost times literal, made in one call (a Python sum makes an expression per term)."""
    if not terms:
        return 0
    return cp_model.LinearExpr.weighted_sum([literal for _, literal in terms], [cost for cost, _ in terms])


def _tie_break(built: _TableModel, solver: cp_model.CpSolver) -> int:
    return sum(cost * solver.boolean_value(literal) for cost, literal in built.tie_breaks)


def _free_fit(
    built: _TableModel, budget: _Budget, seconds: float
) -> tuple[cp_model.CpSolver, int, bool, int] | None:
    """The tie-breaks' choice among the fits that cost nothing (every sum holds, no reading dropped or
    corrected), as ``_best_fit`` returns it; None when there is no such fit, or none was found in
    ``seconds``.

    Where one exists (every clean text), the optimal fits are exactly these, so their costs are fixed
    at 0 for every later solve, and the tie-breaks are decided in the same search: after a separate
    fit, the tie-break search of a run-together table 四 (the corpus's joined-3) stopped at its time
    limit without a better choice, so what its doubtful cells showed still depended on the search.
    In a large model the costs are fixed first and ``_fix_shared`` runs before this search, which then
    starts from its fixings too (300 bench texts, CPU: 13.6-13.8 s with the fixings made after the free
    fit, 12.5-12.6 s so; deterministic time of all solves 2.88 -> 2.18 s).
    """
    model = built.model
    shared = not built.perfect and len(model.proto.variables) >= SHARED_FIXED_FROM
    before = None
    free: list[cp_model.IntVar] = []
    if shared:
        # The costs held at 0 by their domains, not by assumptions, which a presolve leaves open: its
        # fixings then hold in every fit that costs nothing. Undone (the model as it was) if there is none.
        before = cmh.CpModelProto()
        before.copy_from(model.proto)
        _fix(model, {literal.index: 0 for _, literal in built.costs})
        if not _fix_shared(built, budget):
            model.proto.copy_from(before)
            return None
    else:
        free = [literal.Not() for _, literal in built.costs]
        model.add_assumptions(free)
    model.minimize(_weighted(built.tie_breaks))
    solver = budget.solver(seconds, perfect=True)
    # The cells a later proof may ask about: a constant is fixed, never checked.
    seen = _Solutions(built, [cell for cell, value in built.values.items() if not isinstance(value, int)])
    status = solver.solve(model, seen)
    budget.spend(solver)
    model.clear_assumptions()
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if before is not None:
            model.proto.copy_from(before)
        return None
    built.shared_fixed = shared
    built.seen_fits = seen.found
    if free:
        # The costs held at 0 from now on (in a large model their domains already hold them).
        model.add_bool_and(free)
    return solver, 0, True, _tie_break(built, solver)


def _first_in_order(
    built: _TableModel, optimum: int, tie_break: int, settled: dict[CellKey, int], budget: _Budget
) -> cp_model.CpSolver | None:
    """Among the fits as good as the best and as good for the tie-breaks, the first in a fixed order:
    the smallest values cell by cell in the template's order, then as many cells left unobserved as
    can be (a gap of a row read by OCR or cut off), then each reading of an order-only row as far left
    as it can go. What a doubtful cell shows thus follows from the source and the rules alone, not from
    where CP-SAT's search happened to land. None when the budget runs out first.

    ``settled``: the cells the certainty proof found one value for in every optimal fit, pinned so
    that the search only orders the others. One depth-first search over the whole order where it ends
    within ``UNPRESOLVED_SECONDS``; else the values and what is unobserved (``_smallest_in_order``),
    then, with those pinned, where the readings sit. The bounds and pins hold for these solves only.
    """
    model = built.model
    held = model.new_bool_var("bounds held")
    for terms, bound in ((built.costs, optimum), (built.tie_breaks, tie_break)):
        if terms:
            model.add(_weighted(terms) <= bound).only_enforce_if(held)
    for cell, value in settled.items():
        model.add(built.values[cell] == value).only_enforce_if(held)
    solver, placed = _smallest_in_order(built, held, settled, budget)
    if solver is None or placed:
        return solver
    shown = model.new_bool_var("values shown")
    for cell, value in built.values.items():
        if cell not in settled and not isinstance(value, int):
            model.add(value == solver.value(value)).only_enforce_if(shown)
    for literal in built.vacant.values():
        model.add(literal == solver.boolean_value(literal)).only_enforce_if(shown)
    model.add_decision_strategy(built.leftmost, cp_model.CHOOSE_FIRST, cp_model.SELECT_MAX_VALUE)
    return _search_in_order(model, [held, shown], budget, budget.left, large=built.perfect) or solver


def _smallest_in_order(
    built: _TableModel, held: cp_model.IntVar, settled: dict[CellKey, int], budget: _Budget
) -> tuple[cp_model.CpSolver | None, bool]:
    """The fit with the smallest values cell by cell in the template's order, then as many cells
    unobserved as can be, among the fits ``held`` bounds (None when the budget runs out first); and
    whether its readings are already leftmost too.

    First a depth-first search over that order and the readings' places without presolve, within
    ``UNPRESOLVED_SECONDS``: most tables' search ends there, in one solve (30 bench texts: 74 of 85
    tables). The others are a search whose refutations (no fit with a smaller value here) are hard,
    far harder depth first than proven by optimisation (``_lexicographic``).
    """
    model = built.model
    unsettled = []
    ordered = []
    for cell, value in built.values.items():
        if cell in built.variables:
            ordered.append(value)
        elif cell not in settled and not isinstance(value, int):
            # A cell whose value is an expression gets a variable to order by, for this search only.
            ordered.append(built.new_value(cell))
            model.add(ordered[-1] == value).only_enforce_if(held)
        else:
            continue
        if cell not in settled:
            unsettled.append(cell)

    def values_first() -> None:
        first = cp_model.CHOOSE_FIRST
        model.add_decision_strategy(ordered, first, cp_model.SELECT_LOWER_HALF)
        model.add_decision_strategy(list(built.vacant.values()), first, cp_model.SELECT_MAX_VALUE)

    values_first()
    model.add_decision_strategy(built.leftmost, cp_model.CHOOSE_FIRST, cp_model.SELECT_MAX_VALUE)
    solver = _search_in_order(model, [held], budget, UNPRESOLVED_SECONDS, large=built.perfect)
    if solver is not None or budget.spent:
        return solver, True
    order = [built.ranked(cell) for cell in unsettled]
    order += [_Ranked(literal, 1 - literal, 1) for literal in built.vacant.values()]
    groups = _groups(order)
    if len(groups) <= MAX_GROUPS:
        return _lexicographic(model, groups, held, budget), False
    values_first()
    return _search_in_order(model, [held], budget, budget.left, large=built.perfect, presolve=True), False


RANK_PRODUCT = 2**56
"""The largest product of rank ranges in one objective: a cell's rank is a sum of up to 7 literals'
weights, and CP-SAT refuses an objective whose terms' sum of magnitudes could leave 64-bit integers."""


MAX_GROUPS = 4
"""``_lexicographic``'s objectives at most; an order with more (cells of rows run together, ranked by
value) is searched depth first with presolve: a 2021 table 四 run together (the corpus's joined-2) spent
its whole budget on the first of its 15 objectives, where the depth-first search ends."""


def _groups(order: list[_Ranked]) -> list[list[_Ranked]]:
    """The order cut where the product of its terms' rank ranges would reach ``RANK_PRODUCT``."""
    groups: list[list[_Ranked]] = [[]]
    product = 1
    for term in order:
        if groups[-1] and product * (term.last + 1) >= RANK_PRODUCT:
            groups.append([])
            product = 1
        groups[-1].append(term)
        product *= term.last + 1
    return groups


def _lexicographic(
    model: cp_model.CpModel, groups: list[list[_Ranked]], held: cp_model.IntVar, budget: _Budget
) -> cp_model.CpSolver | None:
    """The lexicographically first fit over the groups' terms by optimisation: each group (``_groups``)
    one objective with mixed-radix weights (a term outweighs every later term of its group), its optimum
    pinned before the next group. The optimum of such an objective is the group's lexicographically
    first ranks, so the result is the depth-first search's first solution, found where refuting smaller
    values is the hard part: 100 bench texts' 41 tables that need more than the unpresolved search,
    CPU 1.68 s depth first with presolve, 0.55 s so (the heaviest, a 2021 table 三 whose depth-first
    search made 42,089 conflicts: its document 0.94 s of CPU, 0.32 s so).
    """
    pins = model.new_bool_var("first values pinned")
    solver = None
    for group in groups:
        weights, weight = [], 1
        for term in reversed(group):
            weights.append(weight)
            weight *= term.last + 1
        model.clear_assumptions()
        model.add_assumptions([held, pins])
        model.minimize(sum(w * term.rank for w, term in zip(reversed(weights), group, strict=True)))
        solver = budget.solver(budget.left, ranked=True)
        status = solver.solve(model)
        budget.spend(solver)
        if status != cp_model.OPTIMAL:
            solver = None
            break
        for term in group:
            model.add(term.value == solver.value(term.value)).only_enforce_if(pins)
    model.clear_objective()
    model.clear_assumptions()
    return solver


def _search_in_order(
    model: cp_model.CpModel,
    assumptions: list[cp_model.IntVar],
    budget: _Budget,
    seconds: float,
    large: bool = False,
    presolve: bool = False,
) -> cp_model.CpSolver | None:
    """The first solution in the model's decision strategy under the assumptions, depth first; None
    when the search does not end within ``seconds``. ``presolve`` False where the strategy holds the
    placement literals: presolve may merge or remove a variable and drop its place in the strategy (on
    the bench texts, readings were then not leftmost in up to 10 of 29 tables). The strategy is
    cleared after."""
    if budget.spent:
        model.proto.search_strategy.clear()
        return None
    model.clear_objective()
    model.clear_hints()
    model.add_assumptions(assumptions)
    solver = budget.solver(seconds, in_order=True, large=large)
    solver.parameters.max_deterministic_time = min(seconds, budget.left)
    solver.parameters.cp_model_presolve = presolve
    status = solver.solve(model)
    budget.spend(solver)
    model.clear_assumptions()
    model.proto.search_strategy.clear()
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def solve_table(evidence: TableEvidence, budget_seconds: float = TABLE_BUDGET) -> TableDecision:
    """The table's cells decided by the solver; what was observed alone when it finds no solution."""
    built = _TableModel(evidence)
    seen_rows = {key for key, row in evidence.rows.items() if not row.lost}
    forced = _forced_values(built, seen_rows)
    if forced is not None:
        return _decision(built, seen_rows, _Outcome(forced, _in_place(built)))
    budget = _Budget(budget_seconds)
    perfect = _perfect_fit(evidence, seen_rows, budget)
    if perfect is not None:
        built, (reference, optimum, proven, tie_break) = perfect
    else:
        _add_rows(built, seen_rows)
        try:
            reference, optimum, proven, tie_break = _best_fit(built, budget)
        except _Unsolved as exc:
            return observed_decision(evidence, f"table {evidence.table.id}: {exc}")
    best = {cell: reference.value(var) for cell, var in built.values.items()}
    missing = built.unobserved | _vacant(built, reference)
    checkable = [k for k in built.values if k[0] in seen_rows and k not in built.fixed and k not in missing]
    alternatives, unsure = _alternatives(built, optimum, best, checkable, budget)
    if not proven:
        unsure = set(checkable)
    settled = {cell: best[cell] for cell in checkable if cell not in alternatives and cell not in unsure}
    solver = _first_in_order(built, optimum, tie_break, settled, budget) or reference
    for cell in _vacant(built, reference) ^ _vacant(built, solver):
        # Seen in one optimal fit and not in the other: the proof only looked at cells the reference saw.
        seen = {_seen_value(built, fit, cell) for fit in (reference, solver)}
        alternatives.setdefault(cell, set()).update(seen)
    best = {cell: solver.value(var) for cell, var in built.values.items()}
    missing = built.unobserved | _vacant(built, solver)
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
    outcome = _Outcome(best, _occupants(built, solver), missing, corrected, dropped, alternatives, unsure)
    if optimum == 0:
        _pick_by_narrative(built, outcome, budget)
    return _decision(built, seen_rows, outcome)


def _vacant(built: _TableModel, solver: cp_model.CpSolver) -> set[CellKey]:
    return {cell for cell, literal in built.vacant.items() if solver.boolean_value(literal)}


def _seen_value(built: _TableModel, solver: cp_model.CpSolver, cell: CellKey) -> int | None:
    """The cell's value in the solution; None where the solution leaves it unobserved."""
    vacant = built.vacant.get(cell)
    if vacant is not None and solver.boolean_value(vacant):
        return None
    return solver.value(built.values[cell])


def _add_rows(built: _TableModel, seen_rows: set[str]) -> None:
    for row in built.table.rows:
        if row.key in seen_rows:
            built.add_row(row.key, built.evidence.rows[row.key])
    built.add_rules()


PERFECT_SECONDS = 3.0
"""Deterministic seconds to look for a perfect fit before the general model; the 2021 tables 三 run
together of tests/test_digit_runs.py find theirs in 0.7-0.9."""


def _perfect_fit(
    evidence: TableEvidence, seen_rows: set[str], budget: _Budget
) -> tuple[_TableModel, tuple[cp_model.CpSolver, int, bool, int]] | None:
    """The model of perfect fits of a table whose sums tie rows of runs together and its fit as
    ``_best_fit`` returns it (``_free_fit``), when one fits perfectly: no sum broken, nothing dropped
    or corrected; None when there is none (or none was found in ``PERFECT_SECONDS``), and for other
    tables.

    Every optimal solution of the general model then costs nothing, so the model of such fits alone
    has the same optimal solutions, and in it the sums are hard: CP-SAT propagates them where the
    general model searches with them broken. Its run rows are chains of cuts (``RunChain``), which
    need no list of a row's ways. A 2021 table 三 run together took the general model more than its
    8 s budget; this one finds the fit and proves it the only one in under 3 deterministic seconds.
    A table whose runs no sum ties to another row's (二, 四) gains nothing: its solve stays as it was.
    """
    runs = {key for key in seen_rows if splits_runs(evidence.rows[key])}
    rules = evidence.table.rule_instances
    if not any(len(runs & {row for row, _ in (*inst.lhs, *inst.rhs)}) > 1 for inst in rules):
        return None
    built = _TableModel(evidence, perfect=True)
    readings = [reading for key in runs for reading in evidence.rows[key].readings]
    if not all(is_run(reading) or built.constant(reading) is not None for reading in readings):
        return None
    _add_rows(built, seen_rows)
    for _, literal in built.costs:
        built.model.add(literal == 0)
    fit = _free_fit(built, budget, PERFECT_SECONDS)
    return None if fit is None else (built, fit)


@dataclass
class _Outcome:
    """What the solve chose and proved: scaled values, each cell's reading, and the doubts."""

    best: dict[CellKey, int]
    occupant: dict[CellKey, Reading]
    missing: set[CellKey] = field(default_factory=set)
    corrected: set[int] = field(default_factory=set)
    """``id`` of each reading the fit rewrote."""
    dropped: dict[str, list[Reading]] = field(default_factory=dict)
    alternatives: dict[CellKey, set[int | None]] = field(default_factory=dict)
    unsure: set[CellKey] = field(default_factory=set)
    picked: dict[CellKey, tuple[str, set[int | None]]] = field(default_factory=dict)
    """Cells of rows the prose's figures picked a split for: the sentence, and the values ruled out."""


def _decision(built: _TableModel, seen_rows: set[str], outcome: _Outcome) -> TableDecision:
    """Every cell's decision from the solve's outcome."""
    evidence = built.evidence
    incomplete = None
    if outcome.unsure:
        incomplete = f"table {evidence.table.id}: the solve's budget ran out before every cell was proven"
    best = outcome.best
    cells: dict[CellKey, CellDecision] = {}
    for spec in built.table.cells:
        key = spec.key
        if key[0] not in seen_rows or key in outcome.missing:
            cells[key] = CellDecision(None, None, "missing")
            continue
        reading = outcome.occupant.get(key)
        unheld = reading is not None and reading.parsed.kind != "blank" and not built.holds(reading.parsed)
        if reading is not None and reading.parsed.kind == "number":
            unheld = unheld or not _fits(reading, spec.column)
        was_corrected = reading is not None and id(reading) in outcome.corrected
        origin = _origin(reading, key in built.table.derivable, was_corrected or unheld)
        others = outcome.alternatives[key] - {best[key]} if key in outcome.alternatives else ()
        alts = sorted((built.unscale(a) if a is not None else None for a in others), key=_none_last)
        if reading is not None and reading.parsed.kind == "number" and origin != "corrected":
            value: Decimal | None = reading.parsed.value
        else:
            value = None if unheld and alts else built.unscale(best[key])
        cells[key] = CellDecision(value, reading, origin, alts, key in outcome.unsure, unheld)
        if key in outcome.picked:
            sentence, ruled_out = outcome.picked[key]
            cells[key].narrative = sentence
            cells[key].ruled_out = sorted((built.unscale(v) for v in ruled_out - {best[key]}), key=_none_last)
    arranged = frozenset([*built.placements, *built.runs])
    return TableDecision(built.table, cells, outcome.dropped, incomplete, arranged)


def _pick_by_narrative(built: _TableModel, outcome: _Outcome, budget: _Budget) -> None:
    """Rows whose readings the fit arranged (split runs, order-only rows), where the prose's figures
    (``TableEvidence.narrative``) pick exactly one of the arrangements that fit perfectly: their cells
    take its values, no longer ambiguous. A figure only chooses among what the source allows: no
    arrangement with it means the prose disagrees and nothing changes, nor when several have it.

    Two solves per such row: a perfect fit with the figures (none: they disagree), then one with the
    figures that differs from it somewhere in the row (none: it is the only one).
    """
    figures = built.evidence.narrative
    model, values = built.model, built.values
    for row_key in [*built.runs, *built.placements]:
        cells = [(row_key, column.key) for column in built.table.section_of(row_key).columns]
        said = {cell: figures[cell] for cell in cells if cell in figures}
        if (
            not said
            or not any(cell in outcome.alternatives for cell in cells)
            or any(cell in built.vacant or cell in outcome.unsure for cell in cells)
            or any(figure.value.scaleb(built.decimals) % 1 for figure in said.values())
        ):
            continue
        says = model.new_bool_var(f"the prose's figures for {row_key}")
        for cell, figure in said.items():
            model.add(values[cell] == int(figure.value.scaleb(built.decimals))).only_enforce_if(says)
        found = _solve_assuming(built, [says], budget)
        if found is None:
            continue
        shown = {cell: found.value(values[cell]) for cell in cells}
        elsewhere = model.new_bool_var(f"another split of {row_key}")
        differs = []
        for cell in cells:
            differs.append(model.new_bool_var(""))
            model.add(values[cell] != shown[cell]).only_enforce_if(differs[-1])
        model.add_bool_or(differs).only_enforce_if(elsewhere)
        if budget.spent or _solve_assuming(built, [says, elsewhere], budget, infeasible=True) is not None:
            continue
        sentence = next(iter(said.values())).sentence
        occupants = _occupants(built, found)
        for cell in cells:
            if cell in outcome.alternatives:
                outcome.picked[cell] = (sentence, outcome.alternatives.pop(cell))
            outcome.best[cell] = shown[cell]
            if cell in occupants:
                outcome.occupant[cell] = occupants[cell]
            else:
                outcome.occupant.pop(cell, None)


def _solve_assuming(
    built: _TableModel, assumptions: list[cp_model.IntVar], budget: _Budget, infeasible: bool = False
) -> cp_model.CpSolver | None:
    """A solution of the model (its fits as good as the optimum, ``_alternatives`` bounds them) under
    ``assumptions``; None when there is none or the budget ran out. ``infeasible``: return the solver
    unless there is proof of none (a search cut short proves nothing)."""
    if budget.spent:
        return None
    built.model.clear_objective()
    built.model.clear_assumptions()
    built.model.add_assumptions(assumptions)
    solver = budget.solver(budget.left, proof=True, perfect=built.perfect, large=built.perfect)
    status = solver.solve(built.model)
    budget.spend(solver)
    built.model.clear_assumptions()
    if infeasible:
        return None if status == cp_model.INFEASIBLE else solver
    return solver if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None


def _forced_values(built: _TableModel, seen_rows: set[str]) -> dict[CellKey, int] | None:
    """The table's scaled values when what was read leaves it no freedom; None when the solver decides.

    No freedom: every row seen, and each either read cell by cell with certain readings (as
    ``_TableModel.certain`` says: a confident number that fits its cell, a confident blank) or seen
    empty in a complete text; the only open cells are totals left blank, and sums that hold give
    them. Then every optimal fit has these values: the read cells are constants, and where holding
    sums give the open totals the fit costs nothing, so every optimal fit holds every sum (a total a
    holding sum gives has that value). A table without open cells is decided whatever its sums say.
    Anything else is the solver's: readings to place or split, a doubtful or unreadable reading, an
    unseen row or one whose gaps were not seen, a broken sum around an open total.
    """
    table = built.table
    if any(row.key not in seen_rows for row in table.rows):
        return None
    values: dict[CellKey, int] = {}
    for row_key, row in built.evidence.rows.items():
        columns = table.section_of(row_key).columns
        observed = gaps_observed(row)
        if row.readings and not (
            _cell_by_cell(row, len(columns))
            and (row.positioned or not observed or not any(map(is_run, row.readings)))
        ):
            return None
        if not row.readings and not observed:
            return None
        readings = row.readings or [None] * len(columns)
        for column, reading in zip(columns, readings, strict=True):
            key = (row_key, column.key)
            if reading is None or reading.parsed.kind == "blank":
                if key not in table.derivable:
                    if reading is not None and not built.certain(key, reading):
                        return None
                    values[key] = 0
            elif built.certain(key, reading):
                values[key] = reading.parsed.scaled(built.decimals)
            else:
                return None
    opened = len(values) < len(table.cells)
    while len(values) < len(table.cells):
        before = len(values)
        for inst in table.rule_instances:
            unknown = {key for key in (*inst.lhs, *inst.rhs) if key not in values}
            if len(unknown) != 1:
                continue
            (key,) = unknown
            weight = inst.lhs.count(key) - inst.rhs.count(key)
            rest = sum(values.get(c, 0) for c in inst.rhs) - sum(values.get(c, 0) for c in inst.lhs)
            if not weight or rest % weight:
                return None
            low = -built.bound if table.cell_map[key].column.signed else 0
            if not low <= rest // weight <= built.bound:
                return None
            values[key] = rest // weight
        if len(values) == before:
            return None
    if opened and any(_sum(values, inst.lhs) != _sum(values, inst.rhs) for inst in table.rule_instances):
        return None
    return values


def _sum(values: dict[CellKey, int], keys: tuple[CellKey, ...]) -> int:
    return sum(values[key] for key in keys)


def _none_last(value: Decimal | None) -> tuple[bool, Decimal]:
    return (value is None, value if value is not None else Decimal(0))


def _origin(reading: Reading | None, derivable: bool, corrected: bool) -> str:
    """``corrected``: the reading was rewritten by the rules, or is no number the cell can hold."""
    if reading is None or (reading.parsed.kind == "blank" and not corrected):
        return "derived" if derivable else "blank"
    return "corrected" if corrected else "read"


def observed_decision(evidence: TableEvidence, why: str) -> TableDecision:
    """The table as observed, without the sums: for a table the solver could not settle in its budget.

    A row whose readings are exactly its cells (a grid row, or a text row with a number per cell) keeps
    them where they stand; every other cell is unobserved. The verdict flags what no sum confirms.
    """
    table = evidence.table
    cells: dict[CellKey, CellDecision] = {}
    for spec in table.cells:
        cells[spec.key] = CellDecision(None, None, "missing")
    for row_key, row in evidence.rows.items():
        columns = table.section_of(row_key).columns
        if row.lost or not _cell_by_cell(row, len(columns)):
            continue
        for column, reading in zip(columns, row.readings, strict=True):
            parsed = reading.parsed
            if parsed.kind == "number" and abs(parsed.value) < VALUE_LIMIT:
                cells[row_key, column.key] = CellDecision(parsed.value, reading, "read")
            elif parsed.kind == "blank" and (row_key, column.key) not in table.derivable:
                cells[row_key, column.key] = CellDecision(Decimal(0), reading, "blank")
            else:
                cells[row_key, column.key] = CellDecision(None, reading, "corrected", unreadable=True)
    for row_key in evidence.rows:
        for column in table.section_of(row_key).columns:
            if cells[row_key, column.key].reading is None:
                cells[row_key, column.key].unproven = True
    return TableDecision(table, cells, {}, why)


def _in_place(built: _TableModel) -> dict[CellKey, Reading]:
    """The readings of rows read cell by cell (a grid row, or a text row with a number per cell)."""
    out: dict[CellKey, Reading] = {}
    for row_key, evidence in built.evidence.rows.items():
        columns = built.table.section_of(row_key).columns
        if not evidence.lost and _cell_by_cell(evidence, len(columns)):
            for column, reading in zip(columns, evidence.readings, strict=True):
                out[row_key, column.key] = reading
    return out


def _cell_by_cell(evidence: RowEvidence, width: int) -> bool:
    return evidence.positioned or len(evidence.readings) == width


def _occupants(built: _TableModel, solver: cp_model.CpSolver) -> dict[CellKey, Reading]:
    """Which reading each cell holds in the chosen solution."""
    out = _in_place(built)
    for row_key, evidence in built.evidence.rows.items():
        columns = built.table.section_of(row_key).columns
        if evidence.lost or _cell_by_cell(evidence, len(columns)):
            continue
        if row_key in built.placements:
            for (i, j), literal in built.placements[row_key].at.items():
                if solver.boolean_value(literal):
                    out[row_key, columns[j].key] = evidence.readings[i]
        elif row_key in built.runs:
            for j, part in built.runs[row_key].occupants(solver).items():
                out[row_key, columns[j].key] = part
    return out


class _Solutions(cp_model.CpSolverSolutionCallback):
    """Every solution a proof round finds on its way to its best, not only the last: each is an optimal
    fit, and the cells it changes are ambiguous too (fewer rounds)."""

    def __init__(self, built: _TableModel, cells: list[CellKey]) -> None:
        super().__init__()
        # Each cell's literal saying it is unobserved (if any) and its value, looked up once, not at
        # every solution (``_seen_value``).
        self.cells = [(cell, built.vacant.get(cell), built.values[cell]) for cell in cells]
        self.found: list[dict[CellKey, int | None]] = []

    def on_solution_callback(self) -> None:
        # ``Value`` and ``BooleanValue`` themselves: the snake-case wrappers check for a response first
        # (1.2 % of 20 bench texts' instructions).
        self.found.append(
            {
                cell: None if vacant is not None and self.BooleanValue(vacant) else self.Value(value)
                for cell, vacant, value in self.cells
            }
        )


def _alternatives(
    built: _TableModel, optimum: int, best: dict[CellKey, int], checkable: list[CellKey], budget: _Budget
) -> tuple[dict[CellKey, set[int | None]], set[CellKey]]:
    """Per cell, the values other optimal solutions give it (None: unobserved there); and the cells the
    budget left unsettled.

    Group testing: ask for an optimal solution in which at least one still-unproven cell differs (as many
    as a short search finds). Each answer marks the cells it changes as ambiguous; "infeasible" proves
    every remaining cell unique at once.
    """
    model = built.model
    objective = _weighted(built.costs)
    model.clear_objective()
    model.add(objective <= optimum)
    if not built.perfect and not built.shared_fixed and len(model.proto.variables) >= SHARED_FIXED_FROM:
        _fix_shared(built, budget)
    # A cell the model's domains give one value (most of a table 三 after ``_fix_shared``) is settled:
    # no literal, no round asks of it (20 bench texts under callgrind: 1.5 % fewer instructions).
    checkable = [key for key in checkable if not _pinned(built, key)]
    differs = {}
    for key in checkable:
        if key in built.choices:
            choices = built.choices[key]
            giving = [lit for lit, c in choices if c == best[key]]
            if best[key] and len(giving) == 1:
                # One literal places the value: the cell differs exactly when it is false, no literal of
                # its own (callgrind, 20 bench texts of seeds 1 / 7: 1.0 / 2.7 % fewer instructions).
                differs[key] = ~giving[0]
                continue
            differs[key] = model.new_bool_var("")
            if best[key]:
                model.add_bool_and([~lit for lit in giving]).only_enforce_if(differs[key])
            else:
                model.add_bool_or([lit for lit, c in choices if c]).only_enforce_if(differs[key])
        else:
            differs[key] = model.new_bool_var("")
            model.add(built.values[key] != best[key]).only_enforce_if(differs[key])
    found: dict[CellKey, set[int | None]] = {}
    _differences(built.seen_fits, best, checkable, found)
    remaining = [key for key in checkable if key not in found]
    model.clear_hints()
    while remaining:
        if budget.spent:
            model.clear_assumptions()
            return found, set(remaining)
        round_on = model.new_bool_var("round")
        model.add_bool_or([differs[key] for key in remaining]).only_enforce_if(round_on)
        model.clear_assumptions()
        model.add_assumptions([round_on])
        if not built.perfect:
            model.maximize(cp_model.LinearExpr.sum([differs[key] for key in remaining]))
        # A model of perfect fits pays a presolve per solve (0.4-1.4 s of CPU for a table 三) and its
        # short searches for many differing cells never ended in time: one search per round there.
        seconds = budget.left if built.perfect else ROUND_SECONDS
        solver = budget.solver(seconds, proof=True, perfect=built.perfect, large=built.perfect)
        seen = _Solutions(built, checkable)
        status = solver.solve(model, seen)
        budget.spend(solver)
        if status == cp_model.UNKNOWN and not budget.spent:
            model.clear_objective()
            solver = budget.solver(budget.left, proof=True, perfect=built.perfect, large=built.perfect)
            status = solver.solve(model, seen)
            budget.spend(solver)
        if status == cp_model.INFEASIBLE:
            break
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            model.clear_assumptions()
            return found, set(remaining)
        _differences(seen.found, best, checkable, found)
        remaining = [key for key in remaining if key not in found]
    model.clear_assumptions()
    return found, set()


def _pinned(built: _TableModel, cell: CellKey) -> bool:
    """Whether the model's domains leave the cell one value in every solution: its variable fixed, or
    every literal that places a reading there (and the one that leaves it unobserved)."""
    literals = [built.vacant[cell]] if cell in built.vacant else []
    if cell in built.choices:
        literals += [literal for literal, _ in built.choices[cell]]
    elif cell in built.variables:
        literals.append(built.variables[cell])
    else:
        return False
    variables = built.model.proto.variables
    # A negated literal's index is -index - 1 (the proto's list crashes on a negative index).
    return all(_single(variables[max(var.index, -var.index - 1)].domain) for var in literals)


def _single(domain: Sequence[int]) -> bool:
    """A domain of one value, as the proto lists its intervals' bounds (and takes no negative index)."""
    return len(domain) == 2 and domain[0] == domain[1]


SHARED_FIXED_FROM = 200
"""Variables a model has at least for ``_fix_shared`` to pay: 300 bench texts, CPU 15.9 s without it,
14.2-14.9 s from 200 or 300 variables on (the tables 三), 14.3 s from 400, 15.7 s from 500; applied to every
model, more solves than it saves. Since a cell of an order-only row has no literal of its own for being
empty, a table 三 has 150-450 variables, a table 四 under 100: 200 bench texts' solves took 3.5 s of CPU
from 150, 200 or 250 variables on, 3.7 s from 300."""


def _fix(model: cp_model.CpModel, values: dict[int, int]) -> None:
    """Each variable (by index) fixed at its value."""
    variables = model.proto.variables
    for index, value in values.items():
        domain = variables[index].domain
        domain.clear()
        domain.extend((value, value))


def _fix_shared(built: _TableModel, budget: _Budget) -> bool:
    """Fix each variable that has one value in every solution the model has now, so that no later solve
    of it (the free fit, proof rounds, ordered searches, the prose's picks: each only adds constraints or
    looks among these solutions) loads and propagates again what one presolve found. Called with the
    costs fixed at 0 (``_free_fit``) or bounded by the optimum (``_alternatives``), so these solutions are
    the optimal fits. False when the presolve proves there is no solution.

    Those solves run without presolve, and most of their time went to loading the model and propagating
    it at its root, where 485 of a table 三's 647 0-1 variables were fixed each time, not to search (156
    conflicts). One presolve that keeps every feasible solution, stopped there, gives the domains every
    optimal fit lies in (``fill_tightened_domains_in_response``); a variable with one value is fixed in
    the model. The 92 proof rounds of 30 bench texts' large tables: 0.41 s of CPU as they were, 0.13 s
    with those variables fixed, for 0.30 s of presolves, one per table, not per round.
    """
    model = built.model
    model.clear_hints()
    solver = budget.solver(budget.left, tighten=True)
    status = solver.solve(model)
    budget.spend(solver)
    if status == cp_model.INFEASIBLE:
        return False
    single = {}
    for index, tightened in enumerate(solver.response_proto.tightened_variables):
        if _single(tightened.domain):
            single[index] = tightened.domain[0]
    _fix(model, single)
    return True


def _differences(
    fits: list[dict[CellKey, int | None]],
    best: dict[CellKey, int],
    cells: list[CellKey],
    found: dict[CellKey, set[int | None]],
) -> None:
    """Add to ``found`` each cell's values in these optimal fits where they differ from ``best``."""
    for fit in fits:
        for cell in cells:
            if fit[cell] != best[cell]:
                found.setdefault(cell, {best[cell]}).add(fit[cell])
