"""Plain-text pages: a report scraped from the web (one token per line, or per cell of a ``a | b |``
row) or a PDF's text layer dumped to a file (a row's label and its numbers on one line, spaces between).

The text carries no grid, so tokens have no position; reconciliation places them by their labels. An
empty cell between two bars is kept as an empty token because in the row form it still holds its place.
A line's trailing numbers separated by spaces (``规章 1 0 11``, ``447 7 0 0 0 0 454``) are cells of their
own; the words before them stay one label, since a PDF's text layer spaces out the characters of labels
too (``结 果``, ``4.无正当理由大量反复 申请``).
"""

from __future__ import annotations

import re
from pathlib import Path

from extractors.base import ExtractionError
from extractors.encoding import decode, read_bytes
from models.errors import ErrorCode
from models.lexicon import is_folio, is_value_like
from models.observation import Observations, Token

_BAR = re.compile(r"[|｜]")
_RULE_CELL = re.compile(r":?-{3,}:?")
_ENUMERATED = re.compile(
    r"\s+(?=[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、](?!\d))"
)
"""A space before a label's enumerator (``（四）无法提供 1.本机关不掌握…``): a group label and its first
row printed on one line are two labels."""


def extract_text(path: Path) -> Observations:
    """Tokens of a text document: its non-blank lines, with ``a | b | c |`` rows split into cells."""
    text = decode(read_bytes(path), path.name)
    tokens = [Token(text=cell) for line in text.splitlines() for cell in line_tokens(line)]
    if not tokens:
        raise ExtractionError(ErrorCode.NO_TEXT_OR_IMAGE, f"{path.name} is empty: no text to read")
    return Observations(source_kind="text", media_type="text/plain", pages=None, tokens=tokens)


def line_tokens(line: str) -> list[str]:
    """The tokens of one line: none for a blank line or a Markdown rule row, the cells of a bar row."""
    stripped = line.strip()
    if not stripped:
        return []
    if not _BAR.search(stripped):
        return _spaced_cells(stripped)
    cells = [cell.strip() for cell in _BAR.split(stripped)]
    if stripped[0] in "|｜":
        cells = cells[1:]
    if stripped[-1] in "|｜":
        cells = cells[:-1]
    if cells and all(_RULE_CELL.fullmatch(cell) for cell in cells):
        return []
    return cells


def _spaced_cells(line: str) -> list[str]:
    """A line as its label (the words before its trailing numbers, if any) and each trailing number.

    A page footer (``- 4 -``, ``第 4 页``) stays whole, for reconciliation to leave out.
    """
    words = line.split()
    if len(words) < 2 or is_folio(line):
        return [line]
    start = len(words)
    while start > 0 and is_value_like(words[start - 1]):
        start -= 1
    label = " ".join(words[:start])
    return _ENUMERATED.split(label) + words[start:] if label else words
