"""Is a page's text layer worth reading, or must the page go to OCR?

A text layer can be absent (a scan), or present but wrong: glyphs with no Unicode mapping come out as
``(cid:NN)``, control characters, U+FFFD or private-use code points; a wrong font map turns Chinese into
Latin-1 mojibake, ASCII punctuation soup, or real but random CJK ideographs. The last is caught by
frequency: the text of a report is almost all in GB2312 (the 6763 common simplified characters), glyph
ids read as code points land there about a third of the time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CID = re.compile(r"\(cid:\d+\)")
_MIN_TEXT_OVER_IMAGE = 30  # fewer visible characters than this over a page-sized image: a scan
_PAGE_SIZED = 0.5  # an image over this share of the page makes it a picture
_MAX_BAD_SHARE = 0.05
_MAX_MOJIBAKE_SHARE = 0.10
_MIN_COMMON_SHARE = 0.7
_MIN_IDEOGRAPHS = 10
_MIN_LETTERS_WITHOUT_CJK = 40


def text_layer_fault(
    text: str, map_errors: int = 0, image_cover: float = 0.0, invisible_text: float = 0.0
) -> str | None:
    """None when the text can be trusted; otherwise a short reason (for the notes) why not.

    ``image_cover`` is the share of the page covered by its largest image, ``invisible_text`` the
    share of its text drawn invisibly: a page-sized picture with only a few characters over it (a page
    number stamped on a scan), or with hidden text over it (a scanner's OCR layer), is a scan.
    """
    cids = len(_CID.findall(text))
    visible = [ch for ch in _CID.sub("", text) if not ch.isspace()]
    total = len(visible) + cids
    if total == 0:
        return "no text layer"
    if image_cover >= _PAGE_SIZED:
        if total < _MIN_TEXT_OVER_IMAGE:
            return f"a page-sized image with only {total} characters of text"
        if invisible_text >= 0.5:
            return "a page-sized image under invisible text (a scanner's OCR layer)"
    bad = cids + sum(1 for ch in visible if _is_bad(ch))
    if bad > _MAX_BAD_SHARE * total or map_errors > _MAX_BAD_SHARE * total:
        return f"unmapped glyphs: {max(bad, map_errors)} of {total} characters have no Unicode value"
    mojibake = sum(1 for ch in visible if "\u0080" <= ch <= "\u024f")
    if mojibake > _MAX_MOJIBAKE_SHARE * total:
        return f"mojibake: {mojibake} of {total} characters are Latin-1/Latin Extended letters"
    ideographs = [ch for ch in visible if _is_ideograph(ch)]
    if len(ideographs) >= _MIN_IDEOGRAPHS:
        common = sum(1 for ch in ideographs if _in_gb2312(ch))
        if common < _MIN_COMMON_SHARE * len(ideographs):
            return f"implausible characters: only {common} of {len(ideographs)} ideographs are common ones"
    elif not ideographs:
        letters = sum(1 for ch in visible if ch.isascii() and ch.isalpha())
        punctuation = sum(1 for ch in visible if ch.isascii() and not ch.isalnum())
        if len(visible) >= _MIN_LETTERS_WITHOUT_CJK and punctuation > 0.3 * len(visible) > 0:
            return f"no Chinese text and {punctuation} of {len(visible)} characters are ASCII symbols"
        if letters >= _MIN_LETTERS_WITHOUT_CJK and letters > 0.8 * len(visible):
            return "no Chinese text, only Latin letters: the font map is likely wrong"
    return None


def _is_bad(ch: str) -> bool:
    category = unicodedata.category(ch)
    return ch == "\ufffd" or category in ("Cc", "Co", "Cn", "Cs")


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch >= "\U00020000"


@lru_cache(maxsize=32768)
def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True
