"""Which way up a page is: the bands' geometry turns a page a quarter only when its lines do not read
clearly as they are."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw
from scan_pages import _font

from extractors.scan import cleanup, grid, orientation
from extractors.scan.ocr import get_engine
from extractors.scan.page import make_upright

SIDEWAYS_SCAN = Path(__file__).resolve().parent.parent / "sample_scans" / "scan-2021-table3-sideways.png"
TEXT = "全区政府信息公开工作虽取得一定成绩但对照上级要求和群众期盼仍存在一些不足主要是个别部门"


def _columned_page() -> np.ndarray:
    """An upright A4 page at 200 dpi whose prose is set in spaced characters on tight lines: smeared
    along its rows the characters stay apart, smeared down the page they join, as the evenly spaced
    characters of a real report's page did (its bands read sideways)."""
    page = Image.new("RGB", (1700, 2300), (255, 255, 255))
    draw = ImageDraw.Draw(page)
    draw.text((200, 150), "政府信息公开行政复议", font=_font(35), fill=(0, 0, 0))
    draw.text((200, 260), "存在的主要问题及改进", font=_font(35), fill=(0, 0, 0))
    for line in range(30):
        for index in range(12):
            character = TEXT[(line * 7 + index) % len(TEXT)]
            draw.text(
                (200 + index * 34 * 1.5, 400 + line * 34 * 1.1), character, font=_font(34), fill=(0, 0, 0)
            )
    return np.ascontiguousarray(np.asarray(page)[:, :, ::-1])


def _unturned(image: np.ndarray) -> bool:
    """The page comes out as it went in (levelled at most): same shape, its top left corner kept."""
    page = make_upright(image, get_engine())
    x0, y0, _, _ = page.original_box((0, 0, 10, 10))
    return page.grey.shape == image.shape[:2] and abs(x0) < 20 and abs(y0) < 20


def test_an_upright_page_whose_bands_run_down_it_stays_upright() -> None:
    image = _columned_page()
    grey = cleanup.to_grey(image)
    ink = cleanup.ink_mask(grey)
    unit = grid.line_unit(ink)
    assert orientation.is_sideways(ink, unit, orientation.line_boxes(ink, unit))
    assert _unturned(image)


def test_a_sideways_scan_is_turned() -> None:
    image = cv2.imread(str(SIDEWAYS_SCAN))
    upright = make_upright(image, get_engine()).grey
    assert image.shape[1] > image.shape[0] and upright.shape[0] > upright.shape[1]
