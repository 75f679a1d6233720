"""Grid slots joined into cells, as rectangles.

Slots join where the rule between them is missing. A missed rule (a dashed one the fax broke) can
join a slot to a spanning cell beside it, giving a shape that is no rectangle, which no printed
cell has; such a group is cut back into rectangles, the way that keeps the largest one whole.
"""

from __future__ import annotations

Slot = tuple[int, int]
Span = tuple[int, int, int, int]  # first row, first column, rows, columns


def rectangles(slots: list[Slot]) -> list[Span]:
    """The group as one cell when it is a rectangle; otherwise the fewest rectangles (by rows or by
    columns), and of those the cut whose largest piece is the largest."""
    rows = [r for r, _ in slots]
    cols = [c for _, c in slots]
    r0, c0 = min(rows), min(cols)
    whole = (r0, c0, max(rows) + 1 - r0, max(cols) + 1 - c0)
    if whole[2] * whole[3] == len(set(slots)):
        return [whole]
    by_rows = _runs(set(slots))
    by_cols = [(c, r, n_c, n_r) for r, c, n_r, n_c in _runs({(c, r) for r, c in slots})]
    return min(by_rows, by_cols, key=lambda cut: (len(cut), -max(s[2] * s[3] for s in cut)))


def _runs(slots: set[Slot]) -> list[Span]:
    """Each row's runs of adjacent columns, runs over the same columns in adjacent rows stacked."""
    runs: list[Span] = []
    for r in sorted({r for r, _ in slots}):
        cols = sorted(c for row, c in slots if row == r)
        start = cols[0]
        for i, c in enumerate(cols):
            if i + 1 == len(cols) or cols[i + 1] != c + 1:
                runs.append((r, start, 1, c + 1 - start))
                if i + 1 < len(cols):
                    start = cols[i + 1]
    stacked: list[Span] = []
    for run in runs:
        above = next(
            (i for i, s in enumerate(stacked) if s[1] == run[1] and s[3] == run[3] and s[0] + s[2] == run[0]),
            None,
        )
        if above is None:
            stacked.append(run)
        else:
            s = stacked[above]
            stacked[above] = (s[0], s[1], s[2] + 1, s[3])
    return stacked
