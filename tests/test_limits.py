"""Per-document limits: a document over its time or memory limit fails alone with its code, a worker
killed mid-document is replaced and the document read again, and nothing is lost."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prefect.task_runners import ThreadPoolTaskRunner

import reportgrid.limits
from flows.workers import TASKS_PER_WORKER, task_runner
from models.document import Document
from models.errors import ErrorCode
from models.inputs import DocumentInput
from reportgrid.limits import Limits, process_limited, run_limited, warm_up
from samplegen.shared_data import REAL_DATA

SAMPLES = Path(__file__).resolve().parent.parent / "sample_scans"
SCAN = SAMPLES / "scan-2019-table3.jpg"  # OCR of a table page: several seconds and a few hundred MB
TEXT = REAL_DATA / "hushan-2020.txt"


def test_a_document_over_its_time_limit_fails_alone() -> None:
    limits = Limits(seconds=1.0, memory_bytes=None)
    slow = process_limited(SCAN, limits)
    assert slow.status == "failed" and slow.error is not None
    assert slow.error.code == ErrorCode.LIMIT_TIME
    assert "scan-2019-table3.jpg" in slow.error.message
    assert process_limited(TEXT, limits).status == "valid"


def test_a_document_over_its_memory_limit_fails_alone() -> None:
    limits = Limits(seconds=None, memory_bytes=250 * 2**20)
    big = process_limited(SCAN, limits)
    assert big.status == "failed" and big.error is not None
    assert big.error.code == ErrorCode.LIMIT_MEMORY
    assert process_limited(TEXT, limits).status == "valid"


def test_a_worker_killed_mid_document_is_replaced_and_the_document_read() -> None:
    limits = Limits(seconds=120.0, memory_bytes=None)
    process_limited(TEXT, limits)  # a worker is up and idle
    result: list[Document] = []
    runner = threading.Thread(target=lambda: result.append(process_limited(SCAN, limits)))
    runner.start()
    time.sleep(1.0)
    workers = [child for child in multiprocessing.active_children() if child.name == "reportgrid-worker"]
    assert workers
    for worker in workers:
        worker.kill()
    runner.join(120)
    assert result and result[0].status != "failed", result[0].error if result else "no result"


def test_workers_under_limits_are_started_warm_with_their_share_of_the_cores() -> None:
    """``--workers 2`` under limits: two worker processes, each with the OCR models loaded and capped at
    its share of the cores, ready before the first document; tasks run in threads that hand them out."""
    runner = task_runner(2, None, Limits())
    pool = reportgrid.limits._POOL
    warm = [worker for worker in pool.idle if worker.warm and worker.process.is_alive()]
    assert isinstance(runner, ThreadPoolTaskRunner) and runner._max_workers == 2 * TASKS_PER_WORKER
    assert len({worker.process.pid for worker in warm}) >= 2
    assert pool.threads == max(1, (os.cpu_count() or 1) // 2)
    first, second = pool.take(), pool.take()
    try:
        assert first.warm and second.warm and first.process.pid != second.process.pid
    finally:
        pool.give_back(first)
        pool.give_back(second)


def _worker_pid(unit: DocumentInput) -> int:
    """A job that stays in its worker long enough for other threads to want one."""
    time.sleep(0.5)
    return os.getpid()


def test_a_run_s_threads_share_its_warm_workers_and_never_start_more() -> None:
    """More task threads than workers (flows.workers.TASKS_PER_WORKER): a thread that finds the run's
    one worker busy waits for it rather than starting a second process."""
    pool = reportgrid.limits._POOL
    warm_up(1, pool.threads)
    try:
        limits, unit = Limits(seconds=60.0, memory_bytes=None), DocumentInput(TEXT)
        with ThreadPoolExecutor(max_workers=3) as threads:
            pids = list(threads.map(lambda _: run_limited(_worker_pid, unit, limits), range(3)))
        assert len(set(pids)) == 1 and pool.live == 1, (pids, pool.live)
    finally:
        pool.capacity = None
