"""Each transcript line as a TF-IDF vector of hashed character 2-5-grams and word 1-2-grams.

Character n-grams read any language and Whisper's misspellings ("goool", "golazo", "tor"); word
pairs read what single words miss ("what a", "it's in", "wide of"). Everything is hashed into a
fixed number of buckets (CRC-32, the same on every machine), so no vocabulary ships and no
language model is needed. Each line's counts are damped (``1 + log``), weighted by the buckets'
inverse document frequency from the training lines, and scaled to unit length, as
scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` does; but the code here is numpy alone, so
detection loads neither scikit-learn nor SciPy.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

N_BUCKETS = 1 << 18
CHAR_NGRAMS = (2, 3, 4, 5)
WORD = re.compile(r"\w+|[!?]", re.UNICODE)
SPACES = re.compile(r"\s+")


def line_tokens(text: str) -> list[str]:
    """Character 2-5-grams of each word (with a space either side, as ``char_wb`` does), the words
    and the pairs of neighbouring words, tagged so that a word never shares a bucket with an n-gram
    of the same letters."""
    text = SPACES.sub(" ", text.lower()).strip()
    words = WORD.findall(text)
    out = [f"w {w}" for w in words]
    out += [f"b {a} {b}" for a, b in itertools.pairwise(words)]
    for word in words:
        padded = f" {word} "
        for n in CHAR_NGRAMS:
            out += [padded[i : i + n] for i in range(max(1, len(padded) - n + 1))]
    return out


def bucket_counts(text: str, n_buckets: int = N_BUCKETS) -> tuple[np.ndarray, np.ndarray]:
    """One line's (bucket ids, counts), ids sorted."""
    ids = np.fromiter((zlib.crc32(t.encode("utf-8")) % n_buckets for t in line_tokens(text)), np.int64)
    return np.unique(ids, return_counts=True) if len(ids) else (ids, np.zeros(0, np.int64))


@dataclass(frozen=True)
class LineBags:
    """Many lines' hashed counts as one sparse matrix in CSR arrays (rows = lines)."""

    indptr: np.ndarray
    indices: np.ndarray
    counts: np.ndarray

    @classmethod
    def of(cls, texts: Sequence[str], n_buckets: int = N_BUCKETS) -> LineBags:
        pairs = [bucket_counts(t, n_buckets) for t in texts]
        indptr = np.cumsum([0] + [len(ids) for ids, _ in pairs]).astype(np.int64)
        indices = np.concatenate([ids for ids, _ in pairs]) if pairs else np.zeros(0, np.int64)
        counts = np.concatenate([c for _, c in pairs]) if pairs else np.zeros(0, np.int64)
        return cls(indptr, indices.astype(np.int32), counts.astype(np.float32))

    def __len__(self) -> int:
        return len(self.indptr) - 1

    def tfidf(self, idf: np.ndarray) -> np.ndarray:
        """The CSR values: ``(1 + log count) * idf``, each row scaled to unit length."""
        values = (1.0 + np.log(np.maximum(self.counts, 1.0))) * idf[self.indices]
        rows = np.repeat(np.arange(len(self)), np.diff(self.indptr))
        norms = np.sqrt(np.bincount(rows, values.astype(np.float64) ** 2, minlength=len(self)))
        return (values / np.maximum(norms[rows], 1e-12)).astype(np.float32)

    def scores(self, idf: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
        """``(lines, models)`` logits of linear models ``weights`` (n_buckets, models) on the TF-IDF rows."""
        values = self.tfidf(idf)
        out = np.tile(bias.astype(np.float64), (len(self), 1))
        if not len(values):
            return out
        contributions = weights[self.indices].astype(np.float64) * values[:, None]
        filled = np.diff(self.indptr) > 0
        out[filled] += np.add.reduceat(contributions, self.indptr[:-1][filled], axis=0)
        return out


def document_frequency_idf(bags: LineBags, n_buckets: int = N_BUCKETS) -> np.ndarray:
    """Smoothed inverse document frequency, ``log((1 + n) / (1 + df)) + 1``, per bucket."""
    df = np.bincount(bags.indices, minlength=n_buckets)
    return (np.log((1 + len(bags)) / (1 + df)) + 1.0).astype(np.float32)
