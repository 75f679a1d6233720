"""Label normalisation and fuzzy matching: publishers vary punctuation, spacing and even wording."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from models.lexicon import CACHED_TEXTS, ENUMERATOR

_DROP = re.compile(r"[\s()（）\[\]【】、,，.。．:：;；“”\"'‘’「」《》<>/／|｜·•\-—_~～]+")
_CN_DIGITS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Label:
    """A label split into its enumerator (（三）, 1., 四、 → '(三)', '1', '四') and its core words."""

    enumerator: str
    core: str


def _canonical_enumerator(text: str) -> str:
    digits = re.sub(r"[^0-9" + _CN_DIGITS + "]", "", text)
    if text.lstrip().startswith(("(", "（")):
        return f"({digits})"
    return digits


@lru_cache(maxsize=CACHED_TEXTS)
def parse_label(text: str) -> Label:
    plain = unicodedata.normalize("NFKC", text).strip()
    match = ENUMERATOR.match(plain)
    enumerator = ""
    if match:
        enumerator = _canonical_enumerator(match.group(0))
        plain = plain[match.end() :]
    return Label(enumerator, _DROP.sub("", plain))


def core(text: str) -> str:
    return parse_label(text).core


@lru_cache(maxsize=CACHED_TEXTS)
def label_score(observed: str, official: str) -> float:
    """0–100: how well an observed label matches an official one.

    The enumerator must agree when both have one; a fragment that starts the official label (a wrapped
    label's first line) scores by how much of it it covers.
    """
    seen, want = parse_label(observed), parse_label(official)
    if not seen.core or not want.core:
        return 0.0
    if seen.enumerator and want.enumerator and seen.enumerator != want.enumerator:
        return 0.0
    score = fuzz.ratio(seen.core, want.core)
    if len(seen.core) >= 4 and want.core.startswith(seen.core):
        score = max(score, 80 + 20 * len(seen.core) / len(want.core))
    if seen.enumerator and not want.enumerator:
        score -= 10
    if want.enumerator and not seen.enumerator:
        score -= 5
    return score


@lru_cache(maxsize=CACHED_TEXTS)
def is_continuation(observed: str, official: str) -> bool:
    """True when ``observed`` is the wrapped tail of ``official`` (its second line)."""
    seen, want = parse_label(observed), parse_label(official)
    return len(seen.core) >= 2 and not seen.enumerator and want.core.endswith(seen.core)


@lru_cache(maxsize=CACHED_TEXTS)
def contains_phrase(observed: str, phrase: str, slack: int = 10) -> bool:
    """A short label holding ``phrase`` (a table title), not a paragraph that merely mentions it."""
    seen, want = core(observed), core(phrase)
    return bool(want) and want in seen and len(seen) <= len(want) + slack
