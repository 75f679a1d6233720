"""Silent errors under damage: random valid reports, damaged as archives damage text, per damage kind.

Run by hand (not a test): ``.venv/bin/python bench/bench_trust.py [--documents 20] [--seed 1]``.
For every damage kind of ``samplegen.text_damage`` and every text renderer (flattened, row form, HTML;
line damage on the two text forms only) it renders ``--documents`` reports, damages them, runs
``process_document`` and judges every cell against what the damaged document states. Prints per kind
and renderer: documents, crashes (an internal error or a failed solve), cells, right, flagged,
silent errors, the flagged cells' review reasons, and seconds per document.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections import Counter
from pathlib import Path

from models.template import builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.text_damage import (
    LINE_DAMAGE,
    VALUE_DAMAGE,
    damage_lines,
    damage_values,
    judge,
    sequences,
    truth_of,
)
from samplegen.values import random_report

RENDERERS = {
    "flat": (render_flat_text, ".txt"),
    "pipe": (render_pipe_text, ".txt"),
    "html": (render_html, ".html"),
}


def run(kind: str, renderer: str, count: int, seed: int, folder: Path) -> str:
    templates = [t for t in builtin_templates() if t.id == "gov-info-disclosure"]
    render, suffix = RENDERERS[renderer]
    totals: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    silent: list[str] = []
    started = time.perf_counter()
    for index in range(count):
        rng = random.Random(f"{seed}-{kind}-{renderer}-{index}")
        sample = random_report(templates[index % len(templates)], rng)
        path = folder / f"{kind}-{renderer}-{index}{suffix}"
        if kind in VALUE_DAMAGE:
            damaged = damage_values(sample, kind, rng)
            path.write_text(render(sample, rng), encoding="utf-8")
        else:
            damaged = truth_of(sample)
            path.write_text(damage_lines(render(sample, rng), kind, rng), encoding="utf-8")
        document = process_document(path)
        verdict = judge(document, damaged, sequences(sample) if renderer == "flat" else None)
        totals.update(cells=verdict.cells, right=verdict.right, flagged=verdict.flagged)
        totals.update(crashed=len(verdict.crashed), silent=len(verdict.silent))
        reasons.update(c.review_reason for t in document.tables for c in t.cells if c.review_reason)
        silent.extend(verdict.silent)
    seconds = (time.perf_counter() - started) / count
    line = (
        f"{kind:10} {renderer:5} docs {count:3}  crashed {totals['crashed']}  cells {totals['cells']:6}  "
        f"right {totals['right']:6}  flagged {totals['flagged']:5}  silent {totals['silent']}  "
        f"{seconds:.2f} s/doc  reasons {dict(reasons.most_common())}"
    )
    return "\n".join([line, *(f"    silent: {error}" for error in silent[:5])])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20, help="documents per kind and renderer")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgrid-trust-") as folder:
        for kind in (*VALUE_DAMAGE, *LINE_DAMAGE):
            for renderer in RENDERERS if kind in VALUE_DAMAGE else ("flat", "pipe"):
                print(run(kind, renderer, args.documents, args.seed, Path(folder)), flush=True)


if __name__ == "__main__":
    main()
