"""Faults around the documents: an output folder that cannot be written, a disk that fills up, a Prefect
API that does not answer. Each is a clear message and a documented exit code, never a traceback, and no
partial JSON ever appears under a final name."""

from __future__ import annotations

import errno
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reportgrid import output
from reportgrid.cli import app
from samplegen.shared_data import REAL_DATA

ROOT = Path(__file__).resolve().parent.parent
REPORT = REAL_DATA / "hushan-2020.txt"
runner = CliRunner()


def _inputs(folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(REPORT, folder / "hushan-2020.txt")
    (folder / "notice.txt").write_text(
        "关于开展春季植树活动的通知\n各单位：请于3月12日前报名。\n", encoding="utf-8"
    )
    (folder / "minutes.docx").write_bytes(b"PK\x03\x04")
    return folder


def _summary(out: Path) -> dict:
    return json.loads((out / "run-summary.json").read_text(encoding="utf-8"))


def test_an_output_path_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("in the way", encoding="utf-8")
    result = runner.invoke(app, ["run", str(_inputs(tmp_path / "in")), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "cannot be written" in result.output


def test_a_full_disk_loses_no_result_silently(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ENOSPC when a file over 20 kB (the report's JSON) is flushed: that document is output_unwritable,
    its old JSON stays whole, no temporary file is left, the small JSON files are written; exit 1.
    Without limits the documents' jobs, JSON writes included, run in this process, where the fault is."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "hushan-2020.json").write_text('{"old": true}\n', encoding="utf-8")
    real_fsync = os.fsync

    def twenty_kb_left(descriptor: int) -> None:
        if os.fstat(descriptor).st_size > 20_000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fsync(descriptor)

    monkeypatch.setattr(output.os, "fsync", twenty_kb_left)
    arguments = ["run", str(_inputs(tmp_path / "in")), "--out", str(out), "--no-server"]
    result = runner.invoke(app, [*arguments, "--time-limit", "0", "--memory-limit", "0"])
    assert result.exit_code == 1, result.output
    assert "could not be written" in result.output
    assert (out / "hushan-2020.json").read_text(encoding="utf-8") == '{"old": true}\n'
    assert sorted(p.name for p in out.iterdir()) == ["hushan-2020.json", "notice.json", "run-summary.json"]
    lines = {Path(line["source"]).name: line for line in _summary(out)["documents"]}
    assert lines["hushan-2020.txt"]["error"]["code"] == "output_unwritable"
    assert lines["hushan-2020.txt"]["output"] is None
    assert lines["notice.txt"]["error"]["code"] == "not_a_report"


@pytest.fixture
def small_tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 48 kB file system: room for small JSON files, not for a report's (about 60 kB)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=48k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_really_full_disk_leaves_no_partial_json(tmp_path: Path, small_tmpfs: Path) -> None:
    result = runner.invoke(
        app, ["run", str(_inputs(tmp_path / "in")), "--out", str(small_tmpfs), "--no-server"]
    )
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in small_tmpfs.iterdir())
    assert "hushan-2020.json" not in names and not [n for n in names if n.startswith(".")]
    for name in names:
        json.loads((small_tmpfs / name).read_text(encoding="utf-8"))  # whatever is there is whole


def _cli(*args: str, api_url: str) -> tuple[subprocess.CompletedProcess[str], float]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_API_URL": api_url}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", "from reportgrid.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )
    return done, time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never answers, like an address that swallows packets."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@pytest.mark.parametrize("kind", ["dead port", "never answers"])
def test_an_unreachable_prefect_api_is_a_clear_error_within_30_s(
    tmp_path: Path, kind: str, silent_server: int
) -> None:
    port = _free_port() if kind == "dead port" else silent_server
    inputs = _inputs(tmp_path / "in")
    done, seconds = _cli(
        "run", str(inputs), "--out", str(tmp_path / "out"), api_url=f"http://127.0.0.1:{port}/api"
    )
    assert done.returncode == 3, done.stderr
    assert "does not answer" in done.stderr and "--no-server" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert seconds < 90  # a hang, as before (7 minutes); the 30 s target is measured by bench/bad_inputs.py
    assert not (tmp_path / "out" / "hushan-2020.json").exists()
    if kind == "dead port":
        return
    done, _ = _cli(
        "run",
        str(inputs),
        "--out",
        str(tmp_path / "out"),
        "--no-server",
        api_url=f"http://127.0.0.1:{port}/api",
    )
    assert done.returncode == 0, done.stderr
    assert (
        json.loads((tmp_path / "out" / "hushan-2020.json").read_text(encoding="utf-8"))["status"] == "valid"
    )


def test_no_server_writes_the_same_json_as_the_flow(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path / "in")
    for out, extra in ((tmp_path / "flow", []), (tmp_path / "local", ["--no-server"])):
        result = runner.invoke(app, ["run", str(inputs), "--out", str(out), *extra])
        assert result.exit_code == 0, result.output
    for name in ("hushan-2020.json", "notice.json"):
        flow, local = (
            json.loads((tmp_path / f / name).read_text(encoding="utf-8")) for f in ("flow", "local")
        )
        flow.pop("seconds"), local.pop("seconds")
        assert flow == local
    flow_summary, local_summary = _summary(tmp_path / "flow"), _summary(tmp_path / "local")
    for summary in (flow_summary, local_summary):
        for line in summary["documents"]:
            line.pop("seconds")
        for key in ("started", "finished"):
            summary.pop(key)
    assert flow_summary == local_summary
    assert [s["reason"] for s in local_summary["skipped"]] == ["unsupported file type '.docx'"]
