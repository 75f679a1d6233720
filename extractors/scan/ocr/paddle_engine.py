"""PaddleOCR 3.x on onnxruntime with the PP-OCRv6 small models that the rapidocr wheel ships.

PaddleOCR's own default downloads its models; here it reads local model folders instead, built once
from the ONNX files inside the rapidocr wheel: ``inference.onnx`` plus the ``inference.yml`` PaddleX
expects (preprocessing as rapidocr runs these models; the recogniser's character list is taken from
the ONNX metadata key ``character``). Nothing is downloaded and no paddlepaddle is needed.

Installed with ``pip install --no-deps paddleocr paddlex`` plus the few libraries they really use (see
the ``paddle`` extra in pyproject.toml): paddlex pins ``opencv-contrib-python==4.10.0.84``, whose
``cv2/`` folder would overwrite opencv-python-headless's. PaddleX checks for that distribution by name
before it imports ``cv2``; the detection and recognition code it runs uses only functions that
opencv-python-headless has, so while the models load, the check is answered with the installed cv2.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import onnxruntime
import rapidocr
import yaml

from extractors.scan.ocr.base import DET_MAX_SIDE, MIN_REC_WIDTH, Box

DET_MODEL = "PP-OCRv6_small_det"
REC_MODEL = "PP-OCRv6_small_rec"
_WHEEL_FILES = {DET_MODEL: "PP-OCRv6_det_small.onnx", REC_MODEL: "PP-OCRv6_rec_small.onnx"}
_OPENCV_CONTRIB = "opencv-contrib-python"


def _det_config() -> dict[str, Any]:
    return {
        "Global": {"model_name": DET_MODEL},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetLabelEncode": None},
                {"DetResizeForTest": {"limit_side_len": DET_MAX_SIDE, "limit_type": "max"}},
                {
                    "NormalizeImage": {
                        "mean": [0.5, 0.5, 0.5],
                        "std": [0.5, 0.5, 0.5],
                        "scale": "1./255.",
                        "order": "hwc",
                    }
                },
                {"ToCHWImage": None},
                {"KeepKeys": {"keep_keys": ["image", "shape", "polys", "ignore_tags"]}},
            ]
        },
        "PostProcess": {
            "name": "DBPostProcess",
            "thresh": 0.3,
            "box_thresh": 0.5,
            "max_candidates": 1000,
            "unclip_ratio": 1.6,
        },
    }


def _rec_config(onnx_file: Path) -> dict[str, Any]:
    session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
    characters = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    return {
        "Global": {"model_name": REC_MODEL},
        "PreProcess": {
            "transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"MultiLabelEncode": {"gtc_encode": "NRTRLabelEncode"}},
                {"RecResizeImg": {"image_shape": [3, 48, MIN_REC_WIDTH]}},
                {"KeepKeys": {"keep_keys": ["image", "label_ctc", "label_gtc", "length", "valid_ratio"]}},
            ]
        },
        "PostProcess": {"name": "CTCLabelDecode", "character_dict": characters},
    }


def model_root() -> Path:
    """Where the model folders live: $REPORTGRID_CACHE or ~/.cache/reportgrid, per rapidocr version."""
    base = Path(os.environ.get("REPORTGRID_CACHE") or Path.home() / ".cache" / "reportgrid")
    version = importlib.metadata.version("rapidocr")
    return base / f"paddle-onnx-rapidocr-{version}-w{MIN_REC_WIDTH}-d{DET_MAX_SIDE}"


def build_model_dirs(root: Path) -> dict[str, Path]:
    """PaddleX model folders (inference.onnx + inference.yml) for the two models; reused when present."""
    wheel_models = Path(rapidocr.__file__).parent / "models"
    folders = {}
    for name, filename in _WHEEL_FILES.items():
        folder = root / name
        source = wheel_models / filename
        if not (folder / "inference.yml").exists():
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / "inference.onnx"
            if not target.exists():
                target.symlink_to(source)
            config = _det_config() if name == DET_MODEL else _rec_config(source)
            staging = folder / "inference.yml.tmp"
            staging.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
            staging.replace(folder / "inference.yml")
        folders[name] = folder
    return folders


@contextlib.contextmanager
def _headless_opencv_accepted() -> Iterator[None]:
    """While PaddleX loads, report the installed cv2 as the opencv-contrib-python it asks for by name."""
    real_version = importlib.metadata.version

    def version(name: str) -> str:
        if name == _OPENCV_CONTRIB:
            return cv2.__version__
        return real_version(name)

    importlib.metadata.version = version
    try:
        yield
    finally:
        importlib.metadata.version = real_version


class PaddleOcrEngine:
    """paddleocr's TextDetection and TextRecognition models."""

    name = "paddle"

    def __init__(self, root: Path | None = None) -> None:
        os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
        folders = build_model_dirs(root or model_root())
        with _headless_opencv_accepted():
            from paddleocr import TextDetection, TextRecognition

            self._detector = TextDetection(
                engine="onnxruntime", model_name=DET_MODEL, model_dir=str(folders[DET_MODEL])
            )
            self._recogniser = TextRecognition(
                engine="onnxruntime", model_name=REC_MODEL, model_dir=str(folders[REC_MODEL])
            )

    def recognise(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        if not crops:
            return []
        # Batches are cut in input order and padded to their widest crop: sort by aspect ratio first.
        order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / max(1, crops[i].shape[0]))
        results = self._recogniser.predict([crops[i] for i in order], batch_size=6)
        readings: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for index, result in zip(order, results, strict=True):
            readings[index] = (str(result["rec_text"]), float(result["rec_score"]))
        return readings

    def detect(self, image: np.ndarray) -> list[Box]:
        boxes: list[Box] = []
        for result in self._detector.predict(image):
            for polygon in result["dt_polys"]:
                points = np.asarray(polygon, dtype=float)
                x0, y0 = points.min(axis=0)
                x1, y1 = points.max(axis=0)
                boxes.append((float(x0), float(y0), float(x1), float(y1)))
        return boxes
