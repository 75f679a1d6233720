"""Scanned pages written as the files archives hold, each with ``<file>.expected.json`` beside it.

One page as PNG or JPEG; several as a multi-page TIFF (Group 4 when every page is a fax), a folder of
page images ``<name>_p1.png`` … (truth beside the folder, ``<name>.expected.json``), an image-only
PDF, or a mixed PDF whose scanned pages replace some typed ones. In PDFs the truth is in points.
"""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path
from typing import Literal

import pypdfium2 as pdfium
from PIL import Image

from samplegen.degrade import Degradation, ScannedPage, scan_document
from samplegen.truth import BBox, SampleTruth

ScanFormat = Literal["png", "jpeg", "tiff", "pages", "pdf"]
_FIXED_DATE = time.strptime("2025-01-01", "%Y-%m-%d")
SUFFIX = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pages": "", "pdf": ".pdf"}


def expected_path(document: Path) -> Path:
    """Where the truth of ``document`` (a file, or a folder of page images) is written."""
    return document.with_name(document.name + ".expected.json")


def _image(page: ScannedPage) -> Image.Image:
    image = Image.fromarray(page.image)
    return image.convert("1") if page.spec.fax else image


def _quality(page: ScannedPage) -> int:
    return page.spec.jpeg_quality or 85


def write_scan(
    pages: list[ScannedPage], truth: SampleTruth, folder: Path, name: str, fmt: ScanFormat
) -> Path:
    """Write the scanned ``pages`` of one document in ``fmt``; returns the document's path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name + SUFFIX[fmt])
    images = [_image(page) for page in pages]
    dpi = pages[0].spec.dpi
    if fmt in ("png", "jpeg") and len(pages) != 1:
        raise ValueError(f"a {fmt} file holds one page, not {len(pages)}")
    if fmt == "png":
        images[0].save(target, dpi=(dpi, dpi), optimize=True)
    elif fmt == "jpeg":
        images[0].save(target, quality=_quality(pages[0]), dpi=(dpi, dpi))
    elif fmt == "tiff":
        compression = "group4" if all(p.spec.fax for p in pages) else "tiff_adobe_deflate"
        images[0].save(
            target, save_all=True, append_images=images[1:], compression=compression, dpi=(dpi, dpi)
        )
    elif fmt == "pages":
        target.mkdir(exist_ok=True)
        for number, image in enumerate(images, start=1):
            image.save(target / f"{name}_p{number}.png", dpi=(dpi, dpi), optimize=True)
    else:
        target.write_bytes(_image_pdf(pages))
        truth = _in_points(truth, pages, range(1, len(pages) + 1))
    truth.variant = {**truth.variant, "format": fmt}
    truth.write(expected_path(target))
    return target


def _image_pdf(pages: list[ScannedPage]) -> bytes:
    """An image-only PDF, one page per image, each page as large as its image at its dpi."""
    buffer = io.BytesIO()
    images = [_image(page).convert("L") if page.spec.fax else _image(page) for page in pages]
    images[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=float(pages[0].spec.dpi),
        quality=_quality(pages[0]),
        creationDate=_FIXED_DATE,
        modDate=_FIXED_DATE,
    )
    return buffer.getvalue()


def _in_points(truth: SampleTruth, pages: list[ScannedPage], numbers: range | list[int]) -> SampleTruth:
    """Truth of scanned pages moved from image pixels to PDF points of an image-only page."""
    out = replace(truth, units="pt")
    for number, page in zip(numbers, pages, strict=True):
        scale = 72 / page.spec.dpi

        def to_points(box: BBox, s: float = scale) -> BBox:
            return (box[0] * s, box[1] * s, box[2] * s, box[3] * s)

        out.map_boxes(number, to_points)
        out.pages = [
            replace(p, width=p.width * scale, height=p.height * scale) if p.page == number else p
            for p in out.pages
        ]
    return out


def write_mixed_pdf(
    digital: Path, truth: SampleTruth, scans: dict[int, Degradation], target: Path, seed: int
) -> SampleTruth:
    """A PDF whose pages in ``scans`` are images of scans of the digital PDF's pages; the rest stay
    typed. The truth is written beside it, in points, scanned pages marked ``text_layer: image``."""
    numbers = sorted(scans)
    shots, scanned = scan_document(digital, truth, numbers, [scans[n] for n in numbers], seed)
    scanned = _in_points(scanned, shots, range(1, len(shots) + 1))
    source = pdfium.PdfDocument(str(digital))
    out = pdfium.PdfDocument.new()
    try:
        for number in range(1, len(source) + 1):
            if number in scans:
                image_pdf = pdfium.PdfDocument(_image_pdf([shots[numbers.index(number)]]))
                out.import_pages(image_pdf)
                image_pdf.close()
            else:
                out.import_pages(source, [number - 1])
        out.save(str(target))
    finally:
        out.close()
        source.close()
    scanned_cells = {numbers[c.page - 1]: [] for c in scanned.cells}
    for cell in scanned.cells:
        scanned_cells[numbers[cell.page - 1]].append(replace(cell, page=numbers[cell.page - 1]))
    cells = [c for c in truth.cells if c.page not in scans] + [c for cs in scanned_cells.values() for c in cs]
    parts = [p for p in truth.parts if p.page not in scans] + [
        replace(p, page=numbers[p.page - 1]) for p in scanned.parts
    ]
    pages = [p for p in truth.pages if p.page not in scans] + [
        replace(p, page=numbers[p.page - 1], source_page=None) for p in scanned.pages
    ]
    mixed = replace(
        truth,
        cells=sorted(cells, key=lambda c: c.page),
        parts=sorted(parts, key=lambda p: p.page),
        pages=sorted(pages, key=lambda p: p.page),
        variant={**truth.variant, "format": "mixed", "scanned_pages": numbers},
    )
    mixed.write(expected_path(target))
    return mixed


def scan_pages_of(truth: SampleTruth, title: bool = True) -> list[int]:
    """The pages worth scanning for a small sample: the title page and every page with a table."""
    pages = {p.page for p in truth.parts}
    if title:
        pages.add(1)
    return sorted(pages)
