"""Generated samples obey their template's rules and print as publishers do; shipped samples are current."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.text import extract_text
from models.template import builtin_templates
from samplegen.make_samples import GENERATED, write_real_expected, write_samples
from samplegen.shared_data import PROJECT_REAL, REAL_DATA
from samplegen.values import parse_printed, random_report, rule_violations

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sample_scans"
TEMPLATES = {template.version: template for template in builtin_templates()}


@settings(max_examples=150, deadline=None)
@given(
    version=st.sampled_from(sorted(TEMPLATES)),
    seed=st.integers(0, 2**32),
    blank_rate=st.floats(0, 1),
    marker_rate=st.floats(0, 0.5),
    blank_total_rate=st.floats(0, 1),
    zero_rate=st.floats(0, 1),
)
def test_values_satisfy_every_rule_and_print_consistently(
    version: str, seed: int, blank_rate: float, marker_rate: float, blank_total_rate: float, zero_rate: float
) -> None:
    template = TEMPLATES[version]
    sample = random_report(
        template,
        random.Random(seed),
        blank_rate=blank_rate,
        marker_rate=marker_rate,
        blank_total_rate=blank_total_rate,
        zero_rate=zero_rate,
    )
    assert [t.table.id for t in sample.tables] == [t.id for t in template.tables]
    assert sample.title == f"{sample.issuer}{sample.year}年政府信息公开工作年度报告"
    assert (sample.year >= 2021) == (version == "2021")
    for table in sample.tables:
        keys = {cell.key for cell in table.table.cells}
        assert set(table.printed) == keys == set(table.expected)
        assert rule_violations(table.table, table.expected) == []
        for key, text in table.printed.items():
            column = table.table.cell_map[key].column
            value = table.expected[key]
            shown = parse_printed(text)
            if shown is None:
                assert value == 0 or key in table.table.derivable
            else:
                assert shown == value
            if not column.signed:
                assert value >= 0
            elif value:
                assert text[0] in "+-"


def test_rates_shape_the_print() -> None:
    template = TEMPLATES["2019"]
    plain = random_report(template, random.Random(1), blank_rate=0, marker_rate=0, blank_total_rate=0)
    assert all(text for table in plain.tables for text in table.printed.values())
    markers = random_report(template, random.Random(1), blank_rate=0, marker_rate=1, zero_rate=1)
    three = next(t for t in markers.tables if t.table.id == "三")
    assert {three.printed[key] for key in three.printed if key not in three.table.derivable} <= {"/", "-"}
    blanks = random_report(template, random.Random(1), blank_total_rate=1)
    for table in blanks.tables:
        assert all(table.printed[key] == "" for key in table.table.derivable)


def test_money_and_signed_columns_print_like_publishers() -> None:
    seen_units, seen_decimals, seen_signs = set(), set(), set()
    for seed in range(200):
        sample = random_report(TEMPLATES["2019"], random.Random(seed), zero_rate=0.2)
        two = sample.tables[0]
        seen_signs.add(two.printed[("licensing", "change")][:1])
        amount = two.printed[("procurement", "procurement_amount")]
        seen_units.add(amount.endswith("元"))
        seen_decimals.add("." in amount)
    assert {"+", "-"} <= seen_signs
    assert seen_units == {True, False}
    assert True in seen_decimals


def test_written_samples_are_deterministic_and_match_the_shipped_ones(tmp_path: Path) -> None:
    first = write_samples(tmp_path / "a")
    second = write_samples(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for path in first:
        for name in (path.name, f"{path.name}.expected.json"):
            fresh = (tmp_path / "a" / name).read_bytes()
            assert fresh == (tmp_path / "b" / name).read_bytes()
            assert fresh == (SHIPPED / name).read_bytes(), f"sample_scans/{name} is stale"
    assert {p.name for p in first} >= {name for name, *_ in GENERATED}
    for path in write_real_expected(tmp_path / "real"):
        assert path.read_bytes() == (PROJECT_REAL / path.name).read_bytes(), (
            f"samplegen/real/{path.name} is stale"
        )


@pytest.mark.parametrize(
    "name",
    [
        f"{name}.expected.json"
        for name in ("hushan-2020.txt", "shanghai-2019.txt", *(g[0] for g in GENERATED))
    ],
)
def test_expected_files_cover_every_cell_and_obey_the_rules(name: str) -> None:
    folder = PROJECT_REAL if (PROJECT_REAL / name).exists() else SHIPPED
    expected = json.loads((folder / name).read_text(encoding="utf-8"))
    for table_id, version in expected["template_version"].items():
        table = TEMPLATES[version].table(table_id)
        values = {tuple(ref.split("/", 1)): value for ref, value in expected["tables"][table_id].items()}
        assert set(values) == {cell.key for cell in table.cells}
        assert rule_violations(table, values) == []


def test_shanghai_expected_keeps_every_published_number() -> None:
    truth = json.loads((REAL_DATA / "shanghai-2019.truth.json").read_text(encoding="utf-8"))
    expected = json.loads((PROJECT_REAL / "shanghai-2019.txt.expected.json").read_text(encoding="utf-8"))
    three = expected["tables"]["三"]
    published = [v for row in truth["table3"]["rows"].values() for v in row.values() if v is not None]
    template_rows = [row.key for row in TEMPLATES["2019"].table("三").rows]
    columns = [
        "natural_person",
        "business",
        "research",
        "public_welfare",
        "legal_services",
        "other_org",
        "total",
    ]
    shown = [
        three[f"{row}/{column}"]
        for row, cells in zip(template_rows, truth["table3"]["rows"].values(), strict=True)
        for column, value in zip(columns, cells.values(), strict=True)
        if value is not None
    ]
    assert shown == published
    # Blank totals take their row's sum: （一）予以公开 prints 258, 12, 1, 1 and no total.
    assert three["granted/total"] == 272
    assert expected["tables"]["二"]["procurement/procurement_amount"] == 251000
    assert expected["tables"]["四"]["cases/review_total"] == 7


def test_hushan_expected_matches_its_published_text() -> None:
    tokens = [t.text for t in extract_text(REAL_DATA / "hushan-2020.txt").tokens]
    expected = json.loads((PROJECT_REAL / "hushan-2020.txt.expected.json").read_text(encoding="utf-8"))
    assert (expected["issuer"], expected["year"]) == ("湖山乡人民政府", 2020)
    # Tables 三 and 四 print nothing but zeros, so every one of their cells is 0.
    start = tokens.index("三、收到和处理政府信息公开申请情况")
    end = tokens.index("五、存在的主要问题及改进情况")
    numbers = [t for t in tokens[start:end] if t.lstrip("+-").isdigit()]
    assert numbers and set(numbers) == {"0"}
    assert not any(expected["tables"]["三"].values()) and not any(expected["tables"]["四"].values())
    two = expected["tables"]["二"]
    printed = [
        t for t in tokens[tokens.index("二、主动公开政府信息情况") : start] if t.lstrip("+-").isdigit()
    ]
    table = TEMPLATES["2019"].table("二")
    in_order = [two[f"{row}/{column}"] for row, column in (cell.key for cell in table.cells)]
    assert [parse_printed(t) for t in printed] == in_order
