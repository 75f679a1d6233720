"""Ruled tables on a page: ruling lines, their crossings, and cells with row and column spans.

Lines are found by morphology: an opening with a long thin kernel keeps runs of ink longer than any
character stroke; a closing along the same direction then bridges the short gaps that fax transmission
and thresholding leave, before any cell is formed. Every distinct line position is a grid boundary; a
cell spans several grid rows or columns where the line between them is absent.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

from extractors.scan.rules import (
    across,
    bare,
    clear,
    dashed_columns,
    line_along,
    narrow_along,
    present,
    spacing,
    thin_along,
    traces,
)
from extractors.scan.spans import rectangles

TEXT_RUN_SHARE = 0.35
LONE_RULE = 20  # units: a rule this long (a third of an A4 page's text width) can bound a lone row
RULE_GAP = 5  # units: pieces of a lone row's rule this far apart are one rule (see _joined_rules)


@dataclass(frozen=True)
class GridCell:
    """One cell: its top-left grid slot, spans, and outer box (x0, y0, x1, y1) on the ruling lines."""

    row: int
    col: int
    rowspan: int
    colspan: int
    bbox: tuple[int, int, int, int]


@dataclass(frozen=True)
class Table:
    bbox: tuple[int, int, int, int]
    n_rows: int
    n_cols: int
    cells: tuple[GridCell, ...]


def line_unit(ink: np.ndarray) -> int:
    """The page's length unit (about half a character at usual resolutions), from its long side.

    A4 at 200 dpi gives 17 px; the long side keeps a strip cut from a page on the same scale.
    """
    return max(6, round(max(ink.shape) / 140))


def line_masks(ink: np.ndarray, unit: int) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling-line masks, with gaps of up to about two units bridged.

    Pieces a little longer than a character stroke are kept, the gaps between them closed, and only
    then are runs shorter than a line dropped: a line broken every few characters' width survives.
    """
    horizontal = _line_mask(ink, unit, unit * 4, vertical=False)
    vertical = _without_text_runs(_line_mask(ink, unit, unit * 4, vertical=True).T, ink.T, unit).T
    return _without_text_runs(horizontal, ink, unit), np.ascontiguousarray(vertical)


def _line_mask(ink: np.ndarray, unit: int, long: int, vertical: bool) -> np.ndarray:
    """Runs of ink at least ``long`` along one direction, gaps of up to about two units bridged."""
    piece, gap = unit * 2, unit * 2 + 1
    kernel = cv2.getStructuringElement

    def along(n: int) -> np.ndarray:
        return kernel(cv2.MORPH_RECT, (1, n) if vertical else (n, 1))

    mask = cv2.dilate(ink, kernel(cv2.MORPH_RECT, (3, 1) if vertical else (1, 3)))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, along(piece))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, along(gap))
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, along(long))


def _without_text_runs(horizontal: np.ndarray, ink: np.ndarray, unit: int) -> np.ndarray:
    """Horizontal runs taken out where ink lies close above and below along most of their length:
    that is a line of large print (a heading) whose strokes the closing joined, not a rule, which has
    paper beside it but where other rules cross it. Transposed, the same holds for vertical runs
    (strokes of blurred lines of text stacked one over the next)."""
    horizontal = np.ascontiguousarray(horizontal)
    reach = max(2, unit // 4)
    height = ink.shape[0]
    kept = horizontal
    for (x, y, right, bottom), seed in components(horizontal):
        w = right - x
        above = ink[max(0, y - 2 - reach) : max(0, y - 2), x:right].any(axis=0)
        below = ink[min(height, bottom + 2) : min(height, bottom + 2 + reach), x:right].any(axis=0)
        if above.size == w and below.size == w and float((above & below).mean()) > TEXT_RUN_SHARE:
            if kept is horizontal:
                kept = horizontal.copy()
            cv2.floodFill(kept, None, seed, 0, flags=8)
    return kept


def components(mask: np.ndarray) -> list[tuple[tuple[int, int, int, int], tuple[int, int]]]:
    """Each 8-connected piece of a mask: its box (x0, y0, x1, y1) and its first pixel (x, y), in the
    order of those pixels along the rows, as connectedComponentsWithStats numbers them.

    From the pieces' outer contours (a piece inside another's hole has its own; a contour starts at
    its piece's first pixel): on a page's line masks 10-15 times less CPU than labelling every pixel,
    the same boxes.
    """
    contours, hierarchy = cv2.findContours(
        np.ascontiguousarray(mask), cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE
    )
    if hierarchy is None:
        return []
    pieces = []
    for contour, links in zip(contours, hierarchy[0], strict=True):
        if links[3] < 0:
            x, y, w, h = cv2.boundingRect(contour)
            pieces.append(((x, y, x + w, y + h), (int(contour[0, 0, 0]), int(contour[0, 0, 1]))))
    return sorted(pieces, key=lambda piece: (piece[1][1], piece[1][0]))


def _segments(mask: np.ndarray) -> list[tuple[int, int, int, int]]:
    return [box for box, _ in components(mask)]


def _positions(centres: list[tuple[float, int]], tolerance: float) -> list[int]:
    """Line positions: centres within ``tolerance`` of each other are one line (weighted by length)."""
    groups: list[list[tuple[float, int]]] = []
    for centre, length in sorted(centres):
        if groups and centre - groups[-1][-1][0] <= tolerance:
            groups[-1].append((centre, length))
        else:
            groups.append([(centre, length)])
    return [round(sum(c * n for c, n in g) / sum(n for _, n in g)) for g in groups]


def _between_long_rules(
    ys: list[int], segments: list[tuple[int, int, int, int]], tolerance: int
) -> list[int]:
    """The positions from the first to the last rule at least half as long as the longest.

    A table's top and bottom rules run across it; short runs beyond them are strokes of blurred
    text above or below that the line mask kept.
    """
    lengths = [sum(s[2] - s[0] for s in segments if abs((s[1] + s[3]) / 2 - y) <= tolerance) for y in ys]
    long = [i for i, n in enumerate(lengths) if n >= max(lengths) / 2]
    return ys[long[0] : long[-1] + 1]


def _apart(x: int, xs: list[int], tolerance: int) -> bool:
    return all(abs(x - other) > tolerance for other in xs)


def _most_columns(segments: list[tuple[int, int, int, int]], xs: list[int], tolerance: int) -> bool:
    """Whether the segments stand on most of the column positions."""
    hit = {i for s in segments for i, x in enumerate(xs) if abs((s[0] + s[2]) / 2 - x) <= tolerance}
    return len(hit) > len(xs) / 2


def _table(
    ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray, box: tuple[int, int, int, int], unit: int
) -> Table | None:
    x0, y0, x1, y1 = box
    h_region, v_region = horizontal[y0:y1, x0:x1], vertical[y0:y1, x0:x1]
    ink_region = ink[y0:y1, x0:x1]
    h_segments = [s for s in _segments(h_region) if s[2] - s[0] >= unit * 4]
    v_segments = [s for s in _segments(v_region) if s[3] - s[1] >= unit * 2]
    if len(h_segments) < 2 or len(v_segments) < 2:
        return None
    tolerance = max(3, unit // 2)
    ys = _between_long_rules(
        _positions([((s[1] + s[3]) / 2, s[2] - s[0]) for s in h_segments], tolerance), h_segments, tolerance
    )
    h_segments = [s for s in h_segments if ys[0] - tolerance <= (s[1] + s[3]) / 2 <= ys[-1] + tolerance]
    beyond = unit * 2
    # Vertical pieces beyond the outermost horizontal rules are strokes of blurred text above or
    # below the table, unless most columns go there (a table drawn without a top or bottom rule).
    inside = [
        (s[0], max(s[1], ys[0]), s[2], min(s[3], ys[-1]))
        for s in v_segments
        if min(s[3], ys[-1]) - max(s[1], ys[0]) >= unit * 2
    ]
    if len(inside) < 2:
        return None
    xs = _positions([((s[0] + s[2]) / 2, s[3] - s[1]) for s in inside], tolerance)
    # A table drawn without outer side (or top/bottom) rules still ends where its lines end.
    left, right = min(s[0] for s in h_segments), max(s[2] for s in h_segments)
    if xs[0] - left > beyond:
        xs.insert(0, left)
    if right - xs[-1] > beyond:
        xs.append(right)
    # One dashed rule's positions in different rows can lie up to two reaches apart (print beside
    # its dashes moves them: 780 and 791 on the archive set's seed-78 fax fax-reportlab-2019-03,
    # table 四, which made two columns of one); no column of a report is under a unit wide.
    dashed = [x for x in dashed_columns(xs, ys, ink_region, v_region, unit) if _apart(x, xs, tolerance)]
    xs = sorted(xs + _positions([(x, 1) for x in dashed], unit))
    over = [s for s in v_segments if s[1] < ys[0] - beyond]
    under = [s for s in v_segments if s[3] > ys[-1] + beyond]
    if _most_columns(over, xs, tolerance):
        ys.insert(0, min(s[1] for s in over))
    if _most_columns(under, xs, tolerance):
        ys.append(max(s[3] for s in under))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    if n_rows < 1 or n_cols < 1 or n_rows * n_cols < 2:
        return None
    # Strokes of large print (a title) can pass for short lines; a table's slots hold text lines.
    if np.median(np.diff(ys)) < 1.5 * unit or np.median(np.diff(xs)) < 2 * unit:
        return None

    parent = list(range(n_rows * n_cols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    between_cols, between_rows = _ruled_boundaries(ink_region, h_region, v_region, xs, ys, unit)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not between_cols[r, c]:
                parent[find(r * n_cols + c + 1)] = find(r * n_cols + c)
            if r + 1 < n_rows and not between_rows[r, c]:
                parent[find((r + 1) * n_cols + c)] = find(r * n_cols + c)

    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            groups.setdefault(find(r * n_cols + c), []).append((r, c))
    cells = [
        GridCell(r0, c0, n_r, n_c, (x0 + xs[c0], y0 + ys[r0], x0 + xs[c0 + n_c], y0 + ys[r0 + n_r]))
        for slots in groups.values()
        for r0, c0, n_r, n_c in rectangles(slots)
    ]
    cells.sort(key=lambda cell: (cell.row, cell.col))
    if len(cells) < 2:
        return None
    return Table((x0 + xs[0], y0 + ys[0], x0 + xs[-1], y0 + ys[-1]), n_rows, n_cols, tuple(cells))


def _ruled_boundaries(
    ink: np.ndarray, horizontal: np.ndarray, vertical: np.ndarray, xs: list[int], ys: list[int], unit: int
) -> tuple[np.ndarray, np.ndarray]:
    """Which boundaries between slots are ruled: [r, c] between columns c and c + 1 of row r, and
    between rows r and r + 1 of column c.

    A boundary the fax nearly erased (a few dashes left, no print across it) is taken as ruled
    where the same rule is clearly ruled (``rules.clear``) beyond it on both sides, the boundaries
    between with traces too: in the rows above and below, or the columns left and right, the
    table's outer rule standing for a side beyond its last slot (see ``_decided``). A spanning
    cell's missing boundary has paper there, or its text across it. Faded rules fade in patches,
    so a side may be ruled by thin ink or dashes alone. Where the rule is clear on one side only
    (the other is the table's outer rule, or a spanning cell where the rule ends), the traces
    must stand alone (``rules.bare``): a header's characters stand on the first row's rules' lines.
    """
    margin, reach = spacing(unit)
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cols = np.zeros((4, n_rows, max(0, n_cols - 1)), dtype=bool)
    rows = np.zeros((4, max(0, n_rows - 1), n_cols), dtype=bool)
    for r in range(n_rows):
        for c in range(n_cols - 1):
            stretch = (xs[c + 1], ys[r] + margin, ys[r + 1] - margin, reach, False)
            cols[:, r, c] = _evidence(vertical, ink, stretch)
    for r in range(n_rows - 1):
        for c in range(n_cols):
            stretch = (ys[r + 1], xs[c] + margin, xs[c + 1] - margin, reach, True)
            rows[:, r, c] = _evidence(horizontal, ink, stretch)
    return _decided(cols), _decided(rows.transpose(0, 2, 1)).T


def _decided(evidence: np.ndarray) -> np.ndarray:
    """Ruled boundaries from their evidence (see ``_evidence``), the slots beside each along axis 0:
    a row of boundaries with traces (or ruled, but not clearly) between two clearly ruled ones of
    the same rule is ruled, and so is one with a clearly ruled one on one side only when its
    traces stand alone: beyond the other side the outer rule, or paper where the rule ends at a
    spanning cell (a sub-header under 法人或其他组织, a 2019 table 二 label over a section's
    header; 7 boundaries on the fax tuning pages of seeds 77-79, all ruled)."""
    ruled, clearly, seen, alone = evidence
    decided = ruled.copy()
    count = ruled.shape[0]
    for line in range(ruled.shape[1]):
        first = 0
        while first < count:
            if clearly[first, line] or not (ruled[first, line] or seen[first, line]):
                first += 1
                continue
            last = first
            while last + 1 < count and not clearly[last + 1, line] and (ruled | seen)[last + 1, line]:
                last += 1
            before = first > 0 and bool(clearly[first - 1, line])
            after = last + 1 < count and bool(clearly[last + 1, line])
            if before or after:
                run = slice(first, last + 1)
                decided[run, line] |= seen[run, line] & (True if before and after else alone[run, line])
            first = last + 1
    return decided


def _evidence(
    mask: np.ndarray, ink: np.ndarray, stretch: tuple[int, int, int, int, bool]
) -> tuple[bool, bool, bool, bool]:
    """A boundary's rule along ``stretch`` (see ``rules.line_along``): present, clearly present,
    traces of it, and whether those stand alone (``rules.bare``)."""
    line, thin, crossing = line_along(mask, *stretch), thin_along(ink, *stretch), across(ink, *stretch)
    pieces = thin | narrow_along(ink, *stretch)
    seen = traces(line, pieces, crossing)
    return (
        present(line, thin, stretch[3], crossing),
        clear(line, thin, stretch[3], crossing),
        seen,
        seen and bare(ink, line, thin, stretch),
    )


def _within(a0: int, a1: int, b0: int, b1: int, near: int) -> bool:
    """One span inside the other, give or take ``near``."""
    return (b0 - near <= a0 and a1 <= b1 + near) or (a0 - near <= b0 and b1 <= a1 + near)


def _aligned_parts(a: tuple[int, int, int, int], b: tuple[int, int, int, int], unit: int) -> bool:
    """Two frames that meet edge to edge, one's side lying along the other's: one table whose rules
    broke at the crossings between its parts (fax pages do this), not two tables.

    Side by side, a gap of a few units is a broken rule: the report's tables are never side by side.
    Stacked, it must be under a unit: a table's title between two tables leaves more. Overlapping,
    with the same sides, they are parts of one table whose side rules broke at different rows, each
    part's rows hanging from one of them (the seed-79 fax fax-reportlab-2021-05 of the archive set:
    table 二 in two such parts, one table of each, one left out as overlapping the other).
    """
    near = unit * 3
    side_by_side = min(abs(a[2] - b[0]), abs(b[2] - a[0])) <= near and _within(a[1], a[3], b[1], b[3], near)
    stacked = min(abs(a[3] - b[1]), abs(b[3] - a[1])) <= unit and _within(a[0], a[2], b[0], b[2], near)
    same_sides = abs(a[0] - b[0]) <= near and abs(a[2] - b[2]) <= near
    return side_by_side or stacked or (same_sides and min(a[3], b[3]) > max(a[1], b[1]))


def _frames(mask: np.ndarray, unit: int) -> list[tuple[int, int, int, int]]:
    """Boxes of connected line work large enough to hold a table, with the parts of one broken
    table joined (a lone stroke of text passing for a rule just above a table joins nothing)."""
    boxes = [box for box in _segments(mask) if box[2] - box[0] >= unit * 8 and box[3] - box[1] >= unit * 3]
    joined = True
    while joined:
        joined = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if _aligned_parts(boxes[i], boxes[j], unit):
                    a, b = boxes[i], boxes.pop(j)
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
                    joined = True
                    break
            if joined:
                break
    return boxes


def _lone_rows(
    horizontal: np.ndarray, frames: list[tuple[int, int, int, int]], unit: int
) -> list[tuple[int, int, int, int]]:
    """Boxes of single ruled rows that no frame holds: two long rules over the same stretch, one
    row apart. A table's last row carried over to the next page is such a row; its vertical rules,
    one row high, are shorter than the vertical mask keeps (on a fax of the archive set's kind,
    "四、结转下年度继续办理" alone at the top of a page: 53 px high at 200 dpi, the mask keeps 68)."""

    def held(box: tuple[int, int, int, int]) -> bool:
        x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return any(f[0] <= x <= f[2] and f[1] <= y <= f[3] for f in frames)

    reach = spacing(unit)[1]  # the side rules' outer edges stand off the rules' ends (a mask's ends shrink)
    joined = _joined_rules(_segments(horizontal), unit)
    rules = sorted((b for b in joined if b[2] - b[0] >= unit * LONE_RULE and not held(b)), key=lambda b: b[1])
    rows = []
    for a, b in itertools.pairwise(rules):
        apart = (b[1] + b[3]) / 2 - (a[1] + a[3]) / 2
        shared = min(a[2], b[2]) - max(a[0], b[0])
        if 1.5 * unit <= apart <= 6 * unit and shared >= 0.9 * max(a[2] - a[0], b[2] - b[0]):
            left, right = max(0, min(a[0], b[0]) - reach), min(horizontal.shape[1], max(a[2], b[2]) + reach)
            rows.append((left, a[1], right, b[3]))
    return rows


def _joined_rules(segments: list[tuple[int, int, int, int]], unit: int) -> list[tuple[int, int, int, int]]:
    """Pieces of one broken rule joined: on one line (centres within half a unit) and under
    ``RULE_GAP`` units apart. A fax faded a lone row's top rule into pieces 579 and 598 px long, 79 px
    apart, the rule below it unbroken (the archive set's seed-77 fax-docx-2021-01, 行政事业性收费
    alone on page 2)."""
    joined: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(segments, key=lambda s: ((s[1] + s[3]) / 2, s[0])):
        last = joined[-1] if joined else None
        if (
            last is not None
            and abs((y0 + y1) / 2 - (last[1] + last[3]) / 2) <= unit / 2
            and x0 - last[2] <= RULE_GAP * unit
        ):
            last[:] = [min(last[0], x0), min(last[1], y0), max(last[2], x1), max(last[3], y1)]
        else:
            joined.append([x0, y0, x1, y1])
    return [(a, b, c, d) for a, b, c, d in joined]


def _row_verticals(ink: np.ndarray, box: tuple[int, int, int, int], unit: int) -> np.ndarray:
    """The vertical line mask of one lone row: runs of most of its height (see ``_lone_rows``)."""
    x0, y0, x1, y1 = box
    mask = np.zeros_like(ink)
    long = max(unit * 2, round(0.7 * (y1 - y0)))
    mask[y0:y1, x0:x1] = _line_mask(np.ascontiguousarray(ink[y0:y1, x0:x1]), unit, long, vertical=True)
    return mask


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def find_tables(ink: np.ndarray, unit: int | None = None) -> list[Table]:
    """Every ruled table on an upright, level page, top to bottom.

    Printed tables never overlap; where two found ones do, the smaller is line work that is no table
    (a sheet's shadowed edge meeting a table's outer rule) and is left out.
    """
    unit = unit or line_unit(ink)
    horizontal, vertical = line_masks(ink, unit)
    frame = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    frames = _frames(frame, unit)
    found = [table for box in frames if (table := _table(ink, horizontal, vertical, box, unit)) is not None]
    for box in _lone_rows(horizontal, frames, unit):
        table = _table(ink, horizontal, _row_verticals(ink, box, unit), box, unit)
        if table is not None:
            found.append(table)
    found.sort(key=lambda t: len(t.cells), reverse=True)
    tables: list[Table] = []
    for table in found:
        if not any(_overlap(table.bbox, kept.bbox) for kept in tables):
            tables.append(table)
    tables.sort(key=lambda t: (t.bbox[1], t.bbox[0]))
    return tables
