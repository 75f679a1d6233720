"""A fax page of zeros (an office nobody asked): every zero read as 0, none as "O", "(" or "()"."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from scan_pages import draw_table_page, fax, sample_layout

from extractors.scan.ocr import get_engine
from extractors.scan.page import observe_page
from samplegen.degrade import Degradation, damage


@pytest.fixture(scope="module")
def zeros_page():
    return draw_table_page(sample_layout("2021", "三", seed=3, zeros=True))


def _values(page, image: np.ndarray) -> Counter:
    values = {(c.row, c.col) for c in page.cells if c.is_value}
    tokens = observe_page(image, 1, 0, get_engine())
    read = {(t.grid.row, t.grid.col): (t.text, t.confidence) for t in tokens if t.grid is not None}
    assert values <= set(read)
    return Counter(read[key] if read[key][0] != "0" else ("0", None) for key in values)


def test_fax_with_broken_rules_reads_its_zeros(zeros_page) -> None:
    found = _values(zeros_page, np.asarray(fax(zeros_page.image, seed=2, gap_rate=0.15).convert("L")))
    assert found[("0", None)] >= 0.9 * sum(found.values()), found
    # what is not read as 0 is doubted, never another number taken as certain
    assert all(confidence < 0.5 for (text, confidence) in found if text != "0"), found


def test_faded_fax_reads_its_zeros(zeros_page) -> None:
    rgb = np.repeat(np.asarray(zeros_page.image)[:, :, None], 3, axis=2)
    shot = damage(rgb, Degradation(dpi=200, fax=True, faded=0.6), seed=4)
    found = _values(zeros_page, shot.image)
    assert found[("0", None)] >= 0.95 * sum(found.values()), found
    assert all(confidence < 0.5 for (text, confidence) in found if text != "0"), found
