"""The OCR models, offline: PP-OCR's text recogniser and text detector, shipped as ONNX files inside
the ``rapidocr`` wheel from PyPI and run here on ONNX Runtime directly. Nothing is downloaded: the model files are
checked against their known SHA-256 digests when first loaded, and a missing package or a changed
file is a clear error saying what to install.

The recogniser does the reading: the score bug's place is found once per half (``locate.py``), so
each read is one small crop already scaled to the recogniser's line height, about 15 ms on two
cores. The detector only tells a found bug's rows of text apart (a clock on a row of its own), on a
few looks of the bug's box, and only where reading the box as one line shows no clock.
The wheel's own pipeline (``rapidocr.RapidOCR``) is not imported: its preprocessing is a resize
the caller has already done, its decoding a few lines of CTC below, and importing it (with OpenCV)
cost about a second per run, a sixth of reading a 45-minute half's bug. A test holds this reader
to the wheel's pipeline on real crops.
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


LINE_HEIGHT = 48
"""The recogniser's input height (PP-OCR's ``rec_img_shape``)."""
MIN_WIDTH = 320
"""Shorter lines are padded to this width, as PP-OCR does."""


DET_SCALE_LINES = 720
"""The detector sees the picture as if it were this many lines tall: a 224p bug's 8-pixel letters
are then about 25 pixels, the size PP-OCR's detector was trained on, and a 1080p one's shrink."""
DET_THRESHOLD = 0.3
DET_BOX_SCORE = 0.5
"""PP-OCR's own thresholds: a pixel is text where the detector gives it 0.3; a box is kept where its
text pixels average 0.5."""


class TextDetector:
    """Where lines of text are in an RGB picture: PP-OCR's text detector from the same wheel (a
    probability map of text pixels, thresholded and joined into boxes). It tells the score bug's
    parts apart (a clock in a box of its own, a second row, a half mark) that one box of lasting
    edges holds together; it runs on the bug's region of a few keyframes only (about 30 ms each)."""

    def __init__(self, threads: int = 1):
        self.session = _detector_session(threads)
        self.input_name = self.session.get_inputs()[0].name

    def detect(self, rgb: np.ndarray, scale: float = 1.0) -> list[tuple[int, int, int, int, float]]:
        """``(top, bottom, left, right, score)`` of each line of text in ``rgb``, in its pixels; the
        picture is looked at ``scale`` times its size (sides rounded to the model's multiple of 32)."""
        from PIL import Image

        from soccer_highlights.scoreboard.locate import component_boxes

        h, w = rgb.shape[:2]
        height, width = max(32, round(h * scale / 32) * 32), max(32, round(w * scale / 32) * 32)
        image = np.asarray(Image.fromarray(rgb).resize((width, height), Image.BILINEAR))
        batch = (image.astype(np.float32) / 127.5 - 1.0).transpose(2, 0, 1)[None]
        prob = self.session.run(None, {self.input_name: batch})[0][0, 0]
        mask = prob > DET_THRESHOLD
        sy, sx = h / height, w / width
        found = []
        for box in component_boxes(mask):
            inside = (slice(box.top, box.bottom), slice(box.left, box.right))
            score = float(prob[inside][mask[inside]].mean())
            if score < DET_BOX_SCORE or box.height < 3:
                continue
            pad = box.height * 0.3  # the detector's map hugs the letters' cores (PP-OCR unclips its boxes)
            found.append(
                (
                    max(0, int((box.top - pad) * sy)),
                    min(h, int(np.ceil((box.bottom + pad) * sy))),
                    max(0, int((box.left - pad) * sx)),
                    min(w, int(np.ceil((box.right + pad) * sx))),
                    score,
                )
            )
        return found


class TextReader:
    """Reads one line of text from a small RGB crop ``LINE_HEIGHT`` pixels tall."""

    def __init__(self, threads: int = 1):
        self.session, self.characters = _session(threads)
        self.input_name = self.session.get_inputs()[0].name

    def read(self, crop: np.ndarray) -> Line:
        if crop.ndim != 3 or crop.shape[0] != LINE_HEIGHT:
            raise ValueError(f"the recogniser reads RGB lines {LINE_HEIGHT} pixels tall, not {crop.shape}")
        width = crop.shape[1]
        batch = np.zeros((1, 3, LINE_HEIGHT, max(MIN_WIDTH, width)), np.float32)
        batch[0, :, :, :width] = crop.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0
        (probs,) = self.session.run(None, {self.input_name: batch})[0]
        return ctc_line(probs, self.characters, width / batch.shape[3])


def ctc_line(probs: np.ndarray, characters: list[str], used: float = 1.0) -> Line:
    """The text of one line from the recogniser's per-step class probabilities ``(steps, classes)``
    (class 0 is CTC's blank): the best class per step, repeats merged, blanks dropped. Its
    confidence is the mean probability of the characters kept; each character's place is its step
    across the ``used`` share of the input that held the picture (the rest was padding)."""
    best = probs.argmax(axis=1)
    keep = best != 0
    keep[1:] &= best[1:] != best[:-1]
    steps = np.flatnonzero(keep)
    if not len(steps):
        return Line("", 0.0)
    text = "".join(characters[i] for i in best[steps])
    confidence = float(probs[steps, best[steps]].mean())
    return Line(text, confidence, tuple(float(s) / (len(best) * used) for s in steps))


def model_files(tasks: tuple[str, ...] = tuple(MODELS)) -> dict[str, Path]:
    """The shipped model files of ``tasks`` (``det``, ``cls``, ``rec``), each checked against its digest."""
    try:
        import rapidocr
    except ImportError:
        raise ConfigError(
            "reading the score bug needs the OCR model: pip install 'soccer-highlights[scoreboard]' "
            "(rapidocr ships PP-OCR's models in its wheel; nothing is downloaded)"
        ) from None
    folder = Path(rapidocr.__file__).parent / "models"
    files = {}
    for task in tasks:
        name, digest = MODELS[task]
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


def _options(threads: int):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = False
    # ONNX Runtime's threads spin for a while after each call, waiting for the next: between reads
    # the keyframes are decoded, and spinning threads took the cores from the decoder (a 45-minute
    # half's reading used 10 s of CPU in 5.2 s; 6.7 s in 4.5 s without spinning)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return options


@cache
def _detector_session(threads: int):
    import onnxruntime as ort

    path = model_files(("det",))["det"]
    return ort.InferenceSession(str(path), _options(threads), providers=["CPUExecutionProvider"])


@cache
def _session(threads: int):
    """The recogniser's ONNX Runtime session and its alphabet (stored in the model's metadata; a
    space is the last class, CTC's blank the first)."""
    import onnxruntime as ort

    path = model_files(("rec",))["rec"]
    session = ort.InferenceSession(str(path), _options(threads), providers=["CPUExecutionProvider"])
    alphabet = session.get_modelmeta().custom_metadata_map["character"].splitlines()
    return session, ["", *alphabet, " "]
