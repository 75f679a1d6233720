"""Many small crops recognised as a few long strips, each crop's text decoded from its own stretch.

A table page has a few hundred cell crops, most of them one to four digits. Recognised one by one,
every crop is padded to the model's minimum width and each batch pays its own overhead; laid side by
side on white strips, with a gap of white between them, the same crops take far fewer pixels and
runs. The recogniser (PP-OCR's CTC models) emits one prediction per 8 pixels of width, so each crop's
text is decoded from the predictions over its own stretch of the strip: no separator character has to
be read, and one crop's text never leaks into another's.

Measured on the 8,572 cells of 30 generated degraded scans (5,264 number cells with text): 37 % less
CPU than one crop per input, and more cells read exactly (95.2 % against 94.3 %), as the white gap
gives every crop the same clean surround.

Each strip is run alone, at its own width. Run eight to a batch, every strip was padded with white to
the batch's widest (a line wider than a strip made a whole batch that wide): on 3 archive documents'
pages (two seal scans, a clean one) 31 % of the pixels read were that padding, and a crop's reading
depended on the other strips it happened to share a batch with. Alone, the same crops took 137,992
pixels instead of 163,144 and 26 % less recogniser CPU (10.3 against 14.0 s); one strip of 1536 px
costs 74 us a column against 83 in a batch of eight, so batching bought nothing either.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import cv2
import numpy as np

HEIGHT = 48  # the recognition models' input height
GAP = 24  # white between crops: three of the model's 8-pixel prediction steps
STRIP_WIDTH = 1536


def prepare(crop: np.ndarray) -> np.ndarray:
    """A BGR crop at the model's height, as the model's normalised CHW float input."""
    height, width = crop.shape[:2]
    scaled = cv2.resize(crop, (max(1, int(np.ceil(HEIGHT * width / height))), HEIGHT))
    return (scaled.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5


def pack(
    widths: Sequence[int], strip_width: int = STRIP_WIDTH, gap: int = GAP
) -> list[list[tuple[int, int]]]:
    """Crops laid left to right on strips: per strip, (crop index, left x); a crop wider than a
    strip gets a strip of its own."""
    strips: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    x = gap
    for index, width in enumerate(widths):
        if current and x + width + gap > strip_width:
            strips.append(current)
            current, x = [], gap
        current.append((index, x))
        x += width + gap
    if current:
        strips.append(current)
    return strips


def decode(indices: np.ndarray, probabilities: np.ndarray, characters: Sequence[str]) -> tuple[str, float]:
    """Greedy CTC decoding of one stretch: repeats collapsed, blanks (index 0) dropped, and the spaces
    the model reads in the white gaps at either end left out; confidence is the mean probability of
    the characters kept, 0 when none is."""
    keep = np.ones(len(indices), dtype=bool)
    keep[1:] = indices[1:] != indices[:-1]
    keep &= indices != 0
    chars = [characters[i] for i in indices[keep]]
    scores = probabilities[keep]
    start, end = 0, len(chars)
    while start < end and chars[start].isspace():
        start += 1
    while end > start and chars[end - 1].isspace():
        end -= 1
    if start == end:
        return "", 0.0
    return "".join(chars[start:end]), float(scores[start:end].mean())


def recognise_in_strips(
    crops: Sequence[np.ndarray],
    run: Callable[[np.ndarray], np.ndarray],
    characters: Sequence[str],
) -> list[tuple[str, float]]:
    """Text and confidence of each crop; ``run`` maps an N x 3 x 48 x W batch to N x T x classes (N is
    1 here: each strip is run alone, see the module's docstring)."""
    inputs = [prepare(crop) for crop in crops]
    results: list[tuple[str, float]] = [("", 0.0)] * len(inputs)
    for strip in pack([item.shape[2] for item in inputs]):
        last, x_last = strip[-1]
        width = -(-(x_last + inputs[last].shape[2] + GAP) // 8) * 8
        sheet = np.ones((1, 3, HEIGHT, width), dtype=np.float32)
        for index, x in strip:
            sheet[0, :, :, x : x + inputs[index].shape[2]] = inputs[index]
        predictions = run(sheet)[0]
        step = width / predictions.shape[0]
        best, confidence = predictions.argmax(axis=1), predictions.max(axis=1)
        for index, x in strip:
            start = max(0, round((x - GAP / 2) / step))
            end = min(len(best), round((x + inputs[index].shape[2] + GAP / 2) / step))
            results[index] = decode(best[start:end], confidence[start:end], characters)
    return results
