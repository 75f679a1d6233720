"""The batch without Prefect (``reportgrid run --no-server``): same documents, same JSON, same summary.

An archive run must not wait on the orchestrator: when the Prefect API is down, this runs the batch in
a thread pool of ``concurrency`` workers, with the same per-document job as the flow's tasks
(``flows.document.run_document``). There is no flow run, so no UI artifacts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from pathlib import Path

from flows.artifacts import Outcome
from flows.document import crashed, run_document
from models.document import DocumentSummary, RunSummary, SkippedFile
from reportgrid.discover import DocumentInput
from reportgrid.limits import DEFAULT_LIMITS, Limits
from reportgrid.output import now, output_names, run_summary, write_summary


def process_batch_locally(
    inputs: list[DocumentInput],
    out_dir: Path,
    concurrency: int = 4,
    on_document: Callable[[DocumentSummary], None] | None = None,
    skipped: Sequence[SkippedFile] = (),
    limits: Limits = DEFAULT_LIMITS,
) -> RunSummary:
    """Process every input and write ``run-summary.json``; return the summary (as ``process_batch``)."""
    started = now()
    out_dir.mkdir(parents=True, exist_ok=True)
    names = output_names([unit.path for unit in inputs])
    outcomes: dict[int, Outcome] = {}
    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        futures: dict[Future[Outcome], int] = {
            pool.submit(run_document, unit.path, out_dir, name, limits): index
            for index, (unit, name) in enumerate(zip(inputs, names, strict=True))
        }
        for future in as_completed(futures):
            index = futures[future]
            error = future.exception()
            result = (
                future.result()
                if error is None
                else crashed(inputs[index].path, out_dir, names[index], error)
            )
            outcomes[index] = result
            if on_document is not None:
                on_document(result.summary)
    summary = run_summary([outcomes[index].summary for index in range(len(inputs))], started, skipped)
    with contextlib.suppress(OSError):  # the CLI checks the file on disk (output.summary_written)
        write_summary(summary, out_dir)
    return summary
