"""How the shipped recogniser reads each synthetic score-bug family's parts, cropped where the
truth says they are (no finding, no voting): a measure of the drawings' legibility to the reader
and of which separators it mistakes for characters. Synthetic input: no evidence of how real
bugs are read, and the families are not tuned to it.

For each family, size and seed: a random state (scores 0-9, a clock, sometimes stoppage time)
drawn over grass; the clock, both team names and the score are each cropped (the score from the
home digit to the away digit; one crop per digit where they lie on two rows), scaled to the
recogniser's line height and read. A read is right when it equals the part's text (the score:
when its digits, separators dropped, are the two digits in order and nothing else).

    .venv/bin/python bench/synth_bug_reads.py [--seeds 10] [--out bug_reads.json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
from PIL import Image

from soccer_highlights.fileio import atomic_write_text
from soccer_highlights.scoreboard.ocr import LINE_HEIGHT, TextReader
from soccer_highlights.synth_bugs import BUG_FAMILIES, BugState, draw_bug

SIZES = ((398, 224), (1280, 720), (1920, 1080))


def read(reader: TextReader, frame: np.ndarray, box: tuple[int, int, int, int]) -> str:
    x0, y0, x1, y1 = box
    m = round((y1 - y0) * 0.3)
    crop = Image.fromarray(frame[max(0, y0 - m) : y1 + m, max(0, x0 - m) : x1 + m])
    width = max(1, round(crop.width * LINE_HEIGHT / crop.height))
    return reader.read(np.asarray(crop.resize((width, LINE_HEIGHT), Image.BILINEAR))).text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    reader = TextReader(2)
    right: dict = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    wrong_examples: dict = defaultdict(list)
    for name, family in BUG_FAMILIES.items():
        for (width, height), seed in ((s, k) for s in SIZES for k in range(args.seeds)):
            rng = np.random.default_rng(seed)
            style = family.style(width, height, rng)
            home, away = family.teams(rng)
            state = BugState(
                home,
                away,
                int(rng.integers(10)),
                int(rng.integers(10)),
                clock_s=float(rng.integers(0, 95 * 60)),
                added_min=int(rng.integers(1, 6)) if rng.random() < 0.2 else 0,
                aggregate=(int(rng.integers(10)), int(rng.integers(10))),
            )
            bug = draw_bug(family, style, state)
            frame = np.zeros((height, width, 3), np.uint8)
            frame[:] = (40, 130, 45)
            bug.paste(frame)
            parts = bug.parts
            keys = [k for k in ("clock", "home_team", "away_team", "aggregate") if k in parts]
            reads = {k: (read(reader, frame, parts[k].box), parts[k].text) for k in keys}
            hd, ad = parts["home_digit"].box, parts["away_digit"].box
            if hd[3] <= ad[1]:  # two rows
                text = read(reader, frame, hd) + " " + read(reader, frame, ad)
            else:
                text = read(reader, frame, (hd[0], min(hd[1], ad[1]), ad[2], max(hd[3], ad[3])))
            reads["score"] = (text, f"{state.home}-{state.away}")
            for key, (got, truth) in reads.items():
                ok = re.sub(r"\D", "", got) == f"{state.home}{state.away}" if key == "score" else got.strip() == truth
                right[name][f"{key}@{height}p"][0] += ok
                right[name][f"{key}@{height}p"][1] += 1
                if not ok and len(wrong_examples[name]) < 6:
                    wrong_examples[name].append({"part": key, "size": f"{width}x{height}", "read": got, "truth": truth})
    report = {
        "input": "synthetic score bugs (synth_bugs.py), parts cropped from the truth",
        "seeds": args.seeds,
        "right": {name: {k: f"{a}/{n}" for k, (a, n) in sorted(parts.items())} for name, parts in right.items()},
        "wrong_examples": wrong_examples,
    }
    text = json.dumps(report, indent=1, ensure_ascii=False)
    if args.out:
        atomic_write_text(args.out, text)
    print(text)


if __name__ == "__main__":
    main()
