"""Pictures of what was read and the review station: overlays drawn where the record says, decisions
written back atomically with their rules rechecked, reruns that keep them, and a browser fixing a cell."""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import cv2
import numpy as np
import pytest

from flows.document import run_document
from models.document import Document
from models.inputs import DocumentInput
from reportgrid import overlay
from reportgrid.limits import Limits
from reportgrid.review import Decision, apply_review
from reportgrid.review_server import ReviewStation, make_server
from samplegen.shared_data import REAL_DATA

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"
IN_PROCESS = Limits(seconds=None, memory_bytes=None)
CHROMIUM = Path("/usr/bin/chromium")


def _run(source: Path, out: Path, keep_reviews: bool = True) -> Document:
    name = f"{source.name}.json"
    run_document(DocumentInput(source), out, name, IN_PROCESS, keep_reviews)
    return Document.model_validate_json((out / name).read_bytes())


def _pixel(
    picture: np.ndarray,
    box: tuple[float, float, float, float],
    scale: float,
    origin: tuple[float, float],
    dx: int,
) -> tuple[int, ...]:
    """The overlay's pixel ``dx`` right of the left edge of ``box`` (record units), half-way down."""
    x0, y0, _, y1 = (
        round((box[0] - origin[0]) * scale),
        round((box[1] - origin[1]) * scale),
        0,
        round((box[3] - origin[1]) * scale),
    )
    return tuple(int(v) for v in picture[(y0 + y1) // 2, x0 + dx])


@pytest.fixture(scope="module")
def scan_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Document]:
    out = tmp_path_factory.mktemp("scan")
    return out, _run(SAMPLES / "scan-2021-table3-sideways.png", out)


def test_scan_overlay_shows_grid_and_flags_where_the_record_says(scan_run: tuple[Path, Document]) -> None:
    out, document = scan_run
    (record,) = document.pages
    assert record.method == "ocr" and record.unit == "px" and record.grids
    assert record.overlay == "scan-2021-table3-sideways.png.page-1.png"
    picture = cv2.imread(str(out / record.overlay))
    scale = min(1.0, overlay.MAX_WIDTH / record.size[0])
    assert picture.shape[1] == round(record.size[0] * scale)
    # a sideways photo's boxes are the upright cells' hulls, so neighbours overlap a little: most, not all
    grid_cells = record.grids[0].cells
    on_grid = [_pixel(picture, c.bbox, scale, record.origin, 0) == overlay.GRID for c in grid_cells]
    assert sum(on_grid) >= 0.8 * len(grid_cells)
    flagged = [c for t in document.tables for c in t.cells if c.needs_review and c.bbox is not None]
    certain = [c for t in document.tables for c in t.cells if overlay.cell_colour(c) is None and c.bbox]
    assert flagged and certain
    red = [_pixel(picture, c.bbox, scale, record.origin, 4) == overlay.FLAGGED for c in flagged]
    assert sum(red) >= 0.8 * len(flagged)
    red_certain = [_pixel(picture, c.bbox, scale, record.origin, 4) == overlay.FLAGGED for c in certain]
    assert sum(red_certain) <= 0.1 * len(certain)
    assert not [p for p in out.iterdir() if p.name.startswith(".rg-")]


def test_pdf_overlay_is_drawn_per_page_with_a_table(tmp_path: Path) -> None:
    document = _run(SAMPLES / "digital-2021-filled.pdf", tmp_path)
    drawn = [record for record in document.pages if record.overlay]
    assert [r.page for r in drawn] == [r.page for r in document.pages if r.grids]
    assert all(r.method == "text_layer" and r.unit == "pt" for r in document.pages)
    for record in drawn:
        picture = cv2.imread(str(tmp_path / record.overlay))
        scale = overlay.MAX_WIDTH / record.size[0]
        for grid in record.grids:
            assert _pixel(picture, grid.cells[0].bbox, scale, record.origin, 0) == overlay.GRID
    (tmp_path / "digital-2021-filled.pdf.page-9.png").write_bytes(b"stale")
    _run(SAMPLES / "digital-2021-filled.pdf", tmp_path)
    assert not (tmp_path / "digital-2021-filled.pdf.page-9.png").exists()
    uri = overlay.thumbnail_data_uri(tmp_path / overlay.thumbnail_name(drawn[0].overlay))
    assert uri.startswith("data:image/png;base64,")
    small = cv2.imdecode(np.frombuffer(base64.b64decode(uri.split(",", 1)[1]), np.uint8), 1)
    assert small.shape[1] == 160


@pytest.fixture
def shanghai_out(tmp_path: Path) -> tuple[Path, Document]:
    source = tmp_path / "src" / "shanghai-2019.txt"
    source.parent.mkdir()
    shutil.copy(REAL_DATA / "shanghai-2019.txt", source)
    out = tmp_path / "out"
    return out, _run(source, out)


def _flagged(document: Document):
    return [(t.id, c) for t in document.tables for c in t.cells if c.needs_review]


def test_review_decisions_rewrite_the_json_and_recompute_the_status(shanghai_out) -> None:
    out, document = shanghai_out
    assert document.status == "needs_review"
    station = ReviewStation(out)
    flagged = _flagged(document)
    table_id, cell = flagged[0]
    form = {
        "table": table_id,
        "row": cell.row_key,
        "col": cell.col_key,
        "value": "12",
        "note": "seen on paper",
    }
    station.decide("shanghai-2019.txt.json", form)
    written = Document.model_validate_json((out / "shanghai-2019.txt.json").read_bytes())
    (after,) = [
        c
        for t in written.tables
        if t.id == table_id
        for c in t.cells
        if c.row_key == cell.row_key and c.col_key == cell.col_key
    ]
    assert after.origin == "reviewed" and after.value == Decimal(12) and not after.needs_review
    assert after.review is not None and after.review.note == "seen on paper"
    assert after.review.previous_value == cell.value
    assert not [p for p in out.iterdir() if p.name.startswith(".rg-")]
    # 12 breaks the rules it is in (unless it was the value): the other cells of a failed rule are flagged
    failing = [
        c
        for c in written.checks
        if c.kind == "rule" and not c.passed and [cell.row_key, cell.col_key] in c.cells
    ]
    for check in failing:
        for row, col in check.cells:
            other = next(
                c
                for t in written.tables
                if t.id == check.table
                for c in t.cells
                if (c.row_key, c.col_key) == (row, col)
            )
            assert other.origin == "reviewed" or other.needs_review
    # confirming every flagged cell as shown settles the document
    decisions = [
        Decision(t, c.row_key, c.col_key, c.value if c.value is not None else Decimal(0))
        for t, c in _flagged(document)
    ]
    settled = apply_review(document, decisions)
    assert not _flagged(settled)
    assert settled.status == "valid"
    assert all(check.passed or check.reviewed for check in settled.checks)


def test_a_rerun_keeps_reviewed_cells_unless_forced_or_the_input_changed(shanghai_out) -> None:
    out, document = shanghai_out
    source = Path(document.source.path)
    table_id, cell = _flagged(document)[0]
    ReviewStation(out).decide(
        "shanghai-2019.txt.json",
        {"table": table_id, "row": cell.row_key, "col": cell.col_key, "action": "confirm"},
    )

    def reviewed(doc: Document) -> list[str]:
        return [
            f"{t.id}/{c.row_key}/{c.col_key}" for t in doc.tables for c in t.cells if c.origin == "reviewed"
        ]

    kept = _run(source, out)
    assert reviewed(kept) == [f"{table_id}/{cell.row_key}/{cell.col_key}"]
    keys = [(t, c.row_key, c.col_key) for t, c in _flagged(document)][1:]
    assert [(t, c.row_key, c.col_key) for t, c in _flagged(kept)] == keys
    assert reviewed(_run(source, out, keep_reviews=False)) == []
    ReviewStation(out).decide(
        "shanghai-2019.txt.json",
        {"table": table_id, "row": cell.row_key, "col": cell.col_key, "action": "confirm"},
    )
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert reviewed(_run(source, out)) == []


@pytest.fixture
def station_url(shanghai_out) -> Iterator[tuple[str, Path]]:
    out, _ = shanghai_out
    server = make_server(out, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", out
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (make test installs it)"
)
def test_a_browser_fixes_a_flagged_cell(station_url: tuple[str, Path]) -> None:
    playwright = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (dev extra)")
    url, out = station_url
    shots = os.environ.get("REPORTGRID_SCREENSHOTS")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        row = page.locator("tr[data-document='shanghai-2019.txt.json']")
        assert "needs_review" in row.inner_text()
        if shots:
            page.screenshot(path=f"{shots}/review-index.png")
        row.locator("a").click()
        item = page.locator("ol.review li.flagged").first
        table, row_key, col_key = (item.get_attribute(k) for k in ("data-table", "data-row", "data-col"))
        item.locator("input[name=value]").fill("7")
        item.locator("input[name=note]").fill("read on the paper copy")
        item.locator("button[value=save]").click()
        page.wait_for_selector("p.message")
        assert "set to 7" in page.locator("p.message").inner_text()
        if shots:
            page.screenshot(path=f"{shots}/review-document.png")
        browser.close()
    written = json.loads((out / "shanghai-2019.txt.json").read_text(encoding="utf-8"))
    (cell,) = [
        c
        for t in written["tables"]
        if t["id"] == table
        for c in t["cells"]
        if (c["row_key"], c["col_key"]) == (row_key, col_key)
    ]
    assert cell["origin"] == "reviewed" and cell["value"] == 7
    assert cell["review"]["note"] == "read on the paper copy"
    assert written["status"] in ("valid", "needs_review")
