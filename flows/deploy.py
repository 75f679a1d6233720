"""A deployment an operator starts runs from in the Prefect UI (``reportgrid serve``).

``process_archive`` takes what an operator can type into the UI's run form (folders and files as
paths, the output folder, workers, batch size, force, limits) and runs ``process_batch`` on what
discovery finds there, as its child flow run. ``reportgrid serve`` keeps a process serving it
(``flow.serve``): runs started from the UI execute in that process, on its machine.
"""

from __future__ import annotations

from pathlib import Path

from prefect import flow
from prefect.deployments.runner import RunnerDeployment

from flows.batch import DEFAULT_BATCH_SIZE, process_batch
from models.document import RunSummary
from reportgrid.discover import discover, skipped_files
from reportgrid.limits import DEFAULT_MEMORY_BYTES, DEFAULT_SECONDS, Limits

DEPLOYMENT_NAME = "reportgrid"
_OPTIONS = {
    "description": "Process an archive folder into one JSON per document; see the flow's parameters.",
    "tags": ["reportgrid"],
}


@flow(name="reportgrid-archive", flow_run_name="{out}")
def process_archive(
    paths: list[str],
    out: str,
    workers: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    time_limit: float = DEFAULT_SECONDS,
    memory_limit_gb: float = DEFAULT_MEMORY_BYTES / 2**30,
    link_base: str | None = None,
) -> RunSummary:
    """Process every document under ``paths`` into ``out`` (as ``reportgrid run``); 0 switches a limit off."""
    found = [Path(path) for path in paths]
    inputs = discover(found)
    if not inputs:
        raise ValueError(f"no documents found under {', '.join(paths)}")
    limits = Limits(
        seconds=time_limit or None,
        memory_bytes=int(memory_limit_gb * 2**30) if memory_limit_gb else None,
    )
    return process_batch(
        inputs,
        Path(out),
        workers=workers,
        batch_size=batch_size,
        force=force,
        skipped=skipped_files(found, inputs),
        limits=limits,
        link_base=link_base,
    )


def deployment(name: str = DEPLOYMENT_NAME) -> RunnerDeployment:
    """The deployment ``reportgrid serve`` serves: ``process_archive`` with its run form."""
    return process_archive.to_deployment(name=name, **_OPTIONS)


def serve_archive(name: str = DEPLOYMENT_NAME) -> None:
    """Register the deployment and run what the UI starts from it, until interrupted (``flow.serve``)."""
    process_archive.serve(name=name, **_OPTIONS)
