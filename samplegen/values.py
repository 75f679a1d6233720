"""Random report values that obey every rule of a template, and the text each cell is printed as.

The truth a sample carries (``expected``) is what the pipeline must output; ``printed`` is what the
document shows, with the blanks, markers and signs real publishers use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from models.template import CellKey, RuleInstance, TableTemplate, Template

Number = int | float

ISSUERS = (
    "湖山乡人民政府",
    "永定区人民政府办公室",
    "上海市人民政府办公厅",
    "杭州市西湖区人民政府",
    "南京市鼓楼区人民政府办公室",
    "成都市武侯区市场监督管理局",
    "广州市天河区人力资源和社会保障局",
    "武汉市自然资源和规划局",
    "长沙市岳麓区住房和城乡建设局",
    "北京市朝阳区生态环境局",
    "郑州市金水区教育局",
    "苏州市吴中区交通运输局",
    "青岛市黄岛区民政局",
    "西安市雁塔区卫生健康委员会",
    "厦门市思明区财政局",
    "昆明市五华区人民政府",
    "合肥市蜀山区三里庵街道办事处",
    "福州市鼓楼区水利局",
    "宁波市鄞州区司法局",
    "重庆市渝中区文化和旅游委员会",
)

YEARS = {"2019": (2019, 2020), "2021": (2021, 2024)}


@dataclass
class TableSample:
    """One table's truth and print: ``printed`` and ``expected`` hold every cell of the template."""

    table: TableTemplate
    printed: dict[tuple[str, str], str]
    expected: dict[tuple[str, str], int | float]


@dataclass
class ReportSample:
    """A whole report: who issued it, for which year, and its numeric tables in template order."""

    template: Template
    issuer: str
    year: int
    tables: list[TableSample]

    @property
    def title(self) -> str:
        return f"{self.issuer}{self.year}年政府信息公开工作年度报告"


def random_report(
    template: Template,
    rng: random.Random,
    *,
    blank_rate: float = 0.3,
    marker_rate: float = 0.05,
    blank_total_rate: float = 0.2,
    zero_rate: float = 0.5,
    scale: int | None = None,
) -> ReportSample:
    """A report whose values satisfy every rule; zero cells are sometimes blank or a "/" "-" marker.
    ``scale`` (how large counts grow) is drawn when not given."""
    low, high = YEARS.get(template.version, (2021, 2024))
    drawn = rng.choice((5, 30, 300, 3000))
    scale = scale or drawn
    marker = rng.choice(("/", "-"))
    tables = []
    for table in template.tables:
        values = _table_values(table, rng, zero_rate, scale)
        printed = {
            key: _printed(table, key, value, rng, blank_rate, marker_rate, blank_total_rate, marker)
            for key, value in values.items()
        }
        tables.append(TableSample(table=table, printed=printed, expected=values))
    return ReportSample(
        template=template, issuer=rng.choice(ISSUERS), year=rng.randint(low, high), tables=tables
    )


def rule_violations(table: TableTemplate, values: dict[CellKey, Number]) -> list[str]:
    """Names of the rule instances the values break (empty when all hold)."""
    return [
        inst.name
        for inst in table.rule_instances
        if abs(sum(values[k] for k in inst.lhs) - sum(values[k] for k in inst.rhs)) > 1e-6
    ]


def _table_values(table: TableTemplate, rng: random.Random, zero_rate: float, scale: int) -> dict:
    """Draw the free cells, then solve each determined cell from the rule that defines it.

    A rule with a single right-hand cell defines that total; a rule with several cells on both sides
    (第一项加第二项 = 第三项加第四项) defines its first undetermined left-hand cell. When a solved
    cell would be negative, the free cells beside it are zeroed and the table is solved again.
    """
    definitions = _definitions(table)
    values = {
        c.key: _free_value(table, c.key, rng, zero_rate, scale)
        for c in table.cells
        if c.key not in definitions
    }
    for _ in range(len(definitions) + 1):
        solved = _solve(values, definitions)
        negative = [key for key, value in solved.items() if key in definitions and value < 0]
        if not negative:
            assert not rule_violations(table, solved), rule_violations(table, solved)
            return {c.key: solved[c.key] for c in table.cells}
        for key in negative:
            side, _ = _sides(definitions[key], key)
            for other in side:
                if other != key and other not in definitions:
                    values[other] = 0
    raise AssertionError(f"table {table.id}: cannot draw non-negative values for its rules")


def _definitions(table: TableTemplate) -> dict[CellKey, RuleInstance]:
    out: dict[CellKey, RuleInstance] = {}
    for inst in table.rule_instances:
        if len(inst.rhs) == 1 and inst.rhs[0] not in out:
            out[inst.rhs[0]] = inst
    for inst in table.rule_instances:
        if len(inst.rhs) > 1:
            free = [key for key in inst.lhs if key not in out]
            if free:
                out[free[0]] = inst
    return out


def _sides(inst: RuleInstance, key: CellKey) -> tuple[tuple[CellKey, ...], tuple[CellKey, ...]]:
    """(the side holding ``key``, the other side)."""
    return (inst.lhs, inst.rhs) if key in inst.lhs else (inst.rhs, inst.lhs)


def _solve(free: dict[CellKey, Number], definitions: dict[CellKey, RuleInstance]) -> dict:
    values = dict(free)
    pending = dict(definitions)
    while pending:
        progressed = False
        for key, inst in list(pending.items()):
            side, other = _sides(inst, key)
            needed = [k for k in side + other if k != key]
            if all(k in values for k in needed):
                values[key] = sum(values[k] for k in other) - sum(values[k] for k in side if k != key)
                del pending[key]
                progressed = True
        if not progressed:
            raise AssertionError(f"rules leave cells undetermined: {sorted(pending)}")
    return values


def _free_value(table: TableTemplate, key: CellKey, rng: random.Random, zero_rate: float, scale: int):
    column = table.cell_map[key].column
    if column.money:
        if rng.random() < zero_rate:
            return 0
        if "万元" in "".join(column.path):
            return round(rng.uniform(0.5, 500), rng.choice((1, 2)))
        return rng.choice((rng.randint(1, 900) * 1000, round(rng.uniform(100, 99999), 1)))
    if column.signed:
        return 0 if rng.random() < zero_rate else rng.choice((-1, 1)) * rng.randint(1, 200)
    if rng.random() < zero_rate:
        return 0
    first_column = column.key == table.section_of(key[0]).columns[0].key
    top = scale if first_column else max(3, scale // 20)
    roll = rng.random()
    if roll < 0.7:
        return rng.randint(1, min(9, top))
    if roll < 0.95:
        return rng.randint(1, max(1, top // 10) * 10)
    return rng.randint(1, top)


def _printed(
    table: TableTemplate,
    key: CellKey,
    value: Number,
    rng: random.Random,
    blank_rate: float,
    marker_rate: float,
    blank_total_rate: float,
    marker: str,
) -> str:
    if key in table.derivable and rng.random() < blank_total_rate:
        return ""
    if value == 0:
        roll = rng.random()
        if roll < marker_rate:
            return marker
        return "" if roll < marker_rate + blank_rate else "0"
    column = table.cell_map[key].column
    if column.signed:
        return f"{value:+d}"
    if column.money and isinstance(value, int):
        return f"{value}元"
    return str(value)


def parse_printed(text: str) -> int | float | None:
    """The number a printed cell shows ("+8" -> 8, "251000元" -> 251000); None for a blank or marker."""
    number = text.strip().removesuffix("元").removeprefix("+")
    if number in ("", "/", "-"):
        return None
    return float(number) if "." in number else int(number)
