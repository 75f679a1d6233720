"""Scan-like test pages with known cells: a report table drawn with PIL, then degraded like a scan.

Shared by the scan tests and bench/bench_ocr.py. Each drawn cell's grid slot, spans, text and pixel box
are returned as truth, so grid detection and OCR can be checked cell by cell.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from models.template import builtin_templates
from samplegen.layout import Style, TableLayout, table_layout
from samplegen.values import random_report

FONT_FILE = Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")


@dataclass(frozen=True)
class TruthCell:
    row: int
    col: int
    rowspan: int
    colspan: int
    text: str
    bbox: tuple[int, int, int, int]
    is_value: bool


@dataclass
class TruthPage:
    image: Image.Image
    cells: list[TruthCell]


@cache
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONT_FILE), size)


def sample_layout(version: str, table_id: str, seed: int, *, zeros: bool = False) -> TableLayout:
    """The official grid of one template table filled with random valid printed values (with
    ``zeros``, every value printed as 0, as in the report of an office nobody asked)."""
    template = next(t for t in builtin_templates() if t.version == version)
    rates = (
        {"zero_rate": 1.0, "blank_rate": 0.0, "marker_rate": 0.0, "blank_total_rate": 0.0} if zeros else {}
    )
    report = random_report(template, random.Random(seed), **rates)
    sample = next(s for s in report.tables if s.table.id == table_id)
    return table_layout(sample, Style())


def _wrap(text: str, width: int) -> list[str]:
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def draw_table_page(
    layout: TableLayout,
    *,
    dpi: int = 200,
    title: str = "某某县人民政府2021年政府信息公开工作年度报告",
    shade: int | None = None,
) -> TruthPage:
    """An A4 page: a title, the table's heading line, then the ruled table with every cell's text;
    with ``shade``, every label and header cell filled with that grey (as Word and WPS print them)."""
    scale = dpi / 72
    size = round(9 * scale)
    font = _font(size)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    cells = [cell for row in layout.rows for cell in row]
    n_cols = max(c.col + c.colspan for c in cells)
    n_rows = len(layout.rows)
    value_cols = {c.col for c in cells if c.key is not None}
    label_cols = [c for c in range(n_cols) if c not in value_cols]
    table_width = width - round(1.6 * dpi)
    label_share = round(table_width * 0.5) if label_cols else 0
    value_width = min(round(size * 3.6), (table_width - label_share) // len(value_cols))
    spare = table_width - value_width * len(value_cols)
    narrow = round(size * 1.8) if len(label_cols) > 1 else 0
    wide = (spare - narrow) // max(1, len(label_cols) - (1 if narrow else 0))
    col_widths = [
        value_width if c in value_cols else narrow if narrow and c == label_cols[0] else wide
        for c in range(n_cols)
    ]
    col_widths[-1] += table_width - sum(col_widths)
    xs = [round(0.8 * dpi)]
    for w in col_widths:
        xs.append(xs[-1] + w)

    line_h = round(size * 1.35)
    texts: dict[int, list[str]] = {}
    row_heights = [round(size * 1.9)] * n_rows
    for index, cell in enumerate(cells):
        cell_width = xs[cell.col + cell.colspan] - xs[cell.col]
        per_line = max(1, (cell_width - size) // size) if cell.key is None else 99
        lines = [part for line in cell.lines for part in _wrap(line, per_line)]
        texts[index] = lines
        if cell.rowspan == 1 and not cell.vertical:
            row_heights[cell.row] = max(row_heights[cell.row], len(lines) * line_h + size // 2)
    ys = [round(1.5 * dpi)]
    height = max(height, round(1.5 * dpi) + sum(row_heights) + round(0.6 * dpi))
    for h in row_heights:
        ys.append(ys[-1] + h)

    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    draw.text((width // 2, round(0.9 * dpi)), title, font=_font(round(15 * scale)), fill=0, anchor="mm")
    draw.text((round(0.9 * dpi), round(1.3 * dpi)), layout.title, font=font, fill=0)

    truth = []
    for index, cell in enumerate(cells):
        box = (xs[cell.col], ys[cell.row], xs[cell.col + cell.colspan], ys[cell.row + cell.rowspan])
        fill = shade if shade is not None and cell.key is None else None
        draw.rectangle(box, fill=fill, outline=0, width=max(1, round(scale * 0.6)))
        cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
        if cell.vertical:
            chars = list(cell.text)
            top = cy - len(chars) * line_h // 2
            for i, ch in enumerate(chars):
                draw.text((cx, top + i * line_h + line_h // 2), ch, font=font, fill=0, anchor="mm")
        else:
            lines = texts[index]
            top = cy - len(lines) * line_h // 2
            for i, line in enumerate(lines):
                draw.text((cx, top + i * line_h + line_h // 2), line, font=font, fill=0, anchor="mm")
        truth.append(
            TruthCell(cell.row, cell.col, cell.rowspan, cell.colspan, cell.text, box, cell.key is not None)
        )
    return TruthPage(image=image, cells=truth)


def rotate(page: TruthPage, degrees: float) -> Image.Image:
    """The page turned counter-clockwise by ``degrees`` about its centre, white filling the corners."""
    return page.image.rotate(degrees, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)


def fax(image: Image.Image, seed: int = 0, gap_rate: float = 0.08) -> Image.Image:
    """A 1-bit fax-like page: thresholded, ruling lines broken by short white gaps, salt-and-pepper noise."""
    rng = np.random.default_rng(seed)
    pixels = np.array(image.convert("L").filter(ImageFilter.GaussianBlur(0.8))) > 150
    height, width = pixels.shape
    for _ in range(int(gap_rate * (height + width))):
        x, y = int(rng.integers(0, width - 12)), int(rng.integers(0, height - 12))
        if rng.random() < 0.5:
            pixels[y : y + 12, x : x + int(rng.integers(3, 9))] = True
        else:
            pixels[y : y + int(rng.integers(3, 9)), x : x + 12] = True
    noise = rng.random(pixels.shape)
    pixels[noise < 0.002] = False
    pixels[noise > 0.998] = True
    return Image.fromarray(pixels.astype(np.uint8) * 255).convert("1")


def scanned(image: Image.Image, seed: int = 0, quality: int = 60) -> Image.Image:
    """A grey scanner look: slight blur, uneven light from one side, noise, JPEG artefacts."""
    rng = np.random.default_rng(seed)
    grey = np.asarray(image.convert("L").filter(ImageFilter.GaussianBlur(0.7)), dtype=np.float32)
    light = np.linspace(1.0, 0.78, grey.shape[1], dtype=np.float32)[None, :]
    grey = grey * light + rng.normal(0, 6, grey.shape)
    out = Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8))
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=quality)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def with_seal(image: Image.Image, centre: tuple[int, int], radius: int) -> Image.Image:
    """A red round seal stamped over the page (over text and ruling lines), as on published reports."""
    rgb = image.convert("RGB")
    layer = Image.new("RGB", rgb.size, (255, 255, 255))
    draw = ImageDraw.Draw(layer)
    x, y = centre
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=(220, 30, 30), width=radius // 12)
    draw.text((x, y), "★", font=_font(radius), fill=(220, 30, 30), anchor="mm")
    small = _font(radius // 5)
    draw.text((x, y + radius // 2), "人民政府办公室", font=small, fill=(220, 30, 30), anchor="mm")
    return Image.fromarray(np.minimum(np.asarray(rgb), np.asarray(layer)))
