"""Reports as the HTML page a government site serves: prose in ``<p>``s, each table in the official grid.

Publishers' pages differ in markup, not in grid: cells wrapped in Word-exported ``<p><span>``, labels
broken with ``<br>``, the vertical group label one character per line or turned with CSS, blanks as
``<td></td>`` or ``&nbsp;``, and sometimes the whole article inside a layout table.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass

from samplegen.layout import LayoutCell, TableLayout, random_style, table_layout
from samplegen.narrative import closing, date_line, opening
from samplegen.values import ReportSample


@dataclass(frozen=True)
class _Markup:
    word_cells: bool
    nbsp_blanks: bool
    vertical_chars: bool
    layout_table: bool


def render_html(sample: ReportSample, rng: random.Random, charset: str = "utf-8") -> str:
    """A full page; ``charset`` is only declared in the ``<meta>``, the caller encodes the text."""
    style = random_style(rng)
    markup = _Markup(
        word_cells=rng.random() < 0.5,
        nbsp_blanks=rng.random() < 0.5,
        vertical_chars=rng.random() < 0.5,
        layout_table=rng.random() < 0.3,
    )
    title = html.escape(sample.title)
    parts = [
        '<div class="crumb">首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>',
        f'<h1 class="title">{title}</h1>',
        f'<div class="info"><span>{html.escape(date_line(sample, rng))}</span> <span>来源：本站</span></div>',
    ]
    parts += [_paragraph(text) for text in opening(sample, rng)]
    for table in sample.tables:
        layout = table_layout(table, style)
        parts.append(f"<p><strong>{html.escape(layout.title)}</strong></p>")
        parts.append(_table(layout, markup))
    parts += [_paragraph(text) for text in closing(sample, rng)]
    article = "\n".join(parts)
    if markup.layout_table:
        article = f'<table width="100%"><tr><td class="article">\n{article}\n</td></tr></table>'
    return (
        f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="{charset}">\n<title>{title}</title>\n'
        "<style>td{border:1px solid #000;text-align:center}</style>\n"
        '<script>var pageId = "<td>not a cell</td>";</script>\n</head>\n'
        f'<body>\n<div class="article">\n{article}\n</div>\n</body>\n</html>\n'
    )


def _paragraph(text: str) -> str:
    return f'<p style="text-indent:2em">{html.escape(text)}</p>'


def _table(layout: TableLayout, markup: _Markup) -> str:
    rows = []
    for row in layout.rows:
        cells = "".join(_cell(cell, markup) for cell in row)
        rows.append(f"<tr>{cells}</tr>")
    body = "\n".join(rows)
    return f'<table border="1" cellspacing="0" cellpadding="0">\n<tbody>\n{body}\n</tbody>\n</table>'


def _cell(cell: LayoutCell, markup: _Markup) -> str:
    spans = ""
    if cell.rowspan > 1:
        spans += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        spans += f' colspan="{cell.colspan}"'
    return f"<td{spans}>{_content(cell, markup)}</td>"


def _content(cell: LayoutCell, markup: _Markup) -> str:
    if not cell.text:
        return "&nbsp;" if markup.nbsp_blanks else ""
    if cell.vertical:
        if markup.vertical_chars:
            return "<br/>".join(html.escape(ch) for ch in cell.text)
        return f'<span style="writing-mode:vertical-rl">{html.escape(cell.text)}</span>'
    lines = [html.escape(line) for line in cell.lines]
    if markup.word_cells:
        return "".join(f'<p align="center"><span style="font-size:12pt">{line}</span></p>' for line in lines)
    return "<br/>".join(lines)
