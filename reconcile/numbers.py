"""Reading a cell's text as a value: counts, signed changes, money with units, and blank markers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

BLANK_MARKERS = frozenset({"", "/", "-", "—", "——", "--", "\\", "–", "无"})
_NUMBER = re.compile(r"^(?P<sign>[+\-]?)(?P<digits>\d+(?:\.\d+)?)(?P<unit>万元|元|件|个|项|条)?$")
_FOOTER = re.compile(
    r"^(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})$"
)

ValueKind = Literal["number", "blank", "unreadable"]


@dataclass(frozen=True)
class ParsedValue:
    """``number`` with its value and decimals; ``blank`` (empty, “/”, “-”); ``unreadable`` (not a number)."""

    kind: ValueKind
    value: float = 0.0
    decimals: int = 0
    unit: str | None = None

    def scaled(self, scale: int) -> int:
        return round(self.value * scale)


def parse_value(text: str) -> ParsedValue:
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain in BLANK_MARKERS:
        return ParsedValue("blank")
    cleaned = re.sub(r"[\s,]", "", plain).replace("—", "-").replace("–", "-")
    match = _NUMBER.match(cleaned)
    if not match:
        return ParsedValue("unreadable")
    digits = match.group("digits")
    decimals = len(digits.partition(".")[2])
    value = float(digits) if decimals else int(digits)
    if match.group("sign") == "-":
        value = -value
    return ParsedValue("number", value, decimals, match.group("unit"))


def looks_like_value(text: str) -> bool:
    """A token that is a cell value (or a blank marker) rather than a label."""
    return parse_value(text).kind != "unreadable"


def is_page_furniture(text: str) -> bool:
    """Page footers and numbers (- 4 -, 第4页) that land inside tables in PDF text."""
    return bool(_FOOTER.match(unicodedata.normalize("NFKC", text).strip()))
