"""A second reading of a recognised cell, independent of the recogniser's: the verdict's second witness.

Where no sum holds over a cell (table 二 has none), its reading needs another witness. Two are taken:

- a number's glyphs (``Token.glyphs``, cut out by ``extractors/scan/glyphs.py``) matched, glyph by
  glyph, against the glyphs of this document's *other* cells whose readings a holding sum confirmed
  (``GlyphLibrary``): the same font, the same degradation, labelled by the sums. A glyph is read as a
  digit only when its nearest confirmed glyph is near and every other digit's clearly farther; one
  glyph without such a match leaves the cell with no second reading at all.
- ``Token.second_reading`` of a cell its ink's shape decided (empty, "/", "-"): what the recogniser
  read there, agreeing when it reads nothing, the same marker (a dash as "-" "—" "一"), disagreeing
  when it reads a digit.

``second_opinion`` says whether the second reading agrees with the first, disagrees, or is absent.
The verdict (``reconcile/verdict.py``) takes an agreeing one as a witness and flags a disagreeing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from models.observation import GLYPH_SIZE, Token, glyph_shape

Opinion = Literal["agrees", "disagrees"]
MATCH_DISTANCE = 0.10
"""A glyph's mean absolute difference (0..1 per pixel, best of shifts by one pixel) to its nearest
confirmed glyph at most this: see the measurement in the session's report."""
MARGIN = 0.03
"""The nearest confirmed glyph of any other digit at least this much farther."""
MARKS = frozenset(".-+")
_SAME_MARKER = {"": {""}, "/": {"/", "／"}, "-": {"-", "—", "–", "－", "一", "_", "__", "——", "--"}}


@dataclass
class GlyphLibrary:
    """Confirmed glyphs per digit, each with the id of the token it came from."""

    shapes: dict[str, list[tuple[int, np.ndarray]]] = field(default_factory=dict)

    def add(self, token: Token) -> None:
        """The glyphs of a confirmed reading, when they align with its digits one to one."""
        text = token.text
        if not text.isdigit() or len(token.glyphs) != len(text):
            return
        if any(code in MARKS or code == "?" for code in token.glyphs):
            return
        for digit, code in zip(text, token.glyphs, strict=True):
            self.shapes.setdefault(digit, []).append((id(token), glyph_shape(code)))

    def read(self, token: Token) -> str | None:
        """The cell read from its glyphs, or None when a glyph has no clear match (or none exist)."""
        if not token.glyphs:
            return None
        stacks = {
            digit: np.stack([shape for owner, shape in found if owner != id(token)])
            for digit, found in self.shapes.items()
            if any(owner != id(token) for owner, _ in found)
        }
        if len(stacks) < 2:
            return None
        text = []
        for code in token.glyphs:
            if code in MARKS:
                text.append(code)
                continue
            if code == "?":
                return None
            distances = sorted(
                (_distance(glyph_shape(code), stack), digit) for digit, stack in stacks.items()
            )
            (best, digit), (second, _) = distances[0], distances[1]
            if best > MATCH_DISTANCE or second - best < MARGIN:
                return None
            text.append(digit)
        return "".join(text)


def _distance(shape: np.ndarray, stack: np.ndarray) -> float:
    """The least mean absolute difference of ``shape`` to any of ``stack``, shifted by up to a pixel."""
    padded = np.pad(shape, 1)
    best = np.inf
    for dy in range(3):
        for dx in range(3):
            moved = padded[dy : dy + GLYPH_SIZE, dx : dx + GLYPH_SIZE]
            best = min(best, float(np.abs(stack - moved).mean(axis=(1, 2)).min()))
    return best


def library(confirmed: Iterable[Token]) -> GlyphLibrary:
    found = GlyphLibrary()
    for token in confirmed:
        found.add(token)
    return found


def second_opinion(token: Token, glyphs: GlyphLibrary) -> Opinion | None:
    """Whether a second, independent reading of a recognised cell agrees with ``token.text``."""
    if token.text in _SAME_MARKER:
        second = token.second_reading
        if second is None:
            return None
        if second in _SAME_MARKER[token.text]:
            return "agrees"
        return "disagrees" if any(c.isdigit() for c in second) else None
    second = glyphs.read(token)
    if second is None:
        return None
    return "agrees" if second == token.text else "disagrees"
