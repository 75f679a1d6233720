"""Reconciliation: fit a document's observations to a template and decide every cell.

``reconcile_document`` is the whole step: lines from tokens, each template table fitted in every
version of the report kind (the best-explained version wins, per table), a CP-SAT solve per table,
then checks and the document's status. The readings the sums confirm in any table show what the
document's digits look like: the second witness of the readings no sum confirms (``reconcile/witness.py``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from models.document import Document, SourceInfo, TemplateRef
from models.errors import DocumentError, ErrorCode
from models.observation import Observations
from models.template import Template, builtin_templates
from reconcile.assemble import build_table, document_status, rule_checks, structure_problem
from reconcile.evidence import TableEvidence
from reconcile.lines import Lines, to_lines
from reconcile.narrative import narrative_figures
from reconcile.report_meta import find_report_info
from reconcile.segment import fit_table
from reconcile.solver import TableDecision, observed_decision, solve_table
from reconcile.verdict import confirmed_readings
from reconcile.witness import library


def _fit_kind(templates: list[Template], lines: Lines, year: int | None) -> list[TableEvidence]:
    """For each table of the kind, the best-fitting version's evidence (in template order).

    A table that reads the same in several versions takes the version prescribed for the report's year,
    or else the one the document's other tables show.
    """
    every_table = [table for template in templates for table in template.tables]
    fits: list[list[TableEvidence]] = []
    for table_id in dict.fromkeys(table.id for table in every_table):
        others = [table for table in every_table if table.id != table_id]
        candidates: list[TableEvidence] = []
        for template in templates:
            table = template.table(table_id)
            twin = next((ev for ev in candidates if ev.table.layout == table.layout), None)
            # A fit reads no version: the twin's evidence is this version's too (only one of them is kept).
            candidates.append(replace(twin, table=table) if twin else fit_table(table, lines, others))
        fits.append(candidates)
    prescribed = max((t.version for t in templates if year is not None and t.first_year <= year), default="")
    best = [_best(candidates) for candidates in fits]
    decided = [tied[0].table.version for tied in best if len(tied) == 1]
    dominant = max(set(decided), key=decided.count) if decided else ""
    return [
        max(
            tied,
            key=lambda ev: (ev.table.version == prescribed, ev.table.version == dominant, ev.table.version),
        )
        for tied in best
    ]


def _best(candidates: list[TableEvidence]) -> list[TableEvidence]:
    """The versions that explain the table best; several when they read it the same (table 四)."""
    scores = [ev.score for ev in candidates]
    return [ev for ev, score in zip(candidates, scores, strict=True) if score == max(scores)]


def _kinds() -> dict[str, list[Template]]:
    kinds: dict[str, list[Template]] = {}
    for template in builtin_templates():
        kinds.setdefault(template.id, []).append(template)
    return kinds


def _solve(evidence: TableEvidence) -> TableDecision:
    """The solver's decision; on a fault inside it, the table as observed: a table that was read is
    never lost to the solver (the fault is named in a ``solve_incomplete`` check)."""
    try:
        return solve_table(evidence)
    except Exception as exc:
        why = f"table {evidence.table.id}: the solve failed ({type(exc).__name__}: {exc})"
        return observed_decision(evidence, why)


def reconcile_document(observations: Observations, source: SourceInfo) -> Document:
    lines = to_lines(observations.tokens)
    fits = {
        kind: _fit_kind(templates, lines, find_report_info(observations.tokens, templates[0]).year)
        for kind, templates in _kinds().items()
    }
    kind = max(fits, key=lambda k: sum(ev.score for ev in fits[k] if ev.found))
    evidences = fits[kind]
    found = [ev for ev in evidences if ev.found]
    if not found:
        return Document(
            source=source,
            status="failed",
            pages=observations.page_records,
            error=DocumentError(
                code=ErrorCode.NOT_A_REPORT,
                message=f"{Path(source.path).name}: no report table found: the document does not look like a "
                + _kinds()[kind][0].name,
            ),
        )
    versions = [ev.table.version for ev in found]
    template = next(t for t in _kinds()[kind] if t.version == max(set(versions), key=versions.count))
    tables, checks = [], []
    solved = []
    texts = [token.text for token in observations.tokens]
    for evidence in evidences:
        if not evidence.found:
            message = f"table {evidence.table.title} not found in the source"
            checks.append(structure_problem(evidence.table.id, "table_missing", message))
            continue
        evidence.narrative = narrative_figures(texts, evidence.table)
        if evidence.repeats:
            message = f"table {evidence.table.title} appears more than once; only the first copy is read"
            checks.append(structure_problem(evidence.table.id, "table_repeated", message))
        decision = _solve(evidence)
        solved.append((evidence, decision, rule_checks(decision)))
    glyphs = library(token for solve in solved for token in confirmed_readings(*solve))
    for evidence, decision, rules in solved:
        table, table_checks = build_table(evidence, decision, rules, glyphs)
        tables.append(table)
        checks.extend(rules + table_checks)
    return Document(
        source=source,
        status=document_status(tables, checks),
        template=TemplateRef(id=template.id, version=template.version),
        report=find_report_info(observations.tokens, template),
        tables=tables,
        checks=checks,
        pages=observations.page_records,
    )
