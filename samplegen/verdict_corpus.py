"""A fixed corpus of generated text and HTML reports, and every cell's verdict on it, to hold solver
changes to the verdicts they had.

``python -m samplegen.verdict_corpus tests/fixtures/solver_verdicts.json`` writes, for each document
of the corpus (flattened, ``a | b |`` rows, HTML, cells run together, damaged), the sha256 of its text
and every cell's value, ``needs_review`` and ``review_reason``, plus whether each table's solve was
complete. tests/test_solver_verdicts.py regenerates the corpus and compares. Remake the file only at a
revision whose verdicts are trusted, and say in the commit why they changed; ``--compare OLD`` prints
how the new verdicts differ from the old file's (changed ``needs_review``, certain values, flagged
cells' shown values and reasons).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from models.document import Document
from models.template import builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_joined_text, render_pipe_text
from samplegen.text_damage import LINE_DAMAGE, VALUE_DAMAGE, Damaged, damage_lines, damage_values, truth_of
from samplegen.values import ReportSample, random_report

SEED = 13
Renderer = Callable[[ReportSample, random.Random], str]
RENDERERS: dict[str, tuple[Renderer, str]] = {
    "flat": (render_flat_text, ".txt"),
    "pipe": (render_pipe_text, ".txt"),
    "html": (render_html, ".html"),
    "joined": (render_joined_text, ".txt"),
}
PLAIN = {"flat": 8, "pipe": 6, "html": 8, "joined": 6}
"""Documents per renderer, undamaged; besides them one per value damage and one per line damage."""


@dataclass
class CorpusDocument:
    name: str
    suffix: str
    text: str
    truth: Damaged


def corpus(seed: int = SEED) -> Iterator[CorpusDocument]:
    """The corpus, the same for the same seed: both template versions, random blank rates."""
    rng = random.Random(seed)
    templates = [t for t in builtin_templates() if t.id == "gov-info-disclosure"]
    count = 0

    def sample(**rates: float) -> ReportSample:
        nonlocal count
        count += 1
        return random_report(templates[count % len(templates)], rng, **rates)

    for kind, number in PLAIN.items():
        render, suffix = RENDERERS[kind]
        for index in range(number):
            rates = {"blank_rate": rng.uniform(0.0, 0.6)}
            if kind == "joined":
                rates["scale"] = 5
            made = sample(**rates)
            yield CorpusDocument(f"{kind}-{index}", suffix, render(made, rng), truth_of(made))
    renderers = ["flat", "pipe", "html"]
    for index, damage in enumerate(VALUE_DAMAGE):
        kind = renderers[index % len(renderers)]
        render, suffix = RENDERERS[kind]
        made = sample()
        damaged = damage_values(made, damage, rng)
        yield CorpusDocument(f"{damage}-{kind}", suffix, render(made, rng), damaged)
    for index, damage in enumerate(LINE_DAMAGE):
        kind = renderers[index % len(renderers)]
        render, suffix = RENDERERS[kind]
        made = sample()
        text = damage_lines(render(made, rng), damage, rng)
        yield CorpusDocument(f"{damage}-{kind}", suffix, text, truth_of(made))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verdicts(document: Document) -> dict[str, dict]:
    """Per table, whether its solve completed, and per cell ``row_key/col_key``: its value (a string,
    or None), ``needs_review`` and ``review_reason``."""
    incomplete = {c.table for c in document.checks if c.name == "solve_incomplete"}
    return {
        table.id: {
            "complete": table.id not in incomplete,
            "cells": {
                f"{c.row_key}/{c.col_key}": (
                    None if c.value is None else str(c.value),
                    c.needs_review,
                    c.review_reason,
                )
                for c in table.cells
            },
        }
        for table in document.tables
    }


def compact(tables: dict[str, dict]) -> dict[str, dict]:
    """The fixture's form of ``verdicts``: values in the table's cell order (the template's), the flags
    as a string of 0 and 1, and the reasons of flagged cells by their index (a tenth of the size)."""
    out = {}
    for table_id, table in tables.items():
        cells = list(table["cells"].values())
        out[table_id] = {
            "complete": table["complete"],
            "values": [value for value, _, _ in cells],
            "flagged": "".join("1" if flagged else "0" for _, flagged, _ in cells),
            "reasons": {str(i): reason for i, (_, flagged, reason) in enumerate(cells) if flagged},
        }
    return out


def expand(tables: dict[str, dict], keys: dict[str, list[str]]) -> dict[str, dict]:
    """``compact`` undone, with each table's cell keys in template order."""
    return {
        table_id: {
            "complete": table["complete"],
            "cells": {
                key: (value, flag == "1", table["reasons"].get(str(i)))
                for i, (key, value, flag) in enumerate(
                    zip(keys[table_id], table["values"], table["flagged"], strict=True)
                )
            },
        }
        for table_id, table in tables.items()
    }


def read(made: CorpusDocument, folder: Path) -> Document:
    path = folder / f"{made.name}{made.suffix}"
    path.write_text(made.text, encoding="utf-8")
    return process_document(path)


def differences(before: dict[str, dict], after: dict[str, dict]) -> dict[str, int]:
    """How two fixtures' verdicts differ, cell by cell: in ``needs_review``, in a certain cell's value,
    in a flagged cell's shown value or reason, and in whether a table's solve completed."""
    counts = dict.fromkeys(["cells", "needs_review", "certain value", "flagged value", "flagged reason"], 0)
    counts["table complete"] = 0
    for name, document in before.items():
        for table_id, old in document["tables"].items():
            new = after[name]["tables"][table_id]
            counts["table complete"] += old["complete"] != new["complete"]
            cells = zip(old["values"], old["flagged"], new["values"], new["flagged"], strict=True)
            for index, (value, flag, now_value, now_flag) in enumerate(cells):
                counts["cells"] += 1
                if flag != now_flag:
                    counts["needs_review"] += 1
                elif value != now_value:
                    counts["flagged value" if flag == "1" else "certain value"] += 1
                elif old["reasons"].get(str(index)) != new["reasons"].get(str(index)):
                    counts["flagged reason"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/reportgrid-verdict-corpus"))
    parser.add_argument("--compare", type=Path, help="a fixture to print the differences from")
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    before = json.loads(args.compare.read_text("utf-8"))["documents"] if args.compare else None
    out = {
        made.name: {"sha256": digest(made.text), "tables": compact(verdicts(read(made, args.folder)))}
        for made in corpus()
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"seed": SEED, "documents": out}, ensure_ascii=False, separators=(",", ":"))
    args.out.write_text(text + "\n", encoding="utf-8")
    if before is not None:
        print(", ".join(f"{what} {count}" for what, count in differences(before, out).items()))


if __name__ == "__main__":
    main()
