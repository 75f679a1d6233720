"""Reports as scraped web text: the flattened one-cell-per-line form and the ``a | b | c |`` row form.

Both are views of the official grid (``samplegen.layout``). The flattened form reproduces the damage
seen on real pages: empty cells vanish, header words break over two lines, group labels stand on
their own lines; the row form keeps empty cells but prints a spanned label only in its first row.
"""

from __future__ import annotations

import random

from samplegen.layout import Style, TableLayout, random_style, table_layout
from samplegen.narrative import closing, date_line, opening
from samplegen.values import ReportSample


def render_flat_text(sample: ReportSample, rng: random.Random) -> str:
    """One non-empty cell per line, in document order; empty cells leave no trace."""
    style = random_style(rng)
    indent = rng.choice(("", "  "))
    gap = rng.choice(("\n", "\n\n"))
    lines = [sample.title, date_line(sample, rng), ""]
    lines += [indent + paragraph for paragraph in opening(sample, rng)]
    for layout in _layouts(sample, style):
        lines.append(indent + layout.title)
        lines += [line for row in layout.rows for cell in row for line in cell.lines if line]
    lines += [indent + paragraph for paragraph in closing(sample, rng)]
    return gap.join(lines) + "\n"


def render_pipe_text(sample: ReportSample, rng: random.Random) -> str:
    """One line per grid row, cells between bars; a broken header cell becomes two cells."""
    style = random_style(rng)
    bar = rng.choice((" | ", " | ", " ｜ "))
    lines = [sample.title, date_line(sample, rng), ""]
    lines += opening(sample, rng)
    for layout in _layouts(sample, style):
        lines.append(layout.title)
        for row in layout.rows:
            cells = [line for cell in row for line in cell.lines]
            lines.append(bar.join(cells) + bar.rstrip())
    lines += closing(sample, rng)
    return "\n".join(lines) + "\n"


def _layouts(sample: ReportSample, style: Style) -> list[TableLayout]:
    return [table_layout(table, style) for table in sample.tables]
