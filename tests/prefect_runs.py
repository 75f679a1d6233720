"""What a batch flow run left in Prefect: its part flow runs and their task runs."""

from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    FlowRunFilter,
    FlowRunFilterParentTaskRunId,
    TaskRunFilter,
    TaskRunFilterFlowRunId,
)


def part_runs(batch_run_id: object) -> dict[str, list[str]]:
    """Each part flow run of a batch flow run (by name) with the names of its task runs."""
    with get_client(sync_client=True) as client:
        wrappers = client.read_task_runs(
            task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[batch_run_id]))
        )
        parts = client.read_flow_runs(
            flow_run_filter=FlowRunFilter(
                parent_task_run_id=FlowRunFilterParentTaskRunId(any_=[run.id for run in wrappers])
            )
        )
        found = {}
        for part in parts:
            runs = client.read_task_runs(
                task_run_filter=TaskRunFilter(flow_run_id=TaskRunFilterFlowRunId(any_=[part.id]))
            )
            found[part.name] = sorted(run.name for run in runs)
    return found
