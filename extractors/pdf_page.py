"""Tokens of one page with a sane text layer: grid cells filled from characters, the rest as runs.

Every character goes to the ruled cell under its centre or, outside every grid, to the page's free
text. Each grid becomes one token per (merged) cell in row-major order, empty cells included with text
"". Free text becomes one token per run (a line cut at wide gaps, so an unruled table keeps its cells
apart while a paragraph line stays whole); folios such as ``- 4 -`` are dropped. Tables and lines are
interleaved by their top edge, so the tokens follow the page from top to bottom.
"""

from __future__ import annotations

from extractors.pdf_chars import Char
from extractors.pdf_lines import cell_text, group_lines, is_page_number, join_wrapped, run_of, split_runs
from extractors.pdf_tables import Grid
from models.observation import GridPosition, Token

_EDGE_SLACK = 1.0  # points: a glyph centred on a grid's outer rule still belongs to it


def page_tokens(
    number: int, chars: list[Char], grids: list[Grid], page_height: float, first_table: int
) -> list[Token]:
    """Tokens of the page; its grids are numbered first_table, first_table + 1, ... from the top."""
    in_cells: list[list[list[Char]]] = [[[] for _ in grid.cells] for grid in grids]
    free: list[Char] = []
    for char in chars:
        placed = _place(char, grids)
        if placed is None:
            free.append(char)
        else:
            in_cells[placed[0]][placed[1]].append(char)
    blocks: list[tuple[float, list[Token]]] = []
    for offset, (grid, cell_chars) in enumerate(zip(grids, in_cells, strict=True)):
        blocks.append((grid.bbox[1], _grid_tokens(number, grid, cell_chars, first_table + offset)))
    lines = []
    for line in group_lines(free):
        runs = [run_of(part) for part in split_runs(line)]
        text = " ".join(run.text for run in runs)
        top, bottom = min(run.bbox[1] for run in runs), max(run.bbox[3] for run in runs)
        if not is_page_number(text, top, bottom, page_height):
            lines.append(runs)
    for runs in join_wrapped(lines):
        top = min(run.bbox[1] for run in runs)
        blocks.append((top, [Token(text=run.text, page=number, bbox=run.bbox) for run in runs]))
    blocks.sort(key=lambda block: block[0])
    return [token for _, tokens in blocks for token in tokens]


def _place(char: Char, grids: list[Grid]) -> tuple[int, int] | None:
    """(grid index, cell index) of the cell under the character's centre, if any."""
    for index, grid in enumerate(grids):
        x0, y0, x1, y1 = grid.bbox
        if not (
            x0 - _EDGE_SLACK <= char.cx <= x1 + _EDGE_SLACK
            and y0 - _EDGE_SLACK <= char.cy <= y1 + _EDGE_SLACK
        ):
            continue
        x = min(max(char.cx, x0), x1 - 1e-6)
        y = min(max(char.cy, y0), y1 - 1e-6)
        cell = grid.cell_index_at(x, y)
        if cell is not None:
            return index, cell
    return None


def _grid_tokens(number: int, grid: Grid, cell_chars: list[list[Char]], table: int) -> list[Token]:
    return [
        Token(
            text=cell_text(chars),
            page=number,
            bbox=cell.bbox,
            confidence=1.0,
            grid=GridPosition(
                table=table, row=cell.row, col=cell.col, rowspan=cell.rowspan, colspan=cell.colspan
            ),
        )
        for cell, chars in zip(grid.cells, cell_chars, strict=True)
    ]
