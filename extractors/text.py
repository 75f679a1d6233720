"""Plain-text pages (a report scraped from the web): one token per line, or per cell of a ``a | b |`` row.

The text carries no grid, so tokens have no position; reconciliation places them by their labels. An
empty cell between two bars is kept as an empty token because in the row form it still holds its place.
"""

from __future__ import annotations

import re
from pathlib import Path

from extractors.base import ExtractionError
from extractors.encoding import decode, read_bytes
from models.errors import ErrorCode
from models.observation import Observations, Token

_BAR = re.compile(r"[|｜]")
_RULE_CELL = re.compile(r":?-{3,}:?")


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
        return [stripped]
    cells = [cell.strip() for cell in _BAR.split(stripped)]
    if stripped[0] in "|｜":
        cells = cells[1:]
    if stripped[-1] in "|｜":
        cells = cells[:-1]
    if cells and all(_RULE_CELL.fullmatch(cell) for cell in cells):
        return []
    return cells
