"""What a run leaves in Prefect for an operator: task run states that say each document's status, a
completed flow run, tags, the progress artifact and the run table with links."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    FlowRunFilter,
    FlowRunFilterParentTaskRunId,
    TaskRunFilter,
    TaskRunFilterFlowRunId,
)
from prefect.client.schemas.objects import Artifact, FlowRun, TaskRun
from prefect.task_runners import ThreadPoolTaskRunner

from flows.batch import NEEDS_REVIEW_STATE, process_batch
from reportgrid.discover import discover
from reportgrid.limits import NO_LIMITS
from samplegen.shared_data import REAL_DATA

HUSHAN = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")


class Run(NamedTuple):
    out: Path
    batch: FlowRun
    parts: list[FlowRun]
    tasks: dict[str, TaskRun]
    artifacts: dict[str, Artifact]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    root = tmp_path_factory.mktemp("ui")
    folder = root / "county-2020"
    folder.mkdir()
    shutil.copy(REAL_DATA / "hushan-2020.txt", folder / "hushan.txt")
    (folder / "truncated.txt").write_text(HUSHAN[: HUSHAN.index("(三)不予公开")], encoding="utf-8")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 16)
    state = process_batch(
        discover([folder]),
        root / "out",
        runner=ThreadPoolTaskRunner(max_workers=2),
        limits=NO_LIMITS,
        link_base="http://files.local/out",
        return_state=True,
    )
    batch_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        batch = client.read_flow_run(batch_id)
        wrappers = client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[batch_id]))
        )
        parts = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_task_run_id=FlowRunFilterParentTaskRunId(any_=[run.id for run in wrappers])
            )
        )
        part_ids = [part.id for part in parts]
        tasks = client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=part_ids))
        )
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[batch_id]))
        )
    return Run(
        root / "out",
        batch,
        parts,
        {task.name: task for task in tasks},
        {artifact.key: artifact for artifact in artifacts if artifact.key},
    )


def test_each_task_run_ends_in_its_documents_status(run: Run) -> None:
    assert sorted(run.tasks) == ["garbage.json", "hushan.json", "truncated.json"]
    garbage = run.tasks["garbage.json"].state
    assert garbage is not None and garbage.type.value == "FAILED"
    assert garbage.message is not None and "binary data" in garbage.message
    truncated = run.tasks["truncated.json"].state
    assert truncated is not None and truncated.type.value == "COMPLETED"
    assert truncated.name == NEEDS_REVIEW_STATE and "cells need review" in (truncated.message or "")
    valid = run.tasks["hushan.json"].state
    assert valid is not None and (valid.type.value, valid.name) == ("COMPLETED", "Completed")


def test_flow_runs_complete_although_a_document_failed(run: Run) -> None:
    assert run.batch.state is not None and run.batch.state.type.value == "COMPLETED"
    assert [part.state.type.value for part in run.parts if part.state] == ["COMPLETED"]


def test_runs_are_named_after_the_archive_and_tagged(run: Run) -> None:
    assert run.batch.name == "county-2020 (3 documents)"
    assert [part.name for part in run.parts] == ["county-2020"]
    for tagged in (run.batch, *run.parts, *run.tasks.values()):
        assert {"reportgrid", "archive:county-2020"} <= set(tagged.tags), tagged.name


def test_the_progress_artifact_ends_at_all_done(run: Run) -> None:
    progress = run.artifacts["reportgrid-progress"]
    assert progress.type == "progress" and float(progress.data) == 100.0
    assert progress.description == "3 of 3 done (1 failed, 1 needs_review, 1 valid)"


def test_the_run_table_links_every_output_and_the_queue_lists_what_needs_review(run: Run) -> None:
    table = run.artifacts["reportgrid-run"]
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    assert [row["output"] for row in rows] == [
        f"http://files.local/out/{name}.json" for name in ("garbage", "hushan", "truncated")
    ]
    assert "3 documents: 1 valid, 1 needs_review, 1 failed, 0 skipped" in (table.description or "")
    queue = run.artifacts["reportgrid-review"].data
    assert "[truncated.txt](http://files.local/out/truncated.json)" in queue
    assert "[garbage.txt](http://files.local/out/garbage.json)" in queue
    assert "None" not in queue and "Decimal" not in queue
