"""Issuer and report year from the document's title line."""

from __future__ import annotations

import re
import unicodedata

from models.document import ReportInfo
from models.observation import Token
from models.template import Template

_LEADING_NOISE = re.compile(r"^(?:关于|印发|发布)")


def find_report_info(tokens: list[Token], template: Template) -> ReportInfo:
    """The first short line matching the template's title pattern gives issuer and year."""
    pattern = re.compile(template.title_pattern)
    for token in tokens:
        text = unicodedata.normalize("NFKC", token.text).strip()
        if not text or len(text) > 80:
            continue
        match = pattern.search(text.replace(" ", ""))
        if match:
            issuer = _LEADING_NOISE.sub("", match.group("issuer")).strip('《》<>"“”')
            return ReportInfo(issuer=issuer or None, year=int(match.group("year")))
    return ReportInfo()
