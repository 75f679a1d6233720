"""What a run does to its output folder around its documents, with Prefect or without (``--no-server``).

Before the first document: the temporary files a killed run left are removed, ``run-summary.json`` is
rewritten as a run in progress (a killed run never leaves the previous run's summary standing as if it
described this one), and every JSON an earlier run wrote for the same input bytes and pipeline version
is kept (``force`` redoes them). As parts finish the summary is rewritten, still in progress; at the
end it is written complete.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flows.artifacts import Outcome
from flows.document import outcome_of
from models.document import DocumentSummary, RunSummary, SkippedFile
from models.inputs import DocumentInput
from reportgrid.output import (
    kept_document,
    now,
    output_names,
    remove_stale_temporaries,
    run_summary,
    write_summary,
)
from reportgrid.pipeline import input_digest


@dataclass(frozen=True)
class Job:
    """One document of a run: its input, the name of its JSON, and whether the cells a person
    reviewed in the JSON already there are kept (all but ``--force`` runs)."""

    source: DocumentInput
    name: str
    keep_reviews: bool = True


@dataclass
class Run:
    """A run over one output folder: its jobs and, as they are known, their outcomes."""

    out_dir: Path
    jobs: list[Job]
    outcomes: list[Outcome | None]
    skipped: Sequence[SkippedFile]
    started: datetime

    @property
    def todo(self) -> list[int]:
        """The jobs without an outcome yet, by index."""
        return [index for index, outcome in enumerate(self.outcomes) if outcome is None]

    def checkpoint(self) -> None:
        """Rewrite the summary with what is done so far, as a run in progress."""
        write_summary(self.summary(complete=False), self.out_dir)

    def finished(self) -> list[Outcome]:
        """The outcomes known so far, in input order."""
        return [outcome for outcome in self.outcomes if outcome is not None]

    def summary(self, complete: bool = True) -> RunSummary:
        """The summary of what is done so far; ``complete`` once every job has its outcome."""
        return run_summary(
            [outcome.summary for outcome in self.finished()], self.started, self.skipped, complete
        )


def begin(
    inputs: Sequence[DocumentInput],
    out_dir: Path,
    force: bool,
    skipped: Sequence[SkippedFile] = (),
    on_document: Callable[[DocumentSummary], None] | None = None,
) -> Run:
    """Prepare ``out_dir`` for a run over ``inputs``; ``on_document`` hears of each kept document."""
    started = now()
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out_dir)
    write_summary(run_summary([], started, skipped, complete=False), out_dir)
    names = output_names([unit.path for unit in inputs])
    jobs = [Job(unit, name, keep_reviews=not force) for unit, name in zip(inputs, names, strict=True)]
    outcomes = [None if force else _kept(job, out_dir) for job in jobs]
    if on_document is not None:
        for outcome in outcomes:
            if outcome is not None:
                on_document(outcome.summary)
    return Run(out_dir, jobs, outcomes, skipped, started)


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
    return outcome_of(document, path, skipped=True)
