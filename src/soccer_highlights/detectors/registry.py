"""The registry of detectors by name, and :class:`DetectorSpec`, the same choice as plain data.

A :class:`DetectorSpec` is checked once, when it is made (a known name, options that detector
takes), can travel to a Ray worker (it is plain data) and builds its detector where the work runs.
Fusion specs hold their parts as specs. ``device="auto"`` is resolved when the detector is built,
on the machine that runs it. Each factory imports its modality only when called, so the
training-free path never loads PyTorch.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from soccer_highlights.core import Detector
from soccer_highlights.errors import ConfigError

if TYPE_CHECKING:
    from soccer_highlights.audiovisual.detector import LearnedDetector
    from soccer_highlights.commentary.detector import CommentaryDetector
    from soccer_highlights.crowd.excitement import AudioExcitementDetector
    from soccer_highlights.detectors.fusion import FusionDetector
    from soccer_highlights.detectors.imported import PredictionsDetector
    from soccer_highlights.scoreboard.detector import ScoreboardDetector


def _crowd(config: Any = None, audio: Any = None) -> AudioExcitementDetector:
    from soccer_highlights.crowd.excitement import AudioExcitementDetector

    return AudioExcitementDetector(config, audio)


def _learned(checkpoint: Any = None, config: Any = None, device: str = "cpu") -> LearnedDetector:
    if checkpoint is None:
        raise ConfigError(
            "the 'audio-visual-model' detector needs a checkpoint: get_detector('model', checkpoint='model.ckpt')"
        )
    from soccer_highlights.audiovisual.detector import LearnedDetector

    return LearnedDetector(checkpoint, config, device)


def _predictions(path: Any = None, class_weights: Any = None) -> PredictionsDetector:
    if path is None:
        raise ConfigError(
            "the 'imported-predictions' detector needs a file: "
            "get_detector('predictions', path='results_spotting.json')"
        )
    from soccer_highlights.detectors.imported import PredictionsDetector

    return PredictionsDetector.from_file(path, class_weights)


def _commentary(weights: Any = None, transcripts_dir: Any = None, class_weights: Any = None) -> CommentaryDetector:
    from soccer_highlights.commentary.detector import CommentaryDetector

    return CommentaryDetector(weights, transcripts_dir, class_weights)


def _scoreboard(config: Any = None, sound: Any = "audio-excitement") -> ScoreboardDetector:
    from soccer_highlights.scoreboard.detector import ScoreboardDetector

    if isinstance(sound, str | DetectorSpec):
        sound = get_detector(sound)
    return ScoreboardDetector(config, sound)


def _fusion(parts: Sequence[Any] = (), hop_s: float = 0.5) -> FusionDetector:
    from soccer_highlights.detectors.fusion import FusionDetector

    built = [p if isinstance(p, Detector) else (p if isinstance(p, DetectorSpec) else DetectorSpec(p)).build()
             for p in parts]  # fmt: skip
    for part in built:  # a scoreboard places its goals on the sound of a part beside it: scored once
        sound = getattr(part, "sound", None)
        same = next((p for p in built if sound is not None and p is not part and p.name == sound.name), None)
        if same is not None:
            part.sound = same
    return FusionDetector(built, hop_s)


REGISTRY: dict[str, Callable[..., Detector]] = {
    "audio-excitement": _crowd,
    "commentary": _commentary,
    "audio-visual-model": _learned,
    "imported-predictions": _predictions,
    "fusion": _fusion,
    "scoreboard": _scoreboard,
}
ALIASES = {"audio": "audio-excitement", "model": "audio-visual-model", "predictions": "imported-predictions"}
"""Short names for the command line and the Python front door."""


def canonical_name(name: str) -> str:
    """The registry's name for ``name`` (an alias or a name), or a ConfigError listing the known ones."""
    name = ALIASES.get(name, name)
    if name not in REGISTRY:
        known = ", ".join([*list_detectors(), *(f"{a} (= {n})" for a, n in ALIASES.items())])
        raise ConfigError(f"unknown detector {name!r}; known: {known}")
    return name


def list_detectors() -> list[str]:
    return sorted(REGISTRY)


def get_detector(name: str | DetectorSpec, **options: Any) -> Detector:
    """A detector by name (or alias) with its options, or from a :class:`DetectorSpec`."""
    if isinstance(name, DetectorSpec):
        return name.build()
    canonical = canonical_name(name)
    return REGISTRY[canonical](**options)


@dataclass(frozen=True)
class DetectorSpec:
    """A registry name (or alias) and the options its factory takes."""

    name: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        name = canonical_name(self.name)
        object.__setattr__(self, "name", name)
        options = dict(self.options)
        if name == "fusion":
            parts = options.get("parts") or []
            options["parts"] = tuple(p if isinstance(p, DetectorSpec) else _part(p) for p in parts)
        for key, value in options.items():
            if isinstance(value, Path):
                options[key] = str(value)
        accepted = inspect.signature(REGISTRY[name]).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            unknown = sorted(set(options) - set(accepted))
            if unknown:
                raise ConfigError(f"the {name!r} detector takes no option(s) {unknown}; it takes {sorted(accepted)}")
        object.__setattr__(self, "options", options)

    def build(self) -> Detector:
        options = dict(self.options)
        if self.name == "fusion":
            options["parts"] = [p.build() for p in options["parts"]]
        if options.get("device") == "auto":
            from soccer_highlights.runtime.device import choose_device

            options["device"] = choose_device()
        return REGISTRY[self.name](**options)

    def with_part(self, part: DetectorSpec) -> DetectorSpec:
        """This detector fused with ``part`` (a fusion gains one more part)."""
        if self.name == "fusion":
            return DetectorSpec("fusion", {**self.options, "parts": (*self.options["parts"], part)})
        return DetectorSpec("fusion", {"parts": (self, part)})

    @classmethod
    def choose(
        cls,
        model: str | Path | None = None,
        predictions: str | Path | None = None,
        class_weights: Mapping[str, float] | None = None,
        device: str = "auto",
        scoreboard: bool = False,
    ) -> DetectorSpec:
        """The detector that the command line's ``--model`` / ``--predictions`` / ``--class-weights``
        ask for: the audio-visual model, imported predictions, or (neither) the crowd; with
        ``scoreboard``, fused with the score bug's goals (what ``reel`` does by default)."""
        chosen = cls._choose(model, predictions, class_weights, device)
        return chosen.with_part(cls("scoreboard")) if scoreboard else chosen

    @classmethod
    def _choose(
        cls,
        model: str | Path | None,
        predictions: str | Path | None,
        class_weights: Mapping[str, float] | None,
        device: str,
    ) -> DetectorSpec:
        if model is not None and predictions is not None:
            raise ConfigError("--model and --predictions are two detectors: choose one")
        if class_weights is not None and predictions is None:
            raise ConfigError("--class-weights weighs imported predictions: it needs --predictions")
        if model is not None:
            return cls("audio-visual-model", {"checkpoint": Path(model).resolve(), "device": device})
        if predictions is not None:
            return cls("imported-predictions", {"path": Path(predictions).resolve(), "class_weights": class_weights})
        return cls("audio-excitement")


def _part(part: Any) -> DetectorSpec:
    if isinstance(part, str):
        return DetectorSpec(part)
    if isinstance(part, Sequence) and len(part) == 2 and isinstance(part[0], str):
        return DetectorSpec(part[0], dict(part[1]))
    raise ConfigError(f"a fusion part is a detector name or a DetectorSpec, got {part!r}")
