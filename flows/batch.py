"""Prefect flow: a batch of report documents in, one validated JSON per document and a run summary out.

One flow run covers the batch; each document is one task run (read, reconcile, write its JSON), so the
flow's task runner decides where documents run: the default thread pool here, or a cluster runner set
with ``process_batch.with_options(task_runner=...)``. At most ``concurrency`` documents are in flight.
A document whose task crashes still gets a JSON (status ``failed``, the crash as its ``error``) and
the run goes on. At the end the flow writes ``run-summary.json`` and publishes two artifacts: the
``reportgrid-run`` table (per document: status, cells, cells needing review, failed rules, seconds)
and the ``reportgrid-review`` markdown (what needs review and why).

Run it with the CLI, ``reportgrid run PATH... --out DIR [--concurrency N]``, or from Python::

    from pathlib import Path
    from flows.batch import process_batch
    from reportgrid.discover import discover

    process_batch(discover([Path("sample_scans")]), Path("out"))

Without ``PREFECT_API_URL`` Prefect starts a temporary local server for the run; point
``PREFECT_API_URL`` at a running server (``prefect server start``) to keep runs and artifacts in its UI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture, as_completed
from prefect.task_runners import ThreadPoolTaskRunner

from flows.artifacts import Outcome, review_markdown, summary_rows
from flows.document import crashed, run_document
from models.document import DocumentSummary, RunSummary, SkippedFile
from reportgrid.discover import DocumentInput
from reportgrid.limits import DEFAULT_LIMITS, Limits
from reportgrid.output import SUMMARY_NAME, now, output_names, run_summary, write_summary

DocumentCallback = Callable[[DocumentSummary], None]


@task(task_run_name="{name}", cache_policy=NO_CACHE)
def process_one(path: Path, out_dir: Path, name: str, limits: Limits) -> Outcome:
    """Read, reconcile and write one document; the pipeline turns bad input into a failed document."""
    return run_document(path, out_dir, name, limits)


@flow(name="reportgrid-batch", task_runner=ThreadPoolTaskRunner())
def process_batch(
    inputs: list[DocumentInput],
    out_dir: Path,
    concurrency: int = 4,
    on_document: DocumentCallback | None = None,
    skipped: Sequence[SkippedFile] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> RunSummary:
    """Process every input, write ``run-summary.json`` and the operator artifacts; return the summary.

    ``on_document`` is called in the flow's thread with each document's summary as it finishes (the
    CLI's progress bar uses it).
    """
    started = now()
    out_dir.mkdir(parents=True, exist_ok=True)
    names = output_names([unit.path for unit in inputs])
    outcomes: dict[int, Outcome] = {}
    jobs = [(unit.path, out_dir, name, limits) for unit, name in zip(inputs, names, strict=True)]
    for index, future in _in_window(jobs, max(1, concurrency)):
        result = future.result(raise_on_failure=False)
        if not isinstance(result, Outcome):
            result = crashed(inputs[index].path, out_dir, names[index], result)
        outcomes[index] = result
        if on_document is not None:
            on_document(result.summary)
    ordered = [outcomes[index] for index in range(len(inputs))]
    summary = run_summary([outcome.summary for outcome in ordered], started, skipped)
    try:
        write_summary(summary, out_dir)
    except OSError as exc:  # the CLI reports it (output.summary_written); the artifacts still go out
        get_run_logger().error("%s could not be written in %s: %s", SUMMARY_NAME, out_dir, exc)
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items())
    create_table_artifact(
        table=summary_rows(summary.documents),
        key="reportgrid-run",
        description=f"{len(inputs)} documents: {counts}",
    )
    create_markdown_artifact(
        markdown=review_markdown(ordered),
        key="reportgrid-review",
        description="Documents that need review, and why",
    )
    get_run_logger().info("%d documents: %s; results in %s", len(inputs), counts, out_dir)
    return summary


def _in_window(
    jobs: Sequence[tuple[Path, Path, str, Limits]], width: int
) -> Iterator[tuple[int, PrefectFuture[Outcome]]]:
    """Submit documents keeping at most ``width`` in flight; yield (job index, future) as each ends."""
    waiting = iter(enumerate(jobs))
    running: dict[PrefectFuture[Outcome], int] = {}
    while True:
        for index, (path, out_dir, name, limits) in waiting:
            running[process_one.submit(path, out_dir, name, limits)] = index
            if len(running) >= width:
                break
        if not running:
            return
        finished = next(as_completed(list(running)))
        yield running.pop(finished), finished
