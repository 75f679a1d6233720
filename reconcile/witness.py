"""A second reading of a recognised cell, independent of the recogniser's: the verdict's second witness.

Where no sum holds over a cell (table 二 has none), its reading needs another witness. Two are taken:

- a number's glyphs (``Token.glyphs``, cut out by ``extractors/scan/glyphs.py``) matched, glyph by
  glyph, against the glyphs of this document's *other* cells whose readings a holding sum confirmed
  (``GlyphLibrary``): the same font, the same degradation, labelled by the sums. A glyph is read as a
  digit only when its nearest confirmed glyph is near and every other digit's clearly farther; one
  glyph without such a match leaves the cell with no second reading at all.
- ``Token.second_reading`` of a cell its ink's shape decided blank (empty, "/", "-": 0): what the
  recogniser read there, agreeing when it reads nothing or a blank marker (the same value), disagreeing
  when it reads a digit.

``second_opinion`` says whether the second reading agrees with the first, disagrees, or is absent.
The verdict (``reconcile/verdict.py``) takes an agreeing one as a witness and flags a disagreeing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np

from models.lexicon import parse_value
from models.observation import GLYPH_SIZE, Token, glyph_shape

Opinion = Literal["agrees", "disagrees"]
MATCH_DISTANCE = 0.08
RATIO = 1.4
MARGIN = 0.02
BLUR = 0.7
"""A glyph is read as a digit when its mean absolute difference (0..1 per pixel, both shapes blurred
by a Gaussian of ``BLUR`` pixels, best of shifts by one pixel) to its nearest confirmed glyph is at
most ``MATCH_DISTANCE``, and the nearest glyph of any other digit at least ``RATIO`` times and
``MARGIN`` farther. Measured on the tuning documents of the archive bench set's clean, office, fax
and photo kinds (samplegen.archive, seed 12), each confirmed glyph read against the others (its own
cell's left out): 4,476 of 4,522 read, none wrongly (a distance of 0.10: 4,485, 1 wrong; 0.12: 2
wrong, digits whose document confirmed no other glyph of theirs, taken for another); table 二's
digits, 301 of 303, none wrongly. The blur forgives the stroke width another font size gives: on
all 34 documents of these kinds, unblurred, the best setting without a wrong reading (0.10) read
5,504 of 5,582 confirmed glyphs and 440 of table 二's 451, blurred 5,520 and 447."""
MARKS = frozenset(".-+")
UNITS = ("万元", "元")
DASHES = frozenset("一_")  # a dash as the recogniser may spell it, beside those the lexicon parses as blank


@dataclass
class GlyphLibrary:
    """Confirmed glyphs per digit, each with the id of the token it came from."""

    shapes: dict[str, list[tuple[int, np.ndarray]]] = field(default_factory=dict)
    _stacked: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict, repr=False)
    """Per digit its glyphs' owners and shapes as arrays, made once after the last ``add``."""

    def add(self, token: Token) -> None:
        """The glyphs of a confirmed reading, when they align with its digits one to one."""
        text = token.text
        if not text.isdigit() or len(token.glyphs) != len(text):
            return
        if any(code in MARKS or code == "?" for code in token.glyphs):
            return
        for digit, code in zip(text, token.glyphs, strict=True):
            self.shapes.setdefault(digit, []).append((id(token), _shape(code)))
        self._stacked.clear()

    def read(self, token: Token) -> str | None:
        """The cell read from its glyphs, or None when a glyph has no clear match (or none exist).

        A unit the reading ends with (元, 万元) is taken as read when as many glyphs end the cell and
        none of them looks like any digit."""
        if not self._stacked:
            self._stacked.update(
                (digit, (np.array([owner for owner, _ in found]), np.stack([shape for _, shape in found])))
                for digit, found in self.shapes.items()
            )
        stacks = {}
        for digit, (owners, shapes) in self._stacked.items():
            others = owners != id(token)
            if others.any():
                stacks[digit] = shapes if others.all() else shapes[others]
        if not token.glyphs or len(stacks) < 2:
            return None
        unit = next((u for u in UNITS if token.text.endswith(u)), "")
        codes = token.glyphs
        if unit and len(codes) > len(unit):
            tail = codes[-len(unit) :]
            if all(code not in MARKS and _nearest(code, stacks)[0][0] > MATCH_DISTANCE for code in tail):
                codes = codes[: -len(unit)]
            else:
                unit = ""
        text = []
        for code in codes:
            if code in MARKS:
                text.append(code)
                continue
            (best, digit), (second, _) = _nearest(code, stacks)[:2]
            if best > MATCH_DISTANCE or second < max(RATIO * best, best + MARGIN):
                return None
            text.append(digit)
        return "".join(text) + unit


def _nearest(code: str, stacks: dict[str, np.ndarray]) -> list[tuple[float, str]]:
    """Each digit's distance to a glyph, nearest first; a mark ``?`` is near none."""
    if code == "?":
        return [(np.inf, digit) for digit in stacks]
    moved = _shifts(_shape(code))
    return sorted((_distance(moved, stack), digit) for digit, stack in stacks.items())


def _shape(code: str) -> np.ndarray:
    return cv2.GaussianBlur(glyph_shape(code), (0, 0), BLUR)


def _shifts(shape: np.ndarray) -> np.ndarray:
    """A shape shifted by up to a pixel each way: the 9 of them."""
    padded, size = np.pad(shape, 1), GLYPH_SIZE
    return np.stack([padded[dy : dy + size, dx : dx + size] for dy in range(3) for dx in range(3)])


def _distance(moved: np.ndarray, stack: np.ndarray) -> float:
    """The least mean absolute difference of a shape (its ``_shifts``) to any of ``stack``."""
    return float(np.abs(stack[None] - moved[:, None]).mean(axis=(2, 3)).min())


def library(confirmed: Iterable[Token]) -> GlyphLibrary:
    found = GlyphLibrary()
    for token in confirmed:
        found.add(token)
    return found


def second_opinion(token: Token, glyphs: GlyphLibrary) -> Opinion | None:
    """Whether a second, independent reading of a recognised cell agrees with ``token.text``."""
    if parse_value(token.text).kind == "blank":
        second = token.second_reading
        if second is None:
            return None
        if parse_value(second).kind == "blank" or (second and set(second) <= DASHES):
            return "agrees"
        return "disagrees" if any(c.isdigit() for c in second) else None
    second = glyphs.read(token)
    if second is None:
        return None
    return "agrees" if second == token.text else "disagrees"
