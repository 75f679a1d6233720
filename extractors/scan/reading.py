"""What a recognised cell string may be: a label keeps its text; a number must look like one.

Numbers in these tables are digits with an optional sign, decimal point, thousands commas and unit
(元, 万元), or a blank marker ("/", "-"). Anything else read where a number should be (letters, stray
symbols) is kept as read but with its confidence lowered, so reconciliation treats it as unreadable
rather than as a value: mapping letters to digits was measured as no better than leaving them. A dot
before or after a number ("5.", ".0", "99401.6.": a speck read as a point) is dropped, and the number
is kept as a doubtful reading that the sums may confirm or correct.
"""

from __future__ import annotations

import re

from models.lexicon import has_words, parse_value, plain

UNREADABLE_CONFIDENCE = 0.2
STRAY_DOT_CONFIDENCE = 0.5
_NUMBER = r"[+\-]?\d+(?:[.]\d+)?"
_STRAY_DOT = re.compile(rf"^[.](?P<a>{_NUMBER})$|^(?P<b>{_NUMBER})[.]$")


def normalise_number(text: str) -> str:
    """The lexicon's plain form with the spaces a recogniser inserts and thousands commas taken out."""
    text = re.sub(r"\s+", "", plain(text))
    return re.sub(r"(?<=\d)[,，](?=\d{3}\b)", "", text)


def accept(text: str, confidence: float) -> tuple[str, float]:
    """The cell's text and confidence: labels as read, numbers normalised, anything else doubted."""
    stripped = text.strip()
    if not stripped:
        return "", min(confidence, UNREADABLE_CONFIDENCE)
    if has_words(stripped):
        return stripped, confidence
    number = normalise_number(stripped)
    stray = _STRAY_DOT.match(number)
    if stray:
        return stray["a"] or stray["b"], min(confidence, STRAY_DOT_CONFIDENCE)
    if parse_value(number).kind != "unreadable":
        return number, confidence
    return stripped, min(confidence, UNREADABLE_CONFIDENCE)
