"""Rows whose cells ran together into one string of digits (``801000081`` for 80 | 1 | 0 | 0 | 0 | 0 | 81).

The split is the solver's, not a guess: the run is cut into parts that are whole numbers without
leading zeros (``0`` itself excepted; a decimal keeps its point, a sign starts a part, a unit ends the
last part), in order, one part per cell, and the table's sums choose among the cuts. Where several cuts
fit equally well, the certainty proof finds the cells they disagree on and flags them.

Each way to read the row (which part, if any, each cell holds) is enumerated here, and the solver
gets them as one table constraint over the row's cells: CP-SAT propagates such a table far better than
a model of the cuts themselves (a 2021 table 三 run together took minutes that way). A row with too
many ways (``MAX_SPLITS``) is modelled as a path instead: through (position in the row's text, next
free cell) nodes, an edge leaves the next cell empty, puts the next part in it, or drops a reading.
Where the sums tie rows of runs together (table 三), the solver first looks for a fit that breaks no
sum; there each row is a chain of cut positions (``run_chain``), which CP-SAT solves far faster with
the sums hard than either form above.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models.lexicon import ParsedValue, parse_value
from models.observation import Token
from models.template import Column
from reconcile.evidence import Reading

MAX_PART = 12
"""Characters in one part at most: the longest value in the real reports is 7 digits (3985758), money
has a few decimals; longer parts would only be splits nobody prints."""
_NUMBER_PART = re.compile(r"[+\-]?(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?")
_BLANK_PART = re.compile(r"[/—-]")
"""A blank marker as one cell of a run. A ``-`` before digits may be that marker or the next number's
sign (``0-5``: 0 | -5 | blank, or 0 | - | 5, printed alike): both are parts, for the sums to choose."""
_UNIT = re.compile(r"(?:万元|元)$")


def is_run(reading: Reading) -> bool:
    """A reading the source may have run several cells into: the extractor said so, and it has room."""
    return reading.token.joined and len(reading.token.text) > 1


def parts_of(text: str) -> dict[tuple[int, int], Reading]:
    """Every substring of the run that can be one cell's value, keyed by (start, end): a number with
    no leading zero (a unit only at the run's end), or a blank marker (``/``, ``—``, ``-``; a ``-`` may
    be the next part's sign as well). A cut never falls beside a decimal point."""
    unit = _UNIT.search(text)
    body = text[: unit.start()] if unit else text
    parts: dict[tuple[int, int], Reading] = {}
    for start in range(len(body)):
        if start and body[start - 1] == ".":
            continue
        if _BLANK_PART.match(body, start):
            parts[start, start + 1] = Reading(Token(text=body[start]), parse_value(body[start]))
            if body[start] != "-":
                continue
        for end in range(start + 1, min(len(body), start + MAX_PART) + 1):
            if end < len(body) and body[end] == ".":
                continue
            chunk = body[start:end] + (text[len(body) :] if end == len(body) else "")
            if _NUMBER_PART.fullmatch(chunk):
                key = (start, end if end < len(body) else len(text))
                parts[key] = Reading(Token(text=chunk), parse_value(chunk))
    return parts


def run_values(readings: list[Reading]) -> list[ParsedValue]:
    """The values a table's readings may stand for: a run's possible parts instead of the run itself,
    which as one number can be far too large for the model."""
    out = []
    for reading in readings:
        if is_run(reading):
            out += [part.parsed for part in parts_of(reading.token.text).values()]
        elif reading.parsed.kind == "number":
            out.append(reading.parsed)
    return out


MAX_SPLITS = 20000
"""Ways to read one row at most before the path model is used instead. A 7-cell row of 2-digit values
with some cells blank has a few thousand."""

Holds = Callable[[ParsedValue], bool]
Split = tuple[tuple[Reading | None, ...], tuple[int, ...]]
"""What each cell of the row holds (None: nothing, the cell is empty), and the readings dropped."""


def splits(columns: list[Column], readings: list[Reading], holds: Holds) -> list[Split] | None:
    """Every way to read the row with as few dropped readings as possible; None when there are more
    than ``MAX_SPLITS``. ``holds``: whether the model can hold a number exactly (a longer part is none)."""
    for allow_drops in (False, True):
        found = _ways(columns, readings, holds, allow_drops)
        if found is None:
            return None
        if found:
            fewest = min(len(dropped) for _, dropped in found)
            return [way for way in found if len(way[1]) == fewest]
    return []


def _ways(
    columns: list[Column], readings: list[Reading], holds: Holds, allow_drops: bool
) -> list[Split] | None:
    """Depth first over (reading, character in it, cell)."""
    pieces = [parts_of(r.token.text) if is_run(r) else {(0, 1): r} for r in readings]
    ends = [len(r.token.text) if is_run(r) else 1 for r in readings]
    n = len(columns)
    found: list[Split] = []
    held: list[Reading | None] = [None] * n
    dropped: list[int] = []

    def walk(i: int, t: int, j: int) -> bool:
        """Extend the partial reading from character t of reading i and cell j; False: too many."""
        if i == len(readings):
            found.append((tuple(held), tuple(dropped)))
            return len(found) <= MAX_SPLITS
        if t == ends[i]:
            return walk(i + 1, 0, j)
        if allow_drops and t == 0:
            dropped.append(i)
            if not walk(i + 1, 0, j):
                return False
            dropped.pop()
        if j == n:
            return True
        if not walk(i, t, j + 1):
            return False
        for (a, b), part in pieces[i].items():
            if a == t and (not is_run(readings[i]) or numeric_fits(part, columns[j], holds)):
                held[j] = part
                if not walk(i, b, j + 1):
                    return False
                held[j] = None
        return True

    return found if walk(0, 0, 0) else None


@dataclass
class RunPlacement:
    """Per cell index, the literals that put a part (or a whole reading) there; per reading, whether it
    was dropped (the row has no room for it)."""

    held: dict[int, list[tuple[cp_model.IntVar, Reading]]] = field(default_factory=dict)
    dropped: dict[int, cp_model.IntVar] = field(default_factory=dict)

    def occupants(self, solver: cp_model.CpSolver) -> dict[int, Reading]:
        return {
            j: part
            for j, held in self.held.items()
            for literal, part in held
            if solver.boolean_value(literal)
        }

    def dropped_in(self, solver: cp_model.CpSolver) -> list[int]:
        return [i for i, literal in self.dropped.items() if solver.boolean_value(literal)]


@dataclass
class SplitTable:
    """The row's ways to read it as one table constraint: ``shown`` (what each cell shows, scaled; 0
    when empty), ``empty`` (totals only: nothing shown, the sums decide) and ``drops``."""

    shown: list[cp_model.IntVar]
    empty: dict[int, cp_model.IntVar]
    drops: cp_model.IntVar
    ways: dict[tuple[int, ...], Split]

    def _chosen(self, solver: cp_model.CpSolver) -> Split:
        key = [solver.value(v) for v in self.shown] + [solver.value(v) for v in self.empty.values()]
        return self.ways[(*key, solver.value(self.drops))]

    def occupants(self, solver: cp_model.CpSolver) -> dict[int, Reading]:
        return {j: part for j, part in enumerate(self._chosen(solver)[0]) if part is not None}

    def dropped_in(self, solver: cp_model.CpSolver) -> list[int]:
        return list(self._chosen(solver)[1])


def split_table(
    model: cp_model.CpModel, ways: list[Split], totals: set[int], decimals: int, bound: int
) -> SplitTable:
    """One table constraint over the row's cells from its ways to read it (``totals``: the cells the
    sums may fill when nothing is shown there)."""
    n = len(ways[0][0])
    table: dict[tuple[int, ...], Split] = {}
    for way in ways:
        shown = [0 if p is None or p.parsed.kind == "blank" else p.parsed.scaled(decimals) for p in way[0]]
        empty = [int(way[0][j] is None or way[0][j].parsed.kind == "blank") for j in sorted(totals)]  # type: ignore[union-attr]
        table.setdefault((*shown, *empty, len(way[1])), way)
    shown_vars = [model.new_int_var(-bound, bound, f"shown{j}") for j in range(n)]
    empty_vars = {j: model.new_bool_var(f"empty{j}") for j in sorted(totals)}
    drops = model.new_int_var(0, max(len(way[1]) for way in ways), "drops")
    model.add_allowed_assignments([*shown_vars, *empty_vars.values(), drops], list(table))
    return SplitTable(shown_vars, empty_vars, drops, table)


@dataclass
class RunChain:
    """A row read as consecutive stretches of its text, one per cell: cell j holds what lies between
    ``cuts[j]`` and ``cuts[j + 1]`` (nothing when they meet), ``shown`` its scaled value (0 when
    empty or a blank marker), ``empty`` whether it shows no number. Nothing is dropped."""

    cuts: list[cp_model.IntVar]
    shown: list[cp_model.IntVar]
    empty: list[cp_model.IntVar]
    parts: dict[tuple[int, int], Reading]

    def occupants(self, solver: cp_model.CpSolver) -> dict[int, Reading]:
        stretches = [(solver.value(a), solver.value(b)) for a, b in itertools.pairwise(self.cuts)]
        return {j: self.parts[stretch] for j, stretch in enumerate(stretches) if stretch[0] != stretch[1]}

    def dropped_in(self, solver: cp_model.CpSolver) -> list[int]:
        return []


def run_chain(
    model: cp_model.CpModel,
    columns: list[Column],
    readings: list[Reading],
    holds: Holds,
    decimals: int,
    bound: int,
) -> RunChain:
    """The row as a chain of cuts through its readings' text, for a fit that drops nothing.

    The cuts are positions in the readings laid end to end (a reading that is no run is one
    position wide); each cell gets one small table constraint over (its first cut, its last cut,
    the value shown, empty). The chain is the whole row's ways to read it without listing them: a
    row of 15 digits has tens of thousands, and as one table of them (or as a path of edge literals)
    CP-SAT needed 11 deterministic seconds for a 2021 table 三's fit that this finds in 0.7.
    """
    parts: dict[tuple[int, int], Reading] = {}
    offset = 0
    for reading in readings:
        pieces = parts_of(reading.token.text) if is_run(reading) else {(0, 1): reading}
        parts.update({(offset + a, offset + b): part for (a, b), part in pieces.items()})
        offset += len(reading.token.text) if is_run(reading) else 1
    starts = sorted({a for a, _ in parts} | {offset})
    cuts = [model.new_int_var(0, offset, f"cut{j}") for j in range(len(columns) + 1)]
    model.add(cuts[0] == 0)
    model.add(cuts[-1] == offset)
    shown, empty = [], []
    for j, column in enumerate(columns):
        tuples = [(t, t, 0, 1) for t in starts]
        for (a, b), part in parts.items():
            if part.parsed.kind == "blank":
                tuples.append((a, b, 0, 1))
            elif numeric_fits(part, column, holds):
                tuples.append((a, b, part.parsed.scaled(decimals), 0))
        low = -bound if column.signed else 0
        shown.append(model.new_int_var(low, bound, f"shown{j}"))
        empty.append(model.new_bool_var(f"empty{j}"))
        model.add_allowed_assignments([cuts[j], cuts[j + 1], shown[j], empty[j]], tuples)
    return RunChain(cuts, shown, empty, parts)


Node = tuple[int, int, int]


def place_runs(
    model: cp_model.CpModel, columns: list[Column], readings: list[Reading], holds: Holds
) -> RunPlacement:
    """The path model of one row: which part each cell may hold, under which literal.

    A node (i, t, j) is "at character t of reading i, cell j next"; reading i's end is the next one's
    start. Edges: leave cell j empty, put a part starting at t in cell j, or drop reading i whole (more
    readings than cells, or a run no cut fits into the row: the model always has a path).
    """
    n = len(columns)
    pieces = [parts_of(r.token.text) if is_run(r) else {(0, 1): r} for r in readings]
    ends = [len(r.token.text) if is_run(r) else 1 for r in readings]
    last = len(readings) - 1
    flow: dict[Node, list[tuple[int, cp_model.IntVar]]] = {}
    placement = RunPlacement()

    def node(i: int, t: int, j: int) -> Node:
        return (i + 1, 0, j) if t == ends[i] and i < last else (i, t, j)

    def edge(src: Node, dst: Node) -> cp_model.IntVar:
        literal = model.new_bool_var("")
        flow.setdefault(src, []).append((-1, literal))
        flow.setdefault(dst, []).append((1, literal))
        return literal

    for i in range(len(readings)):
        cuts = sorted({0, ends[i]} | {t for key in pieces[i] for t in key})
        drops = []
        for j in range(n + 1):
            drops.append(edge(node(i, 0, j), node(i, ends[i], j)))
            for t in cuts:
                if j == n or (t == ends[i] and i < last):
                    continue
                edge(node(i, t, j), node(i, t, j + 1))
                for (a, b), part in pieces[i].items():
                    if a == t and (not is_run(readings[i]) or numeric_fits(part, columns[j], holds)):
                        literal = edge(node(i, a, j), node(i, b, j + 1))
                        placement.held.setdefault(j, []).append((literal, part))
        placement.dropped[i] = model.new_bool_var(f"drop{i}")
        model.add(placement.dropped[i] == sum(drops))
    source, sink = node(0, 0, 0), node(last, ends[last], n)
    for key, terms in flow.items():
        balance = sum(sign * literal for sign, literal in terms)
        model.add(balance == (-1 if key == source else 1 if key == sink else 0))
    return placement


def numeric_fits(part: Reading, column: Column, holds: Holds) -> bool:
    """A part of a run may stand in a cell when the column can hold it: no sign or decimal in a count,
    a unit only with money, and no more digits than the model holds."""
    parsed = part.parsed
    if parsed.kind == "blank":
        return True
    if not holds(parsed):
        return False
    if parsed.value < 0 and not column.signed:
        return False
    return column.money or (parsed.decimals == 0 and parsed.unit is None)
