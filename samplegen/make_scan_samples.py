"""Write the committed PDF and scan samples: ``python -m samplegen.make_scan_samples sample_scans/``.

Digital PDFs of both template versions (all cells filled; with blanks; table 三 across pages with and
without its header repeated), two with a broken font map on a table page, a mixed PDF whose table 三
pages are scans, and scans of both versions as PNG, JPEG, multi-page TIFF, a folder of page images
and an image-only PDF. Scans keep only the title and table pages, at 150–200 dpi, to stay small.
Fixed seeds: the same files come out on every run. Each document has ``<document>.expected.json``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from samplegen.corpus import DocSpec, write_document
from samplegen.degrade import Degradation

_SKEWED_GREY = Degradation(dpi=150, skew=2.6, blur=0.8, noise=7, lighting=0.3, jpeg_quality=55)
_FAX = Degradation(dpi=200, skew=-1.2, fax=True)

SAMPLES: tuple[DocSpec, ...] = (
    DocSpec("digital-2021-filled", "2021", 101, "digital", filled=True, repeat_header=True),
    DocSpec("digital-2019-blanks", "2019", 102, "digital", repeat_header=True),
    DocSpec("digital-2021-no-repeated-header", "2021", 103, "digital"),
    DocSpec("broken-font-missing-2021", "2021", 104, "broken", filled=True, broken_font="missing"),
    DocSpec("broken-font-garbled-2019", "2019", 105, "broken", broken_font="garbled"),
    DocSpec(
        "mixed-2019",
        "2019",
        106,
        "mixed",
        repeat_header=True,
        degradations=(Degradation(dpi=200, skew=-1.8, blur=0.7, noise=6, jpeg_quality=60),),
    ),
    DocSpec(
        "scan-2021-table3-sideways",
        "2021",
        112,
        "scan",
        cross_pages=False,
        pages="table3",
        scan_format="png",
        degradations=(Degradation(dpi=200, rotation=90, skew=-1.5, fax=True),),
    ),
    DocSpec(
        "scan-2019-table3",
        "2019",
        108,
        "scan",
        cross_pages=False,
        pages="table3",
        scan_format="jpeg",
        degradations=(_SKEWED_GREY,),
    ),
    DocSpec(
        "scan-2019-fax",
        "2019",
        109,
        "scan",
        scan_format="tiff",
        degradations=(_FAX, Degradation(dpi=200, rotation=180, skew=0.8, fax=True)),
    ),
    DocSpec(
        "scan-2021-pages",
        "2021",
        110,
        "scan",
        repeat_header=True,
        scan_format="pages",
        degradations=(
            Degradation(dpi=150, skew=-3.4, blur=1.0, lighting=0.35),
            Degradation(dpi=150, skew=4.2, blur=0.6),
        ),
    ),
    DocSpec(
        "scan-2021-stamp",
        "2021",
        111,
        "scan",
        scan_format="pdf",
        degradations=(
            Degradation(dpi=150, skew=1.1, noise=6, jpeg_quality=50, colour=True),
            Degradation(dpi=150, skew=-0.7, noise=6, jpeg_quality=50, stamp=True, colour=True),
            Degradation(dpi=150, rotation=180, skew=2.0, noise=6, jpeg_quality=50, stamp=True, colour=True),
        ),
    ),
)


def write_scan_samples(folder: Path) -> list[Path]:
    """Write every committed PDF and scan sample into ``folder``; returns the documents written."""
    return [write_document(spec, folder) for spec in SAMPLES]


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m samplegen.make_scan_samples OUTPUT_DIR", file=sys.stderr)
        return 2
    for path in write_scan_samples(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
