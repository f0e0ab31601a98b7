"""Streaming decode, frame-accurate cuts and a joined reel that keeps audio and video together."""

from __future__ import annotations

import itertools
from pathlib import Path

import av
import numpy as np
import pytest
from media_helpers import FPS, SR, audio_mark_onsets, video_mark_onsets, write_marked_video

from soccer_highlights.config import ReelConfig
from soccer_highlights.core import Half, Segment
from soccer_highlights.media import MediaError, probe
from soccer_highlights.media.cut import cut_clip
from soccer_highlights.media.decode import iter_audio, iter_frames, iter_keyframes, read_audio, read_stretch
from soccer_highlights.output.reel import write_reel

MARKS = [2.0, 9.32, 17.6, 23.08, 31.4, 38.0, 45.72, 52.36]


@pytest.fixture(scope="module")
def marked_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "marked.mkv"
    write_marked_video(path, 60.0, MARKS)
    return path


def test_probe_reads_the_headers(marked_video: Path) -> None:
    info = probe(marked_video)
    assert (info.width, info.height, info.fps) == (398, 224, 25.0)
    assert info.has_audio and info.sample_rate == 48_000 and info.channels == 2
    assert abs(info.duration_s - 60.0) < 0.1


def test_bad_files_raise_an_error_naming_the_file(tmp_path: Path) -> None:
    bogus = tmp_path / "match.mkv"
    bogus.write_bytes(b"this is not a video")
    with pytest.raises(MediaError, match=str(bogus)):
        probe(bogus)
    with pytest.raises(MediaError, match="no such file"):
        probe(tmp_path / "missing.mkv")


def test_frames_are_sampled_on_a_fixed_time_grid(marked_video: Path) -> None:
    frames = list(iter_frames(marked_video, fps=2.0, size=(224, 224)))
    assert len(frames) == 120
    assert [f.time_s for f in frames[:4]] == [0.0, 0.5, 1.0, 1.5]
    assert frames[0].rgb.shape == (224, 224, 3) and frames[0].rgb.dtype == np.uint8
    # the grey block encodes the source frame index: sample k at 2 fps is source frame 12.5k, rounded
    for f in frames[:20]:
        source_index = round(f.time_s * FPS)
        assert abs(int(f.rgb[5, 5, 0]) - (50 + 2 * (source_index % 100))) <= 6


def test_sampling_skips_unreferenced_frames_and_takes_the_nearest_left(tmp_path: Path) -> None:
    """Broadcast H.264 is mostly B-frames that no other frame needs: sampling at 2 fps leaves them
    undecoded, and each sample is then the nearest decoded frame, a frame or two from its time."""
    path = tmp_path / "bframes.mkv"
    write_marked_video(path, 20.0, [], with_audio=False, x264={"preset": "veryfast", "bframes": "3", "crf": "12"})
    exact = list(iter_frames(path, fps=2.0, skip_nonref=False))
    fast = list(iter_frames(path, fps=2.0))
    assert [f.time_s for f in fast] == [f.time_s for f in exact] == [k / 2 for k in range(40)]

    def source_index(f) -> int:
        level = (int(f.rgb[5, 5, 0]) - 50) / 2
        return round(level + 100 * round((f.time_s * FPS - level) / 100))

    # samples fall on or between frames at 2 fps (12.5 frames apart)
    assert all(abs(source_index(f) - f.time_s * FPS) <= 0.5 for f in exact)
    assert max(abs(source_index(f) - f.time_s * FPS) for f in fast) <= 1.0, "a frame at most from its time"
    assert any(source_index(f) != source_index(e) for f, e in zip(fast, exact, strict=True)), "frames were skipped"


def test_frame_window_from_the_middle_seeks(marked_video: Path) -> None:
    frames = list(iter_frames(marked_video, fps=5.0, start_s=30.0, end_s=33.0))
    assert [round(f.time_s, 2) for f in frames] == [round(30 + i / 5, 2) for i in range(15)]


def test_audio_chunks_are_contiguous_mono_and_complete(marked_video: Path) -> None:
    chunks = list(iter_audio(marked_video, 16_000, chunk_s=7.0))
    assert all(c.samples.dtype == np.float32 and c.samples.ndim == 1 for c in chunks)
    assert all(abs(a.end_s - b.start_s) < 1e-9 for a, b in itertools.pairwise(chunks))
    assert max(len(c.samples) for c in chunks) == 7 * 16_000
    assert abs(chunks[-1].end_s - 60.0) < 0.1


def test_decoded_audio_and_video_share_one_clock(marked_video: Path) -> None:
    video = video_mark_onsets(marked_video)
    audio = audio_mark_onsets(marked_video)
    assert len(video) == len(audio) == len(MARKS)
    for v, a, m in zip(video, audio, MARKS, strict=True):
        assert abs(v - m) <= 1.0 / FPS
        assert abs(a - m) <= 0.03


def test_a_stretch_of_sound_read_after_a_seek_keeps_the_clock(marked_video: Path) -> None:
    """What the scoreboard's goal windows read: the marks inside a stretch at their own times."""
    stretch = read_stretch(marked_video, SR, 15.0, 35.0)
    assert stretch.start_s == 15.0 and len(stretch.samples) == 20 * SR
    found = audio_mark_onsets(marked_video, stretch.samples, stretch.start_s)
    expected = [m for m in MARKS if 15.0 <= m < 35.0]
    assert len(found) == len(expected)
    assert all(abs(f - m) <= 0.03 for f, m in zip(found, expected, strict=True))


def test_a_region_of_a_keyframe_is_converted_alone_and_alike(marked_video: Path) -> None:
    """A keyframe's region in RGB, converted on its own, is the whole picture's conversion there."""
    region = (10, 60, 30, 170)
    pairs = zip(iter_keyframes(marked_video), iter_keyframes(marked_video, region=region), strict=True)
    for whole, part in itertools.islice(pairs, 5):
        assert whole.time_s == part.time_s
        difference = np.abs(part.rgb.astype(int) - whole.rgb[10:60, 30:170].astype(int))
        assert part.rgb.shape == (50, 140, 3)
        assert difference.mean() < 2.0 and difference.max() <= 12


def test_cut_starts_on_the_requested_frame(marked_video: Path, tmp_path: Path) -> None:
    spec = ReelConfig()
    for start in (7.24, 20.0, 33.48):  # not on keyframes (every 2 s)
        clip = tmp_path / f"cut{start}.ts"
        cut_clip(marked_video, start, start + 3.0, clip, spec, has_audio=True)
        first = next(iter_frames(clip, fps=25.0))
        expected = round(start * FPS)
        grey = int(first.rgb[5, 5, 0])
        assert abs(grey - (50 + 2 * (expected % 100))) <= 3, f"cut at {start}s began on the wrong frame"
        assert abs(probe(clip).duration_s - 3.0) < 0.1


def test_reel_length_is_the_sum_of_segments_and_stays_in_sync(marked_video: Path, tmp_path: Path) -> None:
    segments = [
        Segment(1, 0.5, 12.3, 9.3, 0.9, "t"),
        Segment(1, 16.0, 26.0, 17.6, 0.8, "t"),
        Segment(2, 30.1, 41.0, 38.0, 0.7, "t"),
        Segment(2, 44.0, 55.0, 45.7, 0.7, "t"),
    ]
    info = probe(marked_video)
    videos = {h: Half(h, info.duration_s, marked_video, True) for h in (1, 2)}
    dest = tmp_path / "reel.mp4"
    result = write_reel(segments, videos, dest, ReelConfig())
    expected_len = sum(s.duration_s for s in segments)
    reel_info = probe(dest)
    assert abs(reel_info.duration_s - expected_len) <= 0.2 * len(segments)
    assert abs(result.duration_s - expected_len) <= len(segments) * 0.5 / FPS + 1e-9
    with av.open(str(dest)) as c:
        n_frames = sum(1 for _ in c.decode(video=0))
    assert abs(n_frames / FPS - expected_len) <= 0.05 * len(segments)
    # where each mark should appear in the reel, and where it does, in picture and sound
    expected, offset = [], 0.0
    for seg in segments:
        expected += [offset + m - seg.start_s for m in MARKS if seg.start_s <= m and m + 0.2 <= seg.end_s]
        offset += seg.duration_s
    video = video_mark_onsets(dest)
    audio = audio_mark_onsets(dest)
    assert len(video) == len(audio) == len(expected) == 8
    for v, a, e in zip(video, audio, expected, strict=True):
        assert abs(v - e) <= 0.1, "picture drifted from the planned cut"
        assert abs(a - v) <= 0.045, "sound out of sync with picture"
    assert not (tmp_path / ".clips").exists(), "the clip cache is removed once the reel is written"


def test_reel_from_a_video_without_audio_gets_a_silent_track(tmp_path: Path) -> None:
    mute = tmp_path / "mute.mkv"
    write_marked_video(mute, 8.0, [2.0], with_audio=False)
    dest = tmp_path / "reel.mp4"
    write_reel([Segment(1, 1.0, 5.0, 2.0, 1.0, "t")], {1: Half(1, 8.0, mute, False)}, dest, ReelConfig())
    assert probe(dest).has_audio
    assert np.abs(read_audio(dest, 16_000)).max() < 1e-3


def test_an_interrupted_reel_resumes_from_its_finished_cuts(marked_video: Path, tmp_path: Path) -> None:
    from soccer_highlights.output.reel import CLIP_CACHE, clip_name

    spec = ReelConfig(width=398, height=224, fps=25)  # the spec the reel resolves to for this source
    first, second = Segment(1, 10.0, 14.0, 12.0, 0.9, "t"), Segment(1, 40.0, 44.0, 42.0, 0.9, "t")
    videos = {1: Half(1, 60.0, marked_video, True)}
    # as if a run had cut the first segment and then been stopped: plant a cut from elsewhere under its name
    cache = tmp_path / CLIP_CACHE
    cut_clip(marked_video, 20.0, 24.0, cache / clip_name(first, marked_video, spec), spec, has_audio=True)
    write_reel([first, second], videos, tmp_path / "reel.mp4", spec)
    frames = iter_frames(tmp_path / "reel.mp4", fps=25.0)
    grey = int(next(frames).rgb[5, 5, 0])
    assert abs(grey - (50 + 2 * (round(20.0 * FPS) % 100))) <= 3, "the finished cut was reused"
