"""The reportgrid command: a run's exit code and output, usage errors, the schema and the templates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result
from typer.testing import CliRunner

from models.template import builtin_templates
from reportgrid.cli import app
from samplegen.shared_data import REAL_DATA

runner = CliRunner()


@pytest.fixture(scope="module")
def cli_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    root = tmp_path_factory.mktemp("cli")
    (root / "in").mkdir()
    shutil.copy(REAL_DATA / "hushan-2020.txt", root / "in" / "hushan-2020.txt")
    (root / "in" / "garbage.txt").write_bytes(bytes(range(256)) * 16)
    result = runner.invoke(app, ["run", str(root / "in"), "--out", str(root / "out"), "--concurrency", "2"])
    return result, root / "out"


def test_run_exits_zero_although_a_document_failed(cli_run: tuple[Result, Path]) -> None:
    result, out = cli_run
    assert result.exit_code == 0, result.output
    statuses = {line["source"].rsplit("/", 1)[-1]: line["status"] for line in _summary(out)["documents"]}
    assert statuses == {"garbage.txt": "failed", "hushan-2020.txt": "valid"}
    assert "valid" in result.output and "failed" in result.output
    assert "2 documents" in result.output


def test_written_documents_match_the_printed_schema(cli_run: tuple[Result, Path]) -> None:
    _, out = cli_run
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    for name in ("hushan-2020.json", "garbage.json"):
        jsonschema.validate(json.loads((out / name).read_text(encoding="utf-8")), schema)
    summary_schema = json.loads(runner.invoke(app, ["schema", "--run-summary"]).output)
    jsonschema.validate(_summary(out), summary_schema)


def test_a_folder_without_documents_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("nothing to read", encoding="utf-8")
    result = runner.invoke(app, ["run", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no documents found" in result.output


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "absent"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_templates_lists_both_versions_with_their_tables() -> None:
    result = runner.invoke(app, ["templates"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    rows = [line for line in result.output.splitlines() if "gov-info-disclosure" in line]
    assert {version for version in ("2019", "2021") if any(version in row for row in rows)} == {
        "2019",
        "2021",
    }
    cell_counts = {str(len(table.cells)) for template in builtin_templates() for table in template.tables}
    assert all(any(f" {count} " in row for row in rows) for count in cell_counts)
    assert len(rows) == sum(len(template.tables) for template in builtin_templates())


def _summary(out: Path) -> dict:
    return json.loads((out / "run-summary.json").read_text(encoding="utf-8"))
