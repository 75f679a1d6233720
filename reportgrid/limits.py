"""Per-document limits on time and memory: each document's job runs in a worker process that is killed
when it exceeds them, so that one document fails alone (``limit_time``, ``limit_memory``) and the run
goes on. The job is the whole of a document's work (``flows.document``: read, reconcile, draw its
overlays, write its JSON), so none of it waits in the parent, where it would be serial with the
other documents of a one-worker run; what comes back is small (the job's result, pickled).

Workers are started with ``spawn``, never ``fork``: the parent already runs threads (Prefect's task
runner and its API client, onnxruntime's pools) and a forked copy of a process holding their locks can
hang. A worker imports the pipeline once and then serves documents one after another, so the start-up
cost (a few seconds) is paid once per worker, not per document. The parent watches each document's
wall time and the worker's resident memory (``/proc``) while it waits for the result. A worker that
dies for another reason (killed, crashed in native code) is replaced and the document tried once
more; a second death makes it ``failed`` with ``internal``.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TypeVar, cast

from extractors.scan.ocr.rapidocr_engine import OCR_THREADS
from models.document import Document
from models.errors import DocumentError, ErrorCode
from models.inputs import DocumentInput
from reportgrid.pipeline import failed, process_document

DEFAULT_SECONDS = 300.0
DEFAULT_MEMORY_BYTES = 3 * 2**30
# How often the parent looks at a running document's time and memory: a document over its memory limit
# can grow for this long before it is stopped (at most a few hundred MB at the scan path's pace).
POLL_SECONDS = 0.1
# A fresh worker imports the pipeline (OR-Tools, OpenCV, pydantic models): about 3 s on a loaded
# 2-core machine; this only bounds a worker that never comes up.
READY_SECONDS = 120.0
_PAGE = os.sysconf("SC_PAGE_SIZE")
Result = TypeVar("Result")


@dataclass(frozen=True)
class Limits:
    """``seconds`` and ``memory_bytes`` per document; None is no limit. Without any limit documents
    run in the calling thread, with no worker process."""

    seconds: float | None = DEFAULT_SECONDS
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES

    @property
    def isolated(self) -> bool:
        return self.seconds is not None or self.memory_bytes is not None


DEFAULT_LIMITS = Limits()
NO_LIMITS = Limits(seconds=None, memory_bytes=None)


def process_limited(source: DocumentInput | Path, limits: Limits) -> Document:
    """``process_document`` within the limits; never raises for the document's sake."""
    unit = source if isinstance(source, DocumentInput) else DocumentInput(source)
    result = run_limited(process_document, unit, limits)
    return failed(unit, result) if isinstance(result, DocumentError) else result


def run_limited(
    job: Callable[[DocumentInput], Result], unit: DocumentInput, limits: Limits
) -> Result | DocumentError:
    """``job(unit)`` within the limits: its result, or the error saying which limit it went over or
    that its worker died twice. ``job`` must pickle (a module-level function, or a ``functools.partial``
    of one) and must not raise for the document's sake; an exception it raises is raised here.
    """
    if not limits.isolated:
        return job(unit)
    died = ""
    for attempt in range(2):
        # The retry runs in a new process, never an idle worker that may have died beside the first
        # (the OOM killer, an operator's kill) and not been seen dead yet.
        worker = _POOL.take(fresh=attempt > 0)
        result = worker.run(job, unit, limits)
        if isinstance(result, _Done):
            _POOL.give_back(worker)
            if result.raised:
                raise RuntimeError(result.raised)
            return cast(Result, result.value)
        _POOL.discard(worker)
        if isinstance(result, DocumentError):
            return result
        died = result
    message = f"{unit.path.name}: the worker process died twice: {died}"
    return DocumentError(code=ErrorCode.INTERNAL, message=message)


@dataclass(frozen=True)
class _Done:
    """What a worker sent back for a job: its value, or what it raised."""

    value: object
    raised: str = ""


class _Worker:
    """One spawned process serving documents: it receives a job and its DocumentInput, and sends back
    the job's result."""

    def __init__(self, threads: int | None) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, threads), daemon=True, name="reportgrid-worker"
        )
        self.warm = False  # whether it has loaded the OCR models (warm_up)
        self.process.start()
        child.close()
        if not self.connection.poll(READY_SECONDS) or self.connection.recv() != "ready":
            self.stop()
            raise RuntimeError("a reportgrid worker process did not start")

    def run(
        self, job: Callable[[DocumentInput], object], unit: DocumentInput, limits: Limits
    ) -> _Done | DocumentError | str:
        """The job's result; a limit error when it went over a limit; a reason string when the worker died."""
        path = unit.path
        try:
            self.connection.send((job, unit))
        except OSError as exc:
            return f"could not send it the document: {exc}"
        started = time.monotonic()
        while True:
            try:
                if self.connection.poll(POLL_SECONDS):
                    done: _Done = self.connection.recv()
                    return done
            except (EOFError, OSError):
                return f"exit code {self.process.exitcode}" if not self.process.is_alive() else "pipe broken"
            if not self.process.is_alive():
                return f"exit code {self.process.exitcode}"
            elapsed = time.monotonic() - started
            if limits.seconds is not None and elapsed > limits.seconds:
                return DocumentError(
                    code=ErrorCode.LIMIT_TIME,
                    message=f"{path.name}: stopped after {limits.seconds:g} s, the per-document time limit",
                )
            if limits.memory_bytes is not None and self.rss() > limits.memory_bytes:
                return DocumentError(
                    code=ErrorCode.LIMIT_MEMORY,
                    message=f"{path.name}: stopped at {self.rss() // 2**20} MB resident, over the "
                    f"per-document memory limit of {limits.memory_bytes // 2**20} MB",
                )

    def rss(self) -> int:
        try:
            with open(f"/proc/{self.process.pid}/statm", encoding="ascii") as handle:
                return int(handle.read().split()[1]) * _PAGE
        except (OSError, ValueError, IndexError):
            return 0

    def stop(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class _Pool:
    """The worker processes, shared by the threads that process documents; one worker per document in
    flight. New workers cap their OpenCV and onnxruntime threads at ``threads`` (None: one per core).
    With a ``capacity`` (``warm_up``), a thread that finds every worker busy waits for one instead of
    starting another: a run may then have more task threads than workers, each doing its Prefect
    bookkeeping while another's document is in the worker."""

    def __init__(self) -> None:
        self.idle: list[_Worker] = []
        self.changed = threading.Condition()
        self.threads: int | None = None
        self.capacity: int | None = None
        self.live = 0  # workers started and not stopped, idle or busy

    def take(self, fresh: bool = False) -> _Worker:
        """An idle live worker, else a new one within the capacity; ``fresh``: always a new one."""
        with self.changed:
            while True:
                while self.idle and not fresh:
                    worker = self.idle.pop()
                    if worker.process.is_alive():
                        return worker
                    self._forget(worker)
                if self.capacity is None or self.live < self.capacity:
                    break
                if fresh and self.idle:  # make room: an idle worker goes for the new one
                    self._forget(self.idle.pop())
                    break
                self.changed.wait()
            self.live += 1
            threads = self.threads
        try:
            return _Worker(threads)
        except BaseException:
            with self.changed:
                self.live -= 1
                self.changed.notify()
            raise

    def give_back(self, worker: _Worker) -> None:
        with self.changed:
            self.idle.append(worker)
            self.changed.notify()

    def discard(self, worker: _Worker) -> None:
        """Stop a worker that failed its document (over a limit, or dead) and free its place."""
        worker.stop()
        with self.changed:
            self.live -= 1
            self.changed.notify()

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        self.live -= 1

    def close(self) -> None:
        with self.changed:
            workers, self.idle = self.idle, []
            self.live -= len(workers)
        for worker in workers:
            worker.stop()


_POOL = _Pool()
atexit.register(_POOL.close)
_WARM_UP = "warm-up"


def warm_up(count: int = 1, threads: int | None = None) -> None:
    """Have ``count`` workers ready, each with the OCR models loaded, so no document waits for a worker
    to start (a run calls this once before its first document), and never more than ``count``. Workers
    that ``threads`` would not have started are replaced.

    ``threads`` caps each worker's OpenCV and onnxruntime threads: N workers on C cores get C // N each,
    rather than each starting one thread per core and N × C threads fighting for C cores.
    """
    if threads != _POOL.threads:
        _POOL.close()
        _POOL.threads = threads
    with _POOL.changed:
        _POOL.capacity = count
        while _POOL.live > count and _POOL.idle:
            _POOL._forget(_POOL.idle.pop())
    with ThreadPoolExecutor(max_workers=count) as starting:
        workers = list(starting.map(lambda _: _warm(_POOL.take()), range(count)))
    for worker in workers:
        _POOL.give_back(worker)


def _warm(worker: _Worker) -> _Worker:
    if not worker.warm:
        worker.connection.send(_WARM_UP)
        if not worker.connection.poll(READY_SECONDS) or worker.connection.recv() != _WARM_UP:
            _POOL.discard(worker)
            raise RuntimeError("a reportgrid worker process did not load the OCR models")
        worker.warm = True
    return worker


def _serve(connection: Connection, threads: int | None) -> None:
    """The worker's loop: one document at a time until the parent closes the pipe."""
    if threads is not None:
        import cv2

        cv2.setNumThreads(threads)
        os.environ[OCR_THREADS] = str(threads)
    connection.send("ready")
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return
        if request == _WARM_UP:
            from extractors.scan.ocr import get_engine

            get_engine()
            connection.send(_WARM_UP)
            continue
        job, unit = request
        try:
            done = _Done(job(unit))
        except Exception as exc:  # the parent raises it: the caller's crash handling decides
            done = _Done(None, f"{unit.path.name}: {type(exc).__name__}: {exc}")
        connection.send(done)
