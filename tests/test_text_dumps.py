"""A PDF's text layer dumped to a .txt reads as well as the PDF: the real published PDFs' dumps against
their hand-checked truths, and dumps of the project's own digital PDFs against their generated truth."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from extractors.text import extract_text
from reportgrid.pipeline import process_document
from samplegen.corpus import DocSpec, write_document
from samplegen.scoring import load_expected, score_document
from samplegen.shared_data import REAL_DATA
from samplegen.text_dump import pdf_text_dump

SHARED = REAL_DATA.parent.parent
REAL_PDF = REAL_DATA / "pdf"


def _scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("shared_score", SHARED / "tools" / "score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_dumped_row_is_its_label_and_its_numbers(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text(
        "规章 1 0 11\n"
        "4.无正当理由大量反复 申请 0 0 0 0 0 0 0\n"
        "447 7 0 0 0 0 454\n"
        "（四）无法提供 1.本机关不掌握相关政府信息 31 0 0 0 0 0 31\n"
        "- 4 -\n第 4 页\n"
        "全年收取政府信息公开信息处理费 0 元。\n"
        "行政事业性收费 96171.6\n",
        encoding="utf-8",
    )
    assert [t.text for t in extract_text(path).tokens] == [
        "规章", "1", "0", "11",
        "4.无正当理由大量反复 申请", *["0"] * 7,
        "447", "7", "0", "0", "0", "0", "454",
        "（四）无法提供", "1.本机关不掌握相关政府信息", "31", *["0"] * 5, "31",
        "- 4 -", "第 4 页",
        "全年收取政府信息公开信息处理费 0 元。",
        "行政事业性收费", "96171.6",
    ]  # fmt: skip


@pytest.mark.parametrize("stem", ["huaian-2024", "hongze-2023", "hongze-2024"])
def test_real_pdf_text_dumps_give_every_cell_of_their_truth(tmp_path: Path, stem: str) -> None:
    path = tmp_path / f"{stem}.txt"
    path.write_text(pdf_text_dump(REAL_PDF / f"{stem}.pdf"), encoding="utf-8")
    document = process_document(path)
    truth = json.loads((REAL_PDF / "truth" / f"{stem}.json").read_text(encoding="utf-8"))
    result = _scorer().score_doc(truth, [json.loads(document.model_dump_json())])
    assert document.error is None
    assert result["correct"] == result["cells"], result["wrong"]
    failed = sorted(c.name for c in document.checks if not c.passed)
    if stem == "hongze-2023":
        # It prints 总计 0 under parts that add up to 11 and to 5: kept as printed, flagged.
        assert failed == ["after_review_litigation_total[cases]", "review_total[cases]"]
        assert document.status == "needs_review"
    else:
        assert failed == []
        assert document.status == "valid"


@pytest.mark.parametrize(
    "spec",
    [
        DocSpec("filled-2019", "2019", 11, "digital", filled=True, repeat_header=True),
        DocSpec("filled-2021", "2021", 12, "digital", filled=True, repeat_header=False),
        DocSpec("blanks-2019", "2019", 13, "digital", repeat_header=True),
        DocSpec("blanks-2021", "2021", 14, "digital", repeat_header=False),
    ],
    ids=lambda spec: spec.name,
)
def test_generated_pdf_text_dumps_read_like_their_pdfs(tmp_path: Path, spec: DocSpec) -> None:
    """Wrapped and vertical labels, footers, a table continued on the next page with or without its
    header: a filled table reads exactly as from the PDF; where blank cells vanished from the text, the
    cells it cannot place are flagged, never wrong."""
    pdf = write_document(spec, tmp_path)
    dump = tmp_path / f"{spec.name}.txt"
    dump.write_text(pdf_text_dump(pdf), encoding="utf-8")
    expected = load_expected(Path(f"{pdf}.expected.json"))["tables"]
    from_pdf = score_document(process_document(pdf), expected)
    document = process_document(dump)
    from_text = score_document(document, expected)
    assert from_pdf.right == from_pdf.cells
    assert from_text.missing_tables == []
    assert from_text.silent_errors == []
    if spec.filled:
        assert from_text.right == from_text.cells
        assert document.status == "valid"
