"""Scan extractor against plain full-page rapidocr: seconds per page, peak memory, cell accuracy.

Run by hand (it takes minutes; nothing here is a test)::

    .venv/bin/python bench/bench_ocr.py                  # the committed scans in sample_scans/
    .venv/bin/python bench/bench_ocr.py --generate 30    # 30 generated scan documents, both versions
    .venv/bin/python bench/bench_ocr.py --engine paddle  # the paddleocr engine in the pipeline

Each approach runs in its own process, so its peak RSS is its own. Besides wall-clock seconds, the
CPU seconds of the process (all its threads) are shown: on a machine shared with other work they
move far less than wall time does. Accuracy is per value cell with a
known printed form (samplegen's ``expected.json``), before any reconciliation: the pipeline's token
for the cell (matched by box) must carry exactly the printed text ("" for a blank). The baseline's
detected text boxes are assigned to the true cells by their centres, which is the best that full-page
OCR could do with a perfect grid. "doubted" counts wrong readings whose confidence is under 0.9.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.scan.loading import load  # noqa: E402
from extractors.scan.reading import normalise_number  # noqa: E402
from reportgrid.discover import discover  # noqa: E402

IMAGE_KINDS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
DOUBT = 0.9


def documents(folder: Path) -> list[Path]:
    """Scan documents (image files and page folders) in ``folder`` that have an expected.json."""
    found = []
    for path in sorted(folder.iterdir()):
        if not Path(f"{path}.expected.json").exists():
            continue
        if path.is_dir() or path.suffix.lower() in IMAGE_KINDS:
            found.append(path)
    return found


def generate(folder: Path, count: int, seed: int) -> list[Path]:
    """``count`` scanned documents of both versions, as TIFFs or page folders, with random damage."""
    import random

    from samplegen.corpus import DocSpec, write_document

    rng = random.Random(seed)
    paths = []
    for index in range(count):
        version = ("2019", "2021")[index % 2]
        spec = DocSpec(
            name=f"scan-{version}-{index:03d}",
            version=version,
            seed=rng.randrange(1 << 30),
            kind="scan",
            filled=rng.random() < 0.4,
            cross_pages=rng.random() < 0.8,
            repeat_header=rng.random() < 0.5,
            scan_format=rng.choice(("pages", "tiff")),
            pages="title+tables",
        )
        paths.append(write_document(spec, folder))
    return paths


def _truth_cells(path: Path) -> list[dict]:
    expected = json.loads(Path(f"{path}.expected.json").read_text(encoding="utf-8"))
    return expected["cells"]


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)


def run_pipeline(paths: list[Path], engine_name: str) -> dict:
    from extractors.scan import observe_pages
    from extractors.scan.ocr import get_engine

    engine = get_engine(engine_name)
    pages_seconds: list[tuple[bool, float, float]] = []
    right = wrong = doubted = 0
    errors: list[str] = []
    for path in paths:
        (unit,) = discover([path])
        images, _ = load(unit.path, unit.pages)
        truth = _truth_cells(path)
        for number, image in enumerate(images, start=1):
            start, cpu = time.perf_counter(), time.process_time()
            tokens = observe_pages([image], first_page=number, engine=engine)
            cells = [c for c in truth if c["page"] == number]
            pages_seconds.append((bool(cells), time.perf_counter() - start, time.process_time() - cpu))
            grid_tokens = [t for t in tokens if t.grid is not None and t.bbox is not None]
            for cell in cells:
                centre = _centre(cell["bbox"])
                match = [t for t in grid_tokens if _inside(centre, t.bbox)]
                text = match[0].text if match else None
                if text is not None and normalise_number(text) == normalise_number(cell["printed"]):
                    right += 1
                    continue
                wrong += 1
                if match and match[0].confidence < DOUBT:
                    doubted += 1
                errors.append(
                    f"{path.name} p{number} {cell['row']}/{cell['col']}: {cell['printed']!r} -> {text!r}"
                )
    return _summary(pages_seconds, right, wrong, doubted, errors)


def run_baseline(paths: list[Path]) -> dict:
    from rapidocr import RapidOCR

    engine = RapidOCR()
    pages_seconds: list[tuple[bool, float, float]] = []
    right = wrong = 0
    errors: list[str] = []
    for path in paths:
        (unit,) = discover([path])
        images, _ = load(unit.path, unit.pages)
        truth = _truth_cells(path)
        for number, image in enumerate(images, start=1):
            start, cpu = time.perf_counter(), time.process_time()
            result = engine(image)
            cells = [c for c in truth if c["page"] == number]
            pages_seconds.append((bool(cells), time.perf_counter() - start, time.process_time() - cpu))
            boxes = (
                []
                if getattr(result, "boxes", None) is None
                else list(zip(result.boxes, result.txts, strict=True))
            )
            for cell in cells:
                inside = []
                for box, text in boxes:
                    xs, ys = [p[0] for p in box], [p[1] for p in box]
                    centre = (sum(xs) / 4, sum(ys) / 4)
                    if _inside(centre, cell["bbox"]):
                        inside.append((min(xs), text))
                text = "".join(t for _, t in sorted(inside))
                if normalise_number(text) == normalise_number(cell["printed"]):
                    right += 1
                else:
                    wrong += 1
                    errors.append(
                        f"{path.name} p{number} {cell['row']}/{cell['col']}: {cell['printed']!r} -> {text!r}"
                    )
    return _summary(pages_seconds, right, wrong, 0, errors)


def _median(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[len(ordered) // 2] if ordered else None


def _summary(
    pages_seconds: list[tuple[bool, float, float]], right: int, wrong: int, doubted: int, errors: list[str]
) -> dict:
    return {
        "pages": len(pages_seconds),
        "table_pages": sum(1 for has_table, _, _ in pages_seconds if has_table),
        "median_s_table_page": _median([s for has_table, s, _ in pages_seconds if has_table]),
        "median_cpu_s_table_page": _median([c for has_table, _, c in pages_seconds if has_table]),
        "s_per_page": sum(s for _, s, _ in pages_seconds) / max(1, len(pages_seconds)),
        "cells": right + wrong,
        "right": right,
        "doubted": doubted,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "errors": errors,
    }


def _child(mode: str, engine: str, paths: list[Path]) -> dict:
    command = [sys.executable, __file__, "--child", mode, "--engine", engine, *map(str, paths)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, default=ROOT / "sample_scans")
    parser.add_argument("--generate", type=int, default=0, help="generate this many scan documents instead")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--engine", default="rapidocr", choices=("rapidocr", "paddle"))
    parser.add_argument("--show-errors", type=int, default=15)
    parser.add_argument("--child", choices=("pipeline", "baseline"), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        result = (
            run_pipeline(args.paths, args.engine) if args.child == "pipeline" else run_baseline(args.paths)
        )
        print(json.dumps(result))
        return 0
    with tempfile.TemporaryDirectory() as scratch:
        paths = generate(Path(scratch), args.generate, args.seed) if args.generate else documents(args.corpus)
        print(f"{len(paths)} scan documents")
        results = {
            f"pipeline ({args.engine}, grid + cell crops)": _child("pipeline", args.engine, paths),
            "baseline (rapidocr full page, defaults)": _child("baseline", args.engine, paths),
        }
    for name, r in results.items():
        accuracy = 100 * r["right"] / r["cells"] if r["cells"] else 0.0
        print(
            f"{name}: {r['pages']} pages ({r['table_pages']} with tables); "
            f"median s/table page {r['median_s_table_page']:.2f} (CPU {r['median_cpu_s_table_page']:.2f}); "
            f"s/page {r['s_per_page']:.2f}; "
            f"cells exact {r['right']}/{r['cells']} = {accuracy:.2f}%; wrong but doubted {r['doubted']}; "
            f"peak RSS {r['peak_rss_mb']:.0f} MB"
        )
        for line in r["errors"][: args.show_errors]:
            print("   ", line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
