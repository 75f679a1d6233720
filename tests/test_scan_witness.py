"""The second witness of scan readings: a clean scan comes out valid, a disagreeing witness flags its cell.

The scan is a document of the archive bench set (``samplegen.archive``: a clean 2019 report, rendered
and scanned at generation time), read once by the real scan path. Table 二 has no sums: its readings
are certain only because each one's glyphs match the glyphs of cells the sums confirmed in tables 三
and 四, and its blanks and markers because the recogniser, too, reads nothing or the same marker.
Single readings of these observations are then changed as a recogniser misreads them, keeping the
glyphs and second readings the page gave.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractors.base import extract
from models.document import Document, SourceInfo
from models.observation import Observations, Token
from reconcile import reconcile_document
from reconcile.witness import GlyphLibrary
from reportgrid.discover import discover
from samplegen.archive import KINDS, _generated
from samplegen.scoring import load_expected, score_document

ARCHIVE_SEED = 12
KIND, SOURCE_NAME, INDEX = "clean", "reportlab-2019", 3


def _archive_seed(kind: str, index: int, per_kind: int = 7) -> int:
    """The seed ``samplegen.archive.write_archive`` draws for this document."""
    rng = random.Random(ARCHIVE_SEED)
    seeds = [rng.randrange(1 << 30) for _ in range(len(KINDS) * per_kind)]
    return seeds[KINDS.index(kind) * per_kind + index]


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, Observations]:
    folder = tmp_path_factory.mktemp("archive")
    doc = _generated(folder, KIND, SOURCE_NAME, INDEX, False, _archive_seed(KIND, INDEX))
    (unit,) = discover([Path(doc.path)])
    return Path(doc.path), load_expected(Path(doc.truth))["tables"], extract(unit.path, unit.pages)


def _source(path: Path) -> SourceInfo:
    return SourceInfo(path=str(path), sha256="", media_type="image/tiff")


def _table_two_tokens(document: Document, observed: Observations) -> dict[tuple[str, str], Token]:
    """The tokens table 二's cells were read from, by (row_key, col_key)."""
    table = next(t for t in document.tables if t.id == "二")
    by_box = {(t.page, t.bbox): t for t in observed.tokens if t.grid is not None}
    return {
        (c.row_key, c.col_key): by_box[c.page, tuple(c.bbox)]
        for c in table.cells
        if c.bbox is not None and (c.page, tuple(c.bbox)) in by_box
    }


def _changed(observed: Observations, target: Token, **update: object) -> Observations:
    tokens = [t.model_copy(update=update) if t is target else t for t in observed.tokens]
    return observed.model_copy(update={"tokens": tokens})


def _two(document: Document, key: tuple[str, str]):
    table = next(t for t in document.tables if t.id == "二")
    return next(c for c in table.cells if (c.row_key, c.col_key) == key)


def test_a_clean_scan_comes_out_valid(scan: tuple[Path, dict, Observations]) -> None:
    path, truth, observed = scan
    document = reconcile_document(observed, _source(path))
    score = score_document(document, truth)
    assert score.right == score.cells == 198
    assert score.flagged == 0
    assert document.status == "valid"
    table_two = next(t for t in document.tables if t.id == "二")
    assert {c.origin for c in table_two.cells} >= {"read", "blank"}


def test_a_misread_the_glyphs_disagree_with_is_flagged(scan: tuple[Path, dict, Observations]) -> None:
    path, truth, observed = scan
    document = reconcile_document(observed, _source(path))
    tokens = _table_two_tokens(document, observed)
    key, token = next((k, t) for k, t in tokens.items() if t.text.isdigit() and t.text != "0" and t.glyphs)
    misread = str((int(token.text) + 5) % 10 or 7)
    changed = reconcile_document(_changed(observed, token, text=misread, confidence=1.0), _source(path))
    cell = _two(changed, key)
    assert (cell.value, cell.needs_review, cell.review_reason) == (int(misread), True, "witness_disagrees")
    assert changed.status == "needs_review"
    assert score_document(changed, truth).silent_errors == []


def test_a_blank_the_recogniser_reads_as_a_number_is_flagged(scan: tuple[Path, dict, Observations]) -> None:
    path, _, observed = scan
    document = reconcile_document(observed, _source(path))
    key, token = next((k, t) for k, t in _table_two_tokens(document, observed).items() if t.text == "")
    assert token.second_reading == ""
    changed = reconcile_document(_changed(observed, token, second_reading="3"), _source(path))
    assert _two(changed, key).review_reason == "witness_disagrees"
    assert changed.status == "needs_review"


def test_without_a_second_reading_a_table_two_reading_stays_unconfirmed(
    scan: tuple[Path, dict, Observations],
) -> None:
    path, _, observed = scan
    document = reconcile_document(observed, _source(path))
    key, token = next((k, t) for k, t in _table_two_tokens(document, observed).items() if t.glyphs)
    changed = reconcile_document(_changed(observed, token, glyphs=[]), _source(path))
    assert _two(changed, key).review_reason == "unconfirmed_ocr"


def test_a_cell_is_never_its_own_witness(scan: tuple[Path, dict, Observations]) -> None:
    path, _, observed = scan
    document = reconcile_document(observed, _source(path))
    token = next(
        t for t in _table_two_tokens(document, observed).values() if t.text.isdigit() and "1" not in t.text
    )
    own = GlyphLibrary()
    own.add(token)
    own.add(token.model_copy(update={"text": "1" * len(token.glyphs)}))
    assert own.read(token) != token.text
