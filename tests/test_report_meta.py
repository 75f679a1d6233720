"""Issuer and year: from the title line, also when the title breaks after the issuer."""

from __future__ import annotations

from models.observation import Token
from models.template import builtin_templates
from reconcile.report_meta import find_report_info

TEMPLATE = builtin_templates()[0]


def _info(*lines: str) -> tuple[str | None, int | None]:
    info = find_report_info([Token(text=line) for line in lines], TEMPLATE)
    return info.issuer, info.year


def test_one_line_title() -> None:
    assert _info("湖山乡人民政府2020年政府信息公开工作年度报告", "时间:2021-01-14") == (
        "湖山乡人民政府",
        2020,
    )


def test_title_broken_after_the_issuer() -> None:
    assert _info("郑州市金水区教育局", "2021年政府信息公开工作年度报告") == ("郑州市金水区教育局", 2021)


def test_the_title_wins_over_a_sentence_naming_the_report() -> None:
    lines = (
        "根据《条例》规定，现公布杭州市西湖区人民政府2020年政府信息公开工作年度报告。",
        "杭州市西湖区人民政府2020年度政府信息公开工作年度报告",
    )
    assert _info(*lines) == ("杭州市西湖区人民政府", 2020)


def test_a_sentence_is_the_fallback() -> None:
    assert _info("现公布杭州市西湖区人民政府2020年政府信息公开工作年度报告。") == (
        "杭州市西湖区人民政府",
        2020,
    )


def test_no_title() -> None:
    assert _info("二、主动公开政府信息情况", "规章") == (None, None)


def _read(*lines: str) -> tuple[str | None, int | None]:
    info = find_report_info([Token(text=line, recognised=True) for line in lines], TEMPLATE)
    return info.issuer, info.year


def test_an_ocr_title_with_one_word_misread() -> None:
    """A scanned title read "公开" as "公于" (seen on a generated fax page)."""
    assert _read("某某县人民政府", "2021年政府信息公于工作年度报告") == ("某某县人民政府", 2021)


def test_misread_titles_are_only_trusted_from_ocr_and_close_to_the_title() -> None:
    assert _info("某某县人民政府2021年政府信息公于工作年度报告") == (None, None)
    assert _read("某某县人民政府2021年政府信息公开工作要点") == (None, None)
