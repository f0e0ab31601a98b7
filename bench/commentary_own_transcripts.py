"""The commentary spotter on our own transcripts: what ``transcribe`` (faster-whisper tiny.en and
base, offline) makes of the real Arsenal 3-3 Anderlecht clips, against SoccerNet-Echoes'
whisper_v3 transcript of the same half. Real audio, real transcripts. Writes
``bench/commentary_own_transcripts.json``.

1. **How a small Whisper degrades a transcript**: each clip transcribed by both models, placed on
   the half's clock (the clips' match clock: clip30 starts at 28:03 and the label's goal is at
   1682.2 s), and compared with Echoes' lines over the same span: words, lines, how long a line
   lasts, the share of Echoes' words ours also heard, and the shift that best aligns the two
   (Echoes' own clock runs early in this half).
2. **The spotter on them**: Echoes' half with each clip's span replaced by our lines (on Echoes'
   clock, by the measured shift): where the goal of clip30 ranks among the half's Goal predictions
   and with what confidence, against Echoes' own lines there. The shipped spotter never saw this
   game (it is kept out of the shipped fit).

    python bench/commentary_own_transcripts.py [WEIGHTS.npz ...]
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import numpy as np

from soccer_highlights.commentary.config import SPOT_NMS_S
from soccer_highlights.commentary.model import HalfLines, SpotterWeights
from soccer_highlights.soccernet.transcripts import Line, load_transcript

HERE = Path(__file__).parent
SHARED = HERE.parent.parent / "shared" / "data"
WORK = HERE / "work" / "commentary"
GAME = "europe_uefa-champions-league/2014-2015/2014-11-04 - 22-45 Arsenal 3 - 3 Anderlecht"
ECHOES = SHARED / "soccernet-echoes-sample" / "whisper_v3" / GAME / "1_asr.json"
CLIPS = {"clip0": 52.0, "clip12": 699.0, "clip26": 1545.0, "clip29": 1632.0, "clip30": 1683.0}
"""Each clip's start on the half's clock: its match clock at its start (README: 00:52, 11:39,
25:45, 27:12, 28:03), which runs with the labels' clock in this half (the label's goal, 28:02 on
the match clock, lies at 1682.2 s)."""
GOAL_S = 1682.2
"""The label of clip30's goal (Sanchez), half 1."""
MODELS = ("tiny.en", "base")
WORDS = re.compile(r"[a-z']+")


def words(lines) -> list[str]:
    return [w for x in lines for w in WORDS.findall(x.text.lower())]


def transcripts(model: str) -> dict[str, list[Line]]:
    """Each clip's lines by ``model``, seconds from the clip's start (cached under bench/work)."""
    from soccer_highlights.commentary.transcribe import transcribe_video

    cache = WORK / f"own_{model}.json"
    if cache.is_file():
        return {k: [Line(*x) for x in v] for k, v in json.loads(cache.read_text()).items()}
    out, seconds = {}, 0.0
    for clip in CLIPS:
        started = time.perf_counter()
        out[clip] = transcribe_video(SHARED / "real-clips" / f"arsenal-anderlecht-2014-h1-{clip}.mkv", model)
        seconds += time.perf_counter() - started
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps({k: [[x.start_s, x.end_s, x.text] for x in v] for k, v in out.items()}))
    return out


def clip_length(clip: str) -> float:
    from soccer_highlights.media.probe import probe

    return probe(SHARED / "real-clips" / f"arsenal-anderlecht-2014-h1-{clip}.mkv").duration_s


def best_shift(ours: list[Line], echoes: list[Line]) -> float:
    """The shift (s) that puts our lines' words where Echoes says the same words (within 3 s)."""

    def hits(shift: float) -> int:
        total = 0
        for line in ours:
            near = {w for x in echoes if abs(x.start_s - (line.start_s + shift)) <= 3 + (x.end_s - x.start_s)
                    for w in WORDS.findall(x.text.lower())}  # fmt: skip
            total += sum(len(w) > 3 and w in near for w in WORDS.findall(line.text.lower()))
        return total

    shifts = np.arange(-30.0, 30.5, 0.5)
    scores = [hits(s) for s in shifts]
    return float(shifts[int(np.argmax(scores))]) if max(scores) > 0 else 0.0


def compare(ours: list[Line], echoes: list[Line]) -> dict:
    mine, theirs = words(ours), words(echoes)
    vocab = set(mine)
    return {
        "lines": len(ours),
        "echoes_lines": len(echoes),
        "words": len(mine),
        "echoes_words": len(theirs),
        "echoes_words_heard": round(sum(w in vocab for w in theirs) / max(len(theirs), 1), 3),
        "median_line_s": round(float(np.median([x.end_s - x.start_s for x in ours])), 2) if ours else None,
        "echoes_median_line_s": round(float(np.median([x.end_s - x.start_s for x in echoes])), 2) if echoes else None,
        "capitals": round(sum(c.isupper() for x in ours for c in x.text) / max(sum(len(x.text) for x in ours), 1), 3),
        "echoes_capitals": round(
            sum(c.isupper() for x in echoes for c in x.text) / max(sum(len(x.text) for x in echoes), 1), 3
        ),
        "punctuation_per_line": round(sum(len(re.findall(r"[.,!?]", x.text)) for x in ours) / max(len(ours), 1), 2),
        "echoes_punctuation_per_line": round(
            sum(len(re.findall(r"[.,!?]", x.text)) for x in echoes) / max(len(echoes), 1), 2
        ),
    }


def goal_rank(weights: SpotterWeights, lines: list[Line]) -> dict:
    preds = [p for p in weights.spot(HalfLines.build(GAME, 1, lines), SPOT_NMS_S) if p.label == "Goal"]
    preds.sort(key=lambda p: -p.confidence)
    for rank, p in enumerate(preds, 1):
        if abs(p.time_s - GOAL_S) <= 30:
            return {"rank": rank, "time_s": p.time_s, "confidence": round(p.confidence, 3), "candidates": len(preds)}
    return {"rank": None, "candidates": len(preds)}


def main(weight_paths: list[Path]) -> dict:
    echoes = load_transcript(ECHOES)
    lengths = {clip: clip_length(clip) for clip in CLIPS}
    report: dict = {
        "input": "real: the Arsenal 3-3 Anderlecht clips' sound transcribed here; SoccerNet-Echoes whisper_v3 "
        "of the same half",
        "clips": {c: [CLIPS[c], round(CLIPS[c] + lengths[c], 1)] for c in CLIPS},
        "goal_s": GOAL_S,
        "models": {},
    }
    spliced: dict[str, list[Line]] = {"echoes": echoes}
    for model in MODELS:
        own = transcripts(model)
        per_clip, replaced = {}, list(echoes)
        for clip, start in CLIPS.items():
            placed = [Line(start + x.start_s, start + x.end_s, x.text) for x in own[clip]]
            end = start + lengths[clip]
            shift = best_shift(placed, [x for x in echoes if start - 40 <= x.start_s <= end + 40])
            span = [x for x in echoes if start + shift <= x.start_s < end + shift]
            per_clip[clip] = {"shift_s": shift, **compare(placed, span), "text": " | ".join(x.text for x in placed)}
            replaced = [x for x in replaced if not start + shift <= x.start_s < end + shift]
            replaced += [Line(x.start_s + shift, x.end_s + shift, x.text) for x in placed]
        spliced[model] = sorted(replaced, key=lambda x: x.start_s)
        all_own = [x for c in CLIPS for x in own[c]]
        report["models"][model] = {"clips": per_clip, "total": compare(all_own, [])}
    report["spotter"] = {}
    for path in weight_paths:
        weights = SpotterWeights.load(path)
        report["spotter"][path.name] = {name: goal_rank(weights, lines) for name, lines in spliced.items()}
    out = HERE / "commentary_own_transcripts.json"
    out.write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or [HERE.parent / "src/soccer_highlights/commentary/commentary_spotter.npz"]
    print(json.dumps(main(paths), indent=2))
