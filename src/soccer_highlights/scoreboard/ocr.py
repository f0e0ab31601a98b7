"""The OCR model, offline: PP-OCR's text recogniser, shipped as an ONNX file inside the ``rapidocr``
wheel from PyPI and run on ONNX Runtime (which the tool already uses). Nothing is downloaded: the
model files are checked against their known SHA-256 digests when first loaded, and a missing
package or a changed file is a clear error saying what to install.

Only the recogniser runs: the score bug's place is found once per half (``locate.py``), so each
read is one small crop scaled to the recogniser's line height, about 25 ms on one CPU core.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from soccer_highlights.errors import ConfigError

log = logging.getLogger(__name__)

PACKAGE = "rapidocr"
MODELS = {
    "det": ("PP-OCRv6_det_small.onnx", "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f"),
    "cls": ("ch_ppocr_mobile_v2.0_cls_mobile.onnx", "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"),
    "rec": ("PP-OCRv6_rec_small.onnx", "6f327246b50388f3c176ae304bd95767ea6dc0c9ae92153ef8cbe210b3c14884"),
}
"""The model files of rapidocr 3.10.0 and their SHA-256: what the reader was measured with."""


@dataclass(frozen=True)
class Line:
    text: str
    confidence: float
    positions: tuple[float, ...] = ()
    """Where each character of ``text`` (spaces included) sits across the image, from 0 (left edge)
    to 1 (right edge), from the recogniser's own alignment; empty where it gave none."""


class TextReader:
    """Reads one line of text from a small RGB crop."""

    def __init__(self, threads: int = 1):
        self.engine = _engine(threads)

    def read(self, crop: np.ndarray) -> Line:
        result = self.engine(crop, use_det=False, use_cls=False, use_rec=True, return_word_box=True)
        texts, scores = result.txts or (), result.scores or ()
        if not texts:
            return Line("", 0.0)
        return Line(" ".join(texts), float(min(scores)), _positions(result))


def _positions(result) -> tuple[float, ...]:
    """Each character's place (0-1 across the line), spaces halfway between their neighbours."""
    try:
        (info,) = result.word_results
        places: list[float] = []
        for k, cols in enumerate(info.word_cols):
            if k:
                places.append((places[-1] + cols[0] / info.line_txt_len) / 2)
            places.extend(c / info.line_txt_len for c in cols)
        return tuple(places)
    except (AttributeError, TypeError, ValueError, ZeroDivisionError):
        return ()


def model_files() -> dict[str, Path]:
    """The shipped model files, each checked against its digest."""
    try:
        import rapidocr
    except ImportError:
        raise ConfigError(
            "reading the score bug needs the OCR model: pip install 'soccer-highlights[scoreboard]' "
            "(rapidocr ships PP-OCR's models in its wheel; nothing is downloaded)"
        ) from None
    folder = Path(rapidocr.__file__).parent / "models"
    files = {}
    for task, (name, digest) in MODELS.items():
        path = folder / name
        if not path.is_file():
            raise ConfigError(f"{path}: the OCR model file is missing; reinstall rapidocr==3.10.0")
        if _sha256(path) != digest:
            raise ConfigError(f"{path}: not the OCR model this tool was measured with (its SHA-256 differs)")
        files[task] = path
    return files


@cache
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@cache
def _engine(threads: int):
    from rapidocr import RapidOCR

    files = model_files()
    params = {
        "Global.log_level": "error",
        "Det.model_path": str(files["det"]),
        "Cls.model_path": str(files["cls"]),
        "Rec.model_path": str(files["rec"]),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return RapidOCR(params=params)
