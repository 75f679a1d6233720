"""The layers import one way: the CLI above the flows, the flows above the pipeline. Nothing below the
CLI imports it, and the pipeline (reportgrid/ but the CLI, models/, extractors/, reconcile/) imports
neither the flows nor Prefect."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ("models", "extractors", "reconcile", "reportgrid")
CLI = ROOT / "reportgrid" / "cli.py"


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (lazy imports included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if path != CLI)


def test_nothing_below_the_cli_imports_it() -> None:
    for package in ("flows", *PIPELINE):
        for path in _modules(package):
            assert "reportgrid.cli" not in _imports(path), path


def test_the_pipeline_imports_neither_the_flows_nor_prefect() -> None:
    for package in PIPELINE:
        for path in _modules(package):
            layered = {name for name in _imports(path) if name.split(".")[0] in {"flows", "prefect"}}
            assert not layered, f"{path.relative_to(ROOT)} imports {sorted(layered)}"


def test_the_flows_load_without_the_cli() -> None:
    code = (
        "import sys, flows.batch, flows.deploy, flows.local, flows.server, flows.settings; "
        "assert 'reportgrid.cli' not in sys.modules, 'reportgrid.cli was imported'"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_prefect_settings_live_in_flows_only() -> None:
    """The CLI and the tests take them from flows.settings; neither spells a setting out itself."""
    for path in (CLI, ROOT / "tests" / "conftest.py"):
        text = path.read_text(encoding="utf-8")
        for name in ("PREFECT_SERVER_ANALYTICS_ENABLED", "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"):
            assert name not in text, f"{path.name} sets {name}"
