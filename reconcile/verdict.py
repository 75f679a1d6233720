"""The verdict on every cell: certain or ``needs_review``, why, and how confident — decided here alone.

A value is certain only with positive evidence: something was seen, and what was seen decides it.
The rules, in the order a flagged cell's ``review_reason`` names them:

1. ``unobserved``: no source showed the cell (a row or table not found, a gap in a row read by OCR, a
   damaged grid row's missing cell). Its value is null.
2. ``unreadable``: what was seen is no well-formed number (``+189,5``, letters, a 30-digit run). Kept
   in ``raw``, never reinterpreted; a value the sums alone give is shown but stays flagged. In a row
   whose readings the sums placed, every cell: a reading of unknown value can stand in any place.
3. ``structure``: its row is damaged (a grid row with more or fewer cells than the template's), was
   placed by its neighbours (its label unread), or showed more values than it has cells.
4. ``broken_sum``: the cell is in a sum that does not hold; the printed numbers are kept. Also every
   cell of a row whose readings the sums placed (a flattened row with fewer numbers than cells) when
   the table breaks any sum: a misprint elsewhere lets the fit shift readings so that other sums hold.
5. ``ambiguous``: another optimal reading of the source gives the cell another value.
6. ``unproven``: the solver's budget ran out before the cell's uniqueness was proven.
7. ``unconfirmed_ocr``: a reading recognised from pixels (a number or a blank decided from ink), or
   any cell of a row placed by its neighbours, that no independent witness confirms. The witness is a
   sum that holds (see ``confirmed``): even a confident OCR reading can be wrong (a lost minus sign),
   and a doubtful one — a number or blank under ``CERTAIN`` — never witnesses another.

Confidence: the reading's own (1.0 for text), its complement for a correction, divided among the
alternatives of an ambiguous cell, 0 for an unobserved one.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.document import Check, ReviewReason
from models.observation import Token
from models.template import CellKey
from reconcile.evidence import TableEvidence
from reconcile.solver import CERTAIN, CellDecision, TableDecision
from reconcile.witness import GlyphLibrary, second_opinion


@dataclass(frozen=True)
class Verdict:
    needs_review: bool
    reason: ReviewReason | None
    confidence: float


def _observed(cell: CellDecision) -> bool:
    """A cell whose value is what the source shows, alone: a reading left as read (or a gap of a
    complete text), with no other optimal value."""
    return cell.origin in ("read", "blank") and not cell.alternatives and not cell.unproven


def _doubtful(cell: CellDecision) -> bool:
    return cell.reading is not None and cell.reading.token.confidence < CERTAIN


def _from_text(cell: CellDecision) -> bool:
    """Evidence not recognised from pixels: a text layer, an HTML cell, a complete text's gap."""
    return cell.reading is None or not cell.reading.token.recognised


def confirmed(
    decision: TableDecision, held: list[Check], placed: set[str], seconded: frozenset[CellKey] = frozenset()
) -> set[CellKey]:
    """Cells a holding sum vouches for.

    A sum whose cells are all observed readings, at most one of them doubtful, cross-checks them all:
    any one misread would break it (two doubtful readings can agree by accident: a faded digit taken
    as blank beside a misread total). A sum with one cell that is not a sure reading (doubtful,
    corrected, a derived total) vouches for that cell when every other cell is trusted: certain and
    from text, or itself confirmed. Anything less vouches for nothing, and a sum over an unobserved
    cell for nothing at all. Repeated until nothing changes, since a confirmed cell can confirm others.
    Cells of a row placed by its neighbours (``placed``) are never trusted by themselves; a reading
    a second, independent one agrees with (``seconded``) is trusted as text is.
    """
    cells = decision.cells
    observed = {key for key, cell in cells.items() if _observed(cell)}
    sure = {key for key in observed if not _doubtful(cells[key])}
    from_text = {key for key in sure if key[0] not in placed and _from_text(cells[key])} | seconded
    result: set[CellKey] = set()
    while True:
        before = len(result)
        trusted = from_text | result
        for check in held:
            keys = [(row, col) for row, col in check.cells]
            if any(cells[key].origin == "missing" for key in keys):
                continue
            loose = [key for key in keys if key not in sure]
            untrusted = [key for key in keys if key not in trusted]
            if all(key in observed for key in keys) and len(loose) <= 1:
                result.update(keys)
            elif len(untrusted) == 1:
                result.add(untrusted[0])
        if len(result) == before:
            return result


@dataclass(frozen=True)
class _Facts:
    """What the verdict on a table's cells rests on, besides each cell's own decision."""

    evidence: TableEvidence
    in_failed_rule: set[CellKey]
    witnessed: set[CellKey]
    placed: set[str]
    dropped_rows: set[str]
    arranged: frozenset[str]
    unreadable_rows: set[str]
    glyphs: GlyphLibrary


def _reason(key: CellKey, cell: CellDecision, facts: _Facts) -> ReviewReason | None:
    row = facts.evidence.rows.get(key[0])
    if cell.origin == "missing" or row is None:
        return "unproven" if cell.unproven and row is not None else "unobserved"
    if cell.unreadable or key[0] in facts.unreadable_rows:
        return "unreadable"
    if row.damaged or key[0] in facts.dropped_rows:
        return "structure"
    if key in facts.in_failed_rule or (facts.in_failed_rule and key[0] in facts.arranged):
        return "broken_sum"
    if cell.alternatives:
        return "ambiguous"
    if cell.unproven:
        return "unproven"
    token = cell.reading.token if cell.reading is not None else None
    needs_witness = key[0] in facts.placed or (token is not None and token.recognised)
    if not needs_witness or key in facts.witnessed:
        return None
    if row.inferred:
        return "structure"
    if token is not None and _observed(cell) and second_opinion(token, facts.glyphs) == "disagrees":
        return "witness_disagrees"
    return "unconfirmed_ocr"


def _confidence(cell: CellDecision) -> float:
    if cell.origin == "missing":
        return 0.0
    confidence = 1.0 if cell.reading is None else cell.reading.token.confidence
    if cell.origin == "corrected":
        confidence = 1.0 - confidence if cell.reading is not None else 0.0
    if cell.alternatives:
        confidence = confidence / (len(cell.alternatives) + 1)
    return round(confidence, 3)


def _recognised(decision: TableDecision) -> bool:
    """Whether any cell holds a reading recognised from pixels: only such cells, and rows placed by
    their neighbours, need a witness (a text's or HTML page's tables need none looked for)."""
    return any(cell.reading is not None and cell.reading.token.recognised for cell in decision.cells.values())


def _placed(evidence: TableEvidence) -> set[str]:
    return {key for key, row in evidence.rows.items() if row.inferred}


def _seconded(evidence: TableEvidence, decision: TableDecision, glyphs: GlyphLibrary) -> frozenset[CellKey]:
    """Confident recognised readings, as read, that a second independent reading agrees with."""
    placed = _placed(evidence)
    return frozenset(
        key
        for key, cell in decision.cells.items()
        if _observed(cell)
        and not _doubtful(cell)
        and key[0] not in placed
        and cell.reading is not None
        and cell.reading.token.recognised
        and second_opinion(cell.reading.token, glyphs) == "agrees"
    )


def confirmed_readings(evidence: TableEvidence, decision: TableDecision, rules: list[Check]) -> list[Token]:
    """The recognised readings the sums confirmed as read (with blanks the recogniser saw empty too,
    but no glyph match): what the document's digits look like (``reconcile/witness.py``)."""
    if not _recognised(decision):
        return []
    seconded = _seconded(evidence, decision, GlyphLibrary())
    witnessed = confirmed(decision, [c for c in rules if c.passed], _placed(evidence), seconded)
    return [
        cell.reading.token
        for key, cell in decision.cells.items()
        if key in witnessed
        and cell.origin == "read"
        and cell.reading is not None
        and cell.reading.token.recognised
        and cell.reading.parsed.value == cell.value
    ]


def table_verdicts(
    evidence: TableEvidence, decision: TableDecision, rules: list[Check], glyphs: GlyphLibrary | None = None
) -> dict[CellKey, Verdict]:
    """Every cell's verdict, from the solve's facts, the evidence, the rule checks and the glyphs of the
    document's confirmed readings (``confirmed_readings``)."""
    failed = [c for c in rules if not c.passed and c.expected is not None and c.actual is not None]
    placed = _placed(evidence)
    glyphs = glyphs or GlyphLibrary()
    seconded = _seconded(evidence, decision, glyphs)
    witnessing = placed or _recognised(decision)
    facts = _Facts(
        evidence=evidence,
        in_failed_rule={(row, col) for check in failed for row, col in check.cells},
        witnessed=confirmed(decision, [c for c in rules if c.passed], placed, seconded) | seconded
        if witnessing
        else frozenset(),
        placed=placed,
        dropped_rows=set(decision.dropped),
        arranged=decision.arranged,
        unreadable_rows={key[0] for key, cell in decision.cells.items() if cell.unreadable}
        & decision.arranged,
        glyphs=glyphs,
    )
    verdicts = {}
    for key, cell in decision.cells.items():
        reason = _reason(key, cell, facts)
        verdicts[key] = Verdict(reason is not None, reason, _confidence(cell))
    return verdicts
