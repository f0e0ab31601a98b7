"""Which cross-validation fold a game falls in: fixed by its name, the same on every machine."""

from __future__ import annotations

import hashlib


def fold_of(game: str, folds: int, salt: str = "") -> int:
    """A game's cross-validation fold, fixed by its name (the same on every machine); a ``salt``
    draws folds independent of the unsalted ones (inner folds within an outer fold's games)."""
    return int(hashlib.sha1((salt + game).encode()).hexdigest(), 16) % folds
