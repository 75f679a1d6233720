"""Issuer and report year from the document's title."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from rapidfuzz import fuzz

from models.document import ReportInfo
from models.observation import Token
from models.template import Template

_LEADING_NOISE = re.compile(r"^.*?(?:现公布|现予公布|现将|发布|印发|关于)")
_TITLE_LENGTH = 80
_READ_TITLE = re.compile(
    r"^(?P<issuer>[^\s，。,:：]{2,60}?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<words>.{6,14})$"
)
_TITLE_WORDS = ("政府信息公开工作年度报告", "信息公开工作年度报告", "政府信息公开年度报告")
TITLE_WORDS_MATCH = 85.0
"""One character of the title's fixed words misread (公开 read 公于) still scores above this; the
words of another document (工作总结, 工作要点) do not."""


def _candidates(tokens: list[Token]) -> Iterator[str]:
    """Each short line, and each short line joined to the one before (titles break after the issuer)."""
    previous = ""
    for token in tokens:
        text = unicodedata.normalize("NFKC", token.text).replace(" ", "").strip()
        if not text or len(text) > _TITLE_LENGTH:
            previous = ""
            continue
        if previous:
            yield previous + text
        yield text
        previous = text


def find_report_info(tokens: list[Token], template: Template) -> ReportInfo:
    """The title line (the issuer starting it) wins; a sentence that names the report is the fallback."""
    pattern = re.compile(template.title_pattern)
    fallback: ReportInfo | None = None
    for text in _candidates(tokens):
        match = pattern.search(text)
        if match is None:
            continue
        issuer = match.group("issuer").strip('《》<>"“”')
        if match.start() == 0 and not _LEADING_NOISE.match(issuer):
            return ReportInfo(issuer=issuer or None, year=int(match.group("year")))
        if fallback is None:
            fallback = ReportInfo(
                issuer=_LEADING_NOISE.sub("", issuer) or None, year=int(match.group("year"))
            )
    return fallback or _read_title(tokens) or ReportInfo()


def _read_title(tokens: list[Token]) -> ReportInfo | None:
    """A title line read by OCR with a character of its fixed words misread: issuer and year
    before words close to the title's."""
    for text in _candidates([token for token in tokens if token.recognised]):
        match = _READ_TITLE.match(text)
        if match is None or _LEADING_NOISE.match(match.group("issuer")):
            continue
        if max(fuzz.ratio(match.group("words"), words) for words in _TITLE_WORDS) >= TITLE_WORDS_MATCH:
            return ReportInfo(issuer=match.group("issuer"), year=int(match.group("year")))
    return None
