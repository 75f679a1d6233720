"""Where the real material lives: read from ``../shared`` at test and bench time, never copied here.

``REAL_DATA`` holds the real reports (web texts, published PDFs, the blank DOCX template) beside the
project; ``PROJECT_REAL`` holds what this project made from them: its hand-read truth of hushan-2020
and the expected output JSON of the two web texts.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL_DATA = ROOT.parent / "shared" / "data" / "real"
PROJECT_REAL = Path(__file__).resolve().parent / "real"
