"""The JSON Schema of the output, generated from the pydantic models that write it.

``python -m reportgrid.schema`` rewrites ``schemas/``; a test fails when the committed files are stale.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from models.document import Document, RunSummary
from reportgrid.output import write_atomic

SCHEMAS: dict[str, type[BaseModel]] = {
    "document.schema.json": Document,
    "run-summary.schema.json": RunSummary,
}
SCHEMA_FOLDER = Path(__file__).resolve().parent.parent / "schemas"


def schema_text(model: type[BaseModel]) -> str:
    """The JSON Schema of what the model writes (serialization mode: every key is always present)."""
    schema = model.model_json_schema(mode="serialization")
    for node in [schema, *schema.get("$defs", {}).values()]:
        if "properties" in node:
            node["required"] = list(node["properties"])  # the writer emits every key, defaults included
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path = SCHEMA_FOLDER) -> list[Path]:
    written = []
    for name, model in SCHEMAS.items():
        write_atomic(folder / name, schema_text(model))
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in write_schemas():
        print(path)
