"""What the Prefect UI shows of a run, built from real documents: the review queue, the run table, the
per-document log line. Pure functions of documents and output names, so no server is needed."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from flows.artifacts import (
    QUEUE_PAGE_BYTES,
    THUMBNAILS_PER_LINE,
    Outcome,
    document_log,
    output_link,
    overlay_thumbnails,
    progress_text,
    review_queue,
    run_description,
    run_rows,
)
from flows.document import outcome_of, run_document
from models.document import Document
from models.inputs import DocumentInput
from reportgrid.limits import NO_LIMITS
from reportgrid.output import now, run_summary
from reportgrid.pipeline import process_document
from samplegen.shared_data import REAL_DATA

HUSHAN = (REAL_DATA / "hushan-2020.txt").read_text(encoding="utf-8")
REPR = re.compile(r"\bNone\b|Decimal\(|\bTrue\b|\bFalse\b|<[A-Za-z]+\.[A-Z_]+: ")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Document]:
    """A valid report, one cut off inside table 三 (needs review: cells unobserved, table 四 missing)
    and binary garbage (failed)."""
    folder = tmp_path_factory.mktemp("docs")
    (folder / "hushan.txt").write_text(HUSHAN, encoding="utf-8")
    (folder / "truncated.txt").write_text(HUSHAN[: HUSHAN.index("(三)不予公开")], encoding="utf-8")
    (folder / "garbage.txt").write_bytes(bytes(range(256)) * 16)
    found = {path.stem: process_document(path) for path in sorted(folder.iterdir())}
    assert [found[name].status for name in ("hushan", "truncated", "garbage")] == [
        "valid",
        "needs_review",
        "failed",
    ]
    return found


def _rows(page: str) -> list[str]:
    """The queue's document lines (numbered table rows)."""
    return [line for line in page.splitlines() if re.match(r"\| \d+ \|", line)]


def _outcomes(documents: dict[str, Document], out_dir: Path) -> list[Outcome]:
    return [outcome_of(document, out_dir / f"{name}.json") for name, document in documents.items()]


def test_the_queue_has_one_line_per_document_not_valid_with_why_cells_and_a_link(
    documents: dict[str, Document], tmp_path: Path
) -> None:
    outcomes = _outcomes(documents, tmp_path)
    (page,) = review_queue(outcomes, tmp_path)
    rows = _rows(page)
    assert len(rows) == 2
    truncated = next(row for row in rows if "truncated.txt" in row)
    flagged = sum(c.needs_review for t in documents["truncated"].tables for c in t.cells)
    assert flagged > 0 and f"| {flagged} |" in truncated
    assert f"{flagged} cells unobserved" in truncated and "| needs_review |" in truncated
    assert "`三 row_total[" in truncated and "+32 more" in truncated
    assert f"[truncated.txt]({(tmp_path / 'truncated.json').resolve().as_uri()})" in truncated
    garbage = next(row for row in rows if "garbage.txt" in row)
    assert "not_text" in garbage and "binary" in garbage and "| failed |" in garbage
    assert "hushan.txt" not in page
    assert not REPR.search(page), REPR.search(page)


def test_a_long_queue_is_split_into_pages_of_at_most_the_lines_asked(
    documents: dict[str, Document], tmp_path: Path
) -> None:
    pending = [outcome for outcome in _outcomes(documents, tmp_path) if outcome.summary.status != "valid"]
    many = [
        Outcome(
            outcome.summary.model_copy(update={"source": f"/archive/doc-{index}.txt"}),
            outcome.review,
            outcome.pages,
        )
        for index in range(125)
        for outcome in pending
    ]
    pages = review_queue(many, tmp_path, page_lines=100)
    assert len(pages) == 3
    rows = [_rows(page) for page in pages]
    assert [len(page) for page in rows] == [100, 100, 50]
    assert "page 2 of 3 (101–200)" in pages[1]
    assert rows[2][-1].startswith("| 250 |")
    assert max(len(page) for page in pages) < 40_000


def test_a_queue_of_pictures_is_split_into_pages_prefect_announces(
    documents: dict[str, Document], tmp_path: Path
) -> None:
    """Prefect's server refuses to announce an artifact whose event passes 1.5 MB: 71 scan documents'
    lines with their thumbnails made a 6.4 MB page."""
    pending = [outcome for outcome in _outcomes(documents, tmp_path) if outcome.summary.status != "valid"]
    many = [
        Outcome(outcome.summary.model_copy(update={"source": f"/archive/doc-{index}.txt"}), outcome.review)
        for index in range(36)
        for outcome in pending
    ]

    def thumbnails(outcome: Outcome) -> str:
        return f"![p1](data:image/png;base64,{'A' * 30_000})"

    pages = review_queue(many, tmp_path, thumbnails=thumbnails)
    assert all(len(page.encode()) <= QUEUE_PAGE_BYTES + 1_000 for page in pages)
    rows = [row for page in pages for row in _rows(page)]
    assert [int(row.split(" | ")[0].removeprefix("| ")) for row in rows] == list(range(1, 73))
    assert len(pages) == 3 and f"page 2 of 3 ({len(_rows(pages[0])) + 1}–" in pages[1]


def test_an_all_valid_run_says_so(documents: dict[str, Document], tmp_path: Path) -> None:
    (page,) = review_queue([outcome_of(documents["hushan"], tmp_path / "hushan.json")], tmp_path)
    assert "All 1 documents are valid" in page


def test_the_queue_has_a_column_for_thumbnails(documents: dict[str, Document], tmp_path: Path) -> None:
    def thumbnails(outcome: Outcome) -> str:
        return f"![p1](data:{outcome.summary.status})"

    (page,) = review_queue(_outcomes(documents, tmp_path), tmp_path, thumbnails=thumbnails)
    assert "| pages |" in page and "![p1](data:failed)" in page and "![p1](data:needs_review)" in page


def test_outputs_are_links_under_a_base_url_or_file_urls(tmp_path: Path) -> None:
    assert output_link("报告 2020.json", tmp_path, "https://archive.example/out/") == (
        "https://archive.example/out/%E6%8A%A5%E5%91%8A%202020.json"
    )
    assert output_link("a.json", tmp_path) == (tmp_path / "a.json").resolve().as_uri()
    assert output_link(None, tmp_path) == ""


def test_the_run_table_links_every_output_and_gives_pages_per_second(
    documents: dict[str, Document], tmp_path: Path
) -> None:
    outcomes = _outcomes(documents, tmp_path)
    scan = outcomes[0]
    outcomes[0] = Outcome(scan.summary, scan.review, 4)  # as a four-page document would report
    rows = run_rows(outcomes, tmp_path, "http://files.local/run")
    assert [row["output"] for row in rows] == [
        f"http://files.local/run/{name}.json" for name in ("garbage", "hushan", "truncated")
    ]
    assert [row["status"] for row in rows] == ["failed", "valid", "needs_review"]
    assert not any(REPR.search(str(value)) for row in rows for value in row.values())
    summary = run_summary([outcome.summary for outcome in outcomes], started=now())
    description = run_description(summary, outcomes, seconds=2.0)
    assert "3 documents: 1 valid, 1 needs_review, 1 failed, 0 skipped" in description
    assert "4 pages in 2.0 s: 2.00 pages/s" in description


def test_progress_says_n_of_m_done() -> None:
    assert progress_text(3, 10, Counter({"valid": 2, "failed": 1})) == "3 of 10 done (1 failed, 2 valid)"
    assert progress_text(0, 10, Counter()) == "0 of 10 done"


def test_the_log_line_says_extractor_tables_status_and_seconds(documents: dict[str, Document]) -> None:
    line = document_log(documents["hushan"])
    assert line.startswith("hushan.txt: text extractor")
    assert "table 二 (22 cells)" in line and "table 四" in line and "valid" in line
    assert re.search(r"\d+\.\d\d s$", line)
    assert "failed (not_text)" in document_log(documents["garbage"])


def test_the_queue_shows_a_document_s_page_overlays_as_thumbnails(tmp_path: Path) -> None:
    """A PDF's overlays, written next to its JSON, come back as small data: images in its queue line;
    its log line says how each page was read and the grids found."""
    pdf = Path(__file__).resolve().parent.parent / "sample_scans" / "digital-2021-filled.pdf"
    outcome = run_document(DocumentInput(pdf), tmp_path, "filled.json", NO_LIMITS)
    document = Document.model_validate_json((tmp_path / "filled.json").read_bytes())
    drawn = [page.overlay for page in document.pages if page.overlay]
    assert drawn and all((tmp_path / name).is_file() for name in drawn)
    images = overlay_thumbnails(tmp_path)(outcome)
    assert images.count("](data:image/png;base64,") == min(len(drawn), THUMBNAILS_PER_LINE)
    line = document_log(document)
    assert re.search(r"4 pages \(pages? 1(-\d)? text layer, \d+ grids?", line), line
