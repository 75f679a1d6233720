"""Throughput, peak memory and accuracy of the text and HTML paths on generated reports.

Run by hand (not a test): ``.venv/bin/python bench/bench_text.py [--documents 300] [--seed 1]
[--paths text,html]``. For each path it generates the documents into a temporary folder (random valid
reports of both template versions, blanks dropped as publishers do), then times ``process_document``
on each, one after the other in this process, after one untimed document (the first pays the imports
and the templates' caches: 26 ms for an HTML report whose next ones take 10). It prints
documents/second, the share of each status, and the silent errors against the generated truth: cells
whose value is wrong but which are not ``needs_review``.
Peak memory is the process's maximum resident set size so far (``ru_maxrss``).
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from models.template import builtin_templates
from reportgrid.pipeline import process_document
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text
from samplegen.scoring import Expected, Score, score_document
from samplegen.values import ReportSample, random_report

Renderer = Callable[[ReportSample, random.Random], str]
PATHS: dict[str, tuple[str, Renderer]] = {"text": (".txt", render_flat_text), "html": (".html", render_html)}


def generate(
    folder: Path, suffix: str, render: Renderer, count: int, seed: int
) -> list[tuple[Path, Expected]]:
    """``count`` reports alternating the template versions, written as UTF-8 files, with their truth."""
    rng = random.Random(seed)
    templates = [t for t in builtin_templates() if t.id == "gov-info-disclosure"]
    made = []
    for index in range(count):
        sample = random_report(templates[index % len(templates)], rng)
        path = folder / f"report-{index:04d}{suffix}"
        path.write_text(render(sample, rng), encoding="utf-8")
        truth = {
            table.table.id: {f"{row}/{col}": value for (row, col), value in table.expected.items()}
            for table in sample.tables
        }
        made.append((path, truth))
    return made


def measure(kind: str, documents: list[tuple[Path, Expected]]) -> None:
    statuses: Counter[str] = Counter()
    score = Score()
    process_document(documents[0][0])
    started, cpu = time.perf_counter(), time.process_time()
    for path, truth in documents:
        document = process_document(path)
        statuses[document.status] += 1
        score.add(score_document(document, truth))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    count = len(documents)
    shares = ", ".join(
        f"{status} {100 * statuses[status] / count:.1f}%" for status in ("valid", "needs_review", "failed")
    )
    print(
        f"{kind}: {count} documents in {elapsed:.1f} s = {count / elapsed:.2f} documents/s; "
        f"CPU {cpu:.1f} s = {count / cpu:.2f} documents/s per core"
    )
    print(f"  status: {shares}")
    print(
        f"  cells: {score.cells}, right {score.right}, flagged {score.flagged}, "
        f"silent errors {len(score.silent_errors)}, missing tables {len(score.missing_tables)}"
    )
    for error in score.silent_errors[:10]:
        print(f"    silent error: {error}")
    print(f"  peak memory so far: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=300, help="documents per path (default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--paths", default=",".join(PATHS), help="which paths, comma-separated (default all)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgrid-bench-") as folder:
        for kind in args.paths.split(","):
            suffix, render = PATHS[kind]
            measure(kind, generate(Path(folder), suffix, render, args.documents, args.seed))


if __name__ == "__main__":
    main()
