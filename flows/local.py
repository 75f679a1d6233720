"""The batch without Prefect (``reportgrid run --no-server``): same documents, same JSON, same summary.

An archive run must not wait on the orchestrator: when the Prefect API is down, this runs the batch in
a thread pool of ``concurrency`` workers, with the same per-document job as the flow's tasks
(``flows.document.run_document``) and the same output-folder bookkeeping (``flows.run_folder``: reruns
keep what is done, a killed run resumes). There is no flow run, so no UI artifacts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from flows.artifacts import Outcome
from flows.document import crashed, run_document
from flows.run_folder import begin
from models.document import DocumentSummary, RunSummary, SkippedFile
from models.inputs import DocumentInput
from reportgrid.limits import DEFAULT_LIMITS, Limits
from reportgrid.output import write_summary


def process_batch_locally(
    inputs: list[DocumentInput],
    out_dir: Path,
    concurrency: int = 4,
    force: bool = False,
    on_document: Callable[[DocumentSummary], None] | None = None,
    skipped: Sequence[SkippedFile] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> RunSummary:
    """Process every input not already done and write ``run-summary.json``; return the summary (as
    ``process_batch``: the same kept documents, ``force``, in-progress summary and stale-file cleanup)."""
    run = begin(inputs, out_dir, force, skipped, on_document)
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures: dict[Future[Outcome], int] = {
            pool.submit(run_document, job.source, out_dir, job.name, limits, job.keep_reviews): index
            for index, job in ((index, run.jobs[index]) for index in run.todo)
        }
        for future in as_completed(futures):
            index = futures[future]
            job = run.jobs[index]
            error = future.exception()
            result = future.result() if error is None else crashed(job.source, out_dir, job.name, error)
            run.outcomes[index] = result
            if on_document is not None:
                on_document(result.summary)
    summary = run.summary()
    with contextlib.suppress(OSError):  # the CLI checks the file on disk (output.summary_written)
        write_summary(summary, out_dir)
    return summary
