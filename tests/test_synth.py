"""Synthetic matches: SoccerNet layout, real encoders, deterministic, and cues that are really there."""

from __future__ import annotations

import json

import numpy as np
import pytest

from soccer_highlights.media import probe
from soccer_highlights.media.decode import iter_frames, read_audio
from soccer_highlights.soccernet import CLASSES_V2, find_games, load_labels
from soccer_highlights.synth import SoundMaker, SynthConfig, plan_half, synth_game


def test_games_have_soccernet_layout_and_broadcast_format(synthetic_games) -> None:
    game = synthetic_games[0]
    found = find_games(game.path)
    assert len(found) == 1 and found[0].halves == [1, 2]
    for half in (1, 2):
        info = probe(game.path / f"{half}_224p.mkv")
        assert (info.width, info.height, info.fps) == (398, 224, 25.0)
        assert (info.video_codec, info.audio_codec) == ("h264", "aac")
        assert (info.sample_rate, info.channels) == (48_000, 2)
        assert abs(info.duration_s - 240.0) < 0.2
    labels = load_labels(game.path / "Labels-v2.json")
    assert {e.label for e in labels.events} <= set(CLASSES_V2)
    assert len(labels.highlights()) >= 4


def test_same_seed_same_plan_other_seed_other_plan() -> None:
    cfg = SynthConfig(minutes=10.0)
    a = plan_half(np.random.default_rng(5), 1, cfg)
    b = plan_half(np.random.default_rng(5), 1, cfg)
    c = plan_half(np.random.default_rng(6), 1, cfg)
    assert a == b and a != c
    assert {"chant", "closeup"} <= {d.kind for d in a.distractors} <= {"chant", "closeup", "surge", "event-closeup"}
    per_45 = [len(plan_half(np.random.default_rng(s), 1, cfg).highlights) * 2700 / 600 for s in range(8)]
    assert 8 <= np.mean(per_45) <= 18, "about the real rate of highlight events (13 per 45 minutes)"
    fixed = plan_half(np.random.default_rng(5), 1, SynthConfig(minutes=10.0, highlights_per_half=4))
    assert len(fixed.highlights) == 4


def test_highlights_sound_louder_than_play_and_chants_are_tonal() -> None:
    cfg = SynthConfig(minutes=10.0)
    plan = plan_half(np.random.default_rng(1), 1, cfg)
    sound = SoundMaker(plan, 16_000, np.random.default_rng(2))
    event = plan.highlights[0].time_s
    chant = next(d for d in plan.distractors if d.kind == "chant")

    def level(t: float) -> float:
        return float(np.sqrt(np.mean(sound.block(t, 16_000) ** 2)))

    quiet = min(level(t) for t in (event - 20, event - 15))
    assert level(event + 1) > 5 * quiet, "a highlight's roar stands out of the murmur"
    chant_block = sound.block(chant.start_s + 5, 16_000)
    spectrum = np.abs(np.fft.rfft(chant_block)) ** 2
    freqs = np.fft.rfftfreq(len(chant_block), 1 / 16_000)
    assert spectrum[freqs < 1_000].sum() > 5 * spectrum[freqs >= 1_000].sum(), "chants sit below the crowd band"


def test_close_up_follows_a_highlight_in_the_encoded_video(synthetic_games) -> None:
    game = synthetic_games[0]
    plan = game.plans[0]
    event = plan.highlights[0].time_s
    video = game.path / "1_224p.mkv"

    def green_share(t: float) -> float:
        frame = next(iter_frames(video, fps=1.0, start_s=t, end_s=t + 1))
        r, g, b = (frame.rgb[..., i].astype(int) for i in range(3))
        return float(np.mean((g > r + 40) & (g > b + 40)))

    assert green_share(event - 10) > 0.5, "wide shots show the pitch"
    assert green_share(event + 3) < 0.1, "the close-up after a highlight hides it"
    loud = np.sqrt(np.mean(read_audio(video, 16_000, event, event + 2) ** 2))
    calm = np.sqrt(np.mean(read_audio(video, 16_000, event - 20, event - 18) ** 2))
    assert loud > 4 * calm


def test_truth_sidecar_lists_the_distractors(tmp_path) -> None:
    game = synth_game(tmp_path / "g", SynthConfig(minutes=1.0), seed=3, halves=(1,))
    truth = json.loads((game.path / "synth_truth.json").read_text())
    assert truth["seed"] == 3 and set(truth["halves"]) == {"1"}
    assert not (game.path / "2_224p.mkv").exists()


def test_invalid_length_is_rejected(tmp_path) -> None:
    with pytest.raises(ValueError, match="minutes"):
        synth_game(tmp_path / "g", SynthConfig(minutes=0.0), seed=0)
