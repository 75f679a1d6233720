"""Scanned reports end to end: cell accuracy after reconciliation, flags, silent errors, speed, memory.

Run by hand (it takes many minutes; nothing here is a test)::

    .venv/bin/python bench/bench_scan.py --generate 30          # 30 generated scans, both versions
    .venv/bin/python bench/bench_scan.py                        # the committed scans in sample_scans/

For each document the whole pipeline runs (``process_document``: orientation, grid, OCR, reconciliation)
and its JSON is scored against the generator's truth: a cell is right when its value equals the truth,
a silent error is a wrong cell without ``needs_review``. In the same run and on the same pages, plain
full-page rapidocr (its defaults) is timed as the baseline a user would otherwise reach for, and the
scan extractor's per-page time is measured alone. Each part runs in its own process, so each peak RSS
is its own. Targets (issue 3): at least 99.5 % of cells right, 0 silent errors, a table page in at most
half the baseline's time, peak memory under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ocr import documents, generate, run_baseline, run_pipeline  # noqa: E402


def run_documents(paths: list[Path]) -> dict:
    from reportgrid.pipeline import process_document
    from samplegen.scoring import Score, load_expected, score_document

    total = Score()
    seconds = pages = 0.0
    statuses: dict[str, int] = {}
    for path in paths:
        start = time.perf_counter()
        document = process_document(path)
        seconds += time.perf_counter() - start
        pages += document.source.pages or 0
        statuses[document.status] = statuses.get(document.status, 0) + 1
        score = score_document(document, load_expected(Path(f"{path}.expected.json"))["tables"])
        score.silent_errors = [f"{path.name} {error}" for error in score.silent_errors]
        score.missing_tables = [f"{path.name} {table}" for table in score.missing_tables]
        total.add(score)
    return {
        "documents": len(paths),
        "pages": pages,
        "seconds": seconds,
        "cells": total.cells,
        "right": total.right,
        "flagged": total.flagged,
        "silent_errors": total.silent_errors,
        "missing_tables": total.missing_tables,
        "statuses": statuses,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(mode: str, paths: list[Path]) -> dict:
    command = [sys.executable, __file__, "--child", mode, *map(str, paths)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _report(whole: dict, ocr: dict, baseline: dict, show: int) -> None:
    accuracy = 100 * whole["right"] / whole["cells"] if whole["cells"] else 0.0
    print(
        f"pipeline: {whole['documents']} documents, {whole['pages']:.0f} pages, "
        f"statuses {whole['statuses']}; "
        f"cells right {whole['right']}/{whole['cells']} = {accuracy:.2f}%; flagged {whole['flagged']}; "
        f"silent errors {len(whole['silent_errors'])}; tables not found {len(whole['missing_tables'])}; "
        f"{whole['seconds'] / max(whole['pages'], 1):.2f} s/page (whole documents, reconciliation included); "
        f"peak RSS {whole['peak_rss_mb']:.0f} MB"
    )
    for line in (whole["silent_errors"] + whole["missing_tables"])[:show]:
        print("   ", line)
    for name, r in (("scan extractor alone", ocr), ("baseline: rapidocr full page, defaults", baseline)):
        print(
            f"{name}: median s/table page {r['median_s_table_page']:.2f} "
            f"(CPU {r['median_cpu_s_table_page']:.2f}); s/page {r['s_per_page']:.2f}; "
            f"peak RSS {r['peak_rss_mb']:.0f} MB"
        )
    ratio = ocr["median_cpu_s_table_page"] / baseline["median_cpu_s_table_page"]
    print(f"table page CPU time: scan extractor / baseline = {ratio:.2f} (target at most 0.50)")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "sample_scans")
    parser.add_argument("--generate", type=int, default=0, help="generate this many scan documents instead")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--show-errors", type=int, default=20)
    parser.add_argument("--child", choices=("documents", "ocr", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        runs = {
            "documents": run_documents,
            "ocr": lambda paths: run_pipeline(paths, "rapidocr"),
            "baseline": run_baseline,
        }
        print(json.dumps(runs[args.child](args.paths)))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        paths = generate(Path(scratch), args.generate, args.seed) if args.generate else documents(args.corpus)
        print(f"{len(paths)} scanned documents")
        whole = _child("documents", paths)
        ocr = _child("ocr", paths)
        baseline = _child("baseline", paths)
    _report(whole, ocr, baseline, args.show_errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
