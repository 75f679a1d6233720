"""Prose of a chosen length for the space before table 三, so the table can be made to cross a page.

Reports often say a few words about how applications were handled before printing table 三; a
paragraph of exactly the lines needed moves the table's page break to a chosen row.
"""

from __future__ import annotations

import random

_NOTES = (
    "本年度，我单位严格按照《条例》规定办理政府信息公开申请，做到依法依规、应公开尽公开。",
    "申请内容主要涉及征地拆迁、规划审批、行政执法等方面，所有申请均在法定期限内予以答复。",
    "对申请内容不明确的，及时一次性告知申请人补正，并做好解释说明工作。",
    "对不予公开的申请，均依法说明理由并告知申请人救济途径。",
    "同时，进一步规范答复文书格式，统一答复口径，提高答复质量。",
    "办理过程中注重与申请人沟通，切实保障申请人的合法权益。",
    "对涉及第三方权益的申请，依法书面征求第三方意见后再作答复。",
)


def application_notes(rng: random.Random, n_chars: int) -> str:
    """At least ``n_chars`` characters of sentences about handling applications, none repeated twice
    in a row."""
    out: list[str] = []
    while sum(map(len, out)) < n_chars:
        choices = [note for note in _NOTES if not out or note != out[-1]]
        out.append(rng.choice(choices))
    return "".join(out)
