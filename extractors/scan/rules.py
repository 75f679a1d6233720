"""Whether a boundary between two grid slots is ruled, from the ink along it.

A rule shows as a run in the line mask; a fax or a faint print breaks it into dashes too short for
the mask, which still show as thin ink (paper just beside it) along the boundary.
"""

from __future__ import annotations

import numpy as np

FULL_SHARE = 0.6
DASHED_SHARE = 0.4
WIDE_SLOT = 1.6
TWO_COLUMNS = 8
TRACE_SHARE = 0.2


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


def present(line: np.ndarray, thin_ink: np.ndarray, reach: int) -> bool:
    """Whether a boundary is ruled: mostly covered by the line mask, or by the line mask's pieces and
    thin ink together (a rule broken into dashes shorter than the mask keeps).

    Below the usual share, dashes still count when they reach both ends of the stretch, as a rule
    running between the crossing rules does; a stroke of text in the cell (the long strokes of 三)
    stops short of them.
    """
    if line.size == 0:
        return False
    if solid(line) or float((line | thin_ink).mean()) >= FULL_SHARE:
        return True
    return _dashed(line, thin_ink, reach)


def solid(line: np.ndarray) -> bool:
    """Whether the line mask covers most of the boundary: a rule beyond doubt."""
    return line.size > 0 and float(line.mean()) >= 0.5


def traces(line: np.ndarray, thin_ink: np.ndarray, crossing: np.ndarray) -> bool:
    """Whether a boundary shows traces of a rule: some dashes, and no print across it (``crossing``,
    see ``across``)."""
    if line.size == 0:
        return False
    dashes = line | thin_ink
    return float(dashes.mean()) >= TRACE_SHARE and not bool((crossing & ~dashes).any())


def dashed_columns(
    xs: list[int], ys: list[int], ink: np.ndarray, vertical: np.ndarray, unit: int
) -> list[int]:
    """Column positions where a rule is drawn only in dashes, so no piece of it reached the line
    mask: found in wide slots, near their middle, as dashes that run from rule to rule.

    The dashes must reach both ends of a row's stretch and meet a crossing rule; a digit or a
    stroke of text inside a cell keeps off the rules above and below it. A slot too narrow to
    hold two columns of numbers (a seal's strokes could pass for dashes there) is not searched.
    """
    margin, reach = spacing(unit)
    widths = np.diff(xs)
    narrowest = int(widths.min())
    found: list[int] = []
    for r in range(len(ys) - 1):
        start, end = ys[r] + margin, ys[r + 1] - margin
        for c, width in enumerate(widths):
            if width < WIDE_SLOT * narrowest or width < TWO_COLUMNS * unit:
                continue
            best: tuple[float, int] | None = None
            for x in range(xs[c] + int(width * 0.3), xs[c + 1] - int(width * 0.3) + 1):
                line = line_along(vertical, x, start, end, reach, False)
                thin = thin_along(ink, x, start, end, reach, False)
                if _dashed(line, thin, reach) and _hangs_from_rule(ink, x, ys[r], ys[r + 1], margin, reach):
                    share = float((line | thin).mean())
                    if best is None or share > best[0]:
                        best = (share, x)
            if best is not None:
                found.append(best[1])
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
