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


def render_joined_text(
    sample: ReportSample, rng: random.Random, disclosed: bool = False, whole_tables: bool = False
) -> str:
    """Each table row's cells run together with no separator, as a browser's innerText flattens a table:
    a row's values make one string of digits, glued to the row's label (``…数量801000081``) or, in some
    documents, on a line of their own; table 四's one row is one run. Empty cells leave nothing, header
    cells stand one per line as in the flattened form. ``disclosed``: the prose gives table 二's figures
    too (``samplegen.narrative.disclosure``). ``whole_tables``: each table's headers, labels and digits
    on one line, as a page's textContent gives them (``…予以公开033006（二）部分公开…``)."""
    style = random_style(rng)
    glue = rng.random() < 0.7
    lines = [sample.title, date_line(sample, rng), ""]
    lines += opening(sample, rng, disclosed)
    for layout in _layouts(sample, style):
        lines.append(layout.title)
        table: list[str] = []
        for row in layout.rows:
            values = "".join(cell.text for cell in row if cell.key is not None)
            labels = [cell.text for cell in row if cell.key is None]
            if not any(cell.key is not None for cell in row):
                table += [line for cell in row for line in cell.lines if line]
            elif glue and labels:
                table += [*labels[:-1], labels[-1] + values]
            else:
                table += [*labels, values]
        lines += ["".join(table)] if whole_tables else table
    lines += closing(sample, rng)
    return "\n".join(line for line in lines if line) + "\n"


def _layouts(sample: ReportSample, style: Style) -> list[TableLayout]:
    return [table_layout(table, style) for table in sample.tables]
