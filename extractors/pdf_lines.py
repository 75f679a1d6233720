"""Characters into lines, runs and cell text, by position alone.

A text layer's own order and spaces cannot be trusted (a vertical label comes one character per line,
a wrapped label puts its numbers between two fragments, a header is drawn as 结 果 / 维持), so text is
rebuilt from where each glyph sits: lines are bands of characters sharing a vertical centre, a line
breaks into runs at gaps wider than a character, and Chinese is joined without spaces.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from extractors.pdf_chars import Char

_LINE_TOLERANCE = 0.5  # share of a line's height its characters' centres may wander
_RUN_GAP = 1.0  # a gap wider than this many character heights starts a new run
_WORD_GAP = 0.2  # between two Latin letters or digits, a gap this wide (in heights) is a space
_PAGE_NUMBER = re.compile(
    r"^[-—–－_~·•\s]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–－_~·•\s]*$"
)
_DASHED_NUMBER = re.compile(r"^\s*[-—–－]\s*\d{1,4}\s*[-—–－]\s*$")
_MARGIN = 0.1  # share of the page height at the top and bottom where a bare number is a folio


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
        if _spaced(joined[-1], text[0]) and joined[-1].isalpha() and text[0].isalpha():
            joined += " "
        joined += text
    return joined


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
    if _DASHED_NUMBER.match(text):
        return True
    in_margin = bottom <= _MARGIN * page_height or top >= (1 - _MARGIN) * page_height
    return in_margin and bool(_PAGE_NUMBER.match(text))


def _spaced(left: str, right: str) -> bool:
    """Whether a visible gap between these two characters is a space (Latin letters and digits only)."""
    return left.isascii() and right.isascii() and left.isalnum() and right.isalnum()
