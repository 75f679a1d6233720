"""The deployment `reportgrid serve` serves: its run form has the operator's parameters, and the flow
behind it processes what an operator types there."""

from __future__ import annotations

import shutil
from pathlib import Path

from flows.deploy import DEPLOYMENT_NAME, deployment, process_archive
from models.document import RunSummary
from samplegen.shared_data import REAL_DATA


def test_the_deployment_asks_for_paths_output_and_workers() -> None:
    built = deployment()
    assert built.name == DEPLOYMENT_NAME and built.flow_name == "reportgrid-archive"
    assert "reportgrid" in built.tags
    schema = built._parameter_openapi_schema.model_dump()
    properties = schema["properties"]
    assert {"paths", "out", "workers", "batch_size", "force", "time_limit", "memory_limit_gb"} <= set(
        properties
    )
    assert set(schema["required"]) == {"paths", "out"}
    assert built.entrypoint is not None and built.entrypoint.endswith("flows/deploy.py:process_archive")


def test_the_deployed_flow_processes_the_paths_given_as_text(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(REAL_DATA / "hushan-2020.txt", folder / "hushan.txt")
    (folder / "notes.md").write_text("not a document", encoding="utf-8")
    summary = process_archive(
        [str(folder)], str(tmp_path / "out"), workers=1, time_limit=0, memory_limit_gb=0
    )
    assert isinstance(summary, RunSummary)
    assert [line.status for line in summary.documents] == ["valid"]
    assert [Path(line.path).name for line in summary.skipped] == ["notes.md"]
    assert (tmp_path / "out" / "hushan.json").is_file()
