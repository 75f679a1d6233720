"""OCR engines behind one interface; each is loaded once per process and shared."""

from __future__ import annotations

import os
from functools import cache

from extractors.scan.ocr.base import Box, OcrEngine

ENGINES = ("rapidocr", "paddle")
DEFAULT_ENGINE = "rapidocr"


@cache
def get_engine(name: str | None = None) -> OcrEngine:
    """The named engine (default: $REPORTGRID_OCR_ENGINE, else rapidocr), loaded on first use."""
    chosen = name or os.environ.get("REPORTGRID_OCR_ENGINE") or DEFAULT_ENGINE
    if chosen == "rapidocr":
        from extractors.scan.ocr.rapidocr_engine import RapidOcrEngine

        return RapidOcrEngine()
    if chosen == "paddle":
        from extractors.scan.ocr.paddle_engine import PaddleOcrEngine

        return PaddleOcrEngine()
    raise ValueError(f"unknown OCR engine {chosen!r}; choose one of {', '.join(ENGINES)}")


__all__ = ["DEFAULT_ENGINE", "ENGINES", "Box", "OcrEngine", "get_engine"]
