"""A font that renders right but whose text layer is garbage, as in PDFs with a broken font map.

reportlab writes each TrueType subset with a ToUnicode map from its one-byte codes back to Unicode.
Dropping that map (``missing``) leaves a text extractor with bare codes, which come out as control
characters and Latin letters; replacing it with a scrambled one (``garbled``) gives well-formed but
meaningless Chinese, the mojibake of a wrong code page. The glyphs, and so the rendering, are unchanged.
"""

from __future__ import annotations

from typing import Literal

from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont, makeToUnicodeCMap

from samplegen.fonts import FontFile, font_path

BrokenMode = Literal["missing", "garbled"]
_CJK_FIRST, _CJK_COUNT = 0x4E00, 20902


class UnmappedTTFont(TTFont):
    """A TrueType font whose PDF font objects lose or scramble their ToUnicode map."""

    def __init__(self, name: str, filename: str, subfont: int, mode: BrokenMode) -> None:
        super().__init__(name, filename, subfontIndex=subfont, asciiReadable=False)
        # reportlab treats fonts of one face name as one font; a name of its own keeps this one apart.
        self.face.name = self.face.name + b"-" + mode.encode()
        self.mode = mode

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        state = self._assignState(doc)
        subsets = [list(subset) for subset in state.subsets]
        names = [self.getSubsetInternalName(n, doc)[1:] for n in range(len(subsets))]
        super().addObjects(doc)
        fonts = doc.idToObject["BasicFonts"].dict
        for name, subset in zip(names, subsets, strict=True):
            pdf_font = fonts[name]
            if self.mode == "missing":
                del pdf_font.ToUnicode
                continue
            stream = pdfdoc.PDFStream()
            stream.content = makeToUnicodeCMap(pdf_font.BaseFont, [_scramble(code) for code in subset])
            pdf_font.ToUnicode = doc.Reference(stream, f"garbledCMap:{pdf_font.BaseFont}")


def _scramble(code: int) -> int:
    """A fixed, meaningless CJK character for ``code``; spaces stay spaces so lines still split."""
    if code == 32:
        return code
    return _CJK_FIRST + (code * 2654435761) % _CJK_COUNT


def register_broken(font: FontFile, mode: BrokenMode) -> str:
    """Register a broken-map twin of ``font`` with reportlab and return its name."""
    name = f"{font.name}-{mode}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnmappedTTFont(name, str(font_path(font)), font.subfont, mode))
    return name
