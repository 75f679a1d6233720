"""Archive throughput: documents/hour and pages/second with 1 and 2 worker processes, Prefect's overhead
per document, peak memory per worker, and a rerun with every document skipped.

Run by hand (it takes many minutes; nothing here is a test)::

    nice -n 10 .venv/bin/python bench/throughput.py [--documents 200] [--seed 1] [--workers 1,2]
        [--archive DIR] [--one-thread]

It generates an archive as one is found (``--documents`` of them, both template versions): a quarter
scans, their page images side by side in the archive folder (``<doc>_p1.png`` …, grouped by
discovery), the rest digital PDFs, HTML pages and flattened text. Then, for each worker count, the
whole archive runs through ``flows.batch.process_batch`` (``--force``, a fresh output folder), and
finally once more over the last output folder, where every document is skipped. Figures:

- documents/hour and pages/second: documents and pages over the run's wall time;
- overhead per document: worker time not spent in the pipeline, ``(wall × workers − Σ seconds) / N``,
  where ``seconds`` is each document's own ``process_document`` time (so it holds Prefect's task runs,
  worker start-up and model loading, the JSON writes and the skip check), also as a share of the mean
  processing time;
- peak RSS per worker: the largest resident set each worker process reached together with the child
  process its documents run in under the per-document limits (sampled every 0.2 s).

A worker caps its OpenCV and onnxruntime threads at its share of the cores (``flows.workers``): one
worker on two cores runs its OCR on two threads, two workers on one each. ``--one-thread`` also runs
one worker capped at one thread: the like-for-like unit the two-worker run is made of, so the ratio of
the two says how far documents scale over processes, apart from what a lone worker gains from its
second OCR thread. On a machine of two cores the lone worker's second thread already takes the second
core (200 documents of seed 1: 1.41× the throughput of one thread), so against it two workers could
reach at most 2 / 1.41 ≈ 1.42× however well they scale; the one-thread ratio is the scaling figure.

Targets (issue 14): 2 workers ≥ 1.7× the throughput of 1; overhead < 5 % of the processing time; a
fully skipped rerun of 200 documents in < 10 s.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

from models.document import Document, RunSummary  # noqa: E402
from models.template import builtin_templates  # noqa: E402
from reportgrid.discover import discover  # noqa: E402
from samplegen.corpus import DocSpec, write_document  # noqa: E402
from samplegen.render_html import render_html  # noqa: E402
from samplegen.render_text import render_flat_text  # noqa: E402
from samplegen.values import random_report  # noqa: E402

# Shares of a real archive (issue 14): mostly PDFs and web pages, a quarter scans.
MIX = (("scan", 0.25), ("pdf", 0.35), ("html", 0.30), ("text", 0.10))


def generate(folder: Path, count: int, seed: int) -> Counter[str]:
    """``count`` documents of the archive mix in ``folder``; the kinds made, counted."""
    rng = random.Random(seed)
    templates = {t.version: t for t in builtin_templates() if t.id == "gov-info-disclosure"}
    kinds = [kind for kind, share in MIX for _ in range(round(count * share))][:count]
    kinds += ["html"] * (count - len(kinds))
    rng.shuffle(kinds)
    with tempfile.TemporaryDirectory() as scratch:
        for index, kind in enumerate(kinds):
            version = ("2019", "2021")[index % 2]
            name = f"report-{index:04d}"
            if kind in ("html", "text"):
                sample = random_report(templates[version], rng)
                text = render_html(sample, rng) if kind == "html" else render_flat_text(sample, rng)
                (folder / f"{name}.{'html' if kind == 'html' else 'txt'}").write_text(text, encoding="utf-8")
                continue
            spec = DocSpec(
                name=name,
                version=version,
                seed=rng.randrange(1 << 30),
                kind="scan" if kind == "scan" else "digital",
                cross_pages=rng.random() < 0.8,
                scan_format="pages",
                pages="title+tables",
            )
            made = write_document(spec, Path(scratch))
            if made.is_dir():  # a scan's pages, laid beside the other documents as a scanner leaves them
                for page in sorted(made.iterdir()):
                    shutil.move(page, folder / page.name)
            else:
                shutil.move(made, folder / made.name)
    return Counter(kinds)


class Usage:
    """Per process of this run, sampled every 0.2 s in a thread: the peak RSS of each worker process of
    this process's pools, with the child process its documents run in (``reportgrid.limits``), and the
    CPU seconds spent outside the workers (this process: the flow and its task threads; its other
    children: Prefect's temporary server). On two cores that CPU is what two workers compete with."""

    def __init__(self) -> None:
        self.peaks: dict[int, int] = {}
        self._cpu: dict[int, float] = {}
        self._worker_cpu: dict[int, float] = {}
        self._start: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> Usage:
        self._sample_once(psutil.Process(), first=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample_once(psutil.Process())

    @property
    def outside_cpu(self) -> float:
        """CPU seconds of this process and its non-worker children during the run."""
        return sum(used - self._start.get(pid, 0.0) for pid, used in self._cpu.items())

    @property
    def worker_cpu(self) -> float:
        """CPU seconds of the worker processes and the processes they started, during the run."""
        return sum(used - self._start.get(pid, 0.0) for pid, used in self._worker_cpu.items())

    def _sample(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.2):
            self._sample_once(me)

    def _sample_once(self, me: psutil.Process, first: bool = False) -> None:
        for process in [me, *me.children(recursive=True)]:
            try:
                line = " ".join(process.cmdline())
                worker = "multiprocessing" in line
                if worker and "multiprocessing.spawn" in line and process.ppid() == me.pid:
                    family = [process, *process.children(recursive=True)]
                    rss = sum(member.memory_info().rss for member in family)
                    self.peaks[process.pid] = max(self.peaks.get(process.pid, 0), rss)
                times = process.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system
            if first:
                self._start[process.pid] = used
            (self._worker_cpu if worker else self._cpu)[process.pid] = used


def run(
    inputs: Path, out: Path, workers: int, force: bool, threads: int | None = None
) -> tuple[RunSummary, float, Usage]:
    """One batch; ``threads`` caps each worker's OCR threads (default: its share of the cores)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.batch import process_batch
    from flows.workers import TASKS_PER_WORKER
    from reportgrid.limits import warm_up

    units = discover([inputs])
    runner = None
    if threads is not None:
        warm_up(workers, threads)
        runner = ThreadPoolTaskRunner(max_workers=workers * TASKS_PER_WORKER)
    with Usage() as memory:
        started = time.perf_counter()
        summary = process_batch(units, out, workers=workers, force=force, runner=runner)
        wall = time.perf_counter() - started
    return summary, wall, memory


def report(
    label: str, out: Path, summary: RunSummary, wall: float, workers: int, usage: Usage
) -> float:
    done = [line for line in summary.documents if not line.skipped]
    pages = sum(_pages(out, line.output) for line in done)
    busy = sum(line.seconds for line in done)
    overhead = (wall * workers - busy) / len(done)
    mean = busy / len(done)
    rss = ", ".join(f"{peak / 2**20:.0f}" for peak in sorted(usage.peaks.values(), reverse=True)[:workers])
    print(
        f"{label}: {len(done)} documents, {pages} pages in {wall:.1f} s: "
        f"{len(done) / wall * 3600:.0f} documents/hour, {pages / wall:.2f} pages/s; "
        f"mean processing {mean:.2f} s, overhead {overhead:.2f} s/document ({overhead / mean:.1%}); "
        f"peak RSS per worker {rss} MiB; CPU per document: workers {usage.worker_cpu / len(done):.2f} s, "
        f"flow and server {usage.outside_cpu / len(done):.3f} s; "
        f"statuses {dict(list(summary.counts.items())[:3])}",
        flush=True,
    )
    return len(done) / wall


def _pages(out: Path, output: str | None) -> int:
    """Pages of a document as its JSON records them (a text or HTML page counts as one)."""
    if output is None:
        return 0
    return Document.model_validate_json((out / output).read_bytes()).source.pages or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", default="1,2", help="worker counts to measure, comma-separated")
    parser.add_argument(
        "--one-thread", action="store_true", help="also run 1 worker capped at 1 OCR thread (see above)"
    )
    parser.add_argument(
        "--archive", type=Path, help="keep the generated archive here and reuse it if it is there already"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reportgrid-throughput-") as scratch:
        archive = args.archive or Path(scratch) / "archive"
        started = time.perf_counter()
        if archive.is_dir() and any(archive.iterdir()):
            made = "reused"
        else:
            archive.mkdir(parents=True, exist_ok=True)
            made = f"generated {dict(generate(archive, args.documents, args.seed))} in "
            made += f"{time.perf_counter() - started:.0f} s"
        units = discover([archive])
        print(
            f"archive {archive}: {len(units)} documents, {sum(1 for _ in archive.iterdir())} files, "
            f"{made}, on {os.cpu_count()} cores",
            flush=True,
        )
        from flows.batch import process_batch

        process_batch([], Path(scratch) / "warm-up")  # starts Prefect's temporary server, not measured
        rates: dict[int, float] = {}
        out = Path(scratch) / "out"  # the last worker count's output, rerun at the end
        if args.one_thread:
            summary, wall, usage = run(archive, Path(scratch) / "out-1-thread", 1, force=True, threads=1)
            one_thread = report(
                "1 worker, 1 OCR thread", Path(scratch) / "out-1-thread", summary, wall, 1, usage
            )
        for workers in (int(n) for n in args.workers.split(",")):
            out = Path(scratch) / f"out-{workers}"
            summary, wall, usage = run(archive, out, workers, force=True)
            rates[workers] = report(f"{workers} worker(s)", out, summary, wall, workers, usage)
        if 1 in rates and 2 in rates:
            print(f"speed-up 2 workers / 1: {rates[2] / rates[1]:.2f}x (target >= 1.7x)", flush=True)
        if args.one_thread and 2 in rates:
            print(f"speed-up 2 workers / 1 worker of 1 OCR thread: {rates[2] / one_thread:.2f}x", flush=True)
        summary, wall, _ = run(archive, out, max(rates), force=False)
        print(
            f"rerun over {out.name}: {summary.counts['skipped']} of {len(summary.documents)} skipped "
            f"in {wall:.1f} s (target < 10 s for 200)",
            flush=True,
        )


if __name__ == "__main__":
    main()
