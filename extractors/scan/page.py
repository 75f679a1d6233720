"""One page image in, tokens out: upright, level, tables found, cells read, text around them read.

Table cells are read by recognition alone on crops of their text lines (the measured faster and more
accurate way on ruled tables); blanks and "/" "-" markers are decided by ink shape; text outside the
tables is found by the engine's detection, and of it only what reconciliation uses is read (title,
headings, each table's title; see ``_wanted``). Boxes are in the pixels of the image as given,
whatever turning and levelling the reading needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from extractors.scan import cleanup, deskew, glyphs, grid, marks, orientation, outline, reading
from extractors.scan.ocr import Box, OcrEngine
from extractors.scan.ocr.squeeze import recognise_narrowed
from models.lexicon import has_words, is_heading
from models.observation import GridPosition, Token

MARK_CONFIDENCE = 0.95
_MARK_TEXT = {"slash": "/", "dash": "-", "zero": "0"}
PROBE_CHARS = 3  # a line's first characters, read to tell a heading ("二、", "（三）") from prose
TITLE_LINES = 4  # the first page's first lines: the title (up to three lines) and the sentence naming it
FULL_LINE = 0.9
"""A text line at least this share of the widest table's width is a paragraph's full line, no heading:
the longest heading, 四、政府信息公开行政复议、行政诉讼情况 in 16 pt, is about 0.7 of the text width."""


@dataclass
class UprightPage:
    """The page turned upright and levelled, and the map from its pixels back to the original's."""

    grey: np.ndarray
    ink: np.ndarray
    unit: int
    back: np.ndarray  # 3x3 projective: upright pixel -> original pixel

    def original_box(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = box
        corners = np.array([[x0, y0, 1], [x1, y0, 1], [x0, y1, 1], [x1, y1, 1]], dtype=float)
        mapped = corners @ self.back.T
        mapped = mapped[:, :2] / mapped[:, 2:3]
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
    """Clean the page, flatten a photographed sheet, turn it the right way up (quarter turns) and
    level its skew."""
    grey, sheet = outline.flatten_sheet(cleanup.to_grey(image))
    grey = cleanup.flatten_light(grey)
    ink = cleanup.ink_mask(grey)
    unit = grid.line_unit(ink)
    height, width = grey.shape
    turns = 0
    lines = orientation.line_boxes(ink, unit)
    if orientation.is_sideways(ink, unit, lines) and not orientation.clearly_upright(
        grey, lines, unit, engine
    ):
        turns = 1
        grey, ink = np.ascontiguousarray(np.rot90(grey, 1)), np.ascontiguousarray(np.rot90(ink, 1))
        lines = orientation.line_boxes(ink, unit)
    if orientation.upside_down(grey, lines, unit, engine):
        turns += 2
        grey, ink = np.ascontiguousarray(np.rot90(grey, 2)), np.ascontiguousarray(np.rot90(ink, 2))
    forward = _quarter_turn(turns, height, width) @ sheet
    angle = deskew.skew_angle(ink)
    if abs(angle) >= 0.1:
        h, w = grey.shape
        level = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        grey = cv2.warpAffine(grey, level, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        ink = cleanup.ink_mask(grey)
        forward = np.vstack([level, [0, 0, 1]]) @ forward
    back = np.linalg.inv(forward)
    return UprightPage(grey, ink, unit, back)


@dataclass
class _Crop:
    cell: int
    image: np.ndarray


def _cell_crops(
    page: UprightPage, table: grid.Table, first: int
) -> tuple[list[Token], list[_Crop], list[_Crop]]:
    """A token per cell (blanks and markers decided here, each number-like cell's glyphs), the line
    crops the rest need read, and the crops of the cells decided by their ink's shape (empty, "/" or
    "-") that the recogniser reads too, as their second reading."""
    margin = max(3, page.unit // 3)
    pad = max(3, page.unit // 4)
    interiors = [
        (c.bbox[0] + margin, c.bbox[1] + margin, c.bbox[2] - margin, c.bbox[3] - margin) for c in table.cells
    ]
    height = marks.char_height(page.ink, [box for box in interiors if box[2] > box[0] and box[3] > box[1]])
    tokens, crops, blanks = [], [], []
    for cell, (x0, y0, x1, y1) in zip(table.cells, interiors, strict=True):
        position = GridPosition(
            table=first, row=cell.row, col=cell.col, rowspan=cell.rowspan, colspan=cell.colspan
        )
        token = Token(text="", bbox=page.original_box(cell.bbox), confidence=marks.CLEAN_BLANK, grid=position)
        tokens.append(token)
        if x1 <= x0 or y1 <= y0:
            continue
        ink = marks.classify(page.ink[y0:y1, x0:x1], height, page.grey[y0:y1, x0:x1])
        print_ink = page.ink[y0:y1, x0:x1]
        if ink.rule_ink is not None:
            print_ink = cv2.subtract(print_ink, ink.rule_ink)
        if ink.kind == "empty":
            tokens[-1] = token.model_copy(update={"confidence": ink.confidence})
            blanks.append(
                _Crop(
                    len(tokens) - 1, cv2.cvtColor(_cleaned(page, ink, (x0, y0, x1, y1)), cv2.COLOR_GRAY2BGR)
                )
            )
        elif ink.kind in _MARK_TEXT:
            if ink.kind != "zero":
                blanks.append(
                    _Crop(
                        len(tokens) - 1,
                        cv2.cvtColor(_cleaned(page, ink, (x0, y0, x1, y1)), cv2.COLOR_GRAY2BGR),
                    )
                )
            tokens[-1] = token.model_copy(
                update={
                    "text": _MARK_TEXT[ink.kind],
                    "confidence": min(MARK_CONFIDENCE, ink.confidence),
                    "glyphs": glyphs.glyph_codes(print_ink, height) if ink.kind == "zero" else [],
                }
            )
        elif ink.kind == "text":
            left, right = x0 + ink.x_range[0] - pad, x0 + ink.x_range[1] + pad
            interior = _cleaned(page, ink, (x0, y0, x1, y1))
            if len(ink.lines) == 1:
                tokens[-1] = token.model_copy(update={"glyphs": glyphs.glyph_codes(print_ink, height)})
            for top, bottom in ink.lines:
                crop = _padded(
                    page.grey, interior, (x0, y0, x1, y1), (left, y0 + top - pad, right, y0 + bottom + pad)
                )
                crops.append(_Crop(len(tokens) - 1, cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)))
    return tokens, crops, blanks


def _cleaned(page: UprightPage, ink: marks.CellInk, box: tuple[int, int, int, int]) -> np.ndarray:
    """A cell's interior with its rules' ink made paper."""
    x0, y0, x1, y1 = box
    interior = page.grey[y0:y1, x0:x1].copy()
    if ink.rule_ink is not None:
        interior[ink.rule_ink > 0] = 255
    return interior


def _padded(
    grey: np.ndarray, interior: np.ndarray, inside: tuple[int, int, int, int], box: tuple[int, int, int, int]
) -> np.ndarray:
    """The crop ``box`` of the page with the cell's interior as cleaned (its rules' ink made paper);
    the padding beyond the interior comes from the page."""
    x0, y0 = max(0, box[0]), max(0, box[1])
    x1, y1 = min(grey.shape[1], box[2]), min(grey.shape[0], box[3])
    crop = grey[y0:y1, x0:x1].copy()
    ix0, iy0 = max(inside[0], x0), max(inside[1], y0)
    ix1, iy1 = min(inside[2], x1), min(inside[3], y1)
    if ix1 > ix0 and iy1 > iy0:
        crop[iy0 - y0 : iy1 - y0, ix0 - x0 : ix1 - x0] = interior[
            iy0 - inside[1] : iy1 - inside[1], ix0 - inside[0] : ix1 - inside[0]
        ]
    return crop


def _joined(boxes: list[Box]) -> list[Box]:
    """Pieces of one printed line joined left to right: detection on a reduced image may split a
    heading at a wide gap ("三、" | "收到和处理…"), and a heading is matched as a whole."""
    result: list[Box] = []
    for x0, y0, x1, y1 in sorted(boxes):
        for index, (a0, b0, a1, b1) in enumerate(result):
            overlap = min(y1, b1) - max(y0, b0)
            height = max(y1 - y0, b1 - b0)
            if overlap >= 0.5 * min(y1 - y0, b1 - b0) and 0 <= x0 - a1 <= 1.5 * height:
                result[index] = (a0, min(y0, b0), max(x1, a1), max(y1, b1))
                break
        else:
            result.append((x0, y0, x1, y1))
    return sorted(result, key=lambda box: (box[1], box[0]))


def _stacked_bands(
    page: UprightPage, tables: list[grid.Table]
) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """The bands of the page between tables stacked into one short sheet, and per band its
    (top on the sheet, top on the page, height): detection then runs once on a small image."""
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
    gap = page.unit * 2
    stacked, offsets, cursor = [], [], 0
    for top, bottom in bands:
        stacked.append(page.grey[top:bottom])
        stacked.append(np.full((gap, width), 255, dtype=np.uint8))
        offsets.append((cursor, top, bottom - top + gap))
        cursor += bottom - top + gap
    sheet = np.vstack(stacked) if stacked else np.full((0, width), 255, dtype=np.uint8)
    return sheet, offsets


def _wanted(
    lines: list[tuple[Box, float]], probes: list[str], tables: list[grid.Table], title_page: bool
) -> list[bool]:
    """Which text lines outside the tables to read whole: what reconciliation uses, not the prose.

    That is the title block (the first lines of the first page, with the sentence that names the
    report), every heading (a probe of its first characters starts "二、" or "（三）"), and the line
    just above each table (its title, even when the probe misread the numeral). A page without a
    table is read whole. Narrative paragraphs feed nothing downstream.
    """
    if not tables:
        return [True] * len(lines)
    wanted = [
        (title_page and index < TITLE_LINES) or is_heading(probe) for index, probe in enumerate(probes)
    ]
    for table in tables:
        above = [index for index, (_, top) in enumerate(lines) if top < table.bbox[1]]
        if above:
            wanted[max(above, key=lambda index: lines[index][1])] = True
    return wanted


def _probes(
    engine: OcrEngine, crops: list[np.ndarray], boxes: list[Box], tables: list[grid.Table]
) -> list[str]:
    """The first characters of each line (see ``_wanted``), read only where the line may be a heading:
    a line nearly as wide as the page's widest table is a paragraph's full line."""
    widest = max((table.bbox[2] - table.bbox[0] for table in tables), default=0)
    probed = [index for index, box in enumerate(boxes) if not widest or box[2] - box[0] < FULL_LINE * widest]
    read = engine.recognise([crops[index][:, : PROBE_CHARS * crops[index].shape[0]] for index in probed])
    probes = [""] * len(crops)
    for index, (text, _) in zip(probed, read, strict=True):
        probes[index] = text
    return probes


def _outside_text(
    page: UprightPage, tables: list[grid.Table], engine: OcrEngine, title_page: bool
) -> list[tuple[float, Token]]:
    """Text lines outside every table that reconciliation needs, with their upright top."""
    sheet, offsets = _stacked_bands(page, tables)
    if not offsets:
        return []
    sheet_bgr = cv2.cvtColor(sheet, cv2.COLOR_GRAY2BGR)
    pad = max(2, page.unit // 4)
    lines: list[tuple[Box, float]] = []
    crops: list[np.ndarray] = []
    for x0, y0, x1, y1 in _joined(engine.detect(sheet_bgr)):
        centre = (y0 + y1) / 2
        band = next(((s, t) for s, t, h in offsets if s <= centre < s + h), None)
        if band is None:
            continue
        top, bottom = max(0, int(y0) - pad), min(sheet.shape[0], int(np.ceil(y1)) + pad)
        left, right = max(0, int(x0) - pad), min(sheet.shape[1], int(np.ceil(x1)) + pad)
        if bottom <= top or right <= left:
            continue
        shift = band[1] - band[0]
        lines.append(((x0, y0 + shift, x1, y1 + shift), y0 + shift))
        crops.append(sheet_bgr[top:bottom, left:right])
    probes = _probes(engine, crops, [box for box, _ in lines], tables)
    wanted = [index for index, keep in enumerate(_wanted(lines, probes, tables, title_page)) if keep]
    readings = recognise_narrowed(engine, [crops[index] for index in wanted])
    tokens = []
    for index, (text, confidence) in zip(wanted, readings, strict=True):
        box, top = lines[index]
        if text.strip():
            token = Token(text=text, bbox=page.original_box(box), confidence=round(confidence, 4))
            tokens.append((top, token))
    return tokens


def observe_page(image: np.ndarray, page_number: int, first_table: int, engine: OcrEngine) -> list[Token]:
    """Tokens of one page image: table cells with grid positions, other text lines without."""
    page = make_upright(image, engine)
    tables = grid.find_tables(page.ink, page.unit)
    cell_tokens: list[tuple[float, list[Token]]] = []
    crops: list[tuple[int, int, _Crop]] = []
    blanks: list[tuple[int, _Crop]] = []
    for number, table in enumerate(tables):
        tokens, table_crops, blank_crops = _cell_crops(page, table, first_table + number)
        crops.extend((number, crop.cell, crop) for crop in table_crops)
        blanks.extend((number, crop) for crop in blank_crops)
        cell_tokens.append((table.bbox[1], tokens))
    readings = recognise_narrowed(engine, [crop.image for _, _, crop in crops])
    for (number, crop), (text, _) in zip(blanks, engine.recognise([c.image for _, c in blanks]), strict=True):
        tokens = cell_tokens[number][1]
        tokens[crop.cell] = tokens[crop.cell].model_copy(update={"second_reading": text.strip()})
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
            update: dict[str, object] = {"text": text, "confidence": round(confidence, 4)}
            if has_words(text):
                update["glyphs"] = []
            tokens[cell] = token.model_copy(update=update)
    outside = _outside_text(page, tables, engine, title_page=page_number == 1)
    ordered: list[tuple[float, int, list[Token]]] = [(top, 1, tokens) for top, tokens in cell_tokens]
    ordered.extend((top, 0, [token]) for top, token in outside)
    ordered.sort(key=lambda item: (item[0], item[1]))
    result = [token for _, _, tokens in ordered for token in tokens]
    return [token.model_copy(update={"page": page_number}) for token in result]
