"""HTML pages: every table cell with its grid slot (rowspan/colspan resolved), and the text around them.

HTML is the one web source that keeps empty cells, so every ``<td>``/``<th>`` becomes a token, empty
ones included, at the slot the HTML table model gives it. Text outside tables becomes position-less
tokens, one per block or line, in document order with the cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

from extractors.base import ExtractionError
from extractors.encoding import decode, read_bytes
from models.errors import ErrorCode
from models.lexicon import CACHED_TEXTS
from models.observation import Observations, PageRecord

_SKIP = frozenset(
    {"script", "style", "template", "noscript", "head", "title", "meta", "link", "iframe", "object"}
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    }
)
_CELL = frozenset({"td", "th"})
_ROW_GROUP = frozenset({"thead", "tbody", "tfoot"})
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
# A line break in the source between two CJK characters renders as nothing (CSS Text 3 segment breaks).
_CJK_BREAK = re.compile(rf"(?<=[{_CJK}])[^\S\n]*\n\s*(?=[{_CJK}])")
_SPACE = re.compile(r"\s+")
_MAX_ROWSPAN = 65534
_MAX_COLSPAN = 1000
TokenData = dict[str, Any]
"""A ``Token`` as the data it is validated from."""


def extract_html(path: Path) -> Observations:
    """Tokens of an HTML page: grid cells of every table and the text blocks between them."""
    data = read_bytes(path)
    declared = _META_CHARSET.search(data[:4096])
    text = decode(data, path.name, declared.group(1).decode("ascii") if declared else None)
    try:
        # lxml.html's parser, with plain elements: lxml.html looks up a Python class for every element it
        # hands out (a third of the extraction's time), and the walk needs none of their methods. A
        # parser per document: parsers are not to be shared between threads.
        root = etree.fromstring(_XML_DECLARATION.sub("", text, count=1), etree.HTMLParser())
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(ErrorCode.NOT_TEXT, f"{path.name} is not an HTML document: {exc}") from exc
    if root is None:
        raise ExtractionError(ErrorCode.NOT_TEXT, f"{path.name} is not an HTML document: Document is empty")
    tokens = list(_Walker(root).tokens())
    if not tokens:
        raise ExtractionError(
            ErrorCode.NO_TEXT_OR_IMAGE, f"{path.name} is empty: no text or table cells to read"
        )
    # The tokens as data, validated with the observations in one call: a Token and a GridPosition
    # model each took 60 % longer (285 cells of a generated report: 0.66 ms against 0.41).
    return Observations.model_validate(
        {
            "source_kind": "html",
            "media_type": "text/html",
            "pages": None,
            "tokens": tokens,
            "page_records": [PageRecord(page=1, method="html")],
        }
    )


@lru_cache(maxsize=CACHED_TEXTS)
def collapse(text: str) -> str:
    """Collapse whitespace as a browser renders it (nothing between CJK characters across a line break)."""
    return _SPACE.sub(" ", _CJK_BREAK.sub("", text)).strip()


def _tag(element: etree._Element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


class _Walker:
    """Walks the page in document order, flushing a text token at every block boundary."""

    def __init__(self, root: etree._Element) -> None:
        self._root = root
        self._buffer: list[str] = []
        self._tables = 0
        title = root.find(".//title")
        self._title = "".join(title.itertext()) if title is not None else ""

    def tokens(self) -> Iterator[TokenData]:
        yield from self._flush([self._title])
        body = self._root.find("body")
        yield from self._walk(body if body is not None else self._root)
        yield from self._flush([])

    def _flush(self, pieces: list[str]) -> Iterator[TokenData]:
        text = collapse("".join(self._buffer + pieces))
        self._buffer = []
        if text:
            yield {"text": text}

    def _walk(self, element: etree._Element) -> Iterator[TokenData]:
        tag = _tag(element)
        if tag and tag not in _SKIP:
            if tag == "table" and _is_grid(element):
                yield from self._flush([])
                yield from self._grid(element)
            elif tag == "br":
                yield from self._flush([])
            else:
                block = tag in _BLOCK
                if block:
                    yield from self._flush([])
                self._buffer.append(element.text or "")
                for child in element:
                    yield from self._walk(child)
                if block:
                    yield from self._flush([])
        self._buffer.append(element.tail or "")

    def _grid(self, table: etree._Element) -> Iterator[TokenData]:
        index = self._tables
        self._tables += 1
        for caption in table.iterchildren("caption"):
            yield from self._flush([_cell_text(caption)])
        for cell, position in table_grid(table):
            yield {
                "text": _cell_text(cell),
                "grid": {
                    "table": index,
                    "row": position[0],
                    "col": position[1],
                    "rowspan": position[2],
                    "colspan": position[3],
                },
            }


def _is_grid(table: etree._Element) -> bool:
    """A table holding cells and no nested table that holds cells: layout tables are walked through."""
    own = any(_owner(cell) is table for cell in table.iter("td", "th"))
    return own and not any(_is_grid(inner) for inner in table.iter("table") if inner is not table)


def _owner(element: etree._Element) -> etree._Element | None:
    for ancestor in element.iterancestors("table"):
        return ancestor
    return None


def _row_groups(table: etree._Element) -> list[list[etree._Element]]:
    """Row groups in source order; consecutive rows directly under ``<table>`` form one group."""
    groups: list[list[etree._Element]] = []
    loose: list[etree._Element] = []
    for child in table:
        tag = _tag(child)
        if tag == "tr":
            loose.append(child)
            continue
        if tag in _ROW_GROUP:
            if loose:
                groups.append(loose)
                loose = []
            groups.append([row for row in child if _tag(row) == "tr"])
    if loose:
        groups.append(loose)
    return groups


def _span(cell: etree._Element, name: str, limit: int, default: int) -> int:
    given = cell.get(name)
    if given is None:
        return default
    try:
        value = int(given.strip().rstrip(";") or default)
    except ValueError:
        return default
    return min(max(value, 0), limit)


def table_grid(table: etree._Element) -> Iterator[tuple[etree._Element, tuple[int, int, int, int]]]:
    """Each cell with (row, col, rowspan, colspan) per the HTML table model.

    A rowspan of 0, or one running past its row group, extends to the group's last row; a colspan of
    0 counts as 1.
    """
    # column -> (first row left free by the cell covering it from above, column after that cell)
    blocked: dict[int, tuple[int, int]] = {}
    first = 0
    for group in _row_groups(table):
        last = first + len(group) - 1
        for offset, row in enumerate(group):
            y = first + offset
            x = 0
            for cell in row:
                if _tag(cell) not in _CELL:
                    continue
                while x in blocked and blocked[x][0] > y:
                    x = blocked[x][1]
                colspan = _span(cell, "colspan", _MAX_COLSPAN, 1) or 1
                rowspan = _span(cell, "rowspan", _MAX_ROWSPAN, 1)
                rowspan = last - y + 1 if rowspan == 0 else min(rowspan, last - y + 1)
                for dx in range(colspan):
                    blocked[x + dx] = max(blocked.get(x + dx, (0, 0)), (y + rowspan, x + colspan))
                yield cell, (y, x, rowspan, colspan)
                x += colspan
        first = last + 1


def _cell_text(cell: etree._Element) -> str:
    """A cell's text; a ``<br>`` or block break inside it joins the pieces without a space."""
    if not len(cell):
        return collapse(cell.text or "")
    pieces: list[str] = []
    for segment in _segments(cell):
        text = collapse(segment)
        if text:
            pieces.append(text)
    return "".join(pieces)


def _segments(element: etree._Element) -> list[str]:
    segments = [""]

    def visit(node: etree._Element) -> None:
        tag = _tag(node)
        if tag and tag not in _SKIP:
            breaks = tag == "br" or tag in _BLOCK
            if breaks:
                segments.append("")
            segments[-1] += node.text or ""
            for child in node:
                visit(child)
            if breaks:
                segments.append("")
        segments[-1] += node.tail or ""

    segments[-1] += element.text or ""
    for child in element:
        visit(child)
    return segments
