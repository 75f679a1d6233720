"""Where a run's documents are processed: worker processes on this machine, or an existing Dask cluster.

On this machine, under per-document limits, each document already runs in a worker process of
``reportgrid.limits``: the task runs in a thread of the flow's process and hands its document to one of
N such workers, started and given the OCR models before the first document. Prefect's
``ProcessPoolTaskRunner`` would put a second process around each of them, and it costs more per task
than a thread: a trivial task took 207 ms in a process pool against 9 ms in a thread pool (one worker,
this 2-core machine, each task rebuilds Prefect's settings and API client in the worker). Without
limits documents run in the task's own process, so the process pool is the runner, with
``load_models`` as its initializer. A Dask worker started with ``--preload flows.workers`` runs
``dask_setup``; one started without it loads the models on its first scan (``get_engine`` keeps one
engine per process).
"""

from __future__ import annotations

import os
from concurrent.futures.process import BrokenProcessPool

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from extractors.scan.ocr import get_engine
from extractors.scan.ocr.rapidocr_engine import OCR_THREADS
from reportgrid.limits import DEFAULT_LIMITS, Limits, warm_up

# Task threads per limits worker: while one thread's document is in the worker, the other does its
# task run's Prefect bookkeeping (states, logs: round trips to the API server). With one thread per
# worker that bookkeeping left the worker idle: 80 web documents, 1 worker, 0.19 s of idle worker per
# document against 0.18 s of processing (measured).
TASKS_PER_WORKER = 2

# Faults of the machinery, not of the document: the process running the task was lost (killed, out of
# memory, its machine gone), or the connection to it. Only these are retried.
_DASK_LOST = frozenset({"KilledWorker", "CommClosedError", "FutureCancelledError"})


class WorkerPool(ProcessPoolTaskRunner):
    """Prefect's process pool, which can exit after one of its workers was killed mid-message.

    The workers send their logs and events to the flow's process through one multiprocessing queue. A
    worker killed while it held the queue's write lock (the OOM killer, an operator's kill) leaves it
    locked: the pool's forwarding thread then never gets the message to stop, Prefect leaves the queue
    behind, and the interpreter's exit waits forever for the queue's feeder thread (seen: a test run
    that had passed never exited; py-spy showed the feeder in ``Queue._feed`` at the lock). Whatever
    that queue still held has no reader left; the exit need not wait for it.
    """

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        left = getattr(self, "_subprocess_message_queue", None)
        if left is not None:
            left.cancel_join_thread()


def load_models(threads: int | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
    """Load the OCR engine where this process's documents will run, so the first scan does not pay for
    it: here, or, under per-document ``limits``, in the child process ``reportgrid.limits`` runs them in.

    ``threads`` caps the threads OpenCV and onnxruntime use in this process: N workers on C cores get
    C // N each, rather than each starting one thread per core and N × C threads fighting for C cores.
    """
    if threads is not None:
        import cv2

        cv2.setNumThreads(threads)
        os.environ[OCR_THREADS] = str(threads)
    if limits.isolated:
        warm_up(threads=threads)
    else:
        get_engine()


def dask_setup(worker: object) -> None:
    """Dask's preload hook (``dask worker ADDRESS --preload flows.workers``)."""
    load_models()


def task_runner(
    workers: int | None = None, cluster: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> TaskRunner:
    """``workers`` worker processes (default: the machine's cores), ready with their models when this
    returns, or the Dask cluster whose scheduler listens at ``cluster`` (``tcp://HOST:8786``)."""
    if cluster is not None:
        from prefect_dask import DaskTaskRunner

        return DaskTaskRunner(address=cluster)
    count = workers or os.cpu_count() or 1
    threads = max(1, (os.cpu_count() or 1) // count)
    if limits.isolated:
        warm_up(count, threads)
        return ThreadPoolTaskRunner(max_workers=count * TASKS_PER_WORKER)
    return WorkerPool(max_workers=count, initializer=load_models, initargs=(threads, limits))


def worker_lost(error: BaseException | object) -> bool:
    """Whether a task failed because the process running it was lost, not because of its document."""
    if isinstance(error, BrokenProcessPool):
        return True
    return isinstance(error, BaseException) and type(error).__name__ in _DASK_LOST
