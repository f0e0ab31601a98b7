"""Training windows from labels: which stretches of which half are highlights, which are not.

The window around each event follows a :class:`~soccer_highlights.config.WindowSpec` (the modes
are in ``config.WINDOW_MODES``: the seed's 15 s windows, or the short ones it proposed).
Negatives come from other events and from event-free stretches, at a configurable ratio; no
window crosses a half's bounds, and no negative overlaps a highlight's window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from soccer_highlights.audiovisual.config import WindowSpec
from soccer_highlights.soccernet.labels import Event


@dataclass(frozen=True)
class TrainingWindow:
    game: str
    video: Path
    half: int
    start_s: float
    label: int
    source: str
    """``event:<class>`` or ``background``: where the window came from, for inspection."""


def clamp_start(anchor_s: float, spec: WindowSpec, duration_s: float) -> float:
    """The window's start for an anchor, shifted (not cut) to lie inside the half."""
    return float(np.clip(anchor_s - spec.before_s, 0.0, max(0.0, duration_s - spec.length_s)))


def windows_for_half(
    game: str,
    video: Path,
    half: int,
    duration_s: float,
    events: Sequence[Event],
    highlight_classes: Iterable[str],
    spec: WindowSpec,
    negative_ratio: float,
    rng: np.random.Generator,
    every_event: bool = False,
) -> list[TrainingWindow]:
    """The half's windows. ``every_event``: every non-highlight event is a negative, not a sample of
    them at ``negative_ratio`` (for validation: the rare look-alikes, a card's close-up or a foul's
    roar, are what tells a model that uses both modalities from one that uses one, and a sample
    easily misses them)."""
    classes = set(highlight_classes)
    highs = np.array([e.time_s for e in events if e.label in classes and e.time_s <= duration_s])
    windows = [
        TrainingWindow(game, video, half, clamp_start(t, spec, duration_s), 1, f"event:{e.label}")
        for e in events
        if e.label in classes and (t := e.time_s) <= duration_s
    ]

    def clear_of_highlights(t: float) -> bool:
        return len(highs) == 0 or np.min(np.abs(highs - t)) > spec.length_s

    n_negative = round(negative_ratio * max(1, len(windows)))
    others = [e for e in events if e.label not in classes and e.time_s <= duration_s and clear_of_highlights(e.time_s)]
    picked = rng.permutation(len(others))[: len(others) if every_event else n_negative // 2]
    for i in sorted(picked):
        e = others[i]
        windows.append(
            TrainingWindow(game, video, half, clamp_start(e.time_s, spec, duration_s), 0, f"event:{e.label}")
        )
    if spec.near_miss_s:
        for t in highs:
            for shifted in (t - spec.near_miss_s, t + spec.near_miss_s):
                if spec.before_s <= shifted <= duration_s - spec.after_s and np.min(np.abs(highs - shifted)) > 1.0:
                    windows.append(
                        TrainingWindow(game, video, half, clamp_start(shifted, spec, duration_s), 0, "near-miss")
                    )
    n_background = n_negative // 2 if every_event else n_negative - len(picked)
    event_times = np.array([e.time_s for e in events])
    for _ in range(n_background * 50):
        if n_background == 0:
            break
        t = float(rng.uniform(spec.before_s, max(spec.before_s, duration_s - spec.after_s)))
        if clear_of_highlights(t) and (len(event_times) == 0 or np.min(np.abs(event_times - t)) > spec.after_s):
            windows.append(TrainingWindow(game, video, half, clamp_start(t, spec, duration_s), 0, "background"))
            n_background -= 1
    return windows
