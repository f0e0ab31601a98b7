"""Commentary text as numbers: hashed words and character 4-grams, per second of a half.

Words carry the meaning in any language ("goal", "gol", "tor", "but"); character 4-grams carry it
across spellings, inflections and Whisper's misspellings ("goool", "golazo"). Everything is
hashed into a fixed number of buckets, so no vocabulary is stored and any language works. Three
special tokens count what is said, not what it means: ``<word>`` per word (speech rate),
``<line>`` per transcript line, and ``<repeat>`` when a line repeats the one before (Whisper
repeats itself when the commentary is drowned by the crowd, or when nothing is said).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from soccer_highlights.soccernet.transcripts import Line

N_BUCKETS = 1 << 15
WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    words = WORD.findall(text.lower())
    out = ["<line>"]
    for word in words:
        out += [word, "<word>"]
        padded = f" {word} "
        out += [padded[i : i + 4] for i in range(max(1, len(padded) - 3))]
    return out


def bucket(token: str, n_buckets: int = N_BUCKETS) -> int:
    return zlib.crc32(token.encode("utf-8")) % n_buckets


def second_bags(lines: Sequence[Line], n_seconds: int, n_buckets: int = N_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """Every token of the lines that start in second ``s`` (``s = 0 .. n_seconds - 1``), as flat
    bucket ids and the offset where each second's ids begin (``offsets[s]``; empty seconds allowed)."""
    per_second: list[list[int]] = [[] for _ in range(n_seconds)]
    previous = None
    for line in lines:
        second = int(line.start_s)
        if not 0 <= second < n_seconds:
            continue
        text = line.text.strip().lower()
        ids = [bucket("<repeat>", n_buckets)] if text == previous else [bucket(t, n_buckets) for t in tokens(text)]
        per_second[second] += ids
        previous = text
    offsets = np.cumsum([0] + [len(ids) for ids in per_second[:-1]]).astype(np.int64)
    flat = np.fromiter((i for ids in per_second for i in ids), dtype=np.int64)
    return flat, offsets
