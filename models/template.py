"""Report templates as data: tables, their cells and the arithmetic their cells obey.

A template file (YAML in ``models/templates``) describes one version of one report kind; adding a
report kind is adding a file. Everything the pipeline knows about a table's structure comes from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator


class Column(BaseModel):
    """A value column: its key within its section and its official header path, outermost first."""

    model_config = ConfigDict(frozen=True)
    key: str
    path: list[str]
    signed: bool = False
    money: bool = False
    rarity: int = 0
    """How unusual a number in this column is (0 = common). Only breaks ties between readings that fit
    equally well; it never removes a doubt (``needs_review`` is decided without it)."""
    narrative: list[str] = Field(default_factory=list)
    """Words a report's prose uses for this column beside one of its figures (``reconcile.narrative``)."""


class Row(BaseModel):
    """A value row: its key (unique in its table) and its official label path, outermost first."""

    model_config = ConfigDict(frozen=True)
    key: str
    path: list[str]
    aliases: list[str] = Field(default_factory=list)
    narrative: list[str] = Field(default_factory=list)
    """Words a report's prose uses for this row beside one of its figures (``reconcile.narrative``)."""

    @property
    def label(self) -> str:
        """The row's own (innermost) label; empty for a table's single unlabelled row."""
        return self.path[-1] if self.path else ""


class Section(BaseModel):
    """Rows that share one set of value columns, under an optional heading row (第二十条第（一）项)."""

    label: str | None = None
    columns: list[Column]
    rows: list[Row]


class Rule(BaseModel):
    """A sum the table's cells obey: sum(lhs) == sum(rhs).

    ``each: row`` expands over every row that has all the named columns (lhs/rhs name column keys);
    ``each: column`` expands over every column (lhs/rhs name row keys); ``each: cell`` takes
    ``row/column`` references as they are.
    """

    id: str
    text: str
    each: Literal["row", "column", "cell"]
    lhs: list[str]
    rhs: list[str]


CellKey = tuple[str, str]


@dataclass(frozen=True)
class CellSpec:
    """One cell of a table as the template defines it."""

    row: Row
    column: Column
    section: Section
    row_path: tuple[str, ...]

    @property
    def key(self) -> CellKey:
        return (self.row.key, self.column.key)


@dataclass(frozen=True)
class RuleInstance:
    """One concrete equation of a rule: sum(lhs cells) == sum(rhs cells)."""

    rule: Rule
    name: str
    lhs: tuple[CellKey, ...]
    rhs: tuple[CellKey, ...]


class TableTemplate(BaseModel):
    """One numeric table of a report, in one template version."""

    model_config = ConfigDict(ignored_types=(cached_property,))
    id: str
    title: str
    anchors: list[str]
    header_labels: list[str] = Field(default_factory=list)
    sections: list[Section]
    rules: list[Rule] = Field(default_factory=list)
    version: str = ""

    @model_validator(mode="after")
    def _check_keys(self) -> TableTemplate:
        keys = [row.key for section in self.sections for row in section.rows]
        if len(keys) != len(set(keys)):
            raise ValueError(f"table {self.id}: row keys repeat")
        cells = {c.key for c in self.cells}
        for inst in self.rule_instances:
            for key in inst.lhs + inst.rhs:
                if key not in cells:
                    raise ValueError(f"table {self.id}: rule {inst.name} names unknown cell {key}")
        return self

    @property
    def rows(self) -> list[Row]:
        return [row for section in self.sections for row in section.rows]

    def section_of(self, row_key: str) -> Section:
        return self._row_sections[row_key]

    @cached_property
    def _row_sections(self) -> dict[str, Section]:
        return {row.key: section for section in self.sections for row in section.rows}

    @cached_property
    def cells(self) -> list[CellSpec]:
        out = []
        for section in self.sections:
            prefix = (section.label,) if section.label else ()
            for row in section.rows:
                for column in section.columns:
                    out.append(CellSpec(row, column, section, prefix + tuple(row.path)))
        return out

    @cached_property
    def cell_map(self) -> dict[CellKey, CellSpec]:
        return {c.key: c for c in self.cells}

    @cached_property
    def rule_instances(self) -> list[RuleInstance]:
        return list(self._expand_rules())

    def _expand_rules(self) -> Iterator[RuleInstance]:
        for rule in self.rules:
            if rule.each == "cell":
                lhs = tuple(_split_ref(r) for r in rule.lhs)
                rhs = tuple(_split_ref(r) for r in rule.rhs)
                yield RuleInstance(rule, rule.id, lhs, rhs)
            elif rule.each == "row":
                for section in self.sections:
                    keys = {c.key for c in section.columns}
                    if not set(rule.lhs + rule.rhs) <= keys:
                        continue
                    for row in section.rows:
                        yield RuleInstance(
                            rule,
                            f"{rule.id}[{row.key}]",
                            tuple((row.key, c) for c in rule.lhs),
                            tuple((row.key, c) for c in rule.rhs),
                        )
            else:
                section = self.section_of(rule.lhs[0])
                for column in section.columns:
                    yield RuleInstance(
                        rule,
                        f"{rule.id}[{column.key}]",
                        tuple((r, column.key) for r in rule.lhs),
                        tuple((r, column.key) for r in rule.rhs),
                    )

    @cached_property
    def derivable(self) -> frozenset[CellKey]:
        """Total cells: a blank one takes the value its rule gives (origin ``derived``), not zero."""
        return frozenset(inst.rhs[0] for inst in self.rule_instances if len(inst.rhs) == 1)

    @cached_property
    def group_labels(self) -> list[str]:
        """Labels of row groups (三、本年度办理结果, （三）不予公开) and section headings."""
        seen: dict[str, None] = {}
        for section in self.sections:
            if section.label:
                seen[section.label] = None
            for row in section.rows:
                for label in row.path[:-1]:
                    seen[label] = None
        return list(seen)

    @cached_property
    def layout(self) -> str:
        """Everything of the table but its version: two versions' tables of the same layout (table 四)
        read a document the same way, so one fit serves both."""
        return self.model_dump_json(exclude={"version"})

    @cached_property
    def column_labels(self) -> list[str]:
        seen: dict[str, None] = {}
        for section in self.sections:
            for column in section.columns:
                for label in column.path:
                    seen[label] = None
        for label in self.header_labels:
            seen[label] = None
        return list(seen)


def _split_ref(ref: str) -> CellKey:
    row, _, column = ref.partition("/")
    return (row, column)


class Template(BaseModel):
    """One version of one report kind: how to recognise its title and which tables it holds."""

    id: str
    version: str
    name: str
    first_year: int
    """The first report year this version is prescribed for; it settles tables that read the same in
    several versions (table 四)."""
    title_pattern: str
    tables: list[TableTemplate]

    @model_validator(mode="after")
    def _stamp_version(self) -> Template:
        for table in self.tables:
            table.version = self.version
        re.compile(self.title_pattern)
        return self

    def table(self, table_id: str) -> TableTemplate:
        for table in self.tables:
            if table.id == table_id:
                return table
        raise KeyError(table_id)


def load_template_text(text: str) -> Template:
    return Template.model_validate(yaml.safe_load(text))


@cache
def builtin_templates() -> tuple[Template, ...]:
    """All template files shipped in ``models/templates``, oldest version first."""
    folder = resources.files("models") / "templates"
    found = [
        load_template_text(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if entry.name.endswith((".yaml", ".yml"))
    ]
    return tuple(sorted(found, key=lambda t: (t.id, t.version)))


def templates_of_kind(kind: str) -> list[Template]:
    return [t for t in builtin_templates() if t.id == kind]
