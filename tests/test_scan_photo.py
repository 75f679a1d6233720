"""Phone photos of a page: the sheet found on the desk and flattened before the grid, so no row is lost."""

from __future__ import annotations

import numpy as np
import pytest
from scan_pages import TruthPage, draw_table_page, sample_layout

from extractors.scan import cleanup, grid, outline
from samplegen.degrade import photograph


@pytest.fixture(scope="module")
def table_three() -> TruthPage:
    return draw_table_page(sample_layout("2021", "三", seed=5))


def _photo(page: TruthPage, tilt: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rgb = np.repeat(np.asarray(page.image)[:, :, None], 3, axis=2)
    image, view = photograph(rgb, tilt, np.random.default_rng(seed))
    return np.ascontiguousarray(image[:, :, ::-1]), view


def _slots(tables: list[grid.Table]) -> set[tuple[int, int, int, int]]:
    return {(c.row, c.col, c.rowspan, c.colspan) for t in tables for c in t.cells}


@pytest.mark.parametrize(("tilt", "seed"), [(3.0, 1), (6.0, 2)])
def test_sheet_outline_found_where_the_photo_put_its_corners(
    table_three: TruthPage, tilt: float, seed: int
) -> None:
    photo, view = _photo(table_three, tilt, seed)
    width, height = table_three.image.size
    corners = np.array([[0, 0, 1], [width, 0, 1], [width, height, 1], [0, height, 1]], dtype=float) @ view.T
    expected = corners[:, :2] / corners[:, 2:]
    found = outline.page_quad(cleanup.to_grey(photo))
    assert found is not None
    assert np.abs(found - expected).max() <= 0.01 * max(width, height)


@pytest.mark.parametrize(("tilt", "seed"), [(3.0, 1), (6.0, 2)])
def test_photographed_page_keeps_every_row_and_cell(table_three: TruthPage, tilt: float, seed: int) -> None:
    photo, _ = _photo(table_three, tilt, seed)
    flat, _ = outline.flatten_sheet(cleanup.to_grey(photo))
    ink = cleanup.ink_mask(cleanup.flatten_light(flat))
    truth = {(c.row, c.col, c.rowspan, c.colspan) for c in table_three.cells}
    assert _slots(grid.find_tables(ink)) == truth


def test_a_scan_filling_the_image_is_left_as_it_is(table_three: TruthPage) -> None:
    grey = np.asarray(table_three.image)
    assert outline.page_quad(grey) is None
    flat, view = outline.flatten_sheet(grey)
    assert flat is grey and np.array_equal(view, np.eye(3))
