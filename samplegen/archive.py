"""The scan bench set as archives hold scans: kinds of damage real archives show, on reports made three ways.

``python -m samplegen.archive OUT_DIR [--seed S] [--per-kind N] [--kinds fax,photo]`` writes the set
and ``manifest.json``; with ``--kinds`` only those kinds' documents, the same as in the whole set of
that seed (every document's seed is drawn all the same), e.g. an extra fax tuning set.

Kinds of damage (each document has one):

- ``clean``: a 200 or 300 dpi grey scan, nothing else;
- ``office``: a grey office scan, 1–3° skew, light noise, mild JPEG;
- ``photo``: a phone photo, the page on a darker desk in 2–6° of perspective, a shadow across it, a
  colour cast, JPEG;
- ``fax``: 200 dpi 1-bit, specks, faded strokes, broken rules;
- ``seal``: an office scan in colour with a red seal over a table;
- ``upside``: an office scan with every other page upside down.

Sources: the project's own renderer (``render_pdf``) for both versions, the real 2021 template DOCX
filled and printed by LibreOffice (``render_docx``), and the three real published PDFs of
``../shared/data/real/pdf/`` (photographed and office-scanned; read from ``../shared`` at generation
time, never committed). Every document's truth is beside it; a generated one as ``expected.json``,
a real one points to its truth file in ``../shared``. One document in three or four of every kind is
held out of tuning (``held_out`` in the manifest) and reported apart. Everything follows from the seed.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

from samplegen.corpus import DocSpec, report, write_document
from samplegen.degrade import Degradation, damage, rasterise
from samplegen.render_docx import render_docx
from samplegen.values import ReportSample

KINDS = ("clean", "office", "photo", "fax", "seal", "upside")
REAL_PDFS = Path(__file__).resolve().parents[2] / "shared/data/real/pdf"
REAL_KINDS = ("photo", "office")
# Per kind: reportlab 2019, reportlab 2021, docx 2021, in turn.
SOURCES = ("reportlab-2019", "docx-2021", "reportlab-2021")
_TABLE_WORDS = ("第二十条", "申请人情况", "行政复议")
_FIGURES_ROW = re.compile(r"[\d.\-/ \t]+(?:\r?\n|$)")  # a first line of figures and blank marks only


@dataclass(frozen=True)
class ArchiveDoc:
    """One bench document: where it is, how it was made, and where its truth is."""

    name: str
    kind: str
    source: str
    version: str
    held_out: bool
    path: str
    truth: str
    truth_format: str  # "expected" (samplegen) or "real" (../shared/data/real/pdf/truth)


def degradation(kind: str, rng: random.Random, page: int) -> Degradation:
    """The damage of page ``page`` (1-based) of a document of ``kind``."""
    if kind == "clean":
        return Degradation(dpi=rng.choice((200, 300)))
    if kind == "photo":
        return Degradation(
            dpi=rng.choice((200, 250)),
            photo=round(rng.uniform(2, 6), 2),
            colour=True,
            jpeg_quality=rng.randint(60, 85),
        )
    if kind == "fax":
        return Degradation(
            dpi=200, skew=round(rng.uniform(-1.5, 1.5), 2), fax=True, faded=round(rng.uniform(0.2, 0.7), 2)
        )
    office = Degradation(
        dpi=rng.choice((200, 300)),
        skew=round(rng.choice((-1, 1)) * rng.uniform(1, 3), 2),
        noise=round(rng.uniform(2, 6), 1),
        jpeg_quality=rng.randint(65, 90),
        lighting=round(rng.uniform(0, 0.15), 2),
    )
    if kind == "seal":
        return replace(office, stamp=True, colour=True)
    if kind == "upside" and page % 2 == 0:
        return replace(office, rotation=180)
    return office


def write_archive(
    folder: Path, seed: int = 12, per_kind: int = 7, real: bool = True, kinds: tuple[str, ...] = KINDS
) -> list[ArchiveDoc]:
    """Write the bench set into ``folder`` with ``manifest.json``; returns its documents. Only the
    documents of ``kinds`` are written, each as the whole set of this seed has it."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    docs: list[ArchiveDoc] = []
    for number, kind in enumerate(KINDS):
        for index in range(per_kind):
            source = SOURCES[index % len(SOURCES)]
            held_out = (index + number) % 3 == 2  # every source is held out of some kinds
            doc_seed = rng.randrange(1 << 30)
            if kind in kinds:
                docs.append(_generated(folder, kind, source, index, held_out, doc_seed))
    if real:
        for number, pdf in enumerate(sorted(REAL_PDFS.glob("*.pdf"))):
            for k, kind in enumerate(REAL_KINDS):
                doc_seed = rng.randrange(1 << 30)
                if kind in kinds:
                    docs.append(_real(folder, pdf, kind, (number + k) % 3 == 2, doc_seed))
    (folder / "manifest.json").write_text(
        json.dumps([asdict(d) for d in docs], ensure_ascii=False, indent=1) + "\n", "utf-8"
    )
    return docs


def load_manifest(folder: Path) -> list[ArchiveDoc]:
    return [ArchiveDoc(**d) for d in json.loads((folder / "manifest.json").read_text("utf-8"))]


def _generated(folder: Path, kind: str, source: str, index: int, held_out: bool, seed: int) -> ArchiveDoc:
    renderer, version = source.split("-")
    name = f"{kind}-{source}-{index:02d}"
    done = _written(folder, name)
    if done is not None:
        return ArchiveDoc(name, kind, source, version, held_out, str(done[0]), str(done[1]), "expected")
    rng = random.Random(seed)
    if renderer == "reportlab":
        specs = tuple(degradation(kind, rng, page) for page in range(1, 7))
        spec = DocSpec(
            name=name,
            version=version,
            seed=seed,
            kind="scan",
            filled=rng.random() < 0.4,
            cross_pages=rng.random() < 0.8,
            repeat_header=rng.random() < 0.5,
            scan_format="tiff",
            pages="title+tables",
            degradations=specs,
        )
        path = write_document(spec, folder)
        truth = Path(f"{path}.expected.json")
    else:
        sample = report(DocSpec(name, version, seed, "scan", filled=rng.random() < 0.4), rng)
        with tempfile.TemporaryDirectory() as scratch:
            pdf = Path(scratch) / f"{name}.pdf"
            render_docx(sample, pdf, rng)
            path = _scan_pdf(pdf, folder, name, kind, rng, sample.issuer)
        truth = folder / f"{name}.expected.json"
        truth.write_text(json.dumps(_expected(sample), ensure_ascii=False, indent=1) + "\n", "utf-8")
    return ArchiveDoc(name, kind, source, version, held_out, str(path), str(truth), "expected")


def _real(folder: Path, pdf: Path, kind: str, held_out: bool, seed: int) -> ArchiveDoc:
    truth = REAL_PDFS / "truth" / f"{pdf.stem}.json"
    version = json.loads(truth.read_text("utf-8"))["template"]
    name = f"{pdf.stem}-{kind}"
    done = _written(folder, name)
    if done is not None:
        return ArchiveDoc(name, kind, "real", version, held_out, str(done[0]), str(truth), "real")
    path = _scan_pdf(pdf, folder, name, kind, random.Random(seed), "")
    return ArchiveDoc(name, kind, "real", version, held_out, str(path), str(truth), "real")


def _written(folder: Path, name: str) -> tuple[Path, Path] | None:
    """A document an earlier, interrupted run finished (its truth or done mark is written last), so
    a run goes on where one stopped; the seeds are drawn all the same, so the set stays the same."""
    for path in (folder / name, folder / f"{name}.tif"):
        for truth in (Path(f"{path}.expected.json"), folder / f"{name}.expected.json", Path(f"{path}.done")):
            if path.exists() and truth.exists():
                return path, truth
    return None


def _expected(sample: ReportSample) -> dict:
    return {
        "issuer": sample.issuer,
        "year": sample.year,
        "title": sample.title,
        "tables": {
            t.table.id: {f"{row}/{col}": value for (row, col), value in t.expected.items()}
            for t in sample.tables
        },
        "cells": [],
    }


def table_pages(pdf: Path) -> list[int]:
    """The first page and every page that holds part of a table (1-based): its text shows a table's
    words, or it opens with a row of figures carried over from the page before. A Word table 四 broken
    without a repeated header leaves its row of values alone at the top of the next page (seed 21,
    office-docx-2021-04: that page was left out, and the table's 15 values with it)."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = [1]
        for number in range(2, len(document) + 1):
            text = document[number - 1].get_textpage().get_text_range()
            carried = pages[-1] == number - 1 and _FIGURES_ROW.match(text.strip()) is not None
            if any(word in text for word in _TABLE_WORDS) or "总计" in text or carried:
                pages.append(number)
        return pages
    finally:
        document.close()


def _scan_pdf(pdf: Path, folder: Path, name: str, kind: str, rng: random.Random, issuer: str) -> Path:
    """Scan the title and table pages of ``pdf`` as ``kind`` says; a fax is a Group 4 TIFF, the rest a
    folder of page images (JPEG for photos)."""
    images = []
    for number, page in enumerate(table_pages(pdf), start=1):
        spec = degradation(kind, rng, number)
        width, height = 595.0, 842.0
        stamp_over = (width * 0.2, height * 0.25, width * 0.85, height * 0.7)
        shot = damage(
            rasterise(pdf, page, spec.dpi),
            spec,
            rng.randrange(1 << 30),
            issuer=issuer or "人民政府",
            stamp_over=stamp_over,
        )
        images.append((shot.image, spec))
    if kind == "fax":
        target = folder / f"{name}.tif"
        frames = [Image.fromarray(image).convert("1") for image, _ in images]
        frames[0].save(target, save_all=True, append_images=frames[1:], compression="group4", dpi=(200, 200))
        Path(f"{target}.done").touch()
        return target
    target = folder / name
    target.mkdir(exist_ok=True)
    for number, (image, spec) in enumerate(images, start=1):
        picture = Image.fromarray(np.ascontiguousarray(image))
        if spec.photo:
            picture.save(
                target / f"{name}_p{number}.jpg", quality=spec.jpeg_quality or 80, dpi=(spec.dpi, spec.dpi)
            )
        else:
            picture.save(target / f"{name}_p{number}.png", dpi=(spec.dpi, spec.dpi))
    Path(f"{target}.done").touch()
    return target


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplegen.archive", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--per-kind", type=int, default=7)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds to write")
    args = parser.parse_args(argv)
    kinds = tuple(k for k in args.kinds.split(",") if k)
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds {sorted(unknown)}; kinds are {', '.join(KINDS)}")
    for doc in write_archive(args.folder, args.seed, args.per_kind, kinds=kinds):
        print(doc.kind, doc.source, "held-out" if doc.held_out else "tuning", doc.path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
