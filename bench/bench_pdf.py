"""Speed, peak memory and cell accuracy of the digital-PDF extractor on generated report PDFs.

Run by hand (not a test): ``.venv/bin/python bench/bench_pdf.py [--documents 40] [--workers 2]
[--pipeline]``. Generates digital PDFs with ``samplegen.render_pdf`` (both template versions, table 三
across pages with and without its header repeated, blanks and "/" markers as publishers print them,
every text layer sane), then times ``extract_pdf`` on each: first in this process, one after the other,
then spread over ``--workers`` processes. It prints pages/second (wall clock, and per CPU second of
this process, the fairer figure on a shared machine; the load average is printed with them), the peak
resident memory, and the value cells whose printed text is not the text of the one grid cell under
the cell's centre on its page.
With ``--pipeline`` it also runs ``process_document`` and scores the JSON against the truth.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from extractors.pdf import extract_pdf
from models.observation import Observations
from models.template import builtin_templates
from samplegen.render_pdf import render_pdf
from samplegen.truth import SampleTruth
from samplegen.values import random_report


def generate(folder: Path, count: int, seed: int) -> list[tuple[Path, SampleTruth]]:
    rng = random.Random(seed)
    templates = [t for t in builtin_templates() if t.id == "gov-info-disclosure"]
    made = []
    for index in range(count):
        sample = random_report(templates[index % len(templates)], rng)
        path = folder / f"report-{index:04d}.pdf"
        truth = render_pdf(sample, path, rng, cross_pages=index % 4 != 3, repeat_header=index % 2 == 0)
        made.append((path, truth))
    return made


def wrong_cells(observations: Observations, truth: SampleTruth) -> list[str]:
    """Value cells not read as printed: the grid token under the cell's centre must hold its text."""
    grid = [t for t in observations.tokens if t.grid is not None and t.bbox is not None]
    wrong = []
    for cell in truth.cells:
        x, y = (cell.bbox[0] + cell.bbox[2]) / 2, (cell.bbox[1] + cell.bbox[3]) / 2
        hits = [
            t.text
            for t in grid
            if t.page == cell.page and t.bbox and t.bbox[0] <= x <= t.bbox[2] and t.bbox[1] <= y <= t.bbox[3]
        ]
        if hits != [cell.printed]:
            wrong.append(f"{cell.table} {cell.row}/{cell.col} page {cell.page}: {cell.printed!r} read {hits}")
    return wrong


def _pages(path: Path) -> int:
    return extract_pdf(path).pages or 0


def _warm(path: Path) -> None:
    """Worker start: pay the imports (camelot, pandas) before the clock starts."""
    extract_pdf(path)


def _pid_after_a_pause(_: int) -> int:
    """Keeps each worker busy a moment so that every worker has started before timing."""
    time.sleep(0.2)
    return os.getpid()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=40)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pipeline", action="store_true", help="also run process_document and score it")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="reportgrid-bench-pdf-") as folder:
        documents = generate(Path(folder), args.documents, args.seed)
        extract_pdf(documents[0][0])  # warm up: imports (camelot, pandas) are not per-page work

        pages = cells = 0
        wrong: list[str] = []
        slowest = (0.0, "")
        started, cpu_started = time.perf_counter(), time.process_time()
        for path, truth in documents:
            began = time.perf_counter()
            observations = extract_pdf(path)
            slowest = max(slowest, (time.perf_counter() - began, path.name))
            pages += observations.pages or 0
            cells += len(truth.cells)
            wrong.extend(wrong_cells(observations, truth))
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        print(f"one process: {len(documents)} documents, {pages} pages in {elapsed:.2f} s ({cpu:.2f} s CPU)")
        print(f"  {pages / elapsed:.1f} pages/s wall, {pages / cpu:.1f} pages per CPU second")
        print(f"  slowest document {slowest[1]}: {slowest[0]:.3f} s")
        print(f"  value cells {cells}, not read as printed {len(wrong)}")
        for line in wrong[:10]:
            print(f"    {line}")
        print(f"  peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")

        with multiprocessing.Pool(args.workers, initializer=_warm, initargs=(documents[0][0],)) as pool:
            started_workers = set(pool.map(_pid_after_a_pause, range(4 * args.workers), chunksize=1))
            started = time.perf_counter()
            pooled = sum(pool.map(_pages, [path for path, _ in documents], chunksize=1))
            elapsed = time.perf_counter() - started
        rate = pooled / elapsed
        print(f"{len(started_workers)} processes: {pooled} pages in {elapsed:.2f} s = {rate:.1f} pages/s")
        worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"  peak RSS of a worker {worker_rss:.0f} MiB")
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        if args.pipeline:
            _pipeline(documents)


def _pipeline(documents: list[tuple[Path, SampleTruth]]) -> None:
    from reportgrid.pipeline import process_document
    from samplegen.scoring import Score, score_document

    score = Score()
    statuses: dict[str, int] = {}
    started = time.perf_counter()
    for path, truth in documents:
        document = process_document(path)
        statuses[document.status] = statuses.get(document.status, 0) + 1
        score.add(score_document(document, truth.tables()))
    elapsed = time.perf_counter() - started
    print(f"pipeline: {len(documents)} documents in {elapsed:.1f} s, status {statuses}")
    print(
        f"  cells {score.cells}, right {score.right}, flagged {score.flagged}, "
        f"silent errors {len(score.silent_errors)}, missing tables {len(score.missing_tables)}"
    )
    for error in score.silent_errors[:10]:
        print(f"    silent error: {error}")


if __name__ == "__main__":
    main()
