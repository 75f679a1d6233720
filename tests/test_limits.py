"""Per-document limits: a document over its time or memory limit fails alone with its code, a worker
killed mid-document is replaced and the document read again, and nothing is lost."""

from __future__ import annotations

import multiprocessing
import threading
import time
from pathlib import Path

from models.document import Document
from models.errors import ErrorCode
from reportgrid.limits import Limits, process_limited
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
