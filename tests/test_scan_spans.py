"""Slots joined by missing rules come back as rectangles, as printed cells are."""

from __future__ import annotations

from extractors.scan.spans import rectangles


def test_a_rectangle_is_one_cell() -> None:
    assert rectangles([(1, 2), (1, 3), (2, 2), (2, 3)]) == [(1, 2, 2, 2)]


def test_a_header_joined_to_a_cell_below_through_a_missed_rule_is_cut_back() -> None:
    """A five-column header whose rule above its last column's cell was missed: the header stays
    whole and the cell below is its own."""
    header = [(1, c) for c in range(5, 10)]
    assert sorted(rectangles([*header, (2, 9)])) == [(1, 5, 1, 5), (2, 9, 1, 1)]


def test_an_l_shape_is_cut_where_the_largest_piece_stays_whole() -> None:
    column = [(r, 0) for r in range(4)]
    assert sorted(rectangles([*column, (3, 1)])) == [(0, 0, 4, 1), (3, 1, 1, 1)]
