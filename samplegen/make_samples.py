"""Write the text and HTML samples with their expected output: ``python -m samplegen.make_samples DIR``.

Two real pages (their truth read by hand, shipped in ``samplegen/real``) and four generated reports
from fixed seeds, so the same files come out on every run. Each ``<name>.expected.json`` holds the
value the pipeline must output for every template cell.
"""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

from models.template import CellKey, TableTemplate, Template, builtin_templates
from samplegen.render_html import render_html
from samplegen.render_text import render_flat_text, render_pipe_text
from samplegen.shared_data import PROJECT_REAL, REAL_DATA
from samplegen.values import ReportSample, parse_printed, random_report, rule_violations

Number = int | float

# Generated samples: file name, template version, seed, renderer, encoding the file is written in.
GENERATED: tuple[tuple[str, str, int, Callable[[ReportSample, random.Random], str], str], ...] = (
    ("generated-2019.html", "2019", 11, lambda s, r: render_html(s, r, charset="gbk"), "gbk"),
    ("generated-2021.html", "2021", 12, render_html, "utf-8"),
    ("generated-flat-2021.txt", "2021", 13, render_flat_text, "utf-8"),
    ("generated-pipe-2019.txt", "2019", 14, render_pipe_text, "utf-8"),
)

_TABLE4_BLOCKS = {
    "review": "review",
    "litigation_direct": "direct",
    "litigation_after_review": "after_review",
}
_TABLE4_ITEMS = {"维持": "upheld", "纠正": "corrected", "其他": "other", "未审结": "pending", "总计": "total"}


def template(version: str) -> Template:
    return next(t for t in builtin_templates() if t.id == "gov-info-disclosure" and t.version == version)


def fill_blanks(table: TableTemplate, read: dict[CellKey, Number | None]) -> dict[CellKey, Number]:
    """Blank cells are 0, except a blank total, which takes the sum its rule gives."""
    values = {key: value for key, value in read.items() if value is not None}
    for cell in table.cells:
        if cell.key not in values and cell.key not in table.derivable:
            values[cell.key] = 0
    totals = {inst.rhs[0]: inst for inst in table.rule_instances if len(inst.rhs) == 1}
    while missing := [key for key in table.derivable if key not in values]:
        ready = [key for key in missing if all(k in values for k in totals[key].lhs)]
        if not ready:
            raise ValueError(f"table {table.id}: blank totals depend on each other: {missing}")
        for key in ready:
            values[key] = sum(values[k] for k in totals[key].lhs)
    return {cell.key: values[cell.key] for cell in table.cells}


def expected_document(
    issuer: str | None, year: int | None, tmpl: Template, tables: dict[str, dict[CellKey, Number]]
) -> dict:
    for table in tmpl.tables:
        broken = rule_violations(table, tables[table.id])
        if broken:
            raise ValueError(f"expected values of table {table.id} break rules {broken}")
    return {
        "issuer": issuer,
        "year": year,
        "template_version": {table.id: tmpl.version for table in tmpl.tables},
        "tables": {
            table_id: {f"{row}/{col}": value for (row, col), value in values.items()}
            for table_id, values in tables.items()
        },
    }


def hushan_expected() -> dict:
    truth = json.loads((PROJECT_REAL / "hushan-2020.truth.json").read_text(encoding="utf-8"))
    tmpl = template(truth["template"])
    tables = {}
    for table in tmpl.tables:
        if table.id in truth["all_zero_tables"]:
            tables[table.id] = {cell.key: 0 for cell in table.cells}
        else:
            printed = {tuple(ref.split("/", 1)): text for ref, text in truth["table2_printed"].items()}
            tables[table.id] = fill_blanks(table, {key: parse_printed(printed[key]) for key in printed})
    return expected_document(truth["unit"], truth["year"], tmpl, tables)


def shanghai_expected() -> dict:
    """From the HTML truth; the flattened text has no title line, so issuer and year are not in it."""
    truth = json.loads((REAL_DATA / "shanghai-2019.truth.json").read_text(encoding="utf-8"))
    tmpl = template(truth["template"])
    two, three, four = (tmpl.table(table_id) for table_id in ("二", "三", "四"))
    read2 = {}
    for rows in truth["table2"].values():
        for label, cells in rows.items():
            row = next(r for r in two.rows if r.label == label)
            for column_label, value in cells.items():
                column = next(c for c in two.section_of(row.key).columns if c.path[-1] == column_label)
                read2[(row.key, column.key)] = parse_printed(str(value)) if value is not None else None
    read3 = {}
    for row, cells in zip(three.rows, truth["table3"]["rows"].values(), strict=True):
        for column_label, value in cells.items():
            column = next(c for c in three.sections[0].columns if c.path[-1] == column_label)
            read3[(row.key, column.key)] = value
    read4 = {
        ("cases", f"{_TABLE4_BLOCKS[block]}_{_TABLE4_ITEMS[item]}"): value
        for block, cells in truth["table4"].items()
        for item, value in cells.items()
    }
    tables = {"二": fill_blanks(two, read2), "三": fill_blanks(three, read3), "四": fill_blanks(four, read4)}
    return expected_document(None, None, tmpl, tables)


def sample_expected(sample: ReportSample) -> dict:
    tables = {table.table.id: table.expected for table in sample.tables}
    return expected_document(sample.issuer, sample.year, sample.template, tables)


def write_real_expected(folder: Path) -> list[Path]:
    """The expected JSON of the two real web texts (which stay in ../shared) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, expected in (
        ("hushan-2020.txt", hushan_expected()),
        ("shanghai-2019.txt", shanghai_expected()),
    ):
        _write_json(folder / f"{name}.expected.json", expected)
        written.append(folder / f"{name}.expected.json")
    return written


def write_samples(folder: Path) -> list[Path]:
    """Write every generated sample and its expected JSON into ``folder``; return the documents written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, version, seed, render, encoding in GENERATED:
        rng = random.Random(seed)
        sample = random_report(template(version), rng)
        (folder / name).write_bytes(render(sample, rng).encode(encoding))
        _write_json(folder / f"{name}.expected.json", sample_expected(sample))
        written.append(folder / name)
    return written


def _write_json(path: Path, document: dict) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m samplegen.make_samples OUTPUT_DIR", file=sys.stderr)
        return 2
    for path in [*write_samples(Path(argv[0])), *write_real_expected(PROJECT_REAL)]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
