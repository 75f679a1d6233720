"""Characters into lines, runs and cell text, by position alone.

A text layer's own order and spaces cannot be trusted (a vertical label comes one character per line,
a wrapped label puts its numbers between two fragments, a header is drawn as 结 果 / 维持), so text is
rebuilt from where each glyph sits: lines are bands of characters sharing a vertical centre, a line
breaks into runs at gaps wider than a character, and Chinese is joined without spaces.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from extractors.pdf_chars import Char
from models.lexicon import is_folio, is_heading, is_margin_folio

_LINE_TOLERANCE = 0.5  # share of a line's height its characters' centres may wander
_RUN_GAP = 1.0  # a gap wider than this many character heights starts a new run
_WORD_GAP = 0.2  # between two Latin letters or digits, a gap this wide (in heights) is a space
_MARGIN = 0.1  # share of the page height at the top and bottom where a bare number is a folio
_WRAP_SLACK = 1.5  # character heights a wrapped line may fall short of the right or left margin


@dataclass(frozen=True)
class Run:
    """Characters of one line with no wide gap between them: a phrase, a cell of an unruled table."""

    text: str
    bbox: tuple[float, float, float, float]


def group_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Lines top to bottom, each left to right."""
    lines: list[list[Char]] = []
    band_top = band_bottom = 0.0
    for char in sorted(chars, key=lambda c: (c.cy, c.x0)):
        slack = _LINE_TOLERANCE * char.height
        if lines and band_top - slack <= char.cy <= band_bottom + slack:
            lines[-1].append(char)
            band_top, band_bottom = min(band_top, char.cy), max(band_bottom, char.cy)
        else:
            lines.append([char])
            band_top = band_bottom = char.cy
    for line in lines:
        line.sort(key=lambda c: c.x0)
    return lines


def split_runs(line: list[Char]) -> list[list[Char]]:
    """A line cut where the gap between neighbours is wider than a character."""
    em = median(c.height for c in line)
    runs = [[line[0]]]
    for before, char in itertools.pairwise(line):
        if char.x0 - before.x1 > _RUN_GAP * em:
            runs.append([char])
        else:
            runs[-1].append(char)
    return runs


def run_of(chars: list[Char]) -> Run:
    return Run(text=line_text(chars), bbox=bounding_box(chars))


def line_text(line: list[Char]) -> str:
    """One line's text: a space only between Latin letters or digits set a word gap apart."""
    em = median(c.height for c in line)
    parts = [line[0].text]
    for before, char in itertools.pairwise(line):
        wide = char.x0 - before.x1 > _WORD_GAP * em
        if wide and _spaced(before.text[-1], char.text[0]):
            parts.append(" ")
        parts.append(char.text)
    return "".join(parts)


def cell_text(chars: list[Char]) -> str:
    """The text of a cell: its lines joined, without a break, and with a space only between Latin words."""
    texts = [line_text(line) for line in group_lines(chars)]
    if not texts:
        return ""
    joined = texts[0]
    for text in texts[1:]:
        joined = join_lines(joined, text)
    return joined


def join_lines(before: str, after: str) -> str:
    """Two lines of one paragraph or cell: no break between them, a space only between Latin words."""
    if before and after and before[-1].isalpha() and after[0].isalpha() and _spaced(before[-1], after[0]):
        return f"{before} {after}"
    return before + after


def join_wrapped(lines: list[list[Run]]) -> list[list[Run]]:
    """A page's free lines, each paragraph line that wrapped joined to the line it continues.

    A line continues the one above when both are single runs, the one above reaches the right margin
    of the page's text, this one starts at its left margin close below, and it is not a heading
    (一、 （一）): a number or a phrase split by the wrap comes out whole for the narrative checks.
    """
    singles = [line[0].bbox for line in lines if len(line) == 1]
    if not singles:
        return lines
    left, right = min(box[0] for box in singles), max(box[2] for box in singles)
    out: list[list[Run]] = []
    last_line: tuple[float, float, float, float] | None = None
    for line in lines:
        box = line[0].bbox
        if out and last_line and len(line) == 1 and len(out[-1]) == 1:
            em = last_line[3] - last_line[1]
            if (
                right - last_line[2] <= _WRAP_SLACK * em
                and box[0] - left <= _WRAP_SLACK * em
                and -0.2 * em <= box[1] - last_line[3] <= em
                and not is_heading(line[0].text)
            ):
                above = out[-1][0]
                merged = (min(above.bbox[0], box[0]), above.bbox[1], max(above.bbox[2], box[2]), box[3])
                out[-1] = [Run(join_lines(above.text, line[0].text), merged)]
                last_line = box
                continue
        out.append(line)
        last_line = box if len(line) == 1 else None
    return out


def bounding_box(chars: Iterable[Char]) -> tuple[float, float, float, float]:
    items = list(chars)
    return (
        min(c.x0 for c in items),
        min(c.y0 for c in items),
        max(c.x1 for c in items),
        max(c.y1 for c in items),
    )


def is_page_number(text: str, top: float, bottom: float, page_height: float) -> bool:
    """A folio such as ``- 4 -``, ``第4页`` or ``4/12``; a bare number only in the top or bottom margin."""
    if is_folio(text):
        return True
    in_margin = bottom <= _MARGIN * page_height or top >= (1 - _MARGIN) * page_height
    return in_margin and is_margin_folio(text)


def _spaced(left: str, right: str) -> bool:
    """Whether a visible gap between these two characters is a space (Latin letters and digits only)."""
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()
