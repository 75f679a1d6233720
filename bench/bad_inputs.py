"""Every bad input and fault of the reliability issue, run as a user would run them; prints tables.

Run by hand (not a test): ``PYTHONPATH=. .venv/bin/python bench/bad_inputs.py``.

1. The inputs of ``samplegen.bad_inputs`` (with the 100-page PDF) and a mode-000 file go into one
   folder, run as one batch with ``reportgrid run --no-server``. For each: expected and actual status
   and code, seconds from run-summary.json, and the peak RSS of that input processed alone in a fresh
   process (``ru_maxrss`` of the child: a batch's workers are shared, so their peak is not one input's).
2. Fault runs, each a fresh ``reportgrid run``: output path a file, a read-only file system, a 48 kB
   file system, a Prefect API on a dead port and on a socket that never answers. Exit code, seconds,
   whether a traceback was printed.
3. Isolation overhead: the same 12 text reports with the default limits (worker processes) and with
   ``--time-limit 0 --memory-limit 0`` (in the calling thread).

Tracebacks anywhere and any ``internal`` code are counted at the end; both must be 0. The fault runs
that mount a tmpfs need root; they are reported as skipped otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from samplegen.bad_inputs import REPORT_TEXT, make_bad_inputs, make_unreadable

ROOT = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
ENV.pop("PREFECT_API_URL", None)
PEAK = (
    "import resource, sys; from pathlib import Path; from reportgrid.pipeline import process_document;"
    "process_document(Path(sys.argv[1]));"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
)

ALONE = (
    "import sys, time; from pathlib import Path; from reportgrid.pipeline import process_document;"
    "process_document(Path(sys.argv[1]).with_name('pdf-named.txt'));"  # the PDF path's imports, set-up
    "w, c = time.perf_counter(), time.process_time(); d = process_document(Path(sys.argv[1]));"
    "print(time.perf_counter() - w, time.process_time() - c, d.status)"
)


def reportgrid(*args: str, env: dict[str, str] | None = None) -> tuple[int, float, str]:
    """Exit code, wall seconds and all output of one ``reportgrid`` command."""
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from reportgrid.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env=env or ENV,
        cwd=ROOT,
    )
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def peak_mb(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    return done.stdout.strip() or "?"


def inputs_table(work: Path) -> tuple[int, int]:
    folder = work / "inputs"
    cases = make_bad_inputs(folder, include_slow=True)
    cases.append(make_unreadable(folder))
    out = work / "out"
    started = time.monotonic()
    code, seconds, output = reportgrid(
        "run", str(folder), *(str(c.path) for c in cases), "--out", str(out), "--no-server"
    )
    print(
        f"batch of {len(cases)} inputs: exit {code}, {seconds:.1f} s wall, "
        f"traceback printed: {'Traceback' in output}"
    )
    summary = json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
    lines = {Path(line["source"]).name: line for line in summary["documents"]}
    print(f"{'input':44} {'expected':28} {'status':13} {'code':18} {'s':>7} {'peak MB':>8}")
    internal = wrong = 0
    for case in cases:
        line = lines.get(case.name)
        status = line["status"] if line else "MISSING"
        got = line["error"]["code"] if line and line["error"] else "-"
        internal += got == "internal"
        expected = f"{'/'.join(case.statuses)} {case.code.value if case.code else '-'}"
        ok = line is not None and status in case.statuses and got == (case.code.value if case.code else "-")
        wrong += not ok
        shown = case.name if len(case.name) <= 42 else case.name[:30] + "…" + case.name[-11:]
        seconds = f"{line['seconds']:.2f}" if line else "-"
        print(
            f"{shown:44} {expected:28} {status:13} {got:18} {seconds:>7} {peak_mb(case.path):>8}"
            + ("" if ok else "  <-- differs")
        )
    print(f"duplicates by sha256: {summary['duplicates']}")
    print(f"skipped: {[(Path(s['path']).name, s['reason']) for s in summary['skipped']]}")
    print(f"errors per code: {summary['errors']}")
    pages = next(case.path for case in cases if case.name == "100-pages.pdf")
    done = subprocess.run(
        [sys.executable, "-c", ALONE, str(pages)], capture_output=True, text=True, env=ENV, cwd=ROOT
    )
    wall, cpu = (float(x) for x in done.stdout.split()[:2])
    print(
        f"100-page PDF alone: {wall:.1f} s wall ({100 / wall:.1f} pages/s), "
        f"{cpu:.1f} s CPU ({100 / cpu:.1f} pages/s)"
    )
    print(f"whole batch {time.monotonic() - started:.1f} s")
    return internal, wrong + ("Traceback" in output)


def _mount(folder: Path, options: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
        ).returncode
        == 0
    )


def fault_table(work: Path) -> int:
    source = work / "fault-in"
    source.mkdir()
    shutil.copy(REPORT_TEXT, source / "hushan-2020.txt")
    (source / "notice.txt").write_text("关于开展春季植树活动的通知\n请于3月12日前报名。\n", encoding="utf-8")
    tracebacks = 0
    print(f"\n{'fault':34} {'exit':>4} {'s':>6}  traceback  first line of the message")

    def show(name: str, result: tuple[int, float, str] | None) -> None:
        nonlocal tracebacks
        if result is None:
            print(f"{name:34} skipped (cannot mount a tmpfs: needs root)")
            return
        code, seconds, output = result
        tracebacks += "Traceback" in output
        lines = output.splitlines()
        message = next((line for line in lines if line.startswith(("error:", "failed by code"))), "")[:90]
        print(f"{name:34} {code:>4} {seconds:>6.1f}  {'Traceback' in output!s:9}  {message}")

    (work / "a-file").write_text("x", encoding="utf-8")
    show(
        "output path is a file", reportgrid("run", str(source), "--out", str(work / "a-file"), "--no-server")
    )
    read_only, small = work / "ro", work / "small"
    if _mount(read_only, "size=1m,ro"):
        show("read-only file system", reportgrid("run", str(source), "--out", str(read_only), "--no-server"))
        subprocess.run(["umount", str(read_only)], check=False)
    else:
        show("read-only file system", None)
    if _mount(small, "size=48k"):
        result = reportgrid("run", str(source), "--out", str(small), "--no-server")
        left = sorted(p.name for p in small.iterdir())
        show("disk full (48 kB tmpfs)", result)
        print(f"{'':34} files left: {left}")
        subprocess.run(["umount", str(small)], check=False)
    else:
        show("disk full (48 kB tmpfs)", None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    show(
        "Prefect API on a dead port",
        reportgrid(
            "run",
            str(source),
            "--out",
            str(work / "o1"),
            env={**ENV, "PREFECT_API_URL": f"http://127.0.0.1:{dead}/api"},
        ),
    )
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/api"
        show(
            "Prefect API never answers",
            reportgrid("run", str(source), "--out", str(work / "o2"), env={**ENV, "PREFECT_API_URL": url}),
        )
        show(
            "  same, with --no-server",
            reportgrid(
                "run",
                str(source),
                "--out",
                str(work / "o3"),
                "--no-server",
                env={**ENV, "PREFECT_API_URL": url},
            ),
        )
    return tracebacks


def overhead(work: Path) -> None:
    folder = work / "twelve"
    folder.mkdir()
    for index in range(12):
        (folder / f"report-{index:02}.txt").write_text(
            REPORT_TEXT.read_text(encoding="utf-8") + f"\n{index}\n", encoding="utf-8"
        )
    print("\nisolation overhead, 12 text reports, --no-server, concurrency 2:")
    for label, extra in (
        ("in-thread (no limits)", ["--time-limit", "0", "--memory-limit", "0"]),
        ("worker processes (default limits)", []),
    ):
        code, seconds, _ = reportgrid(
            "run",
            str(folder),
            "--out",
            str(work / label.split()[0]),
            "--no-server",
            "--concurrency",
            "2",
            *extra,
        )
        print(f"  {label:36} exit {code}  {seconds:.1f} s wall")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="reportgrid-bad-") as name:
        work = Path(name)
        work.chmod(0o755)
        internal, wrong = inputs_table(work)
        tracebacks = fault_table(work)
        overhead(work)
        (work / "inputs" / "no-permission.txt").chmod(0o644)
    print(
        f"\ninternal errors: {internal}; inputs not as expected: {wrong}; "
        f"fault runs with a traceback: {tracebacks}"
    )
    return 0 if internal == wrong == tracebacks == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
