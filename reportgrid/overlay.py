"""Pictures of what was read: each scanned or PDF page with a table, the grid found on it and every
cell's decided value drawn over the page, cells coloured by what became of them, with a legend.

Everything drawn comes from the document's record (``Document.pages``: method, grids, faults; each
cell's value, origin, flag, page and box); the page itself is only rendered (pypdfium2 for a PDF, the
image file for a scan), never read again. The PNG is ``<json stem>.page-<N>.png`` beside the JSON,
written atomically like the JSON, and its name recorded in the page's record; beside it, drawn once with
it, its thumbnail ``<json stem>.page-<N>.thumb.png`` for the review queue (which would otherwise decode
and shrink every flagged page's overlay at the end of every run, reruns included: 10.3 s of a 13.5 s
rerun of 200 documents, 73 of them flagged, measured).
"""

from __future__ import annotations

import base64
import contextlib
import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from models.document import Cell, Document
from models.inputs import DocumentInput
from models.lexicon import decimal_text
from models.observation import BBox, PageRecord
from reportgrid.output import write_atomic

# Overlays are drawn at this width at most: a 300 dpi A4 scan (2480 px) halves to a 1-2 MB PNG
# whose 8-pixel cell values stay legible; a PDF page is rendered to it.
MAX_WIDTH = 1400
LEGEND_ROW = 26
# The review queue's thumbnails: three a line in the Prefect UI's table still fit a laptop screen.
THUMBNAIL_WIDTH = 160
FONT = cv2.FONT_HERSHEY_SIMPLEX

# BGR colours; each state has its own, also in the legend.
GRID = (200, 110, 0)
VALUE = (90, 40, 0)
CORRECTED = (0, 140, 255)
DERIVED = (200, 160, 60)
FLAGGED = (0, 0, 220)
REVIEWED = (0, 160, 0)
LEGEND: tuple[tuple[tuple[int, int, int], str], ...] = (
    (GRID, "grid found (each cell's box)"),
    (VALUE, "value as decided"),
    (DERIVED, "derived: a blank total the sums give"),
    (CORRECTED, "corrected: the sums prove the reading wrong"),
    (FLAGGED, "needs review"),
    (REVIEWED, "reviewed by a person"),
)


def overlay_name(json_name: str, page: int) -> str:
    return f"{json_name.removesuffix('.json')}.page-{page}.png"


def thumbnail_name(overlay: str) -> str:
    return f"{overlay.removesuffix('.png')}.thumb.png"


def overlay_pages(document: Document) -> list[PageRecord]:
    """Records of the pages that get an overlay: scanned or PDF pages with a grid or a placed cell."""
    placed = {cell.page for table in document.tables for cell in table.cells if cell.bbox is not None}
    return [
        record
        for record in document.pages
        if record.unit is not None and record.size is not None and (record.grids or record.page in placed)
    ]


def write_overlays(document: Document, source: DocumentInput, out_dir: Path, json_name: str) -> Document:
    """Draw and write every overlay of ``document``; return it with the overlays' names recorded.

    A page that cannot be drawn (its source gone, unreadable) gets the reason as a fault instead; the
    document is never failed for its pictures. Overlays of earlier runs no page has now are removed.
    """
    wanted = overlay_pages(document)
    records = []
    written: set[str] = set()
    images = _PageImages(document, source) if wanted else None
    for record in document.pages:
        if record not in wanted or images is None:
            records.append(record.model_copy(update={"overlay": None}))
            continue
        name = overlay_name(json_name, record.page)
        try:
            picture, scale = images.page(record)
            drawn = draw_overlay(picture, scale, record, document)
            write_atomic(out_dir / name, encode_png(drawn))
            write_atomic(out_dir / thumbnail_name(name), encode_png(_shrink(drawn, THUMBNAIL_WIDTH)))
        except Exception as exc:  # a picture is a help for the reviewer, never a reason to lose the JSON
            fault = f"overlay not drawn: {type(exc).__name__}: {exc}"
            records.append(record.model_copy(update={"overlay": None, "faults": [*record.faults, fault]}))
            continue
        written.update((name, thumbnail_name(name)))
        records.append(record.model_copy(update={"overlay": name}))
    _remove_stale(out_dir, json_name, written)
    return document.model_copy(update={"pages": records})


def _remove_stale(out_dir: Path, json_name: str, keep: set[str]) -> None:
    pattern = glob.escape(str(out_dir / json_name.removesuffix(".json"))) + ".page-*.png"
    for path in glob.glob(pattern):
        if Path(path).name not in keep:
            with contextlib.suppress(OSError):  # an unwritable folder: write_outcome reports it
                Path(path).unlink(missing_ok=True)


class _PageImages:
    """Pictures of a document's pages, rendered from its source once each as asked."""

    def __init__(self, document: Document, source: DocumentInput) -> None:
        self.source = source
        self.is_pdf = document.source.media_type == "application/pdf"
        self._scans: list[np.ndarray] | None = None

    def page(self, record: PageRecord) -> tuple[np.ndarray, float]:
        """The page as BGR pixels, and the pixels per unit of the record's boxes."""
        assert record.size is not None
        if self.is_pdf:
            return _render_pdf(self.source.path, record.page, MAX_WIDTH / record.size[0])
        if self._scans is None:
            from extractors.scan.loading import load

            self._scans, _ = load(self.source.path, self.source.pages)
        image = self._scans[record.page - 1]
        scale = min(1.0, MAX_WIDTH / image.shape[1])
        if scale < 1.0:
            size = (round(image.shape[1] * scale), round(image.shape[0] * scale))
            image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
        return _bgr(image), scale


def _render_pdf(path: Path, page_number: int, scale: float) -> tuple[np.ndarray, float]:
    import pypdfium2 as pdfium

    from extractors.pdf_open import PDFIUM_LOCK

    with PDFIUM_LOCK:
        pdf = pdfium.PdfDocument(path)
        try:
            page = pdf[page_number - 1]
            bitmap = page.render(scale=scale)
            image = np.array(bitmap.to_numpy()[:, :, :3])
            bitmap.close()
            page.close()
        finally:
            pdf.close()
    return image, scale


def _bgr(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image.copy()


@dataclass(frozen=True)
class _Frame:
    """Maps the record's boxes (page units) onto the picture's pixels."""

    scale: float
    origin: tuple[float, float]

    def box(self, bbox: BBox) -> tuple[int, int, int, int]:
        ox, oy = self.origin
        x0, y0, x1, y1 = bbox
        return (
            round((x0 - ox) * self.scale),
            round((y0 - oy) * self.scale),
            round((x1 - ox) * self.scale),
            round((y1 - oy) * self.scale),
        )


def cell_colour(cell: Cell) -> tuple[int, int, int] | None:
    """The colour of a cell's state, or None for a value read (or blank) and certain."""
    if cell.origin == "reviewed":
        return REVIEWED
    if cell.needs_review:
        return FLAGGED
    if cell.origin == "corrected":
        return CORRECTED
    if cell.origin == "derived":
        return DERIVED
    return None


def draw_overlay(picture: np.ndarray, scale: float, record: PageRecord, document: Document) -> np.ndarray:
    """The page with its grids, each cell's value and state, and the legend below it."""
    frame = _Frame(scale, record.origin)
    faded = cv2.addWeighted(picture, 0.55, np.full_like(picture, 255), 0.45, 0)
    cells = [
        cell
        for table in document.tables
        for cell in table.cells
        if cell.page == record.page and cell.bbox is not None
    ]
    tint = faded.copy()
    for cell in cells:
        colour = cell_colour(cell)
        if colour is not None:
            x0, y0, x1, y1 = frame.box(cell.bbox)  # type: ignore[arg-type]
            cv2.rectangle(tint, (x0, y0), (x1, y1), colour, cv2.FILLED)
    image = cv2.addWeighted(faded, 0.8, tint, 0.2, 0)
    for grid in record.grids:
        for grid_cell in grid.cells:
            x0, y0, x1, y1 = frame.box(grid_cell.bbox)
            cv2.rectangle(image, (x0, y0), (x1, y1), GRID, 1)
        x0, y0, x1, y1 = frame.box(grid.bbox)
        cv2.rectangle(image, (x0, y0), (x1, y1), GRID, 2)
    for cell in cells:
        _draw_cell(image, frame.box(cell.bbox), cell)  # type: ignore[arg-type]
    return np.vstack([image, _legend(image.shape[1], record, cells)])


def _draw_cell(image: np.ndarray, box: tuple[int, int, int, int], cell: Cell) -> None:
    """The cell's state as a frame just inside its box, its value in its lower right corner."""
    x0, y0, x1, y1 = box
    colour = cell_colour(cell)
    if colour is not None and x1 - x0 > 8 and y1 - y0 > 8:
        cv2.rectangle(image, (x0 + 3, y0 + 3), (x1 - 3, y1 - 3), colour, 2)
    text = "?" if cell.value is None else decimal_text(cell.value)
    size = max(0.3, min(0.5, (y1 - y0) / 50))
    (width, height), _ = cv2.getTextSize(text, FONT, size, 1)
    at = (max(x0 + 2, x1 - width - 6), y1 - max(3, (y1 - y0 - height) // 2))
    cv2.putText(image, text, at, FONT, size, colour or VALUE, 1, cv2.LINE_AA)


def _legend(width: int, record: PageRecord, cells: Sequence[Cell]) -> np.ndarray:
    """A white band: the page's summary line, then one swatch per colour with its meaning and count."""
    counts = {
        GRID: sum(len(grid.cells) for grid in record.grids),
        VALUE: sum(cell_colour(cell) is None for cell in cells),
        DERIVED: sum(cell_colour(cell) == DERIVED for cell in cells),
        CORRECTED: sum(cell_colour(cell) == CORRECTED for cell in cells),
        FLAGGED: sum(cell_colour(cell) == FLAGGED for cell in cells),
        REVIEWED: sum(cell_colour(cell) == REVIEWED for cell in cells),
    }
    method = {"ocr": "OCR", "text_layer": "text layer"}.get(record.method, record.method)
    lines = [f"page {record.page}: read by {method}; {len(record.grids)} grids, {len(cells)} table cells"]
    lines += [f"fault: {fault}" for fault in record.faults]
    band = np.full((LEGEND_ROW * (len(lines) + len(LEGEND)) + 10, width, 3), 255, dtype=np.uint8)
    cv2.line(band, (0, 1), (width, 1), (0, 0, 0), 1)
    y = LEGEND_ROW
    for line in lines:
        cv2.putText(band, _ascii(line), (10, y - 6), FONT, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        y += LEGEND_ROW
    for colour, meaning in LEGEND:
        cv2.rectangle(band, (10, y - 20), (40, y - 4), colour, cv2.FILLED)
        cv2.putText(band, f"{meaning} ({counts[colour]})", (50, y - 6), FONT, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
        y += LEGEND_ROW
    return band


def _ascii(text: str) -> str:
    """OpenCV's fonts draw ASCII only: other characters (a fault naming a Chinese file) become '?'."""
    return text.encode("ascii", "replace").decode()


def encode_png(image: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".png", image)
    if not ok:
        raise ValueError("the overlay could not be encoded as PNG")
    return data.tobytes()


def _shrink(image: np.ndarray, width: int) -> np.ndarray:
    height = max(1, round(image.shape[0] * width / image.shape[1]))
    return cv2.resize(image, (width, height), interpolation=cv2.INTER_AREA)


def thumbnail_data_uri(thumbnail: Path) -> str:
    """A thumbnail PNG as a ``data:`` URI (renders offline anywhere); ValueError if it is not there."""
    try:
        data = thumbnail.read_bytes()
    except OSError as exc:
        raise ValueError(f"{thumbnail} cannot be read: {exc.strerror or exc}") from exc
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")
