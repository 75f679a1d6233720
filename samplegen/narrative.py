"""The prose around the tables: date line, a few paragraphs per section, figures agreeing with the tables."""

from __future__ import annotations

import random

from samplegen.values import ReportSample

_OPENINGS = (
    "本报告依据《中华人民共和国政府信息公开条例》（以下简称《条例》）和有关要求编制，"
    "报告中所列数据统计期限自{year}年1月1日起至{year}年12月31日止。",
    "根据《中华人民共和国政府信息公开条例》规定，现公布{issuer}{year}年政府信息公开工作年度报告。"
    "如对本报告有疑问，请与{issuer}办公室联系。",
)
_GENERAL = (
    "{year}年，{issuer}坚持以公开为常态、不公开为例外，持续完善政府信息公开制度，"
    "加强政策解读和回应关切，推进决策、执行、管理、服务、结果公开。",
    "全年通过政府门户网站、政务新媒体和公开栏等渠道主动公开政府信息，及时更新机构职能、"
    "规划计划、财政预决算等重点领域信息。",
    "进一步规范依申请公开办理流程，严格落实登记、审核、办理、答复、归档等环节要求，"
    "确保答复合法、准确、及时。",
)
_PROBLEMS = (
    "政府信息公开工作仍存在公开内容不够全面、政策解读形式较为单一等问题。下一步将加强业务培训，"
    "提升信息公开的及时性和准确性。",
    "个别部门对政务公开工作重视不够，信息发布不够及时。下一步将完善考核机制，强化监督检查。",
)


def heading(number: int, text: str, half_width: bool) -> str:
    """A section heading such as 一、总体情况, or a sub-heading (一) when ``number`` is negative."""
    numerals = "一二三四五六七八九十"
    if number < 0:
        mark = numerals[-number - 1]
        return f"({mark}){text}" if half_width else f"（{mark}）{text}"
    return f"{numerals[number - 1]}、{text}"


def date_line(sample: ReportSample, rng: random.Random) -> str:
    month, day = rng.randint(1, 3), rng.randint(1, 28)
    stamp = f"{sample.year + 1}-{month:02d}-{day:02d}"
    return rng.choice((f"时间:{stamp} {rng.randint(8, 18)}:{rng.randint(0, 59):02d}", f"发布日期：{stamp}"))


def opening(sample: ReportSample, rng: random.Random, disclosed: bool = False) -> list[str]:
    """The paragraphs before table 二: an opening, then 一、总体情况 with a figure from table 三 and,
    when ``disclosed``, a paragraph on 主动公开 with table 二's figures (``disclosure``)."""
    received = _figure(sample, "三", ("new_received", "total"))
    paragraphs = [rng.choice(_OPENINGS).format(issuer=sample.issuer, year=sample.year)]
    paragraphs.append(heading(1, "总体情况", False))
    paragraphs += rng.sample(_GENERAL, 2)
    if received is not None:
        paragraphs.append(f"{sample.year}年共收到政府信息公开申请{received}件，均已按规定时限答复。")
    if disclosed:
        paragraphs += disclosure(sample, rng)
    return [p.format(issuer=sample.issuer, year=sample.year) for p in paragraphs]


def disclosure(sample: ReportSample, rng: random.Random) -> list[str]:
    """（二）主动公开情况 with figures of table 二 in the words reports use (``动态更新本年度制发的规范性
    文件77件``): the normative documents' row, sometimes the regulations' and the decisions'."""
    two = next(table for table in sample.tables if table.table.id == "二").expected

    def said(sentence: str, row: str, *columns: str) -> str:
        return sentence.format(*(two[row, column] for column in columns))

    start = rng.choice(("动态更新本年度", "全年", "本年度"))
    if sample.template.version == "2019":
        columns = ("made", "published", "total_public")
        text = "新制作规范性文件{}件，新公开{}件，对外公开总数{}件。"
        sentences = [said(start + text, "normative_documents", *columns)]
    else:
        text, columns = "制发的规范性文件{}件，废止{}件，现行有效{}件。", ("issued", "repealed", "in_force")
        sentences = [said(start + text, "normative_documents", *columns)]
        if rng.random() < 0.5:
            sentences.insert(0, said("制发规章{}件，现行有效{}件。", "regulations", "issued", "in_force"))
    if rng.random() < 0.5:
        sentences.append(said("全年作出行政许可决定{}件。", "licensing", "decisions"))
    return [heading(-2, "主动公开情况", False), "".join(sentences)]


def closing(sample: ReportSample, rng: random.Random) -> list[str]:
    """Sections 五 and 六, then the issuer and date as signed at the foot of the page."""
    return [
        heading(5, "存在的主要问题及改进情况", False),
        rng.choice(_PROBLEMS),
        heading(6, "其他需要报告的事项", False),
        rng.choice(("无。", "本年度无其他需要报告的事项。")),
        sample.issuer,
        f"{sample.year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日",
    ]


def _figure(sample: ReportSample, table_id: str, key: tuple[str, str]) -> int | float | None:
    for table in sample.tables:
        if table.table.id == table_id:
            return table.expected.get(key)
    return None
