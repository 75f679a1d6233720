"""A real scan through OCR and reconciliation: misreads the sums expose are corrected, the rest flagged.

The scan is read once by the real scan path; single cells of its observations are then damaged as a
noisy scan damages them (a digit misread with low confidence, cells that came out unreadable), at the
cells the generator's truth locates, and the damaged observations are reconciled.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.scan import extract_images
from models.document import Document, SourceInfo
from models.observation import GridPosition, Observations, Token
from reconcile import reconcile_document
from samplegen.scoring import score_document

SCAN = Path(__file__).resolve().parent.parent / "sample_scans" / "scan-2019-table3.jpg"
TRUTH = json.loads(Path(f"{SCAN}.expected.json").read_text(encoding="utf-8"))
SOURCE = SourceInfo(path=str(SCAN), sha256="", media_type="image/jpeg")


@pytest.fixture(scope="module")
def observed() -> Observations:
    return extract_images(SCAN)


def _damaged(observed: Observations, changes: dict[tuple[str, str], tuple[str, float]]) -> Observations:
    """A copy whose tokens at the given cells (row_key, col_key) read ``text`` with ``confidence``."""
    boxes = {(c["row"], c["col"]): c["bbox"] for c in TRUTH["cells"] if c["table"] == "三"}
    tokens: list[Token] = []
    for token in observed.tokens:
        copy = token.model_copy()
        for key, (text, confidence) in changes.items():
            x0, y0, x1, y1 = boxes[key]
            if copy.grid is not None and copy.bbox is not None:
                cx, cy = (copy.bbox[0] + copy.bbox[2]) / 2, (copy.bbox[1] + copy.bbox[3]) / 2
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    copy.text, copy.confidence = text, confidence
        tokens.append(copy)
    return observed.model_copy(update={"tokens": tokens})


def _cell(document: Document, row: str, col: str):
    table = next(t for t in document.tables if t.id == "三")
    return next(c for c in table.cells if (c.row_key, c.col_key) == (row, col))


def _truth(row: str, col: str) -> int:
    return TRUTH["tables"]["三"][f"{row}/{col}"]


def test_the_scan_as_read_is_right_and_certain(observed: Observations) -> None:
    document = reconcile_document(observed, SOURCE)
    score = score_document(document, TRUTH["tables"])
    assert score.cells == 161
    assert score.right == score.cells
    assert score.flagged == 0


def test_a_low_confidence_misread_is_corrected_by_the_sums(observed: Observations) -> None:
    row, col = "granted", "natural_person"
    wrong = str(_truth(row, col) + 3)
    document = reconcile_document(_damaged(observed, {(row, col): (wrong, 0.55)}), SOURCE)
    cell = _cell(document, row, col)
    assert (cell.value, cell.origin, cell.raw) == (_truth(row, col), "corrected", wrong)
    assert score_document(document, TRUTH["tables"]).silent_errors == []
    assert any(c.kind == "correction" for c in document.checks)


def test_cells_the_sums_cannot_decide_are_flagged(observed: Observations) -> None:
    """Four cells unreadable at the corners of a rectangle (two rows, two columns): moving a count
    between them keeps every row and column sum, so no rule decides them."""
    corners = [(r, c) for r in ("granted", "withheld_state_secret") for c in ("natural_person", "research")]
    assert all(_truth(r, c) > 0 for r, c in corners)
    document = reconcile_document(_damaged(observed, dict.fromkeys(corners, ("帝", 0.3))), SOURCE)
    for row, col in corners:
        assert _cell(document, row, col).needs_review
    ambiguous = {tuple(c.cells[0]) for c in document.checks if c.kind == "ambiguous"}
    assert set(corners) <= ambiguous
    assert score_document(document, TRUTH["tables"]).silent_errors == []
    assert document.status == "needs_review"


def test_a_confident_ocr_reading_no_sum_confirms_is_flagged() -> None:
    """Table 二 has no sums: an OCR reading there (a lost minus sign reads as a confident 198) is never
    certain, while the same reading from a text layer is."""
    cells = [
        ("二、主动公开政府信息情况", None),
        ("第二十条第（五）项", (0, 0)),
        ("信息内容", (1, 0)),
        ("上一年项目数量", (1, 1)),
        ("本年增/减", (1, 2)),
        ("处理决定数量", (1, 3)),
        ("行政许可", (2, 0)),
        ("4", (2, 1)),
        ("198", (2, 2)),
        ("0", (2, 3)),
    ]

    def table_two(recognised: bool) -> Observations:
        tokens = [
            Token(
                text=text,
                confidence=0.99 if recognised else 1.0,
                recognised=recognised and place is not None,
                grid=GridPosition(table=0, row=place[0], col=place[1]) if place else None,
            )
            for text, place in cells
        ]
        return Observations(source_kind="scan", media_type="image/png", tokens=tokens)

    for recognised in (True, False):
        document = reconcile_document(table_two(recognised), SOURCE)
        table = next(t for t in document.tables if t.id == "二")
        change = next(c for c in table.cells if (c.row_key, c.col_key) == ("licensing", "change"))
        assert change.value == 198
        assert change.needs_review is recognised


def _relabelled(observed: Observations, labels: dict[str, str]) -> Observations:
    """A copy where the label cells of the grid rows holding these template rows read otherwise."""
    boxes = {
        c["row"]: c["bbox"] for c in TRUTH["cells"] if c["table"] == "三" and c["col"] == "natural_person"
    }
    rows: dict[tuple[int, int], str] = {}
    for token in observed.tokens:
        for row, (x0, y0, x1, y1) in boxes.items():
            if token.grid is not None and token.bbox is not None and row in labels:
                cx, cy = (token.bbox[0] + token.bbox[2]) / 2, (token.bbox[1] + token.bbox[3]) / 2
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    rows[token.grid.table, token.grid.row] = labels[row]
    assert len(rows) == len(labels)
    tokens = []
    for token in observed.tokens:
        copy = token.model_copy()
        where = (copy.grid.table, copy.grid.row) if copy.grid is not None else None
        if where in rows and copy.text.strip() and not copy.text.strip().lstrip("-").isdigit():
            copy.text = rows[where]
        tokens.append(copy)
    return observed.model_copy(update={"tokens": tokens})


def test_rows_whose_labels_are_misread_are_placed_by_their_neighbours(observed: Observations) -> None:
    """The last two rows: 总计 read without its （七） (a column header's words) and an unreadable
    label; each has a recognised row on one side only, and its values still land in their cells."""
    document = reconcile_document(
        _relabelled(observed, {"total_handled": "总计", "carried_forward": ""}), SOURCE
    )
    for row in ("total_handled", "carried_forward"):
        for col in ("natural_person", "business", "total"):
            assert _cell(document, row, col).value == _truth(row, col), (row, col)
    assert score_document(document, TRUTH["tables"]).silent_errors == []
