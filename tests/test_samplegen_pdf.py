"""The PDF and scan sample generator: text layers, broken font maps, scan damage and its truth."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from samplegen.corpus import DocSpec, report, write_corpus, write_document
from samplegen.degrade import Degradation, rasterise, scan_document, scan_page
from samplegen.fonts import FontFile, FontMissingError, font_path
from samplegen.make_scan_samples import SAMPLES, write_scan_samples
from samplegen.render_pdf import render_pdf
from samplegen.scan_files import expected_path
from samplegen.truth import SampleTruth

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "sample_scans"
LABELS = ("申请人情况", "自然人", "行政复议", "本年度办理结果", "信息内容")


def _render(tmp_path: Path, version: str, seed: int, **options: object) -> tuple[Path, SampleTruth]:
    spec = DocSpec("t", version, seed, "digital", filled=bool(options.pop("filled", False)))
    rng = random.Random(seed)
    path = tmp_path / f"{version}-{seed}-{len(list(tmp_path.iterdir()))}.pdf"
    return path, render_pdf(report(spec, rng), path, rng, **options)  # type: ignore[arg-type]


def _page_texts(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def _text_in(document: pdfium.PdfDocument, page: int, box: tuple[float, ...]) -> str:
    pdf_page = document[page - 1]
    height = pdf_page.get_height()
    return pdf_page.get_textpage().get_text_bounded(box[0], height - box[3], box[2], height - box[1]).strip()


@pytest.mark.parametrize(
    ("version", "seed", "filled"), [("2019", 1, False), ("2021", 2, False), ("2021", 3, True)]
)
def test_text_layer_holds_every_printed_value_in_its_cell(
    tmp_path: Path, version: str, seed: int, filled: bool
) -> None:
    path, truth = _render(tmp_path, version, seed, filled=filled)
    expected_cells = {(t.table.id, *cell.key) for t in truth.sample.tables for cell in t.table.cells}
    assert {(c.table, c.row, c.col) for c in truth.cells} == expected_cells
    document = pdfium.PdfDocument(str(path))
    for cell in truth.cells:
        assert _text_in(document, cell.page, cell.bbox) == cell.printed, cell
    blanks = [c for c in truth.cells if not c.printed]
    assert (not blanks) if filled else blanks
    assert all(c.text_bbox is None for c in blanks)
    document.close()


@pytest.mark.parametrize("repeat", [True, False])
def test_table_three_crosses_a_page_with_or_without_its_header(tmp_path: Path, repeat: bool) -> None:
    path, truth = _render(tmp_path, "2021", 4, cross_pages=True, repeat_header=repeat)
    parts = [p for p in truth.parts if p.table == "三"]
    assert [p.page for p in parts] == [parts[0].page, parts[0].page + 1]
    assert [p.header_repeated for p in parts] == [False, repeat]
    second = _page_texts(path)[parts[1].page - 1]
    assert ("申请人情况" in second) == repeat
    assert re.search(rf"\b{parts[1].page}\b", second.splitlines()[-1]), "folio missing"


def test_table_that_fits_is_kept_on_one_page_when_crossing_is_off(tmp_path: Path) -> None:
    _, truth = _render(tmp_path, "2021", 112, cross_pages=False)
    assert [p.table for p in truth.parts].count("三") == 1


@pytest.mark.parametrize("mode", ["missing", "garbled"])
def test_broken_font_page_extracts_as_garbage_but_renders_as_the_clean_page(
    tmp_path: Path, mode: str
) -> None:
    clean_path, clean = _render(tmp_path, "2021", 5, filled=True)
    broken_path, broken = _render(tmp_path, "2021", 5, filled=True, broken_font=mode)
    bad = [p.page for p in broken.pages if p.text_layer != "ok"]
    assert len(bad) == 1 and bad[0] == next(p.page for p in broken.parts if p.table == "三")
    texts = _page_texts(broken_path)
    garbage = texts[bad[0] - 1]
    assert garbage.strip() and not any(label in garbage for label in LABELS)
    document = pdfium.PdfDocument(str(broken_path))
    on_page = [c for c in broken.cells if c.page == bad[0] and c.printed]
    readable = [c for c in on_page if _text_in(document, c.page, c.bbox) == c.printed]
    document.close()
    assert len(on_page) > 50 and len(readable) < len(on_page) * 0.1
    assert texts[: bad[0] - 1] == _page_texts(clean_path)[: bad[0] - 1]
    assert np.array_equal(rasterise(clean_path, bad[0], 60), rasterise(broken_path, bad[0], 60))
    assert [c.bbox for c in clean.cells] == [c.bbox for c in broken.cells]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, SampleTruth]:
    folder = tmp_path_factory.mktemp("render")
    spec = DocSpec("t", "2019", 6, "digital")
    rng = random.Random(6)
    path = folder / "r.pdf"
    return path, render_pdf(report(spec, rng), path, rng)


def _table_page(truth: SampleTruth) -> int:
    return next(p.page for p in truth.parts if p.table == "三")


@pytest.mark.parametrize("turn", [90, 180, 270])
def test_quarter_turns_are_exact_and_carry_the_boxes(rendered: tuple[Path, SampleTruth], turn: int) -> None:
    path, truth = rendered
    page = _table_page(truth)
    flat = scan_page(path, page, Degradation(dpi=72), seed=1)
    turned = scan_page(path, page, Degradation(dpi=72, rotation=turn), seed=1)
    back = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}[turn]
    assert np.array_equal(cv2.rotate(turned.image, back), flat.image)
    cell = next(c for c in truth.cells if c.page == page and c.text_bbox)
    x0, y0, _, _ = (round(v) for v in turned.map_box(cell.text_bbox))
    h, w = flat.image.shape[:2]
    expected = {
        90: (h - 1 - round(cell.text_bbox[3]), round(cell.text_bbox[0])),
        180: (w - 1 - round(cell.text_bbox[2]), h - 1 - round(cell.text_bbox[3])),
        270: (round(cell.text_bbox[1]), w - 1 - round(cell.text_bbox[2])),
    }[turn]
    assert abs(x0 - expected[0]) <= 1 and abs(y0 - expected[1]) <= 1


def _rule_angle(image: np.ndarray) -> float:
    """Median angle (degrees, counter-clockwise positive) of the long near-horizontal ruling lines."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    ink = (grey < 128).astype(np.uint8) * 255
    lines = cv2.HoughLinesP(
        ink, 1, np.pi / 1800, threshold=300, minLineLength=image.shape[1] // 3, maxLineGap=4
    )
    angles = [
        -np.degrees(np.arctan2(y1 - y0, x1 - x0))
        for x0, y0, x1, y1 in lines.reshape(-1, 4)
        if abs(np.degrees(np.arctan2(y1 - y0, x1 - x0))) < 10
    ]
    return float(np.median(angles))


@pytest.mark.parametrize("skew", [-4.5, -1.0, 2.5, 5.0])
def test_skew_measured_on_the_page_matches_the_spec(rendered: tuple[Path, SampleTruth], skew: float) -> None:
    path, truth = rendered
    shot = scan_page(path, _table_page(truth), Degradation(dpi=150, skew=skew), seed=2)
    assert _rule_angle(shot.image) == pytest.approx(skew, abs=0.15)
    matrix_angle = np.degrees(np.arctan2(-shot.matrix[1, 0], shot.matrix[0, 0]))
    assert matrix_angle == pytest.approx(skew, abs=1e-6)


def _ink_in(image: np.ndarray, box: tuple[float, ...]) -> float:
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    x0, y0, x1, y1 = (round(v) for v in box)
    return float((grey[y0:y1, x0:x1] < 180).mean())


def test_scan_truth_boxes_sit_on_the_printed_digits(rendered: tuple[Path, SampleTruth]) -> None:
    path, truth = rendered
    page = _table_page(truth)
    specs = [Degradation(dpi=200, skew=3.0, rotation=180, blur=0.6)]
    shots, scanned = scan_document(path, truth, [page], specs, seed=3)
    image = shots[0].image
    assert scanned.units == "px" and scanned.pages[0].source_page == page
    assert scanned.pages[0].width == image.shape[1]
    printed = [c for c in scanned.cells if c.text_bbox]
    assert len(printed) > 20
    assert all(_ink_in(image, c.text_bbox) > 0.015 for c in printed)
    shifted = [
        (c.text_bbox[0] + 60, c.text_bbox[1] + 60, c.text_bbox[2] + 60, c.text_bbox[3] + 60) for c in printed
    ]
    assert np.mean([_ink_in(image, b) > 0.03 for b in shifted]) < 0.5


@pytest.mark.parametrize(
    "spec",
    [
        Degradation(dpi=100, blur=1.2),
        Degradation(dpi=100, noise=12),
        Degradation(dpi=100, jpeg_quality=30),
        Degradation(dpi=100, lighting=0.4),
        Degradation(dpi=100, fax=True),
        Degradation(dpi=100, stamp=True, colour=True),
    ],
    ids=["blur", "noise", "jpeg", "lighting", "fax", "stamp"],
)
def test_each_degradation_alters_the_page_the_same_way_for_a_seed(
    rendered: tuple[Path, SampleTruth], spec: Degradation
) -> None:
    path, truth = rendered
    page = _table_page(truth)
    stamp_over = next(p.bbox for p in truth.parts if p.page == page)
    clean = scan_page(path, page, Degradation(dpi=100, colour=spec.colour), seed=4).image
    first = scan_page(path, page, spec, seed=4, issuer="某某局", stamp_over=stamp_over).image
    again = scan_page(path, page, spec, seed=4, issuer="某某局", stamp_over=stamp_over).image
    assert np.array_equal(first, again)
    assert first.shape == clean.shape
    assert np.abs(first.astype(int) - clean.astype(int)).mean() > 0.2
    if spec.fax:
        assert set(np.unique(first)) <= {0, 255}
    if spec.stamp:
        red = (first[..., 0] > 150) & (first[..., 1] < 110) & (first[..., 2] < 110)
        x0, y0, x1, y1 = (int(v * 100 / 72) for v in stamp_over)
        assert red.sum() > 500 and red[y0:y1, x0:x1].sum() > red.sum() * 0.3
    if spec.lighting:
        assert np.percentile(first, 90) < np.percentile(clean, 90)


def test_missing_font_names_its_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("samplegen.fonts.FONT_DIRS", (tmp_path,))
    with pytest.raises(FontMissingError, match="apt-get install fonts-nowhere"):
        font_path(FontFile("x", "nowhere.ttc", 0, "fonts-nowhere"))


def test_committed_samples_cover_every_kind_and_stay_small() -> None:
    names = {p.name for p in SHIPPED.iterdir()}
    suffixes = {Path(n).suffix for n in names if not n.endswith(".json")}
    assert {".pdf", ".png", ".jpg", ".tif"} <= suffixes
    folders = [p for p in SHIPPED.iterdir() if p.is_dir()]
    assert any((f / f"{f.name}_p1.png").exists() for f in folders)
    ours = [SHIPPED / n for n in names if any(n.startswith(spec.name) for spec in SAMPLES)]
    size = sum(f.stat().st_size for p in ours for f in ([p] if p.is_file() else p.rglob("*")))
    assert size < 5_000_000
    for spec in SAMPLES:
        matches = [SHIPPED / n for n in names if n.startswith(spec.name) and not n.endswith(".json")]
        assert len(matches) == 1 and expected_path(matches[0]).exists(), spec.name


def test_committed_mixed_and_image_pdfs_have_text_only_on_typed_pages() -> None:
    for name in ("mixed-2019.pdf", "scan-2021-stamp.pdf", "broken-font-missing-2021.pdf"):
        expected = json.loads(expected_path(SHIPPED / name).read_text("utf-8"))
        texts = _page_texts(SHIPPED / name)
        layers = [p["text_layer"] for p in expected["document"]["pages"]]
        assert len(texts) == len(layers)
        for text, layer in zip(texts, layers, strict=True):
            assert bool(text.strip()) == (layer != "image"), (name, layer)
            if layer == "ok":
                assert any(label in text for label in (*LABELS, "报告"))
        assert "image" in layers or "no_unicode_map" in layers


def image_array(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.array(image.convert("L"))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("scan_samples")
    write_scan_samples(folder)
    return folder


@pytest.mark.parametrize("spec", SAMPLES, ids=[s.name for s in SAMPLES])
def test_committed_samples_are_reproducible(regenerated: Path, spec: DocSpec) -> None:
    fresh = next(
        p for p in regenerated.iterdir() if p.name.startswith(spec.name) and not p.name.endswith(".json")
    )
    shipped = SHIPPED / fresh.name
    assert expected_path(fresh).read_bytes() == expected_path(shipped).read_bytes(), f"{shipped} is stale"
    if fresh.suffix == ".pdf":
        assert _page_texts(fresh) == _page_texts(shipped)
    images = sorted(fresh.glob("*.png")) if fresh.is_dir() else [fresh] if fresh.suffix != ".pdf" else []
    for image in images:
        old = image_array(shipped / image.name if fresh.is_dir() else shipped)
        assert old.shape == image_array(image).shape
        assert np.abs(old.astype(int) - image_array(image).astype(int)).mean() < 1.0


def test_committed_scan_truth_marks_the_damage_it_describes() -> None:
    sideways = json.loads(expected_path(SHIPPED / "scan-2021-table3-sideways.png").read_text("utf-8"))
    page = sideways["document"]["pages"][0]
    assert page["scan"]["rotation"] == 90 and page["scan"]["fax"]
    assert page["width"] > page["height"], "a sideways A4 page is wider than tall"
    assert list(sideways["tables"]) == ["三"] and not sideways["partial_tables"]
    for cell in sideways["cells"]:
        x0, y0, x1, y1 = cell["bbox"]
        assert 0 <= x0 < x1 <= page["width"] and 0 <= y0 < y1 <= page["height"]


def test_corpus_writes_each_kind_with_its_truth(tmp_path: Path) -> None:
    written = write_corpus(tmp_path, 4, seed=9)
    assert len(written) == 4
    kinds = set()
    for path in written:
        expected = json.loads(expected_path(path).read_text("utf-8"))
        kinds.add(expected["document"]["kind"])
        assert expected["cells"] and set(expected["tables"]) | set(expected["partial_tables"]) <= {
            "二",
            "三",
            "四",
        }
    assert kinds == {"pdf", "scan"}


def test_mixed_pdf_pages_follow_the_spec(tmp_path: Path) -> None:
    spec = DocSpec("m", "2021", 7, "mixed", degradations=(Degradation(dpi=100, skew=1.0),))
    path = write_document(spec, tmp_path)
    expected = json.loads(expected_path(path).read_text("utf-8"))
    scanned = expected["document"]["variant"]["scanned_pages"]
    texts = _page_texts(path)
    assert scanned and all(not texts[n - 1].strip() for n in scanned)
    assert all(
        texts[p["page"] - 1].strip() for p in expected["document"]["pages"] if p["page"] not in scanned
    )
