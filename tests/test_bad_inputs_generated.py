"""Every kind of bad input an archive holds, made by ``samplegen.bad_inputs``: each one comes out with its
status and its error code, and none of them is an ``internal`` error (a crash is a bug by definition)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from models.errors import ErrorCode
from reportgrid.pipeline import process_document
from samplegen.bad_inputs import BadInput, case_names, make_bad_inputs, make_unreadable

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BadInput]:
    return {case.name: case for case in make_bad_inputs(tmp_path_factory.mktemp("bad"))}


@pytest.mark.parametrize("name", case_names())
def test_bad_input_gets_its_status_and_code(cases: dict[str, BadInput], name: str) -> None:
    case = cases[name]
    document = process_document(case.path)
    code = document.error.code if document.error else None
    assert code != ErrorCode.INTERNAL, document.error
    assert (document.status, code) in [(status, case.code) for status in case.statuses], document.error
    if document.error is not None:
        assert Path(case.path).name in document.error.message


def test_a_huge_image_is_refused_before_it_is_decoded(cases: dict[str, BadInput]) -> None:
    """30000 x 30000 pixels would be 2.7 GB as BGR; the refusal must come from the header alone."""
    script = (
        "import resource, sys; from pathlib import Path; from reportgrid.pipeline import process_document;"
        "d = process_document(Path(sys.argv[1]));"
        "print(d.error.code.value, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(cases["huge-30000.png"].path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    code, peak_mb = done.stdout.split()
    assert code == "image_too_large"
    assert int(peak_mb) < 1000, f"peak RSS {peak_mb} MB: the image was decoded"


@pytest.mark.parametrize("hidden", ["file", "folder"])
def test_a_file_a_user_may_not_read_is_unreadable(hidden: str) -> None:
    """Mode 000 on the file, or on a folder above it. As root every file is readable, so the pipeline
    runs as ``nobody`` when the tests run as root."""
    folder = Path(tempfile.mkdtemp(prefix="reportgrid-unreadable-"))
    try:
        folder.chmod(0o755)
        (folder / "sub").mkdir()
        case = make_unreadable(folder / "sub")
        if hidden == "folder":
            case.path.chmod(0o644)
            (folder / "sub").chmod(0)
        script = (
            "import sys; from pathlib import Path; from reportgrid.pipeline import process_document;"
            "d = process_document(Path(sys.argv[1])); print(d.status, d.error.code.value)"
        )
        command = [sys.executable, "-c", script, str(case.path)]
        if os.geteuid() == 0:
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        environment = {**os.environ, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=environment)
    finally:
        (folder / "sub").chmod(0o755)
        shutil.rmtree(folder)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["failed", "unreadable"]
