"""Fit a stream of lines to one template table: which readings belong to which row.

Rows are found by their labels (fuzzy, in template order), never by counting lines, so an extra
publisher row, a wrapped label or a continuation page does not shift anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from models.lexicon import CACHED_TEXTS, is_value_like
from models.observation import Token
from models.template import Row, TableTemplate
from reconcile.evidence import Reading, RowEvidence, TableEvidence
from reconcile.labels import contains_phrase, core, is_continuation, label_score, parse_label
from reconcile.lines import Lines, is_label

ROW_MATCH = 80.0
GROUP_MATCH = 85.0


@dataclass(frozen=True)
class _Plan:
    """What fitting a table asks of its template and of the other tables': the same for every
    document, so worked out once per set of layouts (``_plan``)."""

    rows: list[Row]
    positions: dict[str, int]
    row_scores: Callable[[str], tuple[tuple[int, float], ...]]
    is_own_anchor: Callable[[str], bool]
    is_other_anchor: Callable[[str], bool]
    header_cores: frozenset[str]
    header_prefixes: list[str]
    unlabelled: Row | None
    own_marks: frozenset[str]
    """Marks (``_marks``) of this table that no other table has, and of the others that it has not."""
    foreign_marks: frozenset[str]


_PLANS: dict[tuple[str, ...], _Plan] = {}


def _plan(table: TableTemplate, others: list[TableTemplate]) -> _Plan:
    """The table's plan, made on its first fit: templates of the same layouts share it."""
    key = (table.layout, *(other.layout for other in others))
    if key not in _PLANS:
        rows = table.rows
        labels = tuple(tuple([row.label, *row.aliases]) if row.path else () for row in rows)
        header_cores = frozenset(core(label) for label in table.column_labels)
        own, foreign = _marks([table]), _marks(others)
        _PLANS[key] = _Plan(
            rows=rows,
            positions={row.key: position for position, row in enumerate(rows)},
            row_scores=_scorer(labels),
            is_own_anchor=_holder(tuple(table.anchors)),
            is_other_anchor=_holder(tuple(anchor for other in others for anchor in other.anchors)),
            header_cores=header_cores,
            header_prefixes=sorted(
                {c for c in (*header_cores, *map(core, table.group_labels)) if c}, key=len, reverse=True
            ),
            unlabelled=next((row for row in rows if not row.path), None),
            own_marks=own - foreign,
            foreign_marks=foreign - own,
        )
    return _PLANS[key]


class _Fitter:
    def __init__(self, table: TableTemplate, plan: _Plan) -> None:
        self.table = table
        self.rows = plan.rows
        self.positions = plan.positions
        self.row_scores = plan.row_scores
        self.is_own_anchor = plan.is_own_anchor
        self.is_other_anchor = plan.is_other_anchor
        self.evidence = TableEvidence(table)
        self.current: Row | None = None
        self.pending = ""
        self.header_cores = plan.header_cores
        self.header_prefixes = plan.header_prefixes
        self.headers_seen: set[str] = set()
        self.unlabelled = plan.unlabelled
        self.copy_may_start = False
        """The table's title came again after its rows: values for a row already read now start a
        copy of the table (a report bound twice), which is counted and not read. Merged, 25 copies
        made rows of 25 times their cells and a solve of minutes. Values for new rows make it a
        continuation (续表), read as usual."""

    def position(self, row: Row | None) -> int:
        """The row's place in the template (-1: no row)."""
        return self.positions[row.key] if row is not None else -1

    def best_row(self, text: str) -> tuple[Row | None, float]:
        """The row whose label ``text`` matches best, rows after the current one a little preferred and
        rows already read much less; None when no row could reach ``ROW_MATCH``."""
        index = self.position(self.current)
        best, best_score = None, 0.0
        for position, score in self.row_scores(text):
            row = self.rows[position]
            if position > index:
                score += 2
            if row.key in self.evidence.rows:
                score -= 8
            if score > best_score:
                best, best_score = row, score
        return best, best_score

    def is_header(self, text: str) -> bool:
        parsed = parse_label(text)
        return not parsed.enumerator and parsed.core in self.header_cores

    def after_headers(self, text: str) -> str:
        """What a label holds after the column headers and group labels glued before it (a page's
        textContent: ``第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可``), or "" when
        it does not start with one."""
        rest = seen = core(text)
        while stripped := next((rest[len(p) :] for p in self.header_prefixes if rest.startswith(p)), ""):
            rest = stripped
        return rest if rest != seen else ""

    def see_header(self, text: str) -> None:
        self.evidence.header_hits += 1
        self.headers_seen.add(core(text))
        self.pending = ""

    def is_group(self, text: str) -> bool:
        return any(label_score(text, group) >= GROUP_MATCH for group in self.table.group_labels)

    def enter(self, row: Row, token: Token) -> None:
        self.current, self.pending = row, ""
        self.evidence.rows.setdefault(row.key, RowEvidence(label=token))

    def take_label(self, token: Token) -> bool:
        """Update the current row from one label token; False when the label is not recognised."""
        text = token.text
        if self.is_own_anchor(text):
            self.current, self.pending = None, ""
            return True
        if self.is_header(text):
            self.see_header(text)
            return True
        row, score = self.best_row(text)
        if row is not None and score >= ROW_MATCH:
            self.enter(row, token)
            return True
        if self.is_group(text):
            self.current, self.pending = None, ""
            return True
        if self.current is not None and is_continuation(text, self.current.label):
            return True
        after = self.after_headers(text)
        if after:
            row, score = self.best_row(after)
            if row is not None and score >= ROW_MATCH:
                self.enter(row, token)
                return True
        if self.pending:
            joined = self.pending + text
            self.pending = ""
            if self.is_header(joined):
                self.see_header(joined)
                return True
            row, score = self.best_row(joined)
            if row is not None and score >= ROW_MATCH:
                self.enter(row, token)
                return True
        self.pending = text
        return False

    def target(self, values: list[Reading]) -> RowEvidence | None:
        """The evidence of the row these values belong to; None (and orphans noted) when no row, or
        when the values belong to a copy of the table."""
        if self.evidence.repeats:
            return None
        row = self.current or self.unlabelled
        if row is not None and self.copy_may_start and any(r.token.text.strip() for r in values):
            if row.key in self.evidence.rows and self.evidence.rows[row.key].readings:
                self.evidence.repeats += 1
                self.current = None
                return None
            self.copy_may_start = False
        if row is None:
            self.evidence.orphans.extend(r.token for r in values if r.parsed.kind != "blank")
            return None
        return self.evidence.rows.setdefault(row.key, RowEvidence())

    def take_values(self, values: list[Reading]) -> None:
        """Values of a text source: their order is known, not their cells. A run of cells together
        (a page's innerText or textContent) follows its own row's label: after a label that names no
        row (a row label glued to header words, a publisher's extra row) it is no row's, not the
        previous row's (there it made a silent error: 规范性文件 took 行政许可's ``0+1212``). A value
        of one cell a line may come after a note inside the table (``（续表）``) and stays with its row."""
        if self.pending and self.current is not None and any(r.token.joined for r in values):
            self.current = None
            self.evidence.orphans.extend(r.token for r in values if r.parsed.kind != "blank")
            return
        evidence = self.target(values)
        if evidence is not None:
            evidence.readings.extend(values)
            evidence.positioned = False

    def take_unlabelled_grid_row(self, index: int | None, cells: list[Token]) -> bool:
        """A grid row whose label was not recognised: placed by its neighbours (True), else its values
        orphaned. Words alone are no value: a row of label pieces (a Word cell's label wrapped into a
        grid row of its own, 他处理 | 行政机关不再处理其政府信息公开申请) leaves nothing unplaced; a template
        row it was would be missing, and flagged as such."""
        if self.evidence.repeats:
            return False
        row = self.rows[index] if index is not None and 0 <= index < len(self.rows) else None
        if row is None or not row.path or row.key in self.evidence.rows:
            values = [cell for cell in cells if cell.text.strip() and not is_label(cell.text)]
            self.evidence.orphans.extend(values)
            return False
        width = len(self.table.section_of(row.key).columns)
        if len(cells) > width:
            values = cells[-width:]
        else:
            leading = next((i for i, cell in enumerate(cells) if not is_label(cell.text)), len(cells))
            values = cells[leading:]
        self.enter(row, cells[0])
        self.evidence.rows[row.key].inferred = True
        self.take_grid_values([Reading.of(cell) for cell in values])
        return True

    def take_grid_values(self, values: list[Reading]) -> None:
        """The cells right of a grid row's label: in place when they are exactly the row's cells."""
        labelled = self.current
        if labelled is None and not values:
            return
        row = labelled or self.unlabelled
        evidence = self.target(values)
        self.current = None
        if evidence is None or row is None:
            return
        width = len(self.table.section_of(row.key).columns)
        if len(values) == width and not evidence.readings:
            evidence.readings = list(values)
            evidence.positioned = True
            evidence.lost = False
        elif not values and not evidence.readings:
            evidence.lost = True
        else:
            evidence.readings.extend(r for r in values if r.token.text.strip())
            evidence.positioned = False
            evidence.lost = False
            evidence.damaged = True


@lru_cache(maxsize=64)
def _scorer(labels: tuple[tuple[str, ...], ...]) -> Callable[[str], tuple[tuple[int, float], ...]]:
    """For one table's rows (each row's label and aliases; none for a row without a label), the rows a
    text may name, as (position, score): those within the preference's 2 points of ``ROW_MATCH``. A
    text is scored against a table's rows once, not once per fit and line."""

    @lru_cache(maxsize=CACHED_TEXTS)
    def scores(text: str) -> tuple[tuple[int, float], ...]:
        found = (
            (p, max((label_score(text, label) for label in row), default=0.0)) for p, row in enumerate(labels)
        )
        return tuple((position, score) for position, score in found if score + 2 >= ROW_MATCH)

    return scores


@lru_cache(maxsize=64)
def _holder(phrases: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a text holds one of these phrases (a table's titles), cached per text."""

    @lru_cache(maxsize=CACHED_TEXTS)
    def holds(text: str) -> bool:
        return any(contains_phrase(text, phrase) for phrase in phrases)

    return holds


MARK_LENGTH = 4
"""Shorter labels (其他, 总计, 规章) are too common, or too easily a broken header's fragment, to say
which table a line belongs to."""


def _marks(tables: list[TableTemplate]) -> frozenset[str]:
    """Label cores (rows, column headers) of these tables long enough to tell tables apart."""
    return frozenset().union(
        *(_table_marks(tuple(r.label for r in t.rows), tuple(t.column_labels)) for t in tables)
    )


@lru_cache(maxsize=64)
def _table_marks(row_labels: tuple[str, ...], column_labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c for c in map(core, row_labels + column_labels) if len(c) >= MARK_LENGTH)


@lru_cache(maxsize=CACHED_TEXTS)
def _is_mark(text: str, marks: frozenset[str]) -> bool:
    seen = core(text)
    return (
        len(seen) >= MARK_LENGTH
        and process.extractOne(seen, marks, scorer=fuzz.ratio, score_cutoff=90) is not None
    )


def fit_table(table: TableTemplate, lines: Lines, others: list[TableTemplate]) -> TableEvidence:
    """Walk the lines once; the table is active from its anchor (its title) to another table's anchor.

    A document without the table's title (a scan of the table alone) starts the table at a label only it
    has (a row or column header); a label only another table has ends it in any case.
    """
    plan = _plan(table, others)
    fitter = _Fitter(table, plan)
    has_anchor = any(fitter.is_own_anchor(text) for text in lines.texts)
    own, foreign = plan.own_marks, plan.foreign_marks
    active = False

    def see_label(token: Token) -> bool:
        """Anchors switch the table on and off; inside it, the label moves the current row."""
        nonlocal active
        text = token.text
        if fitter.is_own_anchor(text):
            active = True
            fitter.evidence.anchored = True
            fitter.copy_may_start = bool(fitter.evidence.rows)
        elif fitter.is_other_anchor(text) or (active and _is_mark(text, foreign)):
            active = False
            fitter.current = None
            return False
        elif not active and not has_anchor and _is_mark(text, own):
            active = True
        return active and fitter.take_label(token)

    placed: dict[tuple[int, int], int] = {}
    unplaced: list[tuple[tuple[int, int], list[Token]]] = []
    last_header: int | None = None
    grid = False
    for number, line in enumerate(lines):
        if line.cells is not None:
            grid = grid or active
            recognised = -1
            for index in line.label_indexes:
                if see_label(line.cells[index]):
                    recognised = index
            if not active:
                continue
            where = _grid_row(line.cells)
            if fitter.current is not None:
                placed[where] = fitter.position(fitter.current)
            elif fitter.unlabelled is None and (recognised < 0 or _has_values(line.cells[recognised + 1 :])):
                # No row recognised: its label unread, or read as a column header ("总计" without its
                # "（七）") while the row holds values.
                unplaced.append((where, line.cells))
                continue
            rest = line.cells[recognised + 1 :]
            if (
                fitter.current is None
                and line.label_indexes
                and line.label_indexes[-1] > recognised
                and not _has_values(rest)
            ):
                # A header line whose last labels were misread (a seal over them): no values here.
                continue
            fitter.take_grid_values(line.readings[recognised + 1 :])
            continue
        hits = fitter.evidence.header_hits
        for token in line.labels:
            see_label(token)
        if fitter.evidence.header_hits > hits:
            last_header = number
        if active and line.values:
            fitter.take_values(line.values)
    if lines and lines[-1].cells is None and active and fitter.current is not None:
        # The text ends inside this row (a truncated page): what did not come is unknown, not blank.
        row = fitter.evidence.rows.get(fitter.current.key)
        if row is not None and (lines[-1].values or lines[-1].labels[-1:] == [row.label]):
            row.open = True
    # Rows placed by their neighbours place the next ones in turn (two unread labels in a row).
    while unplaced:
        found = [(item, _row_between(item[0], placed, _has_values(item[1]))) for item in unplaced]
        if all(index is None for _, index in found):
            break
        unplaced = [item for item, index in found if index is None]
        for (where, cells), index in found:
            if index is not None and fitter.take_unlabelled_grid_row(index, cells):
                placed[where] = index
    for _, cells in unplaced:
        fitter.take_unlabelled_grid_row(None, cells)
    if not grid and last_header is not None and last_header < len(lines) - 1:
        _blank_unlabelled_row(fitter)
    return fitter.evidence


def _blank_unlabelled_row(fitter: _Fitter) -> None:
    """A text table (四) whose every header was seen and whose value row never came, though the text
    goes on after its last header: every cell was empty and vanished, so the row is blank, not lost.

    Only text sources: a grid row that is absent (a scan's undetected row) is unknown, not blank.
    """
    row = fitter.unlabelled
    if row is None or row.key in fitter.evidence.rows or fitter.evidence.orphans:
        return
    if fitter.header_cores <= fitter.headers_seen:
        fitter.evidence.rows[row.key] = RowEvidence()


def _has_values(cells: list[Token]) -> bool:
    return any(cell.text.strip() and is_value_like(cell.text) for cell in cells)


def _grid_row(cells: list[Token]) -> tuple[int, int]:
    grid = cells[0].grid
    return (grid.table, grid.row) if grid is not None else (-1, -1)


def _row_between(where: tuple[int, int], placed: dict[tuple[int, int], int], has_values: bool) -> int | None:
    """The template row of a grid row whose label was not recognised, from the rows around it.

    When the recognised rows just above and below it, in the same grid, are as far apart in the grid
    as in the template (no heading rows between), the grid row is the template row at the same
    offset. Otherwise a row of values right next to a recognised row (the first or last row of a
    table's part on a page, or of a section) is the template row next to that one, when the rows
    on both sides do not disagree. Otherwise None.
    """
    table, row = where
    above = [(r, t) for (g, r), t in placed.items() if g == table and r < row]
    below = [(r, t) for (g, r), t in placed.items() if g == table and r > row]
    if above and below:
        (row_a, index_a), (row_b, index_b) = max(above), min(below)
        if row_b - row_a == index_b - index_a:
            return index_a + (row - row_a)
    if not has_values:
        return None
    beside = set()
    if above and max(above)[0] == row - 1:
        beside.add(max(above)[1] + 1)
    if below and min(below)[0] == row + 1 and min(below)[1] > 0:
        beside.add(min(below)[1] - 1)
    return beside.pop() if len(beside) == 1 else None
