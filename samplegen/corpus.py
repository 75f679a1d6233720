"""Generated PDFs and scans with known truth, written into any folder for tests and benchmarks.

``python -m samplegen.corpus OUT_DIR N [--seed S] [--kinds scan,digital,mixed,broken]`` writes N
documents of both template versions, each with ``<document>.expected.json`` beside it. Nothing here
is committed; ``samplegen.make_scan_samples`` writes the small committed set with the same code.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from models.template import Template, builtin_templates
from samplegen.broken_font import BrokenMode
from samplegen.degrade import Degradation, random_degradation, scan_document
from samplegen.render_pdf import render_pdf
from samplegen.scan_files import ScanFormat, expected_path, scan_pages_of, write_mixed_pdf, write_scan
from samplegen.truth import SampleTruth
from samplegen.values import ReportSample, random_report

Kind = Literal["digital", "scan", "mixed", "broken"]
KINDS: tuple[Kind, ...] = ("scan", "digital", "mixed", "broken")
PageChoice = Literal["all", "title+tables", "table3"]


@dataclass(frozen=True)
class DocSpec:
    """One document to generate.

    ``filled``: every cell printed, zeros written out (else some blank, "/" or "-");
    ``pages`` (scans): every page, the title page and the table pages, or the one page where table 三
    starts; ``degradations``: applied in turn to the scanned pages (of a scan, or the pages of table 三 in a
    mixed PDF), drawn at random from the seed when empty.
    """

    name: str
    version: str
    seed: int
    kind: Kind
    filled: bool = False
    cross_pages: bool = True
    repeat_header: bool = False
    broken_font: BrokenMode | None = None
    scan_format: ScanFormat = "pages"
    pages: PageChoice = "title+tables"
    degradations: tuple[Degradation, ...] = field(default=())


def template(version: str) -> Template:
    return next(t for t in builtin_templates() if t.id == "gov-info-disclosure" and t.version == version)


def report(spec: DocSpec, rng: random.Random) -> ReportSample:
    if spec.filled:
        return random_report(template(spec.version), rng, blank_rate=0, marker_rate=0, blank_total_rate=0)
    return random_report(template(spec.version), rng)


def write_document(spec: DocSpec, folder: Path) -> Path:
    """Generate the document ``spec`` describes into ``folder``; returns its path (file or folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(spec.seed)
    sample = report(spec, rng)
    options = {"cross_pages": spec.cross_pages, "repeat_header": spec.repeat_header}
    if spec.kind in ("digital", "broken"):
        target = folder / f"{spec.name}.pdf"
        truth = render_pdf(sample, target, rng, broken_font=spec.broken_font, **options)
        truth.write(expected_path(target))
        return target
    with tempfile.TemporaryDirectory() as scratch:
        digital = Path(scratch) / "digital.pdf"
        truth = render_pdf(sample, digital, rng, **options)
        if spec.kind == "mixed":
            target = folder / f"{spec.name}.pdf"
            chosen = sorted({p.page for p in truth.parts if p.table == "三"})
            specs = _degradations(spec, len(chosen), rng, dpi=200)
            write_mixed_pdf(digital, truth, dict(zip(chosen, specs, strict=True)), target, spec.seed)
            return target
        pages = _pages(truth, spec.pages)
        specs = _degradations(spec, len(pages), rng)
        shots, scanned = scan_document(digital, truth, pages, specs, spec.seed)
        scanned.variant = {**truth.variant, "pages": spec.pages}
        return write_scan(shots, scanned, folder, spec.name, spec.scan_format)


def _degradations(spec: DocSpec, count: int, rng: random.Random, dpi: int | None = None) -> list[Degradation]:
    """The spec's degradations in turn for ``count`` pages, or random ones when it names none."""
    if spec.degradations:
        return [spec.degradations[i % len(spec.degradations)] for i in range(count)]
    return [random_degradation(rng, dpi=dpi) for _ in range(count)]


def _pages(truth: SampleTruth, choice: PageChoice) -> list[int]:
    if choice == "all":
        return [p.page for p in truth.pages]
    if choice == "table3":
        return [next(p.page for p in truth.parts if p.table == "三")]
    return scan_pages_of(truth)


def random_spec(
    index: int, rng: random.Random, kinds: tuple[Kind, ...], versions: tuple[str, ...]
) -> DocSpec:
    """The ``index``-th document of a corpus: kinds and versions in turn, the rest at random."""
    kind = kinds[index % len(kinds)]
    version = versions[(index // len(kinds)) % len(versions)]
    seed = rng.randrange(1 << 30)
    spec = DocSpec(
        name=f"{kind}-{version}-{index:03d}",
        version=version,
        seed=seed,
        kind=kind,
        filled=rng.random() < 0.4,
        cross_pages=rng.random() < 0.8,
        repeat_header=rng.random() < 0.5,
    )
    if kind == "broken":
        return replace(spec, broken_font=rng.choice(("missing", "garbled")))
    if kind == "scan":
        return replace(
            spec, scan_format=rng.choice(("pages", "tiff", "pdf")), pages=rng.choice(("all", "title+tables"))
        )
    return spec


def write_corpus(
    folder: Path,
    n: int,
    kinds: tuple[Kind, ...] = KINDS,
    seed: int = 0,
    versions: tuple[str, ...] = ("2019", "2021"),
) -> list[Path]:
    """Write ``n`` generated documents with their expected JSON into ``folder``; returns their paths."""
    rng = random.Random(seed)
    return [write_document(random_spec(i, rng, kinds, versions), folder) for i in range(n)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m samplegen.corpus", description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("n", type=int)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, from {', '.join(KINDS)}")
    args = parser.parse_args(argv)
    names = [k.strip() for k in args.kinds.split(",") if k.strip()]
    kinds = tuple(k for k in KINDS if k in names)
    if len(kinds) != len(set(names)):
        parser.error(f"unknown kinds {sorted(set(names) - set(kinds))}; choose from {', '.join(KINDS)}")
    for path in write_corpus(args.folder, args.n, kinds, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
