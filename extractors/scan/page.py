"""One page image in, tokens out: upright, level, tables found, cells read, text around them read.

Table cells are read by recognition alone on crops of their text lines (the measured faster and more
accurate way on ruled tables); blanks and "/" "-" markers are decided by ink shape; text outside the
tables (title, headings, narrative) goes through the engine's detection and recognition. Boxes are in
the pixels of the image as given, whatever turning and levelling the reading needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extractors.scan import cleanup, deskew, grid, marks, orientation, reading
from extractors.scan.ocr import OcrEngine, TextLine
from models.observation import GridPosition, Token

BLANK_CONFIDENCE = 0.99
MARK_CONFIDENCE = 0.95
_MARK_TEXT = {"slash": "/", "dash": "-"}


@dataclass
class UprightPage:
    """The page turned upright and levelled, and the map from its pixels back to the original's."""

    grey: np.ndarray
    ink: np.ndarray
    unit: int
    back: np.ndarray  # 2x3 affine: upright pixel -> original pixel

    def original_box(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float)
        mapped = corners @ self.back.T
        return (
            round(float(mapped[:, 0].min()), 1),
            round(float(mapped[:, 1].min()), 1),
            round(float(mapped[:, 0].max()), 1),
            round(float(mapped[:, 1].max()), 1),
        )


def _quarter_turn(k: int, height: int, width: int) -> np.ndarray:
    """3x3 map from original pixels to those of np.rot90(image, k)."""
    k %= 4
    if k == 0:
        return np.eye(3)
    if k == 1:
        return np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]], dtype=float)
    if k == 2:
        return np.array([[-1, 0, width - 1], [0, -1, height - 1], [0, 0, 1]], dtype=float)
    return np.array([[0, -1, height - 1], [1, 0, 0], [0, 0, 1]], dtype=float)


def make_upright(image: np.ndarray, engine: OcrEngine) -> UprightPage:
    """Clean the page, turn it the right way up (quarter turns) and level its skew."""
    grey = cleanup.flatten_light(cleanup.to_grey(image))
    ink = cleanup.ink_mask(grey)
    unit = grid.line_unit(ink)
    height, width = grey.shape
    turns = 0
    if orientation.is_sideways(ink, unit):
        turns = 1
        grey, ink = np.ascontiguousarray(np.rot90(grey, 1)), np.ascontiguousarray(np.rot90(ink, 1))
    if orientation.upside_down(grey, ink, unit, engine):
        turns += 2
        grey, ink = np.ascontiguousarray(np.rot90(grey, 2)), np.ascontiguousarray(np.rot90(ink, 2))
    forward = _quarter_turn(turns, height, width)
    angle = deskew.skew_angle(ink)
    if abs(angle) >= 0.1:
        h, w = grey.shape
        level = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        grey = cv2.warpAffine(grey, level, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        ink = cleanup.ink_mask(grey)
        forward = np.vstack([level, [0, 0, 1]]) @ forward
    back = np.linalg.inv(forward)[:2]
    return UprightPage(grey, ink, unit, back)


@dataclass
class _Crop:
    cell: int
    image: np.ndarray


def _cell_crops(page: UprightPage, table: grid.Table, first: int) -> tuple[list[Token], list[_Crop]]:
    """A token per cell (blanks and markers decided here) and the line crops the rest need read."""
    margin = max(3, page.unit // 3)
    pad = max(3, page.unit // 4)
    interiors = [
        (c.bbox[0] + margin, c.bbox[1] + margin, c.bbox[2] - margin, c.bbox[3] - margin) for c in table.cells
    ]
    height = marks.char_height(page.ink, [box for box in interiors if box[2] > box[0] and box[3] > box[1]])
    tokens, crops = [], []
    for cell, (x0, y0, x1, y1) in zip(table.cells, interiors, strict=True):
        position = GridPosition(
            table=first, row=cell.row, col=cell.col, rowspan=cell.rowspan, colspan=cell.colspan
        )
        token = Token(text="", bbox=page.original_box(cell.bbox), confidence=BLANK_CONFIDENCE, grid=position)
        tokens.append(token)
        if x1 <= x0 or y1 <= y0:
            continue
        ink = marks.classify(page.ink[y0:y1, x0:x1], height)
        if ink.kind in _MARK_TEXT:
            tokens[-1] = token.model_copy(
                update={"text": _MARK_TEXT[ink.kind], "confidence": MARK_CONFIDENCE}
            )
        elif ink.kind == "text":
            left, right = x0 + ink.x_range[0] - pad, x0 + ink.x_range[1] + pad
            for top, bottom in ink.lines:
                crop = page.grey[max(0, y0 + top - pad) : y0 + bottom + pad, max(0, left) : right]
                crops.append(_Crop(len(tokens) - 1, cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)))
    return tokens, crops


def _joined(lines: list[TextLine]) -> list[TextLine]:
    """Pieces of one printed line joined left to right: detection on a reduced image may split a
    heading at a wide gap ("三、" | "收到和处理…"), and a heading is matched as a whole."""
    result: list[TextLine] = []
    for line in sorted(lines, key=lambda item: item.bbox[0]):
        x0, y0, x1, y1 = line.bbox
        for index, other in enumerate(result):
            a0, b0, a1, b1 = other.bbox
            overlap = min(y1, b1) - max(y0, b0)
            height = max(y1 - y0, b1 - b0)
            if overlap >= 0.5 * min(y1 - y0, b1 - b0) and 0 <= x0 - a1 <= 1.5 * height:
                result[index] = TextLine(
                    other.text + line.text,
                    min(other.confidence, line.confidence),
                    (a0, min(y0, b0), max(x1, a1), max(y1, b1)),
                )
                break
        else:
            result.append(line)
    return sorted(result, key=lambda item: (item.bbox[1], item.bbox[0]))


def _outside_text(
    page: UprightPage, tables: list[grid.Table], engine: OcrEngine
) -> list[tuple[float, Token]]:
    """Text lines outside every table (with their upright top), read by detection + recognition.

    The bands of the page between tables are stacked into one short sheet, so detection runs once on
    a small image instead of on the whole page.
    """
    height, width = page.grey.shape
    free = np.ones(height, dtype=bool)
    for table in tables:
        free[max(0, table.bbox[1] - 2) : table.bbox[3] + 3] = False
    has_ink = page.ink.any(axis=1) & free
    bands, start = [], None
    for y in range(height + 1):
        inside = y < height and free[y]
        if inside and start is None:
            start = y
        elif not inside and start is not None:
            rows = np.flatnonzero(has_ink[start:y])
            if rows.size:
                bands.append(
                    (max(start, start + rows[0] - page.unit), min(y, start + rows[-1] + page.unit + 1))
                )
            start = None
    if not bands:
        return []
    gap = page.unit * 2
    stacked, offsets, cursor = [], [], 0
    for top, bottom in bands:
        stacked.append(page.grey[top:bottom])
        stacked.append(np.full((gap, width), 255, dtype=np.uint8))
        offsets.append((cursor, top, bottom - top))
        cursor += bottom - top + gap
    sheet = cv2.cvtColor(np.vstack(stacked), cv2.COLOR_GRAY2BGR)
    tokens = []
    for line in _joined(engine.read_page(sheet)):
        x0, y0, x1, y1 = line.bbox
        centre = (y0 + y1) / 2
        for sheet_top, top, band_height in offsets:
            if sheet_top <= centre < sheet_top + band_height + gap:
                shift = top - sheet_top
                box = page.original_box((x0, y0 + shift, x1, y1 + shift))
                tokens.append(
                    (y0 + shift, Token(text=line.text, bbox=box, confidence=round(line.confidence, 4)))
                )
                break
    return tokens


def observe_page(image: np.ndarray, page_number: int, first_table: int, engine: OcrEngine) -> list[Token]:
    """Tokens of one page image: table cells with grid positions, other text lines without."""
    page = make_upright(image, engine)
    tables = grid.find_tables(page.ink, page.unit)
    cell_tokens: list[tuple[float, list[Token]]] = []
    crops: list[tuple[int, int, _Crop]] = []
    for number, table in enumerate(tables):
        tokens, table_crops = _cell_crops(page, table, first_table + number)
        crops.extend((number, crop.cell, crop) for crop in table_crops)
        cell_tokens.append((table.bbox[1], tokens))
    readings = engine.recognise([crop.image for _, _, crop in crops])
    texts: dict[tuple[int, int], list[tuple[str, float]]] = {}
    for (number, cell, _), found in zip(crops, readings, strict=True):
        texts.setdefault((number, cell), []).append(found)
    for number, (_, tokens) in enumerate(cell_tokens):
        for cell, token in enumerate(tokens):
            lines = texts.get((number, cell))
            if lines is None:
                continue
            text = "".join(t for t, _ in lines)
            confidence = min(c for _, c in lines)
            text, confidence = reading.accept(text, confidence)
            tokens[cell] = token.model_copy(update={"text": text, "confidence": round(confidence, 4)})
    outside = _outside_text(page, tables, engine)
    ordered: list[tuple[float, int, list[Token]]] = [(top, 1, tokens) for top, tokens in cell_tokens]
    ordered.extend((top, 0, [token]) for top, token in outside)
    ordered.sort(key=lambda item: (item[0], item[1]))
    result = [token for _, _, tokens in ordered for token in tokens]
    return [token.model_copy(update={"page": page_number}) for token in result]
