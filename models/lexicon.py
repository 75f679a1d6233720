"""The grammar of report text, in one place: numbers, blank markers, units, folios and headings.

Every extractor and reconciliation read cell text through this module, so a token is a number, a blank
or a label by the same rules whatever the source. A number is exactly what was printed: its value is a
``Decimal`` with every printed digit, never a float. A token that looks like a value but is no
well-formed number (``+189,5``, ``+-5``, ``1O5``) is ``unreadable``: kept as read, never reinterpreted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

BLANK_MARKERS = frozenset({"", "/", "-", "—", "——", "--", "\\", "–", "无"})
"""What publishers print in an empty cell (after NFKC: full-width ／ and － are / and -)."""

UNITS = ("万元", "元", "万", "件", "个", "项", "条")
"""Units printed after a number; 万 alone is 万元 whose 元 was lost (a misread, a narrow column)."""

MAX_DIGITS = 15
"""Digits a number may have (before and after the point together). The tables hold counts of at most
7 digits and amounts of at most 12; 15 digits is what a 64-bit float and CP-SAT's integer domain both
hold exactly. A longer run of digits is no number a cell holds (a joined row, noise): unreadable."""

_SIGN = "+-"
_DASHES = str.maketrans({"—": "-", "–": "-", "−": "-", "－": "-", "―": "-", "─": "-", "／": "/", "。": "."})
_NUMBER = re.compile(
    r"^(?P<sign>[+\-]?)"
    r"(?P<whole>\d{1,3}(?:,\d{3})+|\d+)?"
    r"(?:\.(?P<fraction>\d*))?"
    r"\s*(?P<unit>" + "|".join(UNITS) + r")?$"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_NUMBERISH = re.compile(
    r"(?!.*\d\s*-\s*\d)[0-9A-Za-z+\-.,%\s" + "".join(sorted(set("".join(UNITS)))) + r"]+"
)
"""A number's alphabet, with letters; a minus between two digits makes a date, a range or a phone."""
_UNIT_CHARS = re.compile("[" + "".join(sorted(set("".join(UNITS)))) + "]")

FOLIO = re.compile(
    r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$"
)
"""A page footer or number that is unmistakably one wherever it stands: ``- 4 -``, ``第4页``, ``4/12``."""
MARGIN_FOLIO = re.compile(
    r"^[-—–_~·•\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d{1,4}|\s*共\s*\d{1,4}\s*页)?[-—–_~·•\s]*$"
)
"""A folio in a page's top or bottom margin, where a bare ``7`` is a page number too."""

_CN = "[一二三四五六七八九十]+"
ENUMERATOR = re.compile(rf"^(?:[(]\s*{_CN}\s*[)]|{_CN}\s*[、.]|\d+\s*[、.)])")
"""The numbering in front of a label: （三）, 四、, 1. (after NFKC)."""
HEADING = re.compile(rf"^(?:{_CN}[、.,]|[(]{_CN}[)])")
"""A section heading's start: 二、 or （三） (after NFKC)."""

ValueKind = Literal["number", "blank", "unreadable"]

CACHED_TEXTS = 65536
"""Distinct texts whose reading is kept (the grammar's functions are pure): 30 generated HTML reports
ask is_value_like 48,700 times about 655 distinct texts, so the cache holds a long run's texts."""


@lru_cache(maxsize=CACHED_TEXTS)
def plain(text: str) -> str:
    """NFKC, dashes unified, outer space stripped: the form every pattern here matches."""
    return unicodedata.normalize("NFKC", text).translate(_DASHES).strip()


@dataclass(frozen=True)
class ParsedValue:
    """``number`` with its exact value; ``blank`` (empty, “/”, “-”); ``unreadable`` (value-like, no number).

    ``text`` is the token in its plain form, so a digit run can still be split by whoever can.
    """

    kind: ValueKind
    value: Decimal = Decimal(0)
    decimals: int = 0
    unit: str | None = None
    text: str = ""

    def scaled(self, decimals: int) -> int:
        """The value as a whole number of 10**-decimals units (exact: ``decimals`` ≥ ``self.decimals``)."""
        return int(self.value.scaleb(decimals))


@lru_cache(maxsize=CACHED_TEXTS)
def parse_value(text: str) -> ParsedValue:
    """A cell's text as a value, by the one grammar of numbers in these tables."""
    seen = plain(text)
    if seen in BLANK_MARKERS:
        return ParsedValue("blank", text=seen)
    match = _NUMBER.match(seen)
    if not match or (match["whole"] is None and not match["fraction"]):
        return ParsedValue("unreadable", text=seen)
    whole = (match["whole"] or "0").replace(",", "")
    fraction = match["fraction"] or ""
    if len(whole.lstrip("0")) + len(fraction) > MAX_DIGITS:
        return ParsedValue("unreadable", text=seen)
    value = Decimal(f"{whole}.{fraction}" if fraction else whole)
    if match["sign"] == "-":
        value = -value
    return ParsedValue("number", value, len(fraction), match["unit"], seen)


@lru_cache(maxsize=CACHED_TEXTS)
def is_value_like(text: str) -> bool:
    """A token that stands where a value stands: a number, a blank marker, or a malformed number.

    A malformed number is made of a number's characters (digits, signs, points, commas, a unit), perhaps
    with a few letters a recogniser or a typist put for digits (``1O5``): it is a value, never a label
    to skip. Anything else is a label: words (ideographs other than units), no digit, a bare enumerator
    no number can be (``1、``), a time or a date or a phone number (``17:03``, ``2021-01-14``). ``12.``
    is a number: taking it for an enumerator would drop a printed value and let the cell pass as blank.
    """
    seen = plain(text)
    if seen in BLANK_MARKERS or parse_value(seen).kind == "number":
        return True
    if ENUMERATOR.fullmatch(seen) or has_words(seen) or not _NUMBERISH.fullmatch(seen):
        return False
    digits = sum(char.isdigit() for char in seen)
    return digits > 0 and sum(char.isascii() and char.isalpha() for char in seen) <= digits


@lru_cache(maxsize=CACHED_TEXTS)
def has_words(text: str) -> bool:
    """Ideographs other than units: a label's words, never part of a number."""
    return bool(_CJK.search(_UNIT_CHARS.sub("", plain(text))))


@lru_cache(maxsize=CACHED_TEXTS)
def is_folio(text: str) -> bool:
    """Page footers and numbers (- 4 -, 第4页) that land inside tables in PDF text."""
    return bool(FOLIO.match(plain(text)))


def is_margin_folio(text: str) -> bool:
    """A folio as it stands in a page's margin, where a bare number is one too."""
    return bool(MARGIN_FOLIO.match(plain(text)))


def is_heading(text: str) -> bool:
    """A line that starts like a section heading (二、, （三）)."""
    return bool(HEADING.match(plain(text)))


def decimal_text(value: Decimal) -> str:
    """A decimal as plain digits, never in exponent form (``1E+2`` is written 100)."""
    return format(value, "f")
