"""Page images from a file (PNG, JPEG, TIFF with any number of pages) or a folder of page images."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from extractors.base import IMAGE_SUFFIXES, ExtractionError
from models.errors import ErrorCode

MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
# An A3 page scanned at 600 dpi is 70 million pixels; a 100-million-pixel page is 300 MB as BGR and the
# scan steps keep a few such copies, well inside the default 3 GB per-document memory limit.
MAX_PIXELS = 100_000_000
# name_p1.png, name-p2.png, name_page3.png: the page-folder convention (as reportgrid.discover uses).
_PAGE_NAME = re.compile(r"^(?P<name>.+?)[_-](?:p|page)(?P<number>\d+)$", re.IGNORECASE)


def _as_bgr(frame: Image.Image) -> np.ndarray:
    """A frame as grey or BGR uint8: 16-bit greys scaled down (not clipped to white), transparency
    laid on white paper (not on the black that hidden pixels often hold)."""
    if frame.mode in ("1", "L"):
        return np.asarray(frame.convert("L"))
    if frame.mode.startswith("I") or frame.mode == "F":
        data = np.asarray(frame, dtype=np.float64)
        top = float(data.max()) if data.size else 0.0
        scale = 255.0 / 65535.0 if top > 255 else 1.0
        return np.clip(data * scale, 0, 255).astype(np.uint8)
    if "A" in frame.mode or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        frame = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba)
    rgb = np.asarray(frame.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _within_limit(frame: Image.Image, path: Path) -> Image.Image:
    """The frame, refused from its header alone when decoding it would take too much memory."""
    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise ExtractionError(
            ErrorCode.IMAGE_TOO_LARGE,
            f"{path.name} is {width} x {height} pixels, more than the {MAX_PIXELS // 1_000_000} million "
            "a page may have: not decoded",
        )
    return frame


def read_image_file(path: Path) -> list[np.ndarray]:
    """Every page (frame) of one image file, as grey or BGR uint8 arrays."""
    try:
        with Image.open(path) as image:
            pages = [_as_bgr(_within_limit(frame, path)) for frame in ImageSequence.Iterator(image)]
    except Image.DecompressionBombError as exc:
        raise ExtractionError(
            ErrorCode.IMAGE_TOO_LARGE, f"{path.name} is too large to decode: {exc}"
        ) from exc
    except UnidentifiedImageError as exc:
        raise ExtractionError(
            ErrorCode.IMAGE_UNREADABLE, f"{path.name} is not a readable image: {exc}"
        ) from exc
    except OSError as exc:
        raise ExtractionError(
            ErrorCode.IMAGE_UNREADABLE, f"{path.name} could not be read as an image: {exc}"
        ) from exc
    if not pages:
        raise ExtractionError(ErrorCode.IMAGE_UNREADABLE, f"{path.name} holds no image")
    return pages


def page_files(folder: Path) -> list[Path]:
    """The folder's page images in page order; each must be named like ``name_p1.png``."""
    numbered: dict[int, Path] = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        match = _PAGE_NAME.match(path.stem)
        if match is None:
            raise ExtractionError(
                ErrorCode.PAGE_SET_INVALID, f"{path.name} in {folder.name}/ is not named like name_p1.png"
            )
        number = int(match["number"])
        if number in numbered:
            raise ExtractionError(
                ErrorCode.PAGE_SET_INVALID, f"{folder.name}/ has two images for page {number}"
            )
        numbered[number] = path
    if not numbered:
        raise ExtractionError(ErrorCode.PAGE_SET_INVALID, f"{folder.name}/ holds no page images")
    return [numbered[n] for n in sorted(numbered)]


def load(path: Path) -> tuple[list[np.ndarray], str]:
    """The pages of a scan (file or page folder) and its media type."""
    if path.is_dir():
        files = page_files(path)
        pages = [page for file in files for page in read_image_file(file)]
        return pages, MEDIA_TYPES[files[0].suffix.lower()]
    if not path.is_file():
        raise ExtractionError(ErrorCode.UNREADABLE, f"{path} does not exist")
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ExtractionError(ErrorCode.UNSUPPORTED_TYPE, f"{path.name} is not a PNG, JPEG or TIFF image")
    return read_image_file(path), media_type
