"""Prefect flows: an archive of report documents in, one validated JSON per document and a run summary out.

``process_batch`` is one run. Before any task is submitted it removes the temporary files a killed run
left, marks ``run-summary.json`` as a run in progress, and keeps every JSON an earlier run already
wrote for the same input bytes and pipeline version (``--force`` redoes them). The documents left are
split into parts of at most ``batch_size``, each one flow run (``reportgrid-part``, named after the
archive and the part) run one after the other, each document one task run. The task runner decides
where documents run: ``workers`` processes here, or the Dask cluster at ``cluster``
(``flows.workers``). A document whose worker process was lost is retried, after a pause, in a fresh
flow run of its own (``… retry N``) up to ``RETRIES`` times; a document that fails is never retried:
the pipeline turns bad input into a failed JSON, and a task that raises gets one too.

What the Prefect UI shows: every run is tagged ``reportgrid`` and ``archive:<name>``; each task run ends
in a state that says its document's status (``Completed``, ``NeedsReview`` (a completed state),
``Failed`` with the document's error as its message), while the flow runs complete. The batch flow
run's ``reportgrid-progress`` artifact counts documents as they finish; at the end the flow writes the
complete ``run-summary.json`` and publishes the ``reportgrid-run`` table (counts, pages/s, outputs as
links under ``link_base`` or ``file://``) and the ``reportgrid-review`` queue (``flows.artifacts``).

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
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from prefect import flow, get_run_logger, tags, task
from prefect.artifacts import (
    create_markdown_artifact,
    create_progress_artifact,
    create_table_artifact,
    update_progress_artifact,
)
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext, TagsContext
from prefect.futures import as_completed
from prefect.runtime import flow_run
from prefect.settings import PREFECT_API_URL, temporary_settings
from prefect.states import Completed, Failed, State
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.artifacts import (
    Outcome,
    overlay_thumbnails,
    progress_text,
    review_queue,
    run_description,
    run_rows,
)
from flows.document import crashed, run_document, write_outcome
from flows.run_folder import Job, begin
from flows.tag_limits import remember_no_tag_limits
from flows.workers import task_runner, worker_lost
from models.document import DocumentSummary, RunSummary, SkippedFile
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from reportgrid.limits import DEFAULT_LIMITS, Limits
from reportgrid.output import (
    SUMMARY_NAME,
    failed_document,
    write_summary,
)

DocumentCallback = Callable[[DocumentSummary], None]
DEFAULT_BATCH_SIZE = 500
LINK_BASE_VARIABLE = "REPORTGRID_LINK_BASE"
"""A URL the output folder is served at; the UI's links to outputs start with it instead of file://."""
NEEDS_REVIEW_STATE = "NeedsReview"
RETRIES = 2
# Each update of the progress artifact is an API call and a database write, on a server that used
# 84 ms of CPU per web document in all (80 documents, one worker, measured), one update per document
# among its calls; an operator watching the UI sees little difference at every few seconds.
PROGRESS_SECONDS = 5.0
RETRY_DELAYS = (2.0, 10.0)  # seconds before each retry: a lost machine or a memory squeeze may pass
# The batch's progress callback, seen by its part flows. Not a part flow parameter: a flow run's
# parameters travel with every task to the worker processes, and a callback rarely pickles.
_ON_DOCUMENT: ContextVar[DocumentCallback | None] = ContextVar("on_document", default=None)


@task(task_run_name="{name}", cache_policy=NO_CACHE)
def process_one(
    source: DocumentInput, out_dir: Path, name: str, limits: Limits, keep_reviews: bool = True
) -> State[Outcome]:
    """Read, reconcile and write one document; the pipeline turns bad input into a failed document.
    ``keep_reviews``: the cells a person reviewed in the JSON already there are kept.

    The task run's final state is the document's status, its outcome the state's result either way.
    """
    outcome = run_document(source, out_dir, name, limits, keep_reviews)
    get_run_logger().info("%s", outcome.log)
    return document_state(outcome)


def document_state(outcome: Outcome) -> State[Outcome]:
    """The task run state that says a document's status: a failed document is a Failed run with its
    error as the message, one that needs review a Completed state named ``NeedsReview``."""
    line = outcome.summary
    if line.status == "failed":
        return Failed(message=str(line.error.message if line.error else "failed"), data=outcome)
    if line.status == "needs_review":
        message = f"{line.cells_needing_review} cells need review, {line.failed_rules} sums do not hold"
        return Completed(name=NEEDS_REVIEW_STATE, message=message, data=outcome)
    return Completed(message="valid", data=outcome)


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
    remember_no_tag_limits(sorted(TagsContext.get().current_tags | process_one.tags))
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


def run_tags(archive: str) -> list[str]:
    """The tags of a run's flow and task runs, for the UI's filters."""
    return ["reportgrid", f"archive:{archive}"]


class _Progress:
    """The batch's ``reportgrid-progress`` artifact, advanced as documents finish or are kept: at most
    every ``PROGRESS_SECONDS`` and when the last is done (``publish(final=True)``)."""

    def __init__(self, total: int, on_document: DocumentCallback | None) -> None:
        self.total, self.done, self.counts = total, 0, Counter[str]()
        self.on_document = on_document
        self.published = time.monotonic()
        self.artifact = create_progress_artifact(
            progress=0.0, key="reportgrid-progress", description=progress_text(0, total, self.counts)
        )

    def count(self, line: DocumentSummary) -> None:
        self.done += 1
        self.counts["kept" if line.skipped else line.status] += 1
        if self.on_document is not None:
            self.on_document(line)

    def publish(self, final: bool = False) -> None:
        if not final and self.done < self.total and time.monotonic() - self.published < PROGRESS_SECONDS:
            return
        share = 100.0 * self.done / self.total if self.total else 100.0
        update_progress_artifact(
            self.artifact, progress=share, description=progress_text(self.done, self.total, self.counts)
        )
        self.published = time.monotonic()

    def __call__(self, line: DocumentSummary) -> None:
        self.count(line)
        self.publish()


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
    link_base: str | None = None,
) -> RunSummary:
    """Process every input not already done, write ``run-summary.json`` and the operator artifacts.

    ``runner`` replaces the task runner ``workers`` and ``cluster`` describe. ``on_document`` is called
    in the flow's thread with each document's summary as it finishes or is skipped (the CLI's progress
    bar uses it). ``skipped`` lists the files found that are not documents, for the summary; ``limits``
    bound each document's time and memory (``reportgrid.limits``). ``link_base`` (default
    ``REPORTGRID_LINK_BASE``) is the URL the artifacts link outputs under, else ``file://``.
    """
    clock = time.monotonic()
    archive = archive_name(inputs)
    _tag_this_run(run_tags(archive))
    run = begin(inputs, out_dir, force, skipped)
    progress = _Progress(len(run.jobs), on_document)
    for outcome in run.finished():
        progress.count(outcome.summary)
    if progress.done:
        progress.publish(final=True)
    todo = run.todo
    chosen = runner or (task_runner(workers, cluster, limits) if todo else ThreadPoolTaskRunner())
    parts = [todo[start : start + max(1, batch_size)] for start in range(0, len(todo), max(1, batch_size))]
    listening = _ON_DOCUMENT.set(progress)
    try:
        with _one_server(chosen):
            for number, part in enumerate(parts, start=1):
                title = f"{archive} part {number} of {len(parts)}" if len(parts) > 1 else archive
                with tags(*run_tags(archive)):
                    done = _run_part(
                        [run.jobs[index] for index in part], out_dir, title, chosen, limits, progress
                    )
                for index, outcome in zip(part, done, strict=True):
                    run.outcomes[index] = outcome
                run.checkpoint()
    finally:
        _ON_DOCUMENT.reset(listening)
    ordered = run.finished()
    summary = run.summary()
    try:
        write_summary(summary, out_dir)
    except OSError as exc:  # the CLI reports it (output.summary_written); the artifacts still go out
        get_run_logger().error("%s could not be written in %s: %s", SUMMARY_NAME, out_dir, exc)
    base = link_base or os.environ.get(LINK_BASE_VARIABLE)
    _publish(summary, ordered, out_dir, base, time.monotonic() - clock)
    get_run_logger().info(
        "%d documents (%d skipped): %s; results in %s",
        len(inputs),
        summary.counts["skipped"],
        ", ".join(f"{count} {status}" for status, count in summary.counts.items() if status != "skipped"),
        out_dir,
    )
    return summary


@contextmanager
def _one_server(runner: TaskRunner) -> Iterator[None]:
    """Worker processes on this machine report to the server this flow run reports to.

    Without ``PREFECT_API_URL`` Prefect starts a temporary server in each process that needs one: every
    worker process of the pool would start its own (about 10 s each, measured with 2 workers) and its
    task runs, states and logs would land there, out of the operator's sight. A Dask cluster's workers
    may be on other machines, where this one's 127.0.0.1 means nothing: they need a server they can
    reach (README, "Several machines").
    """
    context = FlowRunContext.get()
    if PREFECT_API_URL.value() or context is None or not isinstance(runner, ProcessPoolTaskRunner):
        yield
        return
    with temporary_settings(updates={PREFECT_API_URL: str(context.client.api_url).rstrip("/")}):
        yield


def archive_name(inputs: Sequence[DocumentInput]) -> str:
    """What a run is called in Prefect: the folder that holds all its inputs."""
    if not inputs:
        return "empty"
    folders = [str(unit.path.resolve().parent) for unit in inputs]
    return Path(os.path.commonpath(folders)).name or "/"


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


def _tag_this_run(names: list[str]) -> None:
    """Tag the running batch flow run (its tags are fixed when it is created, before its body runs)."""
    run_id = flow_run.get_id()
    if run_id is None:
        return
    with get_client(sync_client=True) as client:
        current = client.read_flow_run(run_id).tags
        client.update_flow_run(run_id, tags=sorted({*current, *names}))


def _publish(
    summary: RunSummary, outcomes: Sequence[Outcome], out_dir: Path, link_base: str | None, seconds: float
) -> None:
    """The run table and the review queue, one artifact per queue page (``reportgrid-review``,
    ``reportgrid-review-2``, …)."""
    create_table_artifact(
        table=run_rows(outcomes, out_dir, link_base),
        key="reportgrid-run",
        description=run_description(summary, outcomes, seconds),
    )
    pages = review_queue(outcomes, out_dir, link_base, thumbnails=overlay_thumbnails(out_dir))
    for number, page in enumerate(pages, start=1):
        create_markdown_artifact(
            markdown=page,
            key="reportgrid-review" if number == 1 else f"reportgrid-review-{number}",
            description=f"Documents that need review, page {number} of {len(pages)}",
        )
