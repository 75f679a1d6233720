"""The operator's view end to end: `reportgrid ui` starts a server, `reportgrid run` finds it by itself,
and the flow run page in headless Chromium shows the progress, run table and review queue artifacts.

The browser test needs Debian's ``chromium`` (``make test`` installs it) and drives it with the
``playwright`` package through ``executable_path``, so nothing is downloaded; without Chromium it is
skipped, saying so. Its screenshots go to a temporary folder, or to ``docs/`` (the README shows
them) with ``REPORTGRID_SCREENSHOTS=1``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from flows.settings import UI_PORT_VARIABLE, api_problem
from samplegen.shared_data import REAL_DATA

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CLI = [sys.executable, "-c", "from reportgrid.cli import app; app()"]
DOCS = ROOT / "docs"
STARTUP_SECONDS = 180  # a fresh server database on a loaded 2-core machine takes 20-60 s


class Ui(NamedTuple):
    port: int
    env: dict[str, str]
    printed: Path


class UiRun(NamedTuple):
    ui: Ui
    output: str
    batch_id: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def ui(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ui]:
    """`reportgrid ui --port P` as an operator starts it, with its own PREFECT_HOME."""
    root = tmp_path_factory.mktemp("ui-server")
    port = _free_port()
    env = {**os.environ, "PREFECT_HOME": str(root / "home"), UI_PORT_VARIABLE: str(port), "COLUMNS": "200"}
    env.pop("PREFECT_API_URL", None)
    env["PYTHONPATH"] = str(ROOT)
    printed = root / "ui.out"
    with printed.open("w") as out:
        process = subprocess.Popen([*CLI, "ui", "--port", str(port)], env=env, stdout=out, stderr=out)
    try:
        url = f"http://127.0.0.1:{port}"
        for _ in range(STARTUP_SECONDS * 2):
            if process.poll() is not None or f"Prefect UI: {url}" in printed.read_text():
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(0.5)
        assert f"Prefect UI: {url}" in printed.read_text(), printed.read_text()
        yield Ui(port, env, printed)
    finally:
        process.terminate()
        process.wait(30)
    assert api_problem(f"http://127.0.0.1:{port}/api", 2.0) is not None  # the server went with it


@pytest.fixture(scope="module")
def ui_run(ui: Ui, tmp_path_factory: pytest.TempPathFactory) -> UiRun:
    """`reportgrid run` on two samples, a valid report and one cut off inside table 三, with no
    PREFECT_API_URL: it must find the server `reportgrid ui` started."""
    root = tmp_path_factory.mktemp("ui-run")
    folder = root / "county-2020"
    folder.mkdir()
    text = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")
    (folder / "hushan.txt").write_text(text, encoding="utf-8")
    (folder / "truncated.txt").write_text(text[: text.index("(三)不予公开")], encoding="utf-8")
    result = subprocess.run(
        [*CLI, "run", str(folder), "--out", str(root / "out"), "--workers", "1"],
        env=ui.env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    runs = httpx.post(
        f"http://127.0.0.1:{ui.port}/api/flow_runs/filter",
        json={"flow_runs": {"name": {"any_": ["county-2020 (2 documents)"]}}},
        timeout=10,
    ).json()
    assert len(runs) == 1
    return UiRun(ui, result.stdout, runs[0]["id"])


def test_ui_prints_where_the_server_answers(ui: Ui) -> None:
    printed = ui.printed.read_text()
    assert f"API: http://127.0.0.1:{ui.port}/api" in printed
    assert api_problem(f"http://127.0.0.1:{ui.port}/api", 5.0) is None
    assert httpx.get(f"http://127.0.0.1:{ui.port}/", timeout=10).text.lstrip().startswith("<!")


def test_run_uses_the_server_it_finds_running(ui_run: UiRun) -> None:
    assert f"Prefect server at http://127.0.0.1:{ui_run.ui.port}/api" in ui_run.output
    run = httpx.get(f"http://127.0.0.1:{ui_run.ui.port}/api/flow_runs/{ui_run.batch_id}", timeout=10).json()
    assert run["state"]["type"] == "COMPLETED"
    assert {"reportgrid", "archive:county-2020"} <= set(run["tags"])


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")
def test_the_flow_run_page_shows_progress_table_and_review_queue(ui_run: UiRun, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{ui_run.ui.port}"
    artifacts = httpx.post(
        f"{base}/api/artifacts/filter",
        json={"artifacts": {"flow_run_id": {"any_": [ui_run.batch_id]}}},
        timeout=10,
    ).json()
    by_key = {artifact["key"]: artifact["id"] for artifact in artifacts}
    shots = DOCS if os.environ.get("REPORTGRID_SCREENSHOTS") == "1" else tmp_path
    shots.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{base}/runs/flow-run/{ui_run.batch_id}", wait_until="networkidle")
            page.get_by_text("Artifacts", exact=True).first.click()
            page.get_by_text("2 of 2 done (1 needs_review, 1 valid)").wait_for(timeout=30_000)
            page.get_by_text("2 documents: 1 valid, 1 needs_review, 0 failed").first.wait_for(timeout=30_000)
            page.get_by_text("reportgrid-review").first.wait_for(timeout=30_000)
            page.screenshot(path=shots / "prefect-flow-run.png")
            page.goto(f"{base}/artifacts/artifact/{by_key['reportgrid-run']}", wait_until="networkidle")
            page.get_by_text("hushan.txt").first.wait_for(timeout=30_000)
            assert page.get_by_text("truncated.txt").count() >= 1
            page.goto(f"{base}/artifacts/artifact/{by_key['reportgrid-review']}", wait_until="networkidle")
            heading = page.get_by_role("heading", name="Review queue: 1 of 2 documents")
            heading.wait_for(timeout=30_000)
            link = page.get_by_role("link", name="truncated.txt")
            assert link.get_attribute("href", timeout=10_000).endswith("/truncated.json")
            assert page.get_by_text("hushan.txt").count() == 0
            page.screenshot(path=shots / "prefect-review-queue.png")
        finally:
            browser.close()
