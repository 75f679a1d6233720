"""The committed JSON Schemas are the ones the current models generate."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from models.errors import ErrorCode
from reportgrid.schema import SCHEMA_FOLDER, SCHEMAS, schema_text


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schema_is_current(name: str) -> None:
    committed = (SCHEMA_FOLDER / name).read_text(encoding="utf-8")
    assert committed == schema_text(SCHEMAS[name]), (
        f"schemas/{name} is stale: run python -m reportgrid.schema"
    )


def test_document_schema_names_every_top_level_key() -> None:
    schema = json.loads((SCHEMA_FOLDER / "document.schema.json").read_text(encoding="utf-8"))
    keys = {"schema_version", "source", "status", "error", "template", "report", "tables", "checks", "pages"}
    assert keys <= set(schema["required"])
    page = schema["$defs"]["PageRecord"]["properties"]
    assert {"page", "method", "unit", "size", "origin", "grids", "faults", "overlay"} <= set(page)
    assert set(page["method"]["enum"]) == {"text_layer", "ocr", "html", "text"}
    assert "reviewed" in schema["$defs"]["Cell"]["properties"]["origin"]["enum"]
    cell = schema["$defs"]["Cell"]["properties"]
    assert {
        "row_path",
        "col_path",
        "value",
        "raw",
        "origin",
        "confidence",
        "needs_review",
        "page",
        "bbox",
    } <= set(cell)


def test_readme_lists_every_error_code() -> None:
    """The README's error table is the closed list, in its order."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Error codes", 1)[1].split("\n#", 1)[0]
    listed = re.findall(r"^\| `([a-z_]+)` \| ", section, re.MULTILINE)
    assert listed == [code.value for code in ErrorCode]
