"""The archive bench set scans every page that holds part of a table, and only those (and the first)."""

from __future__ import annotations

from pathlib import Path

from reportlab.pdfgen import canvas

from samplegen.archive import table_pages
from samplegen.fonts import SERIF, register


def _pdf(path: Path, pages: list[list[str]]) -> Path:
    font = register(SERIF)
    sheet = canvas.Canvas(str(path))
    for lines in pages:
        sheet.setFont(font, 12)
        for number, line in enumerate(lines):
            sheet.drawString(72, 760 - 18 * number, line)
        sheet.showPage()
    sheet.save()
    return path


def test_a_row_of_values_carried_to_the_next_page_is_scanned(tmp_path: Path) -> None:
    pdf = _pdf(
        tmp_path / "report.pdf",
        [
            ["某区司法局2024年政府信息公开工作年度报告", "一、总体情况"],
            [
                "四、政府信息公开行政复议、行政诉讼情况",
                "行政复议 行政诉讼",
                "结果维持 结果纠正 其他结果 尚未审结 总计",
            ],
            ["5 0 - 6 11 0 3 9 0 0 0 0", "五、存在的主要问题及改进情况", "个别部门对政务公开工作重视不够。"],
            ["六、其他需要报告的事项", "本年度无其他需要报告的事项。"],
            ["1 2 3", "附件：无"],
        ],
    )
    assert table_pages(pdf) == [1, 2, 3]
