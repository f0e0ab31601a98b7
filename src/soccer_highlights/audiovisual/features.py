"""Decode a half once, embed its frames and compute its log-mel spectrogram, through the cache.

Decoding runs in a thread of its own and hands batches of frames over a small queue while the
backbone embeds the previous batch (PyAV and PyTorch both release the GIL), so the slower of the
two sets the pace, and at most a few batches of frames are ever in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from soccer_highlights.audiovisual.backbones import Backbone, get_backbone
from soccer_highlights.audiovisual.cache import CacheEntry, entry_for, settings_key
from soccer_highlights.audiovisual.config import CACHE_WAIT_S, AudioFeatureSettings, VideoFeatureSettings
from soccer_highlights.audiovisual.logmel import stream_logmel
from soccer_highlights.core import ProgressFn
from soccer_highlights.errors import MediaError
from soccer_highlights.fileio import OutputLock, clean_stale_partials
from soccer_highlights.media.background import in_background
from soccer_highlights.media.decode import iter_audio, iter_frames
from soccer_highlights.media.probe import MediaInfo, probe

QUEUE_BATCHES = 4


@dataclass
class HalfFeatures:
    """A half's features on one clock: video row ``i`` at ``i / fps``, audio row ``j`` at ``j * hop_s``."""

    video: np.ndarray
    audio: np.ndarray
    fps: float
    hop_s: float
    duration_s: float

    def video_window(self, start_s: float, n_frames: int) -> np.ndarray:
        return _padded_rows(self.video, round(start_s * self.fps), n_frames)

    def audio_window(self, start_s: float, n_frames: int) -> np.ndarray:
        return _padded_rows(self.audio, round(start_s / self.hop_s), n_frames)


def cut_window(feats: HalfFeatures, start_s: float, length_s: float) -> tuple[np.ndarray, np.ndarray]:
    """The audio and video rows of one window, cut by the same start time and length."""
    n_video = max(1, round(length_s * feats.fps))
    return cut_audio(feats, start_s, length_s), feats.video_window(start_s, n_video)


def cut_audio(feats: HalfFeatures, start_s: float, length_s: float) -> np.ndarray:
    """The spectrogram rows of one window (alone, for fine-tuning, which embeds its own frames)."""
    return feats.audio_window(start_s, max(8, round(length_s / feats.hop_s)))


def _padded_rows(array: np.ndarray, first: int, n: int) -> np.ndarray:
    """Rows ``first .. first + n`` with edge rows repeated beyond the ends: a window reaching past a
    half's bounds sees the nearest real frame, never another half's."""
    index = np.clip(np.arange(first, first + n), 0, len(array) - 1)
    return np.asarray(array[index], dtype=np.float32)


class FeatureExtractor:
    def __init__(
        self,
        video: VideoFeatureSettings | None = None,
        audio: AudioFeatureSettings | None = None,
        device: str = "cpu",
        batch_size: int = 8,
        cache_root: Path | None = None,
        backbone: Backbone | None = None,
    ):
        self.video_settings = video or VideoFeatureSettings()
        self.audio_settings = audio or AudioFeatureSettings()
        self.device = device
        self.batch_size = batch_size
        self.cache_root = cache_root
        self._backbone: Backbone | None = backbone
        """Given: a backbone of its own (a fine-tuned one); otherwise loaded from the settings when needed."""

    @property
    def backbone(self) -> Backbone:
        if self._backbone is None:
            vs = self.video_settings
            self._backbone = get_backbone(vs.backbone, vs.weights, self.device)
        return self._backbone

    def entries(self, video: Path, audio_track: int = 0) -> tuple[CacheEntry, CacheEntry]:
        video_key = settings_key(self.video_settings, weights=self.backbone.weights_id)
        v = entry_for(video, "video", video_key, self.cache_root)
        extra = {"audio_track": audio_track} if audio_track else {}  # track 0 keeps the caches made before tracks
        a = entry_for(video, "audio", settings_key(self.audio_settings, **extra), self.cache_root)
        return v, a

    def is_cached(self, video: Path, audio_track: int = 0) -> bool:
        return all(e.done for e in self.entries(video, audio_track))

    def ensure(
        self, video: Path, progress: ProgressFn | None = None, with_video: bool = True, audio_track: int = 0
    ) -> HalfFeatures:
        """The half's features, computed and cached where missing, loaded (memory-mapped) otherwise.

        ``with_video=False`` computes the spectrogram alone (the video rows are then empty), for
        training that embeds frames itself.
        """
        video = Path(video)
        info = probe(video)
        if not info.has_audio:
            raise MediaError(f"{video}: has no audio track; the audio-visual model needs one")
        v_entry, a_entry = self.entries(video, audio_track)
        # one run per half's entries; a second run on the same video waits and then reads them
        lock = OutputLock(a_entry.array_path.parent, f".{video.name}.lock", CACHE_WAIT_S, f"the features of {video}")
        with lock:
            return self._ensure(video, info, v_entry, a_entry, progress, with_video, audio_track)

    def _ensure(
        self,
        video: Path,
        info: MediaInfo,
        v_entry: CacheEntry,
        a_entry: CacheEntry,
        progress: ProgressFn | None,
        with_video: bool,
        audio_track: int = 0,
    ) -> HalfFeatures:
        clean_stale_partials(a_entry.array_path.parent)
        for entry in (v_entry, a_entry):
            entry.discard_if_damaged()

        def save_audio() -> None:
            meta = self._meta(video, info.duration_s, asdict(self.audio_settings))
            if not a_entry.save_rows(self._audio_blocks(video, audio_track), meta):
                raise MediaError(f"{video}: no audio could be decoded")

        # The spectrogram is worked out in a thread of its own while the frames are embedded: its
        # decoding and FFTs fill the moments the backbone leaves a core idle.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="audio") as pool:
            audio_done = pool.submit(save_audio) if not a_entry.done else None
            if not v_entry.done and with_video:
                meta = self._meta(video, info.duration_s, asdict(self.video_settings))
                meta["weights_id"] = self.backbone.weights_id
                if not v_entry.save_rows(self._video_blocks(video, info.duration_s, progress), meta):
                    raise MediaError(f"{video}: no video frames could be decoded")
            elif progress:
                progress(info.duration_s)
            if audio_done is not None:
                audio_done.result()
        v = v_entry.load()[0] if v_entry.done else np.zeros((0, 0), np.float16)
        a, _ = a_entry.load()
        return HalfFeatures(v, a, self.video_settings.fps, self.audio_settings.hop_s, info.duration_s)

    def _meta(self, video: Path, duration_s: float, settings: dict) -> dict:
        return {"video": str(video), "duration_s": duration_s, "settings": settings}

    def _audio_blocks(self, video: Path, audio_track: int = 0) -> Iterator[np.ndarray]:
        s = self.audio_settings
        chunks = iter_audio(video, s.sample_rate, track=audio_track)
        return stream_logmel(chunks, s.sample_rate, s.hop_s, s.n_fft, s.n_mels)

    def _video_blocks(self, video: Path, duration_s: float, progress: ProgressFn | None) -> Iterator[np.ndarray]:
        for times, frames in in_background(self._frame_batches(video), QUEUE_BATCHES):
            yield self.backbone.embed(frames)
            if progress:
                progress(min(duration_s, float(times[-1])))

    def _frame_batches(self, video: Path) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        s = self.video_settings
        times, frames = [], []
        for frame in iter_frames(video, s.fps, (s.width, s.height)):
            times.append(frame.time_s)
            frames.append(frame.rgb)
            if len(frames) == self.batch_size:
                yield np.array(times), np.stack(frames)
                times, frames = [], []
        if frames:
            yield np.array(times), np.stack(frames)
