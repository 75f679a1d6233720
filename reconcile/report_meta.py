"""Issuer and report year from the document's title."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from models.document import ReportInfo
from models.observation import Token
from models.template import Template

_LEADING_NOISE = re.compile(r"^.*?(?:现公布|现予公布|现将|发布|印发|关于)")
_TITLE_LENGTH = 80


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
    return fallback or ReportInfo()
