"""The ``reportgrid`` command: run a batch, show runs in the Prefect UI, serve a deployment, write review
pages, print the JSON Schema, list the templates.

The CLI sits above ``flows/``: it uses the flows and their Prefect settings (``flows.settings``), and
nothing in ``flows/`` or the pipeline imports it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Column, Table

from flows.settings import (
    DEFAULT_UI_PORT,
    STARTUP_SECONDS,
    api_problem,
    api_url,
    prefect_defaults,
    use_local_server,
)
from models.document import Document, DocumentSummary, RunSummary
from models.errors import ErrorCode
from models.template import builtin_templates
from reportgrid.discover import DiscoveryError, discover, skipped_files
from reportgrid.limits import DEFAULT_MEMORY_BYTES, DEFAULT_SECONDS, Limits
from reportgrid.output import SUMMARY_NAME, summary_written
from reportgrid.schema import schema_text

app = typer.Typer(
    help="Turn report web pages, PDFs and scans into validated JSON.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
errors = Console(stderr=True, soft_wrap=True)
STATUS_STYLE = {"valid": "green", "needs_review": "yellow", "failed": "red"}
MAX_ROWS = 100
MAX_SKIPPED_LISTED = 10
OUTPUT_FAILED = 1
USAGE_ERROR = 2
PREFECT_UNREACHABLE = 3
# Seconds the Prefect API has to answer its health check before the run gives up with exit code 3.
PREFECT_CHECK_SECONDS = 10.0


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (recursed) of documents.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the JSON files and run-summary.json.")],
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Worker processes, each with its own OCR models (default: the cores)."),
    ] = None,
    cluster: Annotated[
        str | None,
        typer.Option(help="Run on the Dask cluster whose scheduler is at this address (tcp://HOST:8786)."),
    ] = None,
    batch_size: Annotated[
        int, typer.Option(min=1, help="Documents per Prefect flow run; larger archives run in parts.")
    ] = 500,
    force: Annotated[
        bool, typer.Option("--force", help="Redo every document, also those an earlier run finished.")
    ] = False,
    no_server: Annotated[
        bool, typer.Option("--no-server", help="Run without Prefect (no flow run, same JSON).")
    ] = False,
    time_limit: Annotated[
        float, typer.Option(min=0, help="Seconds one document may take (0: no limit).")
    ] = DEFAULT_SECONDS,
    memory_limit: Annotated[
        float, typer.Option(min=0, help="GB of memory one document may use (0: no limit).")
    ] = DEFAULT_MEMORY_BYTES / 2**30,
    link_base: Annotated[
        str | None,
        typer.Option(
            envvar="REPORTGRID_LINK_BASE",
            help="URL the output folder is served at: the Prefect UI links outputs there, not file://.",
        ),
    ] = None,
) -> None:
    """Process every document under PATHS; one JSON per document in OUT, and OUT/run-summary.json.

    Documents whose JSON an earlier run wrote from the same input with the same pipeline version are
    skipped (unless --force). Exits 0 when the run completed, even if documents failed or need review
    (see their status); 1 when some JSON could not be written; 2 on a usage error; 3 when the Prefect
    API does not answer.
    """
    if workers is not None and cluster is not None:
        _usage_error("--workers and --cluster exclude each other: a cluster has its own workers")
    if no_server and cluster is not None:
        _usage_error("--cluster needs Prefect: it cannot run with --no-server")
    try:
        inputs = discover(paths)
    except (DiscoveryError, OSError) as exc:
        _usage_error(str(exc))
    if not inputs:
        _usage_error(f"no documents found under {', '.join(map(str, paths))}")
    _check_output(out)
    skipped = skipped_files(paths, inputs)
    if no_server:
        from flows.local import process_batch_locally as process
    else:
        prefect_defaults()
        found = use_local_server()
        if found:
            console.print(f"Prefect server at {escape(found)} (reportgrid ui): the run shows there")
        _require_prefect()
        from flows.batch import process_batch as process

        _hide_task_run_logs()
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    )
    with progress:
        bar = progress.add_task("documents", total=len(inputs))

        def finished(line: DocumentSummary) -> None:
            progress.update(bar, advance=1, description=f"{Path(line.source).name}: {line.status}")

        limits = Limits(
            seconds=time_limit or None, memory_bytes=int(memory_limit * 2**30) if memory_limit else None
        )
        if no_server:
            summary = process(
                inputs,
                out,
                concurrency=workers or os.cpu_count() or 1,
                force=force,
                on_document=finished,
                skipped=skipped,
                limits=limits,
            )
        else:
            summary = process(
                inputs,
                out,
                workers=workers,
                cluster=cluster,
                batch_size=batch_size,
                force=force,
                on_document=finished,
                skipped=skipped,
                limits=limits,
                link_base=link_base,
            )
    console.print(_status_table(summary))
    _report_run(summary, out)
    unwritten = summary.errors.get(ErrorCode.OUTPUT_UNWRITABLE.value, 0)
    if not summary_written(summary, out):
        errors.print(f"[red]error:[/red] {SUMMARY_NAME} could not be written in {escape(str(out))}")
        raise typer.Exit(OUTPUT_FAILED)
    if unwritten:
        errors.print(
            f"[red]error:[/red] {unwritten} documents' JSON could not be written (output_unwritable)"
        )
        raise typer.Exit(OUTPUT_FAILED)


def _report_run(summary: RunSummary, out: Path) -> None:
    """The run's totals: statuses, failures per code, duplicate contents, files found but not read."""
    counts = ", ".join(f"{count} {status}" for status, count in summary.counts.items())
    console.print(f"{len(summary.documents)} documents: {counts}. Results in {out}/ (run-summary.json).")
    if summary.errors:
        console.print("failed by code: " + ", ".join(f"{n} {code}" for code, n in summary.errors.items()))
    for sources in summary.duplicates:
        console.print(f"[yellow]same content (sha256)[/yellow]: {escape(', '.join(sources))}")
    if summary.skipped:
        kinds = Counter(line.reason for line in summary.skipped)
        listed = "; ".join(f"{n} {escape(reason)}" for reason, n in kinds.most_common())
        console.print(
            f"[yellow]skipped {len(summary.skipped)} files that are not documents[/yellow]: {listed}"
        )
        for line in summary.skipped[:MAX_SKIPPED_LISTED]:
            console.print(f"  skipped {escape(line.path)}: {escape(line.reason)}")
        if len(summary.skipped) > MAX_SKIPPED_LISTED:
            console.print(f"  … all {len(summary.skipped)} are in {SUMMARY_NAME}")


def _check_output(out: Path) -> None:
    """A usage error before any work when the output folder cannot be created or written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(dir=out, prefix=".rg-probe-")
        os.close(descriptor)
        os.unlink(probe)
    except OSError as exc:
        _usage_error(
            f"output folder {escape(str(out))} cannot be written: {escape(exc.strerror or str(exc))}"
        )


@app.command()
def ui(
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port on 127.0.0.1.")] = DEFAULT_UI_PORT,
) -> None:
    """Start a Prefect server with its UI on 127.0.0.1 and keep it up until Ctrl-C.

    Runs started meanwhile (`reportgrid run`, which finds the server on port 4200 by itself, or with
    PREFECT_API_URL set to the printed API address) appear in the UI. Works offline: the UI is bundled.
    """
    from flows.server import ServerError, start_server, stop_server, wait_until_answers

    url = api_url(port)
    if api_problem(url, 1.0) is None:
        console.print(f"A Prefect server already answers at {escape(url)}: UI at {escape(url[:-4])}")
        return
    prefect_defaults()
    server = start_server(port)
    signal.signal(signal.SIGTERM, _exit_on_signal)  # `kill` stops the server too, as Ctrl-C does
    try:
        with console.status(f"starting the Prefect server on port {port} (up to {STARTUP_SECONDS:g} s)"):
            wait_until_answers(server)
        console.print(f"Prefect UI: {escape(url[:-4])}")
        console.print(f"API: {escape(url)} (export PREFECT_API_URL={escape(url)} to use it from elsewhere)")
        console.print("Ctrl-C stops the server.")
        server.process.wait()
    except ServerError as exc:
        _usage_error(escape(str(exc)))
    except KeyboardInterrupt:
        console.print("stopping the Prefect server")
    finally:
        stop_server(server)


@app.command()
def serve(
    name: Annotated[str, typer.Option(help="The deployment's name.")] = "reportgrid",
) -> None:
    """Serve the deployment `reportgrid-archive/NAME`: start runs from the Prefect UI with its run form
    (paths, output folder, workers, …); they run in this process until Ctrl-C.

    Needs a running server: `reportgrid ui`, or PREFECT_API_URL.
    """
    prefect_defaults()
    use_local_server()
    _require_prefect(needed=True)
    from flows.deploy import serve_archive

    serve_archive(name)


@app.command()
def review(
    out_dir: Annotated[Path, typer.Argument(help="A folder of document JSON files written by `run`.")],
    serve: Annotated[
        bool, typer.Option("--serve", help="Serve the review station to decide flagged cells in a browser.")
    ] = False,
    port: Annotated[int, typer.Option(min=0, max=65535, help="The station's port on 127.0.0.1.")] = 8765,
) -> None:
    """Review OUT_DIR's documents: an index, and per document its flagged cells beside its page pictures.

    With --serve, a local web page where each flagged cell is confirmed or typed in; the document's JSON
    is rewritten at once (origin reviewed, the note, rules rechecked, status recomputed). Without it,
    read-only pages are written to OUT_DIR/review/ (open index.html). Exits 2 when OUT_DIR holds no JSON.
    """
    from reportgrid.review_site import document_files, write_site

    if not document_files(out_dir):
        _usage_error(f"no document JSON found in {escape(str(out_dir))}")
    if not serve:
        index, found = write_site(out_dir)
        for entry in found:
            if entry.document is None:
                errors.print(f"[yellow]skipped[/yellow] {escape(entry.name)}: {escape(entry.problem or '')}")
        written = sum(entry.document is not None for entry in found)
        skipped = f", {len(found) - written} skipped" if written < len(found) else ""
        console.print(f"{written} documents' review pages written; open {escape(str(index))}{skipped}.")
        return
    from reportgrid.review_server import make_server

    try:
        server = make_server(out_dir, port=port)
    except OSError as exc:
        _usage_error(f"port {port} cannot be used: {escape(exc.strerror or str(exc))}")
    host, bound = server.server_address[:2]
    console.print(f"Review station for {escape(str(out_dir))}: http://{host}:{bound}/  (Ctrl-C stops it)")
    try:
        with contextlib.suppress(KeyboardInterrupt):
            server.serve_forever()
    finally:
        server.server_close()


@app.command()
def schema(
    run_summary: Annotated[
        bool, typer.Option("--run-summary", help="The schema of run-summary.json.")
    ] = False,
) -> None:
    """Print the JSON Schema of the per-document JSON (or of run-summary.json)."""
    typer.echo(schema_text(RunSummary if run_summary else Document), nl=False)


@app.command()
def templates() -> None:
    """List the report templates: one line per table with its cells and arithmetic rules."""
    table = Table("template", "version", "table", "title", "cells", "rules", title="Templates")
    for template in builtin_templates():
        for spec in template.tables:
            table.add_row(
                template.id,
                template.version,
                spec.id,
                spec.title,
                str(len(spec.cells)),
                str(len(spec.rule_instances)),
            )
    console.print(table)


def _status_table(summary: RunSummary) -> Table:
    """One row per document (only those not valid when there are many); errors only when some failed."""
    lines = summary.documents
    shown = lines if len(lines) <= MAX_ROWS else [line for line in lines if line.status != "valid"][:MAX_ROWS]
    with_errors = any(line.error for line in shown)
    table = Table(
        Column("document", overflow="fold", ratio=2),
        Column("status", no_wrap=True),
        Column("cells", justify="right"),
        Column("review", justify="right"),
        Column("failed rules", justify="right"),
        Column("s", justify="right"),
        *([Column("error", overflow="fold", ratio=2)] if with_errors else []),
    )
    if len(shown) < len(lines):
        table.caption = f"{len(shown)} of {len(lines)} documents shown; all are in run-summary.json"
    for line in shown:
        style = STATUS_STYLE[line.status]
        cells = [
            line.source,
            f"[{style}]{line.status}[/{style}]",
            str(line.cells),
            str(line.cells_needing_review),
            str(line.failed_rules),
            f"{line.seconds:.1f}",
        ]
        table.add_row(*cells, *([str(line.error) if line.error else ""] if with_errors else []))
    return table


def _exit_on_signal(number: int, frame: object) -> None:
    sys.exit(128 + number)


def _usage_error(message: str) -> NoReturn:
    errors.print(f"[red]error:[/red] {message}")
    raise typer.Exit(USAGE_ERROR)


def _require_prefect(needed: bool = False) -> None:
    """Exit 3 with a clear message when ``PREFECT_API_URL`` names a server that does not answer.

    Without the check a dead port ends in a traceback and an address that drops packets hangs for
    minutes. With no URL set, Prefect starts its own temporary server, so there is nothing to check,
    unless a server is ``needed`` (a deployment is served to a server's UI).
    """
    url = os.environ.get("PREFECT_API_URL")
    if url is None:  # a Prefect profile may set it; importing Prefect costs seconds, so only then
        from prefect.settings import get_current_settings

        url = get_current_settings().api.url
    if not url:
        if needed:
            errors.print(
                "[red]error:[/red] no Prefect server: start one with `reportgrid ui` (port "
                f"{DEFAULT_UI_PORT}) or set PREFECT_API_URL"
            )
            raise typer.Exit(PREFECT_UNREACHABLE)
        return
    problem = api_problem(url, PREFECT_CHECK_SECONDS)
    if problem is not None:
        errors.print(
            f"[red]error:[/red] the Prefect API at {escape(url)} does not answer ({escape(problem)}). "
            "Start the server, unset PREFECT_API_URL to use a temporary one, or run with --no-server."
        )
        raise typer.Exit(PREFECT_UNREACHABLE) from None


class _NoRoutineTaskLogs(logging.Filter):
    """Drops the task runs' own lines ("Finished in state Completed()", a failed document's "Task run
    failed with state"): the progress bar and the status table say the same."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith("prefect.task_runs"):
            return True
        if record.levelno < logging.WARNING:
            return False
        return not record.getMessage().startswith(_DOCUMENT_STATE_LINES)


_DOCUMENT_STATE_LINES = ("Finished in state", "Task run failed with state")


def _hide_task_run_logs() -> None:
    """Keep task-run logs out of the terminal (they still reach the Prefect server and its UI)."""
    from prefect.logging.handlers import PrefectConsoleHandler

    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler):
            handler.addFilter(_NoRoutineTaskLogs())
