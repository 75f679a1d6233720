"""Prefect flows: an archive of report documents in, one validated JSON per document and a run summary out.

``process_batch`` is one run. Before any task is submitted it removes the temporary files a killed run
left, marks ``run-summary.json`` as a run in progress, and keeps every JSON an earlier run already
wrote for the same input bytes and pipeline version (``--force`` redoes them). The documents left are
split into parts of at most ``batch_size``, each one flow run (``reportgrid-part``, named after the
archive and the part) run one after the other, each document one task run. The task runner decides
where documents run: ``workers`` processes here, or the Dask cluster at ``cluster``
(``flows.workers``). A document whose worker process was lost is retried, after a pause, in a fresh
flow run of its own (``… retry N``) up to ``RETRIES`` times; a document that fails is never retried:
the pipeline turns bad input into a failed JSON, and a task that raises gets one too. At the end the
flow writes the complete ``run-summary.json`` and publishes the ``reportgrid-run`` table and the
``reportgrid-review`` markdown.

Run it with the CLI (``reportgrid run PATH... --out DIR``) or from Python::

    from pathlib import Path
    from flows.batch import process_batch
    from reportgrid.discover import discover

    process_batch(discover([Path("sample_scans")]), Path("out"), workers=2)

Without ``PREFECT_API_URL`` Prefect starts a temporary local server for the run; point
``PREFECT_API_URL`` at a running server (``prefect server start``) to keep runs and artifacts in its UI.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner

from flows.artifacts import Outcome, review_markdown, review_notes, summary_rows
from flows.document import crashed, run_document, write_outcome
from flows.workers import task_runner, worker_lost
from models.document import DocumentSummary, RunSummary, SkippedFile
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from reportgrid.limits import DEFAULT_LIMITS, Limits
from reportgrid.output import (
    SUMMARY_NAME,
    failed_document,
    kept_document,
    now,
    output_names,
    remove_stale_temporaries,
    run_summary,
    summarize,
    write_summary,
)
from reportgrid.pipeline import input_digest

DocumentCallback = Callable[[DocumentSummary], None]
DEFAULT_BATCH_SIZE = 500
RETRIES = 2
RETRY_DELAYS = (2.0, 10.0)  # seconds before each retry: a lost machine or a memory squeeze may pass
# The batch's progress callback, seen by its part flows. Not a part flow parameter: a flow run's
# parameters travel with every task to the worker processes, and a callback rarely pickles.
_ON_DOCUMENT: ContextVar[DocumentCallback | None] = ContextVar("on_document", default=None)


@dataclass(frozen=True)
class Job:
    """One document of a run: its input, the name of its JSON, and whether the cells a person
    reviewed in the JSON already there are kept (all but ``--force`` runs)."""

    source: DocumentInput
    name: str
    keep_reviews: bool = True


@task(task_run_name="{name}", cache_policy=NO_CACHE)
def process_one(
    source: DocumentInput, out_dir: Path, name: str, limits: Limits, keep_reviews: bool = True
) -> Outcome:
    """Read, reconcile and write one document; the pipeline turns bad input into a failed document."""
    return run_document(source, out_dir, name, limits, keep_reviews)


@flow(name="reportgrid-part", flow_run_name="{title}")
def process_part(jobs: list[Job], out_dir: Path, title: str, limits: Limits) -> list[Outcome | str]:
    """Submit every job; return each one's outcome, or why its worker was lost.

    The batch's ``on_document`` is called in the flow's thread with each finished document's summary.
    """
    return _submit_all(jobs, out_dir, limits)


def _submit_all(jobs: list[Job], out_dir: Path, limits: Limits) -> list[Outcome | str]:
    """The part flow's body. It lives outside the flow function: Prefect sends the flow function with
    every task to the workers, by value, with the globals it names (this one goes by reference)."""
    on_document = _ON_DOCUMENT.get()
    futures = {
        process_one.submit(job.source, out_dir, job.name, limits, job.keep_reviews): index
        for index, job in enumerate(jobs)
    }
    outcomes: list[Outcome | str] = [""] * len(jobs)
    for future in as_completed(list(futures)):
        index = futures[future]
        try:
            result: object = future.result(raise_on_failure=False)
        except Exception as exc:  # the runner's own future failed: no task state came back
            result = exc
        if worker_lost(result):
            outcomes[index] = f"{type(result).__name__}: {result}"
            continue
        if not isinstance(result, Outcome):
            result = crashed(jobs[index].source, out_dir, jobs[index].name, result)
        outcomes[index] = result
        if on_document is not None:
            on_document(result.summary)
    return outcomes


def _batch_name() -> str:
    inputs = flow_run.parameters.get("inputs") or []
    return f"{archive_name(inputs)} ({len(inputs)} documents)"


@flow(name="reportgrid-batch", flow_run_name=_batch_name)
def process_batch(
    inputs: list[DocumentInput],
    out_dir: Path,
    workers: int | None = None,
    cluster: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    on_document: DocumentCallback | None = None,
    runner: TaskRunner | None = None,
    skipped: Sequence[SkippedFile] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> RunSummary:
    """Process every input not already done, write ``run-summary.json`` and the operator artifacts.

    ``runner`` replaces the task runner ``workers`` and ``cluster`` describe. ``on_document`` is called
    in the flow's thread with each document's summary as it finishes or is skipped (the CLI's progress
    bar uses it). ``skipped`` lists the files found that are not documents, for the summary; ``limits``
    bound each document's time and memory (``reportgrid.limits``).
    """
    started = now()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    write_summary(run_summary([], started, skipped, complete=False), out_dir)
    names = output_names([unit.path for unit in inputs])
    jobs = [Job(unit, name, keep_reviews=not force) for unit, name in zip(inputs, names, strict=True)]
    outcomes: list[Outcome | None] = [None if force else _kept(job, out_dir) for job in jobs]
    if on_document is not None:
        for outcome in outcomes:
            if outcome is not None:
                on_document(outcome.summary)
    todo = [index for index, outcome in enumerate(outcomes) if outcome is None]
    chosen = runner or task_runner(workers, cluster, limits)
    archive = archive_name(inputs)
    parts = [todo[start : start + max(1, batch_size)] for start in range(0, len(todo), max(1, batch_size))]
    listening = _ON_DOCUMENT.set(on_document)
    try:
        for number, part in enumerate(parts, start=1):
            title = f"{archive} part {number} of {len(parts)}" if len(parts) > 1 else archive
            done = _run_part([jobs[index] for index in part], out_dir, title, chosen, limits, on_document)
            for index, outcome in zip(part, done, strict=True):
                outcomes[index] = outcome
            finished = [outcome.summary for outcome in outcomes if outcome is not None]
            write_summary(run_summary(finished, started, skipped, complete=False), out_dir)
    finally:
        _ON_DOCUMENT.reset(listening)
    ordered = [outcome for outcome in outcomes if outcome is not None]
    summary = run_summary([outcome.summary for outcome in ordered], started, skipped)
    try:
        write_summary(summary, out_dir)
    except OSError as exc:  # the CLI reports it (output.summary_written); the artifacts still go out
        get_run_logger().error("%s could not be written in %s: %s", SUMMARY_NAME, out_dir, exc)
    _publish(summary, ordered)
    get_run_logger().info(
        "%d documents (%d skipped): %s; results in %s",
        len(inputs),
        summary.counts["skipped"],
        ", ".join(f"{count} {status}" for status, count in summary.counts.items() if status != "skipped"),
        out_dir,
    )
    return summary


def archive_name(inputs: Sequence[DocumentInput]) -> str:
    """What a run is called in Prefect: the folder that holds all its inputs."""
    if not inputs:
        return "empty"
    folders = [str(unit.path.resolve().parent) for unit in inputs]
    return Path(os.path.commonpath(folders)).name or "/"


def _kept(job: Job, out_dir: Path) -> Outcome | None:
    """The outcome of a document an earlier run already wrote, when it may be kept."""
    path = out_dir / job.name
    if not path.is_file():
        return None
    try:
        digest = input_digest(job.source)
    except OSError:
        return None
    document = kept_document(path, digest)
    if document is None:
        return None
    return Outcome(summarize(document, path, skipped=True), review_notes(document))


def _run_part(
    jobs: list[Job],
    out_dir: Path,
    title: str,
    runner: TaskRunner,
    limits: Limits,
    on_document: DocumentCallback | None,
) -> list[Outcome]:
    """One part in its own flow run; documents whose worker was lost go again in fresh flow runs."""
    outcomes: list[Outcome | str] = [""] * len(jobs)
    pending = list(range(len(jobs)))
    for attempt in range(RETRIES + 1):
        if attempt:
            time.sleep(RETRY_DELAYS[attempt - 1])
        name = title if not attempt else f"{title} retry {attempt}"
        part = process_part.with_options(task_runner=runner.duplicate())
        for index, outcome in zip(
            pending, part([jobs[index] for index in pending], out_dir, name, limits), strict=True
        ):
            outcomes[index] = outcome
        pending = [index for index in pending if isinstance(outcomes[index], str)]
        if not pending:
            break
    for index in pending:
        message = (
            f"{jobs[index].source.path.name}: its worker process was lost each of {RETRIES + 1} times "
            f"(last: {outcomes[index]})"
        )
        lost = _lost(jobs[index], out_dir, message)
        outcomes[index] = lost
        if on_document is not None:
            on_document(lost.summary)
    return [outcome for outcome in outcomes if isinstance(outcome, Outcome)]


def _lost(job: Job, out_dir: Path, message: str) -> Outcome:
    """A failed document for an input whose worker was lost on every try, so every input gets its JSON."""
    error = DocumentError(code=ErrorCode.WORKER_LOST, message=message)
    return write_outcome(failed_document(job.source, error), out_dir, job.name)


def _publish(summary: RunSummary, outcomes: Sequence[Outcome]) -> None:
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items())
    create_table_artifact(
        table=summary_rows(summary.documents),
        key="reportgrid-run",
        description=f"{len(summary.documents)} documents: {counts}",
    )
    create_markdown_artifact(
        markdown=review_markdown(list(outcomes)),
        key="reportgrid-review",
        description="Documents that need review, and why",
    )
