"""Whether a boundary between two grid slots is ruled, from the ink along it.

A rule shows as a run in the line mask; a fax or a faint print breaks it into dashes too short for
the mask, which still show as thin ink (paper just beside it) along the boundary.
"""

from __future__ import annotations

import cv2
import numpy as np

FULL_SHARE = 0.6
DASHED_SHARE = 0.4
WIDE_SLOT = 1.6
WIDE_SLOT_SIDE = 0.3  # share of a wide slot's width at either side not searched for a dashed rule
LONE_SLOT_SIDE = 0.1
"""A lone row's inner rule may stand well off its middle: 行政事业性收费 | 0 of a Word 2021 table
二 carried alone to a fax's next page (the archive set's seed-77 fax-docx-2021-01), its rule in
dashes at 0.25 of the row's width."""
TWO_COLUMNS = 8
TRACE_SHARE = 0.2
CROSSING = 3
"""Positions of print across a boundary (a stroke's width at 200 dpi) that show a spanning cell's text
there rather than a rule: 8 under 本 of a header over three columns on a fax of the archive set,
1 where a fax's speck lay beside a broken rule under 其他结果 of table 四, or where a Word table's
left-aligned digit stood close to a faded rule."""
PAPER = 2  # px of paper beside a rule's piece, the gap ``_beside`` leaves between band and sides


def spacing(unit: int) -> tuple[int, int]:
    """Margin kept off the crossing rules at a boundary's ends, and how far beside it a rule may lie."""
    return max(2, unit // 2), max(2, unit // 3)


def line_along(mask: np.ndarray, fixed: int, start: int, end: int, reach: int, along_x: bool) -> np.ndarray:
    """Where along the stretch start..end a line of the mask lies near position ``fixed``."""
    if end <= start:
        return np.zeros(0, dtype=bool)
    lo, hi = max(0, fixed - reach), fixed + reach + 1
    band = mask[lo:hi, start:end] if along_x else mask[start:end, lo:hi].T
    return band.any(axis=0)


def thin_along(ink: np.ndarray, fixed: int, start: int, end: int, reach: int, along_x: bool) -> np.ndarray:
    """Where along the stretch ink near ``fixed`` is thin: paper just beyond it on both sides.

    A broken rule leaves thin ink along the boundary; text crossing a spanning cell's missing boundary
    has ink beyond the band as well, so it does not count.
    """
    band, above, below = _beside(ink, fixed, start, end, reach, along_x)
    return band & ~above & ~below


def narrow_along(ink: np.ndarray, fixed: int, start: int, end: int, reach: int, along_x: bool) -> np.ndarray:
    """Where along the stretch a rule's piece lies on the line, whatever print stands further off:
    one narrow run of ink (at most ``reach`` across) within ``PAPER`` px of ``fixed``, paper for
    ``PAPER`` px on both sides of it, its edges moving at most a pixel along its piece.

    ``thin_along`` looks for paper a band's width beside the band, and a Word table's left-aligned
    digit can stand nearer: the archive set's seed-79 fax fax-docx-2021-04, a faded rule 4 px wide
    with an 8 nine pixels off it. A character's stroke crossing the line is seldom straight along
    it (the slanting strokes of 六 in a clean 2019 table 二's header over four columns) or on it.
    """
    lines = ink if along_x else ink.T
    lo, hi = max(0, fixed - reach), fixed + reach + 1
    top = max(0, lo - PAPER)
    window = np.ascontiguousarray(lines[top : hi + PAPER, start:end])
    if end <= start or window.shape[0] != hi + PAPER - top:
        return np.zeros(max(0, end - start), dtype=bool)
    _, labels = cv2.connectedComponents(window, connectivity=8)
    inked = labels > 0
    first = inked.argmax(axis=0)
    last = inked.shape[0] - 1 - inked[::-1].argmax(axis=0)
    run = last - first + 1
    centre = fixed - top
    narrow = inked.any(axis=0) & (first >= lo - top) & (last < hi - top) & (run <= reach)
    narrow &= (np.count_nonzero(inked, axis=0) == run) & (first <= centre + PAPER) & (last >= centre - PAPER)
    piece_of = np.where(narrow, labels.max(axis=0), 0)
    for piece in np.unique(piece_of[piece_of > 0]):
        at = piece_of == piece
        if np.ptp(first[at]) > 1 or np.ptp(last[at]) > 1:
            narrow &= ~at
    return narrow


def across(ink: np.ndarray, fixed: int, start: int, end: int, reach: int, along_x: bool) -> np.ndarray:
    """Where along the stretch ink runs across ``fixed``: ink on it and on both sides of it.

    Print in a spanning cell crosses its missing boundary so; the foot of a digit just above a rule
    (ink on the band and above it only, 5 columns of it over a fax's faded rule in the archive set's
    fax-docx-2021-01) does not.
    """
    band, above, below = _beside(ink, fixed, start, end, reach, along_x)
    return band & above & below


def _beside(
    ink: np.ndarray, fixed: int, start: int, end: int, reach: int, along_x: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Along the stretch: ink on the band around ``fixed``, and just above and just below it."""
    if end <= start:
        empty = np.zeros(0, dtype=bool)
        return empty, empty, empty
    lines = ink if along_x else ink.T
    lo, hi = max(0, fixed - reach), fixed + reach + 1
    band = lines[lo:hi, start:end].any(axis=0)
    above = lines[max(0, lo - reach - 2) : max(0, lo - 2), start:end].any(axis=0)
    below = lines[hi + 2 : hi + reach + 2, start:end].any(axis=0)
    if above.size != band.size:
        above = np.zeros_like(band)
    if below.size != band.size:
        below = np.zeros_like(band)
    return band, above, below


def present(line: np.ndarray, thin_ink: np.ndarray, reach: int, crossing: np.ndarray) -> bool:
    """Whether a boundary is ruled: mostly covered by the line mask, or by the line mask's pieces and
    thin ink together (a rule broken into dashes shorter than the mask keeps).

    Below the usual share, dashes still count when they reach both ends of the stretch, as a rule
    running between the crossing rules does; a stroke of text in the cell (the long strokes of 三)
    stops short of them. Thin ink is no rule where print runs across the boundary (``crossing``, see
    ``across``; ``CROSSING`` positions of it): that is a spanning cell's text, whose vertical strokes
    can pass for dashes (the fax fax-docx-2021-01 of the archive set's seed 77: 本年收费金额 over
    three columns, its 本 on a column's line, 0.47 of the stretch thin and reaching both ends).
    """
    if line.size == 0:
        return False
    if solid(line):
        return True
    if int(np.count_nonzero(crossing & ~line)) >= CROSSING:
        return False
    return float((line | thin_ink).mean()) >= FULL_SHARE or _dashed(line, thin_ink, reach)


def solid(line: np.ndarray) -> bool:
    """Whether the line mask covers most of the boundary: a rule beyond doubt."""
    return line.size > 0 and float(line.mean()) >= 0.5


def clear(line: np.ndarray, thin_ink: np.ndarray, reach: int, crossing: np.ndarray) -> bool:
    """Whether a boundary is ruled with no print across it at all: what a faded rule beside it may
    run on from (see ``grid``). A photographed header's characters passed for dashes reaching both
    ends of a boundary (0.5 of the stretch), one position of them across it."""
    return present(line, thin_ink, reach, crossing) and (solid(line) or not bool((crossing & ~line).any()))


def bare(
    ink: np.ndarray, line: np.ndarray, thin_ink: np.ndarray, stretch: tuple[int, int, int, int, bool]
) -> bool:
    """Whether a boundary's ink stands alone as a rule's pieces do: every piece on the band stays
    within it, and either nothing on the band has print beside it or the pieces reach an end of
    the stretch (a rule's pieces meet the rule across).

    A character's stroke that lies on a rule's line has its other strokes joined to it (行 of
    行政复议 over table 四's first five columns, on a clean page), or beside it, parallel and apart
    (三's strokes, on the line between two rows of the vertical 三、本年度办理结果), and it keeps off
    the rules. A digit set close to its cell's rule (a Word table's left-aligned number) is beside
    the rule's pieces too, which still reach the rule across.
    """
    fixed, start, end, reach, along_x = stretch
    if end <= start:
        return False
    lines = ink if along_x else ink.T
    lo, hi = max(0, fixed - reach), fixed + reach + 1
    top = max(0, lo - reach - 2)
    region = np.ascontiguousarray(lines[top : hi + reach + 2, start:end])
    _, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    on_band = np.unique(labels[lo - top : hi - top])
    for label in on_band[on_band > 0]:
        y, h = int(stats[label, cv2.CC_STAT_TOP]), int(stats[label, cv2.CC_STAT_HEIGHT])
        if y + top < lo - 1 or y + top + h > hi + 1:
            return False
    dashes = line | thin_ink
    band = _beside(ink, *stretch)[0]
    reaches_end = bool(dashes[:reach].any()) or bool(dashes[-reach:].any())
    return reaches_end or not bool((band & ~dashes).any())


def traces(line: np.ndarray, thin_ink: np.ndarray, crossing: np.ndarray) -> bool:
    """Whether a boundary shows traces of a rule: some dashes, and under ``CROSSING`` positions of
    print across it (``crossing``, see ``across``)."""
    if line.size == 0:
        return False
    dashes = line | thin_ink
    return float(dashes.mean()) >= TRACE_SHARE and int(np.count_nonzero(crossing & ~dashes)) < CROSSING


def dashed_columns(
    xs: list[int], ys: list[int], ink: np.ndarray, vertical: np.ndarray, unit: int
) -> list[int]:
    """Column positions where a rule is drawn only in dashes, so no piece of it reached the line
    mask: found in wide slots, near their middle, as dashes that run from rule to rule. A table one
    slot wide (a lone row whose only inner rule is in dashes) is searched all along but its ends.

    The dashes must reach both ends of a row's stretch and meet a crossing rule; a digit or a
    stroke of text inside a cell keeps off the rules above and below it. A slot too narrow to
    hold two columns of numbers (a seal's strokes could pass for dashes there) is not searched.
    Every position within reach of the dashes sees them; the middle of those that see them best is
    taken. Print near the dashes can still move it by up to ``reach``, so one rule's positions in
    different rows are not always the same (see ``grid``).
    """
    margin, reach = spacing(unit)
    widths = np.diff(xs)
    narrowest = int(widths.min())
    side = LONE_SLOT_SIDE if len(widths) == 1 else WIDE_SLOT_SIDE
    found: list[int] = []
    for r in range(len(ys) - 1):
        start, end = ys[r] + margin, ys[r + 1] - margin
        for c, width in enumerate(widths):
            if (len(widths) > 1 and width < WIDE_SLOT * narrowest) or width < TWO_COLUMNS * unit:
                continue
            shares: dict[int, float] = {}
            for x in range(xs[c] + int(width * side), xs[c + 1] - int(width * side) + 1):
                line = line_along(vertical, x, start, end, reach, False)
                thin = thin_along(ink, x, start, end, reach, False)
                if _dashed(line, thin, reach) and _hangs_from_rule(ink, x, ys[r], ys[r + 1], margin, reach):
                    shares[x] = float((line | thin).mean())
            if shares:
                best = max(shares.values())
                found.append(round(float(np.median([x for x, share in shares.items() if share == best]))))
    return found


def _hangs_from_rule(ink: np.ndarray, x: int, top: int, bottom: int, margin: int, reach: int) -> bool:
    """Whether ink near ``x`` runs unbroken from the rule above or below into the cell: a dash of a
    rule meets its crossing rule, text keeps its padding off it."""
    depth, columns = margin + reach, slice(max(0, x - reach), x + reach + 1)
    below_rule = ink[top : top + depth, columns].any(axis=1)
    above_rule = ink[max(0, bottom - depth + 1) : bottom + 1, columns].any(axis=1)
    return bool(below_rule.all()) or bool(above_rule.all())


def _dashed(line: np.ndarray, thin_ink: np.ndarray, reach: int) -> bool:
    covered = line | thin_ink
    return _reaches_ends(covered, reach) and float(covered.mean()) >= DASHED_SHARE


def _reaches_ends(covered: np.ndarray, reach: int) -> bool:
    return covered.size > 2 * reach and bool(covered[:reach].any()) and bool(covered[-reach:].any())
