"""Page images from a file (PNG, JPEG, TIFF with any number of pages) or a scan's page files in order.

The order of a scan's page files is decided by discovery (``reportgrid.discover``); this module reads
them as given.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from extractors.base import ExtractionError
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


def load(path: Path, pages: Sequence[Path] = ()) -> tuple[list[np.ndarray], str]:
    """The pages of a scan and its media type: every frame of ``path``, or of ``pages`` in order."""
    if pages:
        for page in pages:
            if page.suffix.lower() not in MEDIA_TYPES:
                raise ExtractionError(
                    ErrorCode.UNSUPPORTED_TYPE, f"{page.name} is not a PNG, JPEG or TIFF image"
                )
        images = [image for page in pages for image in read_image_file(page)]
        return images, MEDIA_TYPES[pages[0].suffix.lower()]
    if not path.is_file():
        raise ExtractionError(ErrorCode.UNREADABLE, f"{path} does not exist")
    media_type = MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise ExtractionError(ErrorCode.UNSUPPORTED_TYPE, f"{path.name} is not a PNG, JPEG or TIFF image")
    return read_image_file(path), media_type
