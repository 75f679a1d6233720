"""Pages of a generated PDF scanned as archives have them, with the truth moved onto the image.

A page is rasterised with pypdfium2, then damaged in the order a real scan is: a seal stamped on the
paper, uneven light on the scanner, the sheet laid skewed or turned, optics blur, sensor noise, a
fax's binarisation with broken rules and specks, and JPEG compression. Every step that moves pixels
is an affine map, composed into one matrix from PDF points (top-left origin) to image pixels, so each
cell's box is known in the final image. Everything is drawn from one seed.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

from samplegen.seal import apply_seal, seal_mask
from samplegen.truth import BBox, SampleTruth, TablePart

QUARTER_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


@dataclass(frozen=True)
class Degradation:
    """How one page is scanned.

    ``rotation``: degrees the page image is turned clockwise (0, 90, 180, 270); ``skew``: degrees the
    sheet lies turned counter-clockwise on the scanner; ``blur``: Gaussian sigma in pixels; ``noise``:
    standard deviation in grey levels; ``lighting``: 0..1, how dark the shadow side gets; ``fax``:
    binarised with broken rules; ``stamp``: a red seal over the table; ``colour``: RGB rather than grey;
    ``photo``: degrees the camera is tilted off the page's normal (a phone photo: the page on a darker
    desk, seen in perspective, a shadow across it, a colour cast); ``faded``: 0..1, how much of a fax's
    toner is missing (strokes thinned and broken in patches).
    """

    dpi: int = 200
    rotation: int = 0
    skew: float = 0.0
    blur: float = 0.0
    noise: float = 0.0
    jpeg_quality: int | None = None
    lighting: float = 0.0
    fax: bool = False
    stamp: bool = False
    colour: bool = False
    photo: float = 0.0
    faded: float = 0.0


KINDS = ("skew", "rotation", "blur", "noise", "jpeg", "lighting", "fax", "stamp")
FAX_DPI = 200
FAX_MAX_BLUR = 0.7


def random_degradation(
    rng: random.Random, kinds: tuple[str, ...] = KINDS, dpi: int | None = None
) -> Degradation:
    """A scan with a random subset of ``kinds`` of damage, each at a random strength.

    A fax is binarised by the fax machine at its own resolution (about 200 dpi in "fine" mode) from
    what its optics see, so a fax page is 200 dpi with at most slight blur before the threshold.
    A 150 dpi page blurred by 1.4 px and then thresholded turns digits into blobs no reader can tell
    apart (an 8 becomes a solid spot): that would measure the generator, not the reader.
    """
    chosen = {kind for kind in kinds if rng.random() < 0.5}
    fax = "fax" in chosen
    stamp = "stamp" in chosen and not fax
    scan_dpi = rng.choice((150, 200, 200, 300))
    rotation = rng.choice((90, 180, 180, 270)) if "rotation" in chosen else 0
    skew = round(rng.uniform(-5, 5), 2) if "skew" in chosen else 0.0
    blur = round(rng.uniform(0.5, 1.4), 2) if "blur" in chosen else 0.0
    return Degradation(
        dpi=dpi or (FAX_DPI if fax else scan_dpi),
        rotation=rotation,
        skew=skew,
        blur=min(blur, FAX_MAX_BLUR) if fax else blur,
        noise=round(rng.uniform(4, 18), 1) if "noise" in chosen and not fax else 0.0,
        jpeg_quality=rng.randint(25, 70) if "jpeg" in chosen and not fax else None,
        lighting=round(rng.uniform(0.15, 0.45), 2) if "lighting" in chosen and not fax else 0.0,
        fax=fax,
        stamp=stamp,
        colour=stamp or rng.random() < 0.2,
    )


@dataclass
class ScannedPage:
    """A damaged page image and the matrix taking PDF points (top-left origin) to its pixels."""

    image: np.ndarray
    matrix: np.ndarray
    spec: Degradation

    def map_box(self, box: BBox) -> BBox:
        """The axis-aligned box, in image pixels, around ``box`` given in PDF points."""
        corners = np.array(
            [[box[0], box[1], 1], [box[2], box[1], 1], [box[0], box[3], 1], [box[2], box[3], 1]]
        )
        mapped = corners @ self.matrix.T
        mapped = mapped[:, :2] / mapped[:, 2:3]
        return (
            float(mapped[:, 0].min()),
            float(mapped[:, 1].min()),
            float(mapped[:, 0].max()),
            float(mapped[:, 1].max()),
        )


def rasterise(pdf_path: Path, page: int, dpi: int) -> np.ndarray:
    """Page ``page`` (1-based) of the PDF as an RGB array at ``dpi``."""
    document = pdfium.PdfDocument(str(pdf_path))
    try:
        bitmap = document[page - 1].render(scale=dpi / 72)
        return np.array(bitmap.to_pil().convert("RGB"))
    finally:
        document.close()


def scan_page(
    pdf_path: Path,
    page: int,
    spec: Degradation,
    seed: int,
    *,
    issuer: str = "",
    stamp_over: BBox | None = None,
) -> ScannedPage:
    """Rasterise ``page`` and damage it as ``spec`` says; ``stamp_over`` is the box (in points) the
    seal is printed over, ``issuer`` the name on it."""
    return damage(rasterise(pdf_path, page, spec.dpi), spec, seed, issuer=issuer, stamp_over=stamp_over)


def damage(
    image: np.ndarray, spec: Degradation, seed: int, *, issuer: str = "", stamp_over: BBox | None = None
) -> ScannedPage:
    """Damage an RGB page image rendered at ``spec.dpi`` as ``spec`` says (boxes in PDF points)."""
    rng = np.random.default_rng(seed)
    matrix = np.diag([spec.dpi / 72, spec.dpi / 72, 1.0])
    if spec.stamp and stamp_over is not None:
        diameter = int(spec.dpi * rng.uniform(1.45, 1.7))
        x = rng.uniform(stamp_over[0] + (stamp_over[2] - stamp_over[0]) * 0.45, stamp_over[2])
        y = rng.uniform(stamp_over[1], stamp_over[3])
        centre = (int(x * spec.dpi / 72), int(y * spec.dpi / 72))
        image = apply_seal(image, seal_mask(issuer, diameter, rng), centre)
    if spec.photo:
        image, view = photograph(image, spec.photo, rng)
        matrix = view @ matrix
    elif not spec.colour:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if spec.lighting:
        image = _uneven_light(image, spec.lighting, rng)
    if spec.skew:
        image, skew = _skew(image, spec.skew, rng)
        matrix = skew @ matrix
    if spec.rotation:
        turn = _quarter_turn_matrix(spec.rotation, image.shape[1], image.shape[0])
        image = cv2.rotate(image, QUARTER_TURNS[spec.rotation])
        matrix = turn @ matrix
    if spec.blur:
        image = cv2.GaussianBlur(image, (0, 0), spec.blur)
    if spec.noise:
        image = np.clip(image + rng.normal(0, spec.noise, image.shape), 0, 255).astype(np.uint8)
    if spec.fax:
        image = _fax(image, rng, spec.faded)
    if spec.jpeg_quality:
        ok, encoded = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, spec.jpeg_quality])
        assert ok, "JPEG encoding failed"
        image = cv2.imdecode(encoded, cv2.IMREAD_UNCHANGED)
    return ScannedPage(image, matrix, spec)


def _uneven_light(image: np.ndarray, strength: float, rng: np.random.Generator) -> np.ndarray:
    """A shadow falling off towards one side and a corner, as under a scanner lid that did not close."""
    h, w = image.shape[:2]
    angle = rng.uniform(0, 2 * np.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = ((xs / w - 0.5) * np.cos(angle) + (ys / h - 0.5) * np.sin(angle)) + 0.5
    cx, cy = rng.uniform(0, w), rng.uniform(0, h)
    spot = np.exp(-(((xs - cx) / w) ** 2 + ((ys - cy) / h) ** 2) * 3)
    light = 1 - strength * np.clip(0.7 * ramp + 0.3 * (1 - spot), 0, 1)
    if image.ndim == 3:
        light = light[..., None]
    return np.clip(image * light, 0, 255).astype(np.uint8)


def _skew(image: np.ndarray, degrees: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Turn the image ``degrees`` counter-clockwise on a canvas grown to hold it; the scanner bed shows
    light grey around the sheet."""
    h, w = image.shape[:2]
    rotation = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(rotation[0, 0]), abs(rotation[0, 1])
    new_w, new_h = int(np.ceil(h * sin + w * cos)), int(np.ceil(h * cos + w * sin))
    rotation[0, 2] += new_w / 2 - w / 2
    rotation[1, 2] += new_h / 2 - h / 2
    bed = int(rng.integers(215, 250))
    border = (bed, bed, bed) if image.ndim == 3 else bed
    out = cv2.warpAffine(image, rotation, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=border)
    return out, np.vstack([rotation, [0, 0, 1]])


def _quarter_turn_matrix(degrees: int, w: int, h: int) -> np.ndarray:
    """Where pixel (x, y) of a ``w`` x ``h`` image goes when the image is turned clockwise."""
    if degrees == 90:
        return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=float)
    if degrees == 180:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=float)
    if degrees == 270:
        return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=float)
    raise ValueError(f"rotation must be 0, 90, 180 or 270 degrees, not {degrees}")


def photograph(image: np.ndarray, tilt: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The page as a phone sees it: laid on a darker desk, in perspective (the far edge ``tilt``
    degrees' worth narrower, the whole turned a little), a shadow falling across it, a warm or cool
    cast. Returns the RGB image and the homography from page pixels to photo pixels."""
    h, w = image.shape[:2]
    margin = int(0.06 * max(h, w))
    shrink = np.tan(np.radians(tilt)) * 0.5
    far = rng.choice(("top", "bottom", "left", "right"))
    quad = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    if far in ("top", "bottom"):
        row = (0, 1) if far == "top" else (3, 2)
        quad[row[0], 0] += w * shrink
        quad[row[1], 0] -= w * shrink
    else:
        col = (0, 3) if far == "left" else (1, 2)
        quad[col[0], 1] += h * shrink
        quad[col[1], 1] -= h * shrink
    turn = np.radians(rng.uniform(-2.5, 2.5))
    centre = quad.mean(axis=0)
    rotate = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    quad = (quad - centre) @ rotate.T + centre + rng.uniform(-0.01, 0.01, quad.shape) * (w, h)
    quad += margin - quad.min(axis=0)
    size = (int(quad[:, 0].max() + margin), int(quad[:, 1].max() + margin))
    view = cv2.getPerspectiveTransform(
        np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32), quad.astype(np.float32)
    )
    desk = rng.uniform(45, 120) * np.array(rng.choice([(1.0, 0.85, 0.7), (0.9, 0.9, 0.92), (0.8, 0.7, 0.6)]))
    paper = cv2.warpPerspective(image, view, size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    inside = cv2.warpPerspective(np.full((h, w), 255, np.uint8), view, size, flags=cv2.INTER_LINEAR)
    alpha = (inside.astype(np.float32) / 255)[..., None]
    photo = paper.astype(np.float32) * alpha + desk.astype(np.float32) * (1 - alpha)
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (xs / size[0] - 0.5) * np.cos(angle) + (ys / size[1] - 0.5) * np.sin(angle) + 0.5
    light = 1 - rng.uniform(0.2, 0.45) * np.clip(ramp, 0, 1)
    cast = np.array(rng.choice([(1.0, 0.96, 0.86), (0.92, 0.96, 1.0), (1.0, 0.93, 0.9)]), dtype=np.float32)
    photo = photo * light[..., None] * cast * rng.uniform(0.85, 1.0)
    photo = cv2.GaussianBlur(np.clip(photo, 0, 255).astype(np.uint8), (0, 0), rng.uniform(0.5, 1.0))
    return photo, view.astype(np.float64)


def _fax(image: np.ndarray, rng: np.random.Generator, faded: float = 0.0) -> np.ndarray:
    """Black and white at a fixed threshold, ruling lines broken in places, specks of noise; with
    ``faded``, the threshold falls in patches where the toner ran low, so strokes there thin and break."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    threshold = np.full(grey.shape, float(rng.integers(150, 185)), dtype=np.float32)
    if faded:
        coarse = rng.random((8, 6)).astype(np.float32)
        patches = cv2.resize(coarse, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_CUBIC)
        threshold -= faded * 110 * np.clip(patches - 0.4, 0, 1)
    ink = grey < threshold
    long = max(25, grey.shape[1] // 40)
    lines = cv2.morphologyEx(
        ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, long), np.uint8)
    ) | cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_OPEN, np.ones((long, 1), np.uint8))
    ys, xs = np.nonzero(lines)
    if len(xs):
        picks = rng.choice(len(xs), size=max(1, len(xs) // 400), replace=False)
        for i in picks:
            r = int(rng.integers(2, 7))
            ink[max(0, ys[i] - r) : ys[i] + r + 1, max(0, xs[i] - r) : xs[i] + r + 1] = False
    specks = rng.random(ink.shape) < 0.0008
    out = np.where(ink ^ specks, 0, 255).astype(np.uint8)
    return out if image.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_GRAY2RGB)


def scan_document(
    pdf_path: Path,
    truth: SampleTruth,
    pages: list[int],
    specs: list[Degradation],
    seed: int,
) -> tuple[list[ScannedPage], SampleTruth]:
    """Scan ``pages`` of a rendered PDF, one spec each; the truth comes back in image pixels,
    renumbered 1.. in the order given."""
    scanned = []
    for i, (page, spec) in enumerate(zip(pages, specs, strict=True)):
        parts = [p for p in truth.parts if p.page == page]
        target = _stamp_target(parts)
        scanned.append(
            scan_page(pdf_path, page, spec, seed * 1000 + i, issuer=truth.sample.issuer, stamp_over=target)
        )
    out = truth.select_pages(pages)
    out.kind, out.units = "scan", "px"
    for number, shot in enumerate(scanned, start=1):
        out.map_boxes(number, shot.map_box)
    out.pages = [
        replace(
            page,
            width=float(shot.image.shape[1]),
            height=float(shot.image.shape[0]),
            text_layer="image",
            scan={
                **_spec_record(shot.spec),
                "matrix": shot.matrix.round(6).tolist()[: 3 if shot.spec.photo else 2],
            },
        )
        for page, shot in zip(out.pages, scanned, strict=True)
    ]
    return scanned, out


def _spec_record(spec: Degradation) -> dict[str, object]:
    """The spec as the truth records it; a photo's and a fade's fields only when used, so truths
    written before they existed stay as they were."""
    record = asdict(spec)
    return {k: v for k, v in record.items() if k not in ("photo", "faded") or v}


def _stamp_target(parts: list[TablePart]) -> BBox | None:
    """The biggest table part on the page: the seal lands over it."""
    if not parts:
        return None
    biggest = max(parts, key=lambda p: (p.bbox[2] - p.bbox[0]) * (p.bbox[3] - p.bbox[1]))
    return biggest.bbox
