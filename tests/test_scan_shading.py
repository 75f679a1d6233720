"""Header rows and 第二十条 bands shaded as Word and WPS print them: rules still found, fills no ink."""

from __future__ import annotations

import numpy as np
import pytest
from scan_pages import draw_table_page, fax, sample_layout, scanned

from extractors.scan import cleanup, grid
from extractors.scan.ocr import get_engine
from extractors.scan.page import observe_page


def _ink(image: np.ndarray) -> np.ndarray:
    return cleanup.ink_mask(cleanup.flatten_light(cleanup.to_grey(image)))


@pytest.mark.parametrize("shade", [230, 205, 180])
@pytest.mark.parametrize("table_id", ["二", "三"])
def test_shaded_headers_and_bands_keep_every_cell(table_id: str, shade: int) -> None:
    page = draw_table_page(sample_layout("2021", table_id, seed=5), shade=shade)
    truth = {(c.row, c.col, c.rowspan, c.colspan) for c in page.cells}
    for image in (
        np.asarray(page.image),
        np.asarray(scanned(page.image, seed=1)),
        np.asarray(fax(page.image)),
    ):
        ink = _ink(image)
        found = {(c.row, c.col, c.rowspan, c.colspan) for t in grid.find_tables(ink) for c in t.cells}
        assert found == truth
        # the fill is paper, not ink: a shaded cell's interior holds no more ink than its print
        for cell in page.cells:
            if not cell.is_value:
                x0, y0, x1, y1 = cell.bbox
                assert float((ink[y0 + 6 : y1 - 6, x0 + 6 : x1 - 6] > 0).mean()) < 0.3, cell


def test_values_under_shaded_bands_read_as_printed() -> None:
    page = draw_table_page(sample_layout("2021", "二", seed=5), shade=190)
    image = np.asarray(scanned(page.image, seed=2))
    tokens = observe_page(image, 1, 0, get_engine())
    read = {(t.grid.row, t.grid.col): t.text for t in tokens if t.grid is not None}
    for cell in page.cells:
        if cell.is_value:
            assert read[cell.row, cell.col] == cell.text, (cell.row, cell.col)
