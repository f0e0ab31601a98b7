"""Backbones by name with offline weights, the log-mel clock, and the per-half feature cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from media_helpers import write_marked_video

from soccer_highlights.audiovisual.backbones import BackboneWeightsError, get_backbone, list_backbones
from soccer_highlights.audiovisual.config import AudioFeatureSettings, VideoFeatureSettings
from soccer_highlights.audiovisual.features import FeatureExtractor
from soccer_highlights.audiovisual.logmel import mel_filterbank, stream_logmel
from soccer_highlights.media.decode import AudioChunk

MARKS = [3.0, 11.5, 17.25]


@pytest.fixture(scope="module")
def marked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feat") / "1_224p.mkv"
    write_marked_video(path, 24.0, MARKS)
    return path


def test_default_backbone_has_imagenet_weights_offline() -> None:
    pretrained = get_backbone("efficientnet_lite0")
    random = get_backbone("efficientnet_lite0", weights="random")
    assert pretrained.dim == 1280 and pretrained.weights_id.startswith("efficientnet-lite0-")
    assert random.weights_id == "random"
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 255, (2, 128, 224, 3), dtype=np.uint8)
    a, b = pretrained.embed(frames), random.embed(frames)
    assert a.shape == (2, 1280) and np.isfinite(a).all()
    assert not np.allclose(a, b), "the ImageNet weights were really loaded"
    assert np.allclose(a, pretrained.embed(frames), atol=1e-5), "embeddings are deterministic"


def test_onnx_runtime_gives_pytorchs_embeddings_and_exports_once(private_model_cache: Path) -> None:
    """The CPU default runs the backbone in ONNX Runtime; the feature cache is shared with PyTorch,
    so both must give the same embeddings."""
    rng = np.random.default_rng(1)
    frames = rng.integers(0, 255, (3, 128, 224, 3), dtype=np.uint8)
    reference = get_backbone("efficientnet_lite0", engine="torch").embed(frames)
    fast = get_backbone("efficientnet_lite0", engine="auto")
    got = fast.embed(frames)
    assert fast._onnx[128, 224] is not None, "ONNX Runtime really ran"
    assert np.linalg.norm(got - reference) / np.linalg.norm(reference) < 1e-4
    (exported,) = (private_model_cache / "onnx").glob("efficientnet_lite0-128x224-*.onnx")
    stamp = exported.stat().st_mtime_ns
    again = get_backbone("efficientnet_lite0").embed(frames[:1])
    assert np.allclose(again, got[:1], atol=1e-5)
    assert exported.stat().st_mtime_ns == stamp, "a second run reuses the exported model"


def test_missing_torchvision_weights_say_how_to_get_them() -> None:
    cached = Path(torch.hub.get_dir()) / "checkpoints" / "resnet50-11ad3fa6.pth"
    if cached.exists():
        pytest.skip("resnet50 weights are in this machine's torch cache")
    with pytest.raises(BackboneWeightsError, match="weights='DEFAULT'"):
        get_backbone("resnet50")
    assert get_backbone("resnet50", weights="random").dim == 2048
    assert "resnet50" in list_backbones()
    with pytest.raises(ValueError, match="unknown backbone"):
        get_backbone("alexnet9000")


def test_logmel_bands_and_clock() -> None:
    sr, hop = 16_000, 0.02
    t = np.arange(4 * sr) / sr
    signal = np.where(t >= 2.0, 0.5 * np.sin(2 * np.pi * 1000 * t), 0.0).astype(np.float32)
    chunks = [AudioChunk(i / sr, signal[i : i + 7000], sr) for i in range(0, len(signal), 7000)]
    mel = np.concatenate(list(stream_logmel(chunks, sr, hop, 512, 64)))
    assert abs(len(mel) - 4 / hop) <= 2
    loud = mel[150]
    band_centres = (mel_filterbank(sr, 512, 64) * np.fft.rfftfreq(512, 1 / sr)).sum(1) / mel_filterbank(
        sr, 512, 64
    ).sum(1)
    assert abs(band_centres[int(np.argmax(loud))] - 1000) < 150
    onset = int(np.argmax(mel.max(axis=1) > mel[:50].max() + 30))
    assert abs(onset * hop - 2.0) <= 0.04, "frame i is centred at i * hop"


def test_cache_is_reused_and_a_changed_setting_recomputes_only_its_part(marked: Path) -> None:
    ex = FeatureExtractor(VideoFeatureSettings(weights="random", fps=2.0))
    feats = ex.ensure(marked)
    assert feats.video.shape == (48, 1280) and feats.audio.shape[1] == 64
    assert abs(len(feats.audio) * feats.hop_s - 24.0) < 0.1
    v_entry, a_entry = ex.entries(marked)
    stamps = (v_entry.array_path.stat().st_mtime_ns, a_entry.array_path.stat().st_mtime_ns)
    ex.ensure(marked)
    assert (v_entry.array_path.stat().st_mtime_ns, a_entry.array_path.stat().st_mtime_ns) == stamps
    ex4 = FeatureExtractor(VideoFeatureSettings(weights="random", fps=4.0))
    v4, a4 = ex4.entries(marked)
    assert a4 == a_entry and v4 != v_entry
    assert ex4.ensure(marked).video.shape[0] == 96
    assert a_entry.array_path.stat().st_mtime_ns == stamps[1], "the spectrogram was not recomputed"
    v_entry.meta_path.unlink()  # as if interrupted between the array and its sidecar
    assert not ex.is_cached(marked)
    ex.ensure(marked)
    assert ex.is_cached(marked)


def test_audio_and_video_windows_share_one_clock(marked: Path) -> None:
    ex = FeatureExtractor(VideoFeatureSettings(fps=5.0), AudioFeatureSettings())
    feats = ex.ensure(marked)
    loud = np.asarray(feats.audio, np.float32).max(axis=1)
    level = np.median(loud) + 20
    onset_audio = [i * feats.hop_s for i in range(1, len(loud)) if loud[i] > level >= loud[i - 1]]
    video = np.asarray(feats.video, np.float32)
    unusual = np.linalg.norm(video - np.median(video, axis=0), axis=1)
    onset_video = sorted(np.argsort(-unusual)[: len(MARKS)] / feats.fps)
    for m in MARKS:
        assert min(abs(a - m) for a in onset_audio) <= 0.05
        assert min(abs(v - m) for v in onset_video) <= 0.2


def test_rows_are_streamed_to_the_cache_and_an_interrupted_stream_leaves_nothing(tmp_path: Path) -> None:
    from soccer_highlights.audiovisual.cache import entry_for

    for half in (1, 2):  # entries are keyed by the video's content, so the videos must exist
        (tmp_path / f"{half}_224p.mkv").write_bytes(bytes([half]) * 100)
    entry = entry_for(tmp_path / "1_224p.mkv", "video", "k")
    rng = np.random.default_rng(0)
    blocks = [rng.standard_normal((n, 5)).astype(np.float32) for n in (3, 8, 1)]
    assert entry.save_rows(iter(blocks), {"fps": 2.0}) == 12
    rows, meta = entry.load()
    assert rows.dtype == np.float16 and np.allclose(rows, np.concatenate(blocks), atol=1e-2)
    assert meta["fps"] == 2.0 and meta["shape"] == [12, 5]

    def broken():
        yield blocks[0]
        raise RuntimeError("decoder died")

    other = entry_for(tmp_path / "2_224p.mkv", "video", "k")
    with pytest.raises(RuntimeError):
        other.save_rows(broken(), {})
    assert not other.done and list(tmp_path.glob("features/2_*")) == [] and list(tmp_path.glob("features/.2_*")) == []
