"""The batch flow on real inputs: every input gets a JSON, bad ones fail clearly, the run goes on."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import NamedTuple

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId
from prefect.task_runners import ThreadPoolTaskRunner
from prefect_runs import part_runs

import flows.document
from flows.batch import process_batch
from models.document import Document, DocumentSummary, RunSummary
from models.errors import ErrorCode
from models.inputs import DocumentInput
from reportgrid.discover import discover
from reportgrid.limits import NO_LIMITS
from samplegen.shared_data import REAL_DATA


class Batch(NamedTuple):
    out: Path
    summary: RunSummary
    seen: list[DocumentSummary]
    flow_run_id: str


def _inputs(folder: Path) -> Path:
    """A folder as found in an archive: a real report, binary garbage, an empty page, and a non-input."""
    folder.mkdir()
    shutil.copy(REAL_DATA / "hushan-2020.txt", folder / "hushan-2020.txt")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 16)
    (folder / "empty.html").write_bytes(b"")
    (folder / "hushan-2020.txt.expected.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Batch:
    root = tmp_path_factory.mktemp("batch")
    unsupported = root / "minutes.docx"
    unsupported.write_bytes(b"PK\x03\x04 not a report")
    inputs = discover([_inputs(root / "in"), unsupported])
    seen: list[DocumentSummary] = []
    state = process_batch(inputs, root / "out", workers=2, on_document=seen.append, return_state=True)
    return Batch(root / "out", state.result(), seen, str(state.state_details.flow_run_id))


def _load(out: Path, name: str) -> Document:
    return Document.model_validate_json((out / name).read_text(encoding="utf-8"))


def test_every_input_gets_a_json_and_nothing_else_is_left(batch: Batch) -> None:
    out = batch.out
    assert sorted(os.listdir(out)) == [
        "empty.json",
        "garbage.json",
        "hushan-2020.json",
        "minutes.json",
        "run-summary.json",
    ]


def test_the_real_report_is_valid(batch: Batch) -> None:
    out = batch.out
    document = _load(out, "hushan-2020.json")
    assert document.status == "valid", document.error
    assert document.report.issuer is not None and "湖山乡" in document.report.issuer
    assert document.report.year == 2020
    assert [table.id for table in document.tables] == ["二", "三", "四"]


def test_bad_inputs_fail_with_a_clear_error(batch: Batch) -> None:
    out = batch.out
    garbage = _load(out, "garbage.json")
    assert garbage.status == "failed"
    assert garbage.error is not None and garbage.error.code == ErrorCode.NOT_TEXT
    assert "binary" in garbage.error.message
    empty = _load(out, "empty.json")
    assert empty.status == "failed" and empty.error is not None and empty.error.code == ErrorCode.EMPTY_FILE
    unsupported = _load(out, "minutes.json")
    assert unsupported.status == "failed"
    assert unsupported.error is not None and unsupported.error.code == ErrorCode.UNSUPPORTED_TYPE
    assert ".docx" in unsupported.error.message


def test_run_summary_lists_every_document_in_input_order(batch: Batch) -> None:
    out, summary, seen = batch.out, batch.summary, batch.seen
    written = RunSummary.model_validate_json((out / "run-summary.json").read_text(encoding="utf-8"))
    assert written == summary
    assert [Path(line.source).name for line in summary.documents] == [
        "empty.html",
        "garbage.txt",
        "hushan-2020.txt",
        "minutes.docx",
    ]
    assert summary.counts == {"valid": 1, "needs_review": 0, "failed": 3, "skipped": 0}
    assert summary.complete and summary.finished is not None
    assert summary.errors == {"empty_file": 1, "not_text": 1, "unsupported_type": 1}
    hushan = summary.documents[2]
    assert (hushan.output, hushan.cells_needing_review, hushan.failed_rules) == ("hushan-2020.json", 0, 0)
    assert hushan.cells == sum(len(table.cells) for table in _load(out, "hushan-2020.json").tables)
    assert sorted(line.source for line in seen) == sorted(line.source for line in summary.documents)


def test_artifacts_summarise_the_run_and_what_needs_review(batch: Batch) -> None:
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[batch.flow_run_id]))
        )
    by_key = {artifact.key: artifact for artifact in artifacts}
    rows = by_key["reportgrid-run"].data
    rows = json.loads(rows) if isinstance(rows, str) else rows
    assert [row["status"] for row in rows] == ["failed", "failed", "valid", "failed"]
    assert {"cells", "cells needing review", "failed rules", "seconds"} <= set(rows[0])
    review = by_key["reportgrid-review"].data
    assert "garbage.txt" in review and "binary" in review
    assert "hushan-2020.txt" not in review


def test_a_crashing_task_becomes_a_failed_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_process = flows.document.process_document

    def crash_on_boom(source: DocumentInput) -> Document:
        if source.path.name == "boom.txt":
            raise RuntimeError("simulated crash")
        return real_process(source)

    monkeypatch.setattr(flows.document, "process_document", crash_on_boom)
    folder = _inputs(tmp_path / "in")
    shutil.copy(folder / "hushan-2020.txt", folder / "boom.txt")
    state = process_batch(
        discover([folder]),
        tmp_path / "out",
        runner=ThreadPoolTaskRunner(max_workers=1),
        limits=NO_LIMITS,
        return_state=True,
    )
    summary = state.result()
    boom = _load(tmp_path / "out", "boom.json")
    assert boom.status == "failed"
    assert boom.error is not None and boom.error.code == ErrorCode.INTERNAL
    assert "RuntimeError: simulated crash" in boom.error.message
    assert _load(tmp_path / "out", "hushan-2020.json").status == "valid"
    assert len(summary.documents) == 4
    assert list(part_runs(state.state_details.flow_run_id)) == ["in"]  # a crash is not retried
