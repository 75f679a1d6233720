"""Archive runs that survive: reruns skip what is done, a killed run resumes, lost workers are retried.

These tests run real flows: worker processes of a process pool, a real ``kill -9`` of a running
``reportgrid run`` and its whole process group, and a ``distributed.LocalCluster`` of 2 worker processes.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from prefect.settings import PREFECT_API_URL
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_runs import part_runs

import flows.batch
import flows.document
from flows.batch import process_batch
from flows.local import process_batch_locally
from flows.workers import WorkerPool, load_models
from models.document import RunSummary
from models.errors import ErrorCode
from models.inputs import DocumentInput
from reportgrid.discover import discover
from reportgrid.limits import Limits
from samplegen.shared_data import REAL_DATA

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_scans"
REAL_TEXTS = ("hushan-2020.txt", "shanghai-2019.txt")


def _archive(folder: Path, copies: int = 1) -> Path:
    """Real reports (text and HTML) as an archive holds them, plus one file that is not a report."""
    folder.mkdir(parents=True)
    for copy in range(copies):
        for name in (
            "hushan-2020.txt",
            "shanghai-2019.txt",
            "generated-2021.html",
            "generated-pipe-2019.txt",
        ):
            source = (REAL_DATA if name in REAL_TEXTS else SAMPLES) / name
            shutil.copy(source, folder / f"{source.stem}-{copy}{source.suffix}")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 16)
    return folder


def _content(out: Path) -> dict[str, dict]:
    """Every document JSON of a folder without what differs from run to run (time taken)."""
    found = {}
    for path in sorted(out.glob("*.json")):
        if path.name != "run-summary.json":
            document = json.loads(path.read_text(encoding="utf-8"))
            document.pop("seconds")
            found[path.name] = document
    return found


def _summary(out: Path) -> RunSummary:
    return RunSummary.model_validate_json((out / "run-summary.json").read_text(encoding="utf-8"))


def test_a_rerun_skips_done_documents_before_submitting_and_redoes_changed_ones(tmp_path: Path) -> None:
    inputs = _archive(tmp_path / "in")
    out = tmp_path / "out"
    runner = ThreadPoolTaskRunner(max_workers=2)
    first = process_batch(discover([inputs]), out, runner=runner)
    assert first.counts["skipped"] == 0 and first.complete
    before = _content(out)

    (out / "hushan-2020-0.json").unlink()
    changed = inputs / "shanghai-2019-0.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    state = process_batch(discover([inputs]), out, runner=runner, return_state=True)
    again = state.result()
    skipped = sorted(Path(line.source).name for line in again.documents if line.skipped)
    assert skipped == ["garbage.txt", "generated-2021-0.html", "generated-pipe-2019-0.txt"]
    assert again.counts == first.counts | {"skipped": 3}
    (part,) = part_runs(state.state_details.flow_run_id).values()
    assert part == ["hushan-2020-0.json", "shanghai-2019-0.json"]  # only these were submitted
    after = _content(out)
    assert after.keys() == before.keys()
    assert (
        after["shanghai-2019-0.json"]["source"]["sha256"]
        != before["shanghai-2019-0.json"]["source"]["sha256"]
    )
    assert {name: doc for name, doc in after.items() if name != "shanghai-2019-0.json"} == {
        name: doc for name, doc in before.items() if name != "shanghai-2019-0.json"
    }

    forced = process_batch(discover([inputs]), out, runner=runner, force=True)
    assert forced.counts["skipped"] == 0
    assert _content(out) == after


def test_a_run_without_prefect_keeps_done_documents_and_redoes_changed_ones(tmp_path: Path) -> None:
    """``--no-server`` shares the flow's bookkeeping: kept documents, stale temporaries, ``--force``."""
    inputs = _archive(tmp_path / "in")
    out = tmp_path / "out"
    first = process_batch_locally(discover([inputs]), out, concurrency=2)
    assert first.counts["skipped"] == 0 and first.complete
    before = _content(out)
    changed = inputs / "shanghai-2019-0.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    stale = out / ".hushan-2020-0.json.k7wq_2ab.tmp"
    stale.write_text('{"schema_ver', encoding="utf-8")

    seen: list[str] = []
    again = process_batch_locally(
        discover([inputs]), out, concurrency=2, on_document=lambda line: seen.append(Path(line.source).name)
    )
    kept = sorted(Path(line.source).name for line in again.documents if line.skipped)
    assert kept == ["garbage.txt", "generated-2021-0.html", "generated-pipe-2019-0.txt", "hushan-2020-0.txt"]
    assert sorted(seen) == sorted(Path(line.source).name for line in again.documents)
    assert again.complete and again.counts == first.counts | {"skipped": 4}
    assert not stale.exists()
    after = _content(out)
    assert (
        after["shanghai-2019-0.json"]["source"]["sha256"]
        != before["shanghai-2019-0.json"]["source"]["sha256"]
    )

    forced = process_batch_locally(discover([inputs]), out, concurrency=2, force=True)
    assert forced.counts["skipped"] == 0 and _content(out) == after


def test_parts_are_flow_runs_named_after_the_archive(tmp_path: Path) -> None:
    inputs = _archive(tmp_path / "scanned-2020")
    state = process_batch(
        discover([inputs]),
        tmp_path / "out",
        runner=ThreadPoolTaskRunner(max_workers=2),
        batch_size=2,
        return_state=True,
    )
    parts = part_runs(state.state_details.flow_run_id)
    assert sorted(parts) == [f"scanned-2020 part {n} of 3" for n in (1, 2, 3)]
    assert sorted(name for names in parts.values() for name in names) == sorted(
        line.output for line in state.result().documents
    )


def _cli(inputs: Path, out: Path, *options: str) -> subprocess.Popen[bytes]:
    """``reportgrid run`` in its own process group, against the tests' Prefect server."""
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value()), "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-c",
        "from reportgrid.cli import app; app()",
        "run",
        str(inputs),
        "--out",
        str(out),
    ]
    return subprocess.Popen(
        [*command, *options],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_kill_9_then_the_same_command_ends_as_an_uninterrupted_run(tmp_path: Path) -> None:
    inputs = _archive(tmp_path / "in", copies=2)
    reference = tmp_path / "reference"
    process_batch(discover([inputs]), reference, runner=ThreadPoolTaskRunner(max_workers=2))

    out = tmp_path / "out"
    for path in inputs.glob("*.txt"):  # an earlier run over other versions of the same files
        path.write_bytes(path.read_bytes() + b"\n")
    process_batch(discover([inputs]), out, runner=ThreadPoolTaskRunner(max_workers=2))
    earlier = _summary(out)
    assert earlier.complete
    for path in inputs.glob("*.txt"):
        path.write_bytes(path.read_bytes()[:-1])

    started = time.time()
    run = _cli(inputs, out, "--workers", "2")
    while not any(path.stat().st_mtime > started for path in out.glob("*-[0-9].json")):
        assert run.poll() is None, run.stdout.read().decode() if run.stdout else ""
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)
    run.wait()
    killed = _summary(out)
    assert not killed.complete and killed.finished is None and killed.started != earlier.started
    for path in out.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))  # no partial file under a final name
    (out / ".hushan-2020-1.json.k7wq_2ab.tmp").write_text('{"schema_ver', encoding="utf-8")  # a cut write

    rerun = _cli(inputs, out, "--workers", "2")
    output, _ = rerun.communicate(timeout=300)
    assert rerun.returncode == 0, output.decode()
    assert _content(out) == _content(reference)
    assert sorted(os.listdir(out)) == sorted(os.listdir(reference))
    summary = _summary(out)
    assert summary.complete and 1 <= summary.counts["skipped"] < len(summary.documents)
    assert {k: v for k, v in summary.counts.items() if k != "skipped"} == {
        k: v for k, v in _summary(reference).counts.items() if k != "skipped"
    }


def _kill_on(names: tuple[str, ...], marker: Path) -> None:
    """Worker initializer for the tests: the process reading a named file kills itself with SIGKILL,
    once per file when ``marker`` names a folder (a transient loss), else every time.

    The task calls ``flows.document.run_document``, which calls the ``run_limited`` its module names:
    replacing that one in the worker replaces what every task there runs."""
    load_models()
    real = flows.document.run_limited

    def run(job: Callable[[DocumentInput], object], source: DocumentInput, limits: Limits) -> object:
        if source.path.name in names:
            seen = marker / source.path.name
            if not marker.is_dir() or not seen.exists():
                if marker.is_dir():
                    seen.touch()
                os.kill(os.getpid(), signal.SIGKILL)
        return real(job, source, limits)

    flows.document.run_limited = run


def test_a_lost_worker_is_retried_and_the_others_are_not_harmed(tmp_path: Path) -> None:
    inputs = _archive(tmp_path / "in")
    shutil.copy(inputs / "hushan-2020-0.txt", inputs / "boom.txt")
    (tmp_path / "marks").mkdir()
    runner = WorkerPool(
        max_workers=2, initializer=_kill_on, initargs=(("boom.txt",), tmp_path / "marks")
    )
    state = process_batch(discover([inputs]), tmp_path / "out", runner=runner, return_state=True)
    documents = {Path(line.source).name: line for line in state.result().documents}
    assert documents["boom.txt"].status == "valid"
    assert (
        documents["garbage.txt"].error is not None
        and documents["garbage.txt"].error.code == ErrorCode.NOT_TEXT
    )
    assert (tmp_path / "marks" / "boom.txt").exists()  # its first worker did die
    parts = part_runs(state.state_details.flow_run_id)
    assert sorted(parts) == ["in", "in retry 1"]
    assert "boom.json" in parts["in retry 1"]  # done in the retry flow run, by a fresh worker
    assert (
        _content(tmp_path / "out")["boom.json"]["tables"]
        == _content(tmp_path / "out")["hushan-2020-0.json"]["tables"]
    )


def test_a_document_that_always_kills_its_worker_fails_as_worker_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(flows.batch, "RETRY_DELAYS", (0.0, 0.0))
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REAL_DATA / "hushan-2020.txt", folder / "poison.txt")
    runner = WorkerPool(
        max_workers=1, initializer=_kill_on, initargs=(("poison.txt",), tmp_path / "none")
    )
    state = process_batch(discover([folder]), tmp_path / "out", runner=runner, return_state=True)
    (line,) = state.result().documents
    assert line.status == "failed" and line.error is not None and line.error.code == ErrorCode.WORKER_LOST
    assert sorted(part_runs(state.state_details.flow_run_id)) == ["in", "in retry 1", "in retry 2"]


def test_a_dask_cluster_of_two_worker_processes_gives_the_serial_results(tmp_path: Path) -> None:
    import dask
    from distributed import Client, LocalCluster

    inputs = _archive(tmp_path / "in")
    shutil.copy(SAMPLES / "scan-2019-table3.jpg", inputs / "scan-2019-table3.jpg")
    process_batch(discover([inputs]), tmp_path / "serial", runner=ThreadPoolTaskRunner(max_workers=1))
    # reportgrid.limits runs each document in a child process, which daemonic Dask workers may not have.
    with (
        dask.config.set({"distributed.worker.daemon": False}),
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            preload=["flows.workers"],
        ) as cluster,
    ):
        summary = process_batch(discover([inputs]), tmp_path / "dask", cluster=cluster.scheduler_address)
        with Client(cluster) as client:
            warm = client.run(lambda: [w.warm for w in __import__("reportgrid.limits").limits._POOL.idle])
    assert summary.complete and len(summary.documents) == 6
    assert _content(tmp_path / "dask") == _content(tmp_path / "serial")
    # each Dask worker has one child process for its documents, which loaded the OCR models as it started
    assert list(warm.values()) == [[True], [True]]


def test_worker_processes_report_to_the_run_s_own_temporary_server(tmp_path: Path) -> None:
    """Without a server the run starts one temporary server; the process pool's workers (the runner
    without per-document limits) report there rather than each starting one of its own."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("generated-2021.html", "generated-pipe-2019.txt"):
        shutil.copy(SAMPLES / name, inputs / name)
    env = {key: value for key, value in os.environ.items() if key != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect-home"), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-c", "from reportgrid.cli import app; app()", "run", str(inputs)]
    run = subprocess.run(
        [
            *command,
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--time-limit",
            "0",
            "--memory-limit",
            "0",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (run.stdout + run.stderr).count("Starting temporary server") == 1, run.stdout + run.stderr
    assert len(list((tmp_path / "out").glob("generated-*.json"))) == 2
