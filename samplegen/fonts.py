"""The CJK fonts the sample generator draws with, found on the system and registered with reportlab.

reportlab embeds TrueType but not CFF outlines, so the Noto CJK fonts are of no use here; the two
TrueType collections below come from Debian packages that ``make`` installs. Sans (黑体-like) sets
titles and headings, serif (宋体-like) the body and tables, as in published reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")


@dataclass(frozen=True)
class FontFile:
    """A font collection file, the subfont used from it and the apt package that ships it."""

    name: str
    filename: str
    subfont: int
    package: str


SANS = FontFile("rg-sans", "wqy-zenhei.ttc", 0, "fonts-wqy-zenhei")
SERIF = FontFile("rg-serif", "uming.ttc", 0, "fonts-arphic-uming")
APT_PACKAGES = (SANS.package, SERIF.package)


class FontMissingError(RuntimeError):
    """A font the generator needs is not installed; the message names the package to install."""


@cache
def font_path(font: FontFile) -> Path:
    """The installed file of ``font``; FontMissingError naming its apt package when there is none."""
    for folder in FONT_DIRS:
        if folder.is_dir():
            for found in sorted(folder.rglob(font.filename)):
                return found
    raise FontMissingError(
        f"font file {font.filename} not found under {', '.join(map(str, FONT_DIRS))}: "
        f"install it with `apt-get install {font.package}` (or `make`)"
    )


def register(font: FontFile, name: str | None = None) -> str:
    """Register ``font`` with reportlab under ``name`` (default: its own) and return that name."""
    name = name or font.name
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_path(font)), subfontIndex=font.subfont))
    return name
