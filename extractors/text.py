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
from models.observation import Observations, PageRecord, Token

_BAR = re.compile(r"[|｜]")
_RULE_CELL = re.compile(r":?-{3,}:?")
_ENUMERATOR_BODY = r"[(（][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、](?!\d)"
_ENUMERATED = re.compile(r"\s+(?=" + _ENUMERATOR_BODY + ")")
"""A space before a label's enumerator (``（四）无法提供 1.本机关不掌握…``): a group label and its first
row printed on one line are two labels."""


def extract_text(path: Path) -> Observations:
    """Tokens of a text document: its non-blank lines, with ``a | b | c |`` rows split into cells and
    a row's run-together digits (``…数量801000081``) apart from its label."""
    text = decode(read_bytes(path), path.name)
    lines = [line_tokens(line) for line in text.splitlines()]
    glued = [_glued(cells) for cells in lines]
    evidence = sum(1 for pairs in glued for label, run in pairs if run and _ENUMERATOR.match(label))
    evidence += sum(
        1
        for cells in lines
        if len(cells) == 1 and _SEVERAL_NUMBERS.fullmatch(cells[0]) and not _page_footer(cells[0])
    )
    runs_together = evidence >= RUN_TOGETHER_ROWS
    tokens: list[Token] = []
    for cells, pairs in zip(lines, glued, strict=True):
        if pairs and runs_together:
            for label, run in pairs:
                tokens += [Token(text=part) for part in _INNER_ENUMERATOR.split(label) if part]
                tokens += [Token(text=run, joined=True)] if run else []
        elif pairs and pairs[-1][1] and _ENUMERATOR.match(pairs[0][0]):
            label, run = cells[0].removesuffix(pairs[-1][1]), pairs[-1][1]
            tokens += [Token(text=label), Token(text=run, joined=True)]
        elif runs_together and len(cells) == 1 and _RUN.fullmatch(cells[0]) and not _page_footer(cells[0]):
            # 000/235 is a row, not a folio, on a page that runs its cells together.
            tokens.append(Token(text=cells[0], joined=True))
        else:
            tokens += [Token(text=cell) for cell in cells]
    if not tokens:
        raise ExtractionError(ErrorCode.NO_TEXT_OR_IMAGE, f"{path.name} is empty: no text to read")
    return Observations(
        source_kind="text",
        media_type="text/plain",
        pages=None,
        tokens=tokens,
        page_records=[PageRecord(page=1, method="text")],
    )


RUN_TOGETHER_ROWS = 2
"""Lines that show a page ran every table row's cells together: rows (a label with an enumerator,
一、 （七） 1.) glued to their digits, or lines of digits that cannot be one number (``050``, ``0+14``).
Then every line of digits alone (table 四's row, which has no label) is a run too. One such line can be
a narrative heading ending in a figure."""
_SEVERAL_NUMBERS = re.compile(r"(?=.*(?:^0\d|\d[+\-/—]|/\d))[\d+\-/—.]+(?:万元|元)?")
_RUN_BODY = r"(?=\D*\d)(?:[+\-]?\d+(?:\.\d+)?|/|—|-)+(?:万元|元)?"
_RUN = re.compile(_RUN_BODY)
_GLUED = re.compile(r"(?P<label>.*[\u3400-\u9fff）)”\"】])(?P<run>" + _RUN_BODY + ")")
_ENUMERATOR = re.compile(_ENUMERATOR_BODY)


_INNER_RUN = re.compile(
    r"(?<=[\u3400-\u9fff）)”\"】])(?:[+\-]?\d+(?:\.\d+)?|/|—|-)+(?:万元|元)?"
    r"(?=[\u3400-\u9fff（(“\"【]|\d[.．、]\D)(?![年月日时分秒件个次人户家号页元万亿%％])"
)
"""Digits between two labels of one line, as a page's text content gives a whole table (``…予以公开033006
（二）部分公开…``). A row's enumerator glued after its digits is the next label's (``…513003122、其他…``:
51300312 | 2、其他): a report's sub-row enumerators are single digits (at most 8 in either version).
Digits before a unit or a date's word (``2020年``, ``1月14日``, ``77件``) are a figure of the text."""


_INNER_ENUMERATOR = re.compile(r"(?<=[\u3400-\u9fff）)”\"])(?<!第)(?=" + _ENUMERATOR_BODY + ")")
"""An enumerator inside one label of a page run together: a group label glued to its first row
(``（三）不予公开1、属于国家秘密``) is two labels; ``第二十条第（五）项`` names its item, no row."""


_SENTENCE_END = re.compile(r"[。；！？]")
"""Prose, not a table: its figures (``制发规范性文件77件，废止…``) stay in their sentence."""


def _glued(cells: list[str]) -> list[tuple[str, str]]:
    """A one-token line of labels each with digits right after it, no separator: its (label, digits)
    pairs in order, the last one's digits "" when the line ends in a label (its row's cells all empty);
    none when no digits follow a label."""
    if len(cells) != 1:
        return []
    match = _GLUED.fullmatch(cells[0])
    head, last = (match.group("label"), match.group("run")) if match else (cells[0], "")
    pairs, start = [], 0
    for inner in [] if _SENTENCE_END.search(head) else _INNER_RUN.finditer(head):
        if any(character.isdigit() for character in inner.group()):
            pairs.append((head[start : inner.start()], inner.group()))
            start = inner.end()
    return [*pairs, (head[start:], last)] if pairs or last else []


def _page_footer(line: str) -> bool:
    """A folio that no row run together prints like: ``- 4 -``, ``第4页``. A PDF's text dump has one a
    page; taken for a row of cells it read ``-3-`` as blank | 3 | blank in table 四 (a silent 3). A row's
    ``000/235`` reads like the folio ``4/12`` and stays a row on a page that runs its cells together."""
    return is_folio(line) and "/" not in line


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
