"""Scanned reports end to end, per kind of damage: cells right, flagged, silent, valid, speed, memory.

Run by hand (it takes many minutes; nothing here is a test; run it with ``nice``)::

    .venv/bin/python bench/bench_scan.py --archive /tmp/archive   # the archive set (samplegen.archive),
                                                                  # written there first if missing
    .venv/bin/python bench/bench_scan.py --archive /tmp/archive --kinds fax,photo
    .venv/bin/python bench/bench_scan.py --archive /tmp/archive --threads 1   # threads as a worker has
    .venv/bin/python bench/bench_scan.py --generate 30            # 30 generated scans, both versions
    .venv/bin/python bench/bench_scan.py                          # the committed scans in sample_scans/

For each document the whole pipeline runs (``process_document``: orientation, grid, OCR, reconciliation)
and its JSON is scored against its truth: a generated document's ``expected.json`` (samplegen.scoring),
a real report's truth in ``../shared/data/real/pdf/truth`` (``../shared/tools/score.py``). A silent error
is a wrong cell without ``needs_review``. In the same run and on the same pages, plain full-page
rapidocr (its defaults) is timed as the baseline a user would otherwise reach for: against whole
documents (loading, reading, reconciliation and output; the models loaded beforehand on both sides)
and, for the issue's "table page", each page with a table as the scan path reads it
(``observe_page``) against rapidocr on that page. Every kind runs in processes of its own, so each
peak RSS is that kind's. The archive set's held-out documents (kept out
of tuning) are summed apart. Targets (issue 12): at least 99.5 % of cells right and 0 silent errors
per kind, half of the clean and office documents valid with 0 silent errors among the valid ones, a
page in at most 0.35 of the baseline's CPU time, peak RSS under 2 GB.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_ocr import documents, generate  # noqa: E402

SCORE_TOOL = ROOT.parent / "shared/tools/score.py"
VALID_TARGET_KINDS = ("clean", "office")


def _real_scorer():
    spec = importlib.util.spec_from_file_location("shared_score", SCORE_TOOL)
    assert spec and spec.loader, f"cannot load {SCORE_TOOL}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score_doc


def _timed_pages(record: list[dict]) -> None:
    """Record each scanned page's reading (extractors.scan.observe_page): its CPU time and whether it
    held a table. The whole document's time also holds loading, reconciliation and output."""
    import extractors.scan as scan

    observe_page = scan.observe_page

    def timed(image, page_number, first_table, engine):
        cpu = time.process_time()
        tokens = observe_page(image, page_number, first_table, engine)
        table = any(token.grid is not None for token in tokens)
        record.append({"page": page_number, "cpu": time.process_time() - cpu, "table": table})
        return tokens

    scan.observe_page = timed


def run_documents(entries: list[dict]) -> list[dict]:
    from extractors.scan.ocr import get_engine
    from reportgrid.discover import discover
    from reportgrid.pipeline import process_document
    from samplegen.scoring import load_expected, score_document

    get_engine()  # the models load once per worker, outside any document's time (as the baseline's)
    pages: list[dict] = []
    _timed_pages(pages)
    score_real = None
    results = []
    for entry in entries:
        path = Path(entry["path"])
        pages.clear()
        start, cpu = time.perf_counter(), time.process_time()
        (unit,) = discover([path])
        document = process_document(unit)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        result = {**entry, "pages": document.source.pages or 0, "seconds": seconds, "cpu": cpu}
        result["page_cpu"] = list(pages)
        result["status"] = document.status
        if entry["truth_format"] == "real":
            score_real = score_real or _real_scorer()
            truth = json.loads(Path(entry["truth"]).read_text("utf-8"))
            real = score_real(truth, [document.model_dump(mode="json")])
            result.update(
                cells=real["cells"],
                right=real["correct"],
                flagged=real["flagged"] + real["missing"],
                silent=[
                    f"{path.name} {w[1]} {w[2]}: {w[4]} != {w[3]}" for w in real["wrong"] if w[0] == "silent"
                ],
                missing_tables=[],
            )
        else:
            score = score_document(document, load_expected(Path(entry["truth"]))["tables"])
            result.update(
                cells=score.cells,
                right=score.right,
                flagged=score.flagged,
                silent=[f"{path.name} {error}" for error in score.silent_errors],
                missing_tables=[f"{path.name} {table}" for table in score.missing_tables],
            )
        results.append(result)
    return results


def run_baseline(entries: list[dict]) -> list[dict]:
    from rapidocr import RapidOCR

    from extractors.scan.loading import load
    from reportgrid.discover import discover

    engine = RapidOCR()
    results = []
    for entry in entries:
        (unit,) = discover([Path(entry["path"])])
        images, _ = load(unit.path, unit.pages)
        start, cpu = time.perf_counter(), time.process_time()
        page_cpu = []
        for image in images:
            page_start = time.process_time()
            engine(image)
            page_cpu.append(time.process_time() - page_start)
        results.append(
            {
                "name": entry["name"],
                "pages": len(images),
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "page_cpu": page_cpu,
            }
        )
    return results


def _child(mode: str, entries: list[dict], threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(entries, handle)
    command = [sys.executable, __file__, "--child", mode, "--threads", str(threads), handle.name]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    Path(handle.name).unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])


def _entries(args: argparse.Namespace) -> list[dict]:
    if args.archive:
        from samplegen.archive import load_manifest, write_archive

        if not (args.archive / "manifest.json").exists():
            write_archive(args.archive, args.seed)
        return [doc.__dict__ for doc in load_manifest(args.archive)]
    scratch = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    paths = generate(scratch, args.generate, args.seed) if args.generate else documents(args.corpus)
    return [
        {
            "name": p.name,
            "kind": "generated" if args.generate else "samples",
            "source": "samplegen",
            "version": "",
            "held_out": False,
            "path": str(p),
            "truth": f"{p}.expected.json",
            "truth_format": "expected",
        }
        for p in paths
    ]


def _table_pages(docs: list[dict], base: dict[str, dict]) -> tuple[list[float], list[float]]:
    """CPU of each page with a table as the scan path read it (observe_page alone) and of full-page
    rapidocr on the same page: the issue's "a table page" measure."""
    ours, theirs = [], []
    for doc in docs:
        baseline = base[doc["name"]]["page_cpu"]
        for page in doc.get("page_cpu", []):
            if page["table"] and page["page"] <= len(baseline):
                ours.append(page["cpu"])
                theirs.append(baseline[page["page"] - 1])
    return ours, theirs


def _line(name: str, docs: list[dict], base: dict[str, dict], rss: tuple[float, float] | None) -> str:
    cells = sum(d["cells"] for d in docs)
    right = sum(d["right"] for d in docs)
    pages = sum(d["pages"] for d in docs)
    cpu = sum(d["cpu"] for d in docs)
    wall = sum(d["seconds"] for d in docs)
    timed = [d for d in docs if d["name"] in base]
    base_cpu = sum(base[d["name"]]["cpu"] for d in timed)
    timed_pages = sum(d["pages"] for d in timed)
    timed_cpu = sum(d["cpu"] for d in timed)
    valid = [d for d in docs if d["status"] == "valid"]
    silent_valid = sum(len(d["silent"]) for d in valid)
    text = (
        f"{name:<10} {len(docs):>3} docs {pages:>4} pages | cells right {right}/{cells} = "
        f"{100 * right / max(cells, 1):.2f}% | flagged {sum(d['flagged'] for d in docs)} | "
        f"silent {sum(len(d['silent']) for d in docs)} | valid {len(valid)}/{len(docs)} "
        f"(silent among valid {silent_valid}) | {wall / max(pages, 1):.2f} s/page, "
        f"CPU {cpu / max(pages, 1):.2f} s/page"
    )
    if timed:
        text += (
            f"; on the {timed_pages} baseline pages CPU {timed_cpu / max(timed_pages, 1):.2f} vs "
            f"rapidocr full page {base_cpu / max(timed_pages, 1):.2f} s/page = {timed_cpu / base_cpu:.2f}x"
        )
        ours, theirs = _table_pages(timed, base)
        if ours:
            text += (
                f"; table pages read {len(ours)}: {sum(ours) / len(ours):.2f} vs "
                f"{sum(theirs) / len(theirs):.2f} s/page = {sum(ours) / sum(theirs):.2f}x"
            )
    if rss:
        text += f" | peak RSS {rss[0]:.0f} MB (baseline {rss[1]:.0f} MB)"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--archive", type=Path, help="the archive bench set's folder (written there if missing)"
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "sample_scans")
    parser.add_argument("--generate", type=int, default=0, help="generate this many scan documents instead")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--kinds", default="", help="comma-separated kinds to run (default: all)")
    parser.add_argument(
        "--baseline-per-kind",
        type=int,
        default=0,
        help="time full-page rapidocr on this many documents of each kind only (0: all; -1: none)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="OpenCV and onnxruntime threads of the pipeline's processes, as `reportgrid run` caps "
        "each worker (cores // workers: 1 with the default --workers on any machine); 0: the "
        "libraries' defaults. The baseline always runs with rapidocr's defaults",
    )
    parser.add_argument("--show-errors", type=int, default=20)
    parser.add_argument("--json", type=Path, help="also write every document's figures here")
    parser.add_argument("--child", choices=("documents", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("entries", nargs="?", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "documents" and args.threads:
            import cv2

            from extractors.scan.ocr.rapidocr_engine import OCR_THREADS

            cv2.setNumThreads(args.threads)
            os.environ[OCR_THREADS] = str(args.threads)
        entries = json.loads(args.entries.read_text())
        results = (run_documents if args.child == "documents" else run_baseline)(entries)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"results": results, "peak_rss_mb": rss}))
        return 0
    entries = _entries(args)
    wanted = {k for k in args.kinds.split(",") if k}
    kinds = sorted({e["kind"] for e in entries if not wanted or e["kind"] in wanted})
    docs: list[dict] = []
    base: dict[str, dict] = {}
    rss: dict[str, tuple[float, float]] = {}
    for kind in kinds:
        chosen = [e for e in entries if e["kind"] == kind]
        whole = _child("documents", chosen, args.threads)
        timed = chosen if args.baseline_per_kind == 0 else chosen[: max(0, args.baseline_per_kind)]
        baseline = _child("baseline", timed, 0) if timed else {"results": [], "peak_rss_mb": 0.0}
        docs += whole["results"]
        base.update({b["name"]: b for b in baseline["results"]})
        rss[kind] = (whole["peak_rss_mb"], baseline["peak_rss_mb"])
        print(_line(kind, whole["results"], base, rss[kind]), flush=True)
    print(_line("all", docs, base, (max(r[0] for r in rss.values()), max(r[1] for r in rss.values()))))
    for part, held in (("tuning", False), ("held-out", True)):
        chosen = [d for d in docs if d["held_out"] == held]
        if chosen:
            print(_line(part, chosen, base, None))
    target = [d for d in docs if d["kind"] in VALID_TARGET_KINDS]
    if target:
        print(_line("clean+off", target, base, None))
    for kind in kinds:
        real = [d for d in docs if d["kind"] == kind and d["source"] == "real"]
        if real:
            print(_line(f"real-{kind}", real, base, None))
    for d in docs:
        for line in (d["silent"] + d["missing_tables"])[: args.show_errors]:
            print("   ", d["kind"], line)
    if args.json:
        args.json.write_text(
            json.dumps({"documents": docs, "baseline": base, "rss": rss}, ensure_ascii=False, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
