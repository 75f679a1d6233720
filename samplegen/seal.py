"""A red official seal (公章) as printed over reports: a ring, a star and the issuer's name on an arc.

Drawn with PIL as a mask, so the caller chooses how much ink it leaves; the ink is uneven, as a
rubber stamp's is, and the whole seal is turned by a random angle.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samplegen.fonts import SANS, font_path


def seal_mask(issuer: str, diameter: int, rng: np.random.Generator) -> np.ndarray:
    """A float mask in [0, 1] of ``diameter`` pixels square: 1 where the seal leaves full ink."""
    size = diameter
    image = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(image)
    ring = max(2, size // 22)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=255, width=ring)
    _star(draw, size / 2, size / 2, size * 0.16)
    font = ImageFont.truetype(str(font_path(SANS)), max(8, int(size * 0.13)), index=SANS.subfont)
    text = issuer[:14]
    radius = size / 2 - ring * 2.2 - size * 0.07
    sweep = min(250.0, 20.0 * len(text))
    for i, ch in enumerate(text):
        angle = -90 - sweep / 2 + sweep * (i + 0.5) / len(text)
        glyph = Image.new("L", (int(size * 0.16), int(size * 0.16)), 0)
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-(angle + 90), resample=Image.BICUBIC)
        x = size / 2 + radius * math.cos(math.radians(angle)) - glyph.width / 2
        y = size / 2 + radius * math.sin(math.radians(angle)) - glyph.height / 2
        image.paste(255, (int(x), int(y)), glyph)
    image = image.rotate(float(rng.uniform(-40, 40)), resample=Image.BICUBIC)
    mask = np.asarray(image, dtype=np.float32) / 255.0
    texture = rng.uniform(0.55, 1.0, size=mask.shape).astype(np.float32)
    return mask * texture


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.38
        angle = math.radians(-90 + 36 * k)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=255)


def apply_seal(image: np.ndarray, mask: np.ndarray, centre: tuple[int, int]) -> np.ndarray:
    """Print ``mask`` in red ink over the RGB ``image`` centred at ``centre`` (x, y); ink darkens."""
    out = image.astype(np.float32)
    h, w = mask.shape
    x0, y0 = centre[0] - w // 2, centre[1] - h // 2
    ix0, iy0 = max(0, x0), max(0, y0)
    ix1, iy1 = min(image.shape[1], x0 + w), min(image.shape[0], y0 + h)
    if ix1 <= ix0 or iy1 <= iy0:
        return image
    alpha = mask[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0, None] * 0.85
    ink = np.array([215.0, 30.0, 35.0], dtype=np.float32) / 255.0
    region = out[iy0:iy1, ix0:ix1]
    out[iy0:iy1, ix0:ix1] = region * (1 - alpha) + region * ink * alpha
    return np.clip(out, 0, 255).astype(np.uint8)
