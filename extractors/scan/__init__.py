"""Scanned reports: page images in, Observations out (table cells with grid positions, text lines).

``extract_images`` reads a PNG/JPEG/TIFF file (every TIFF page) or a scan's page images in the order
discovery gave them; ``observe_pages`` reads page images already in memory (the PDF
extractor's rendered image-only pages). Images are BGR or grey uint8 arrays, as OpenCV holds them.
Every detected table cell becomes a token, empty ones with text "" so blanks keep their place; tables
are numbered from 0 in page order. The OCR engine is ``$REPORTGRID_OCR_ENGINE`` (rapidocr by default,
or paddle), loaded once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from extractors.base import ExtractionError
from extractors.scan.loading import load
from extractors.scan.ocr import OcrEngine, get_engine
from extractors.scan.page import observe_page
from models.errors import ErrorCode
from models.observation import Observations, PageRecord, Token, grid_records


def observe_pages(
    images: list[np.ndarray], *, first_page: int = 1, engine: OcrEngine | None = None
) -> list[Token]:
    """Tokens of consecutive page images, pages numbered from ``first_page``."""
    reader = engine or get_engine()
    tokens: list[Token] = []
    next_table = 0
    for offset, picture in enumerate(images):
        image = picture.astype(np.uint8) * 255 if picture.dtype == bool else picture
        if image.ndim not in (2, 3) or image.dtype != np.uint8 or min(image.shape[:2]) < 32:
            raise ExtractionError(
                ErrorCode.IMAGE_UNREADABLE,
                f"page {first_page + offset} is not a usable image ({image.shape}, {image.dtype})",
            )
        page_tokens = observe_page(image, first_page + offset, next_table, reader)
        for token in page_tokens:
            token.recognised = True
        tables = {t.grid.table for t in page_tokens if t.grid is not None}
        next_table = max(tables, default=next_table - 1) + 1
        tokens.extend(page_tokens)
    return tokens


def extract_images(
    path: Path, *, pages: Sequence[Path] = (), engine: OcrEngine | None = None
) -> Observations:
    """Observations of a scan: one image file (all its frames), or ``pages`` in order."""
    images, media_type = load(path, pages)
    tokens = observe_pages(images, engine=engine)
    notes = []
    if not any(t.grid is not None for t in tokens):
        notes.append("no ruled table found on any page")
    if not any(t.text for t in tokens):
        notes.append("no text recognised on any page")
    return Observations(
        source_kind="scan",
        media_type=media_type,
        pages=len(images),
        tokens=tokens,
        notes=notes,
        page_records=[_record(tokens, number, image) for number, image in enumerate(images, start=1)],
    )


def _record(tokens: list[Token], number: int, image: np.ndarray) -> PageRecord:
    """What was done with one page image: OCR, the grids found (boxes in the image's pixels)."""
    grids = grid_records(tokens, number)
    faults = [] if grids else ["no ruled table found"]
    if not any(t.text for t in tokens if t.page == number):
        faults.append("no text recognised")
    height, width = image.shape[:2]
    return PageRecord(
        page=number, method="ocr", unit="px", size=(float(width), float(height)), grids=grids, faults=faults
    )


__all__ = ["extract_images", "observe_pages"]
