"""The synthetic score-bug layout families: each drawn whole and inside the picture at 224p and
1080p, its parts (the truth a reader is checked against) where the text really is, the same seed
giving the same pixels and other seeds other looks, and a bug in a synthetic video hidden in
close-ups. Synthetic bugs test mechanics; they are no evidence of how real bugs are read."""

from __future__ import annotations

import itertools
import json
import logging
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from soccer_highlights.synth_bugs import (
    BUG_FAMILIES,
    LEGACY_LAYOUTS,
    BugState,
    RenderedBug,
    clock_text,
    draw_bug,
    render_bug,
)

SIZES = ((398, 224), (1920, 1080))
EARLY = BugState("RMA", "SEV", 0, 0, clock_s=4 * 60 + 42, half=1, aggregate=(1, 5))
LATE = BugState("KRA", "OLY", 2, 1, clock_s=90 * 60, added_min=3, half=2, aggregate=(3, 6))
SHAPES = {"logo", "flag", "ball", "bar_left", "bar_right"}


def _on_grass(bug: RenderedBug, width: int, height: int) -> np.ndarray:
    frame = np.zeros((height, width, 3), np.uint8)
    frame[:] = (40, 130, 45)
    bug.paste(frame)
    return frame


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """More than the one pixel that two neighbouring glyphs' smoothed edges may share."""
    return min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1


def _with_teams(name: str, state: BugState, seed: int) -> tuple[object, BugState]:
    family = BUG_FAMILIES[name]
    rng = np.random.default_rng(seed)
    style = family.style(1920, 1080, rng)
    home, away = family.teams(rng)
    return style, BugState(home, away, state.home, state.away, state.clock_s, state.added_min, state.half)


@pytest.mark.parametrize("name", list(BUG_FAMILIES))
def test_every_family_draws_its_parts_inside_the_picture_at_224p_and_1080p(name: str) -> None:
    family = BUG_FAMILIES[name]
    for (width, height), state, seed in itertools.product(SIZES, (EARLY, LATE), range(2)):
        bug = render_bug(name, width, height, state, np.random.default_rng(seed))
        x0, y0, x1, y1 = bug.box
        assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, (name, width, bug.box)
        assert bug.patch.shape[2] == 4 and bug.patch[..., 3].max() == 255
        assert (x1 - x0) < 0.9 * width and (y1 - y0) < 0.3 * height, "a bug, not a banner"
        parts = bug.parts
        expected = {"home_team", "away_team", "home_digit", "away_digit"}
        if family.shows_clock:
            expected |= {"clock", "added"} if state.added_min else {"clock"}
        if name == "cup-aggregate":
            expected.add("aggregate")
        if name in ("two-rows", "stacked"):
            expected.add("half")
        assert expected <= set(parts), (name, expected - set(parts))
        assert "clock" in parts or not family.shows_clock
        texts = {k: p.text for k, p in parts.items()}
        assert texts["home_digit"] == str(state.home) and texts["away_digit"] == str(state.away)
        assert texts["home_team"] == state.home_team and texts["away_team"] == state.away_team
        if "clock" in parts:
            assert texts["clock"] in (clock_text(state.clock_s), clock_text(state.clock_s, leading_zero=False))
        if "aggregate" in parts:
            assert texts["aggregate"] == f"({state.aggregate[0]}-{state.aggregate[1]})"
        if "added" in parts:
            assert texts["added"] == f"+{state.added_min}"
        frame = _on_grass(bug, width, height)
        for key, part in parts.items():
            px0, py0, px1, py1 = part.box
            assert x0 <= px0 < px1 <= x1 and y0 <= py0 < py1 <= y1, (name, key, part.box, bug.box)
            if part.text:  # ink of its own: more than one colour where the text is said to be
                assert frame[py0:py1, px0:px1].reshape(-1, 3).std(axis=0).max() > 20, (name, width, key)
        for (ka, a), (kb, b) in itertools.combinations(parts.items(), 2):
            assert not _overlap(a.box, b.box), (name, width, seed, ka, a.box, kb, b.box)


def test_the_same_seed_draws_the_same_pixels_and_other_seeds_other_looks() -> None:
    for name in BUG_FAMILIES:
        first = render_bug(name, 1280, 720, LATE, np.random.default_rng(7))
        again = render_bug(name, 1280, 720, LATE, np.random.default_rng(7))
        assert np.array_equal(first.patch, again.patch) and first.parts == again.parts
        assert first.position == again.position
    looks = [BUG_FAMILIES["boxed-digits"].style(1280, 720, np.random.default_rng(s)) for s in range(8)]
    assert len({st.face for st in looks}) > 1 and len({st.dark for st in looks}) > 1
    assert len({st.size for st in looks}) > 1 and len({st.margin for st in looks}) > 1
    bugs = [render_bug("slanted", 1280, 720, EARLY, np.random.default_rng(s)) for s in range(4)]
    assert len({b.position for b in bugs}) > 1 and len({b.patch.tobytes() for b in bugs}) == 4


@pytest.fixture(scope="module")
def recogniser():
    from soccer_highlights.scoreboard.ocr import TextReader

    return TextReader(2)


def _read(recogniser, frame: np.ndarray, box: tuple[int, int, int, int]) -> str:
    from soccer_highlights.scoreboard.ocr import LINE_HEIGHT

    x0, y0, x1, y1 = box
    m = round((y1 - y0) * 0.3)
    crop = Image.fromarray(frame[max(0, y0 - m) : y1 + m, max(0, x0 - m) : x1 + m])
    width = max(1, round(crop.width * LINE_HEIGHT / crop.height))
    return recogniser.read(np.asarray(crop.resize((width, LINE_HEIGHT), Image.BILINEAR))).text.replace(" ", "")


@pytest.mark.parametrize("name", list(BUG_FAMILIES))
def test_the_shipped_recogniser_reads_the_clock_and_the_teams_where_the_parts_say(recogniser, name: str) -> None:
    """The drawn text is really there: the project's own recogniser reads a part's crop at 1080p
    (the clock, the team names, Japanese ones included). The digits are left to the reader's
    tests: separators drawn as bars or a ball are exactly what a reader must learn to read."""
    style, state = _with_teams(name, BugState(home=2, away=1, clock_s=27 * 60 + 14, aggregate=(3, 6)), 1)
    bug = draw_bug(name, style, state)
    frame = _on_grass(bug, 1920, 1080)
    for key in ("clock", "home_team", "away_team"):
        if key in bug.parts:
            assert _read(recogniser, frame, bug.parts[key].box) == bug.parts[key].text, (name, key)


def test_legacy_layouts_draw_the_first_synthetic_bug_unchanged() -> None:
    from soccer_highlights.synth import SCORE_BUG_TEAMS, ScoreBug, SynthConfig, plan_half

    for layout in LEGACY_LAYOUTS:
        cfg = SynthConfig(minutes=1.0, width=398, height=224, score_bug=layout, highlights_per_half=2)
        bug = ScoreBug(plan_half(np.random.default_rng(3), 1, cfg), cfg, (1, 0), np.random.default_rng(3))
        assert bug.teams == SCORE_BUG_TEAMS and bug.style.opt("classic")
        drawn = bug.render(12.0)
        expected = "RED 1-0 BLU 00:12" if layout == "top" else "00:12 RED 1 - 0 BLU"
        assert bug.text(12.0) == expected and drawn.patch[..., :3][0, 0].tolist() == [16, 20, 48]
        if layout == "top":
            assert drawn.position == (round(0.03 * 398), round(0.04 * 224))
        else:
            assert drawn.box[3] == 224 - round(0.05 * 224) and abs(drawn.box[0] + drawn.box[2] - 398) <= 1


def test_a_half_bug_follows_goals_appears_late_and_shows_stoppage_time() -> None:
    from soccer_highlights.synth import SCORE_BUG_DELAY_S, ScoreBug, SynthConfig, plan_half

    cfg = SynthConfig(minutes=46.0, width=640, height=360, score_bug="two-rows", highlights_per_half=4)
    plans = (plan_half(np.random.default_rng(s), 2, cfg) for s in range(50))
    plan = next(p for p in plans if any(e.label == "Goal" for e in p.events))
    goal = next(e for e in plan.events if e.label == "Goal")
    bug = ScoreBug(plan, cfg, (1, 1), np.random.default_rng(1))
    assert 5.0 <= bug.appears_s <= 10.0 and bug.render(bug.appears_s - 0.5) is None
    assert bug.render(bug.appears_s + 1) is not None
    before, after = bug.state(goal.time_s + SCORE_BUG_DELAY_S - 1), bug.state(goal.time_s + SCORE_BUG_DELAY_S)
    assert (before.home, before.away) == (1, 1)
    assert (after.home, after.away) == ((2, 1) if goal.team == "home" else (1, 2))
    assert bug.state(100.0).clock_s == 45 * 60 + 100 and bug.state(100.0).added_min == 0
    stoppage = bug.state(45 * 60 + 30.0)
    assert stoppage.added_min == 1 and stoppage.clock_s in (90 * 60, 90 * 60 + 30)
    assert bug.render(45 * 60 + 30.0).parts["added"].text == "+1"
    assert bug.render(100.0).parts["half"].text in ("後半", "2nd")


def test_without_a_japanese_font_two_rows_writes_latin_names_and_says_so(monkeypatch, caplog) -> None:
    from soccer_highlights import synth_bugs

    monkeypatch.setattr(synth_bugs, "CJK_FONTS", ())
    synth_bugs.cjk_font.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="soccer_highlights.synth_bugs"):
            rng = np.random.default_rng(0)
            home, away = BUG_FAMILIES["two-rows"].teams(rng)
            bug = render_bug("two-rows", 640, 360, BugState(home, away, clock_s=8), rng)
        assert home.isascii() and away.isascii() and bug.parts["half"].text == "1st"
        assert "no Japanese font" in caplog.text
    finally:
        synth_bugs.cjk_font.cache_clear()


def test_two_rows_writes_japanese_where_a_font_is_installed() -> None:
    from soccer_highlights.synth_bugs import cjk_font

    if cjk_font() is None:
        pytest.skip("no Japanese font installed (Debian: fonts-ipafont-gothic, `make fonts`)")
    rng = np.random.default_rng(0)
    home, away = BUG_FAMILIES["two-rows"].teams(rng)
    bug = render_bug("two-rows", 640, 360, BugState(home, away, clock_s=8), rng)
    assert not home.isascii() and bug.parts["half"].text == "前半" and bug.parts["clock"].text == "0:08"
    assert bug.parts["clock"].box[1] >= bug.parts["home_team"].box[3], "the clock on the row below"


@pytest.mark.parametrize("layout", ["two-rows", "boxed-bar"])
def test_a_synthetic_720p_game_shows_the_family_bug_except_in_close_ups(tmp_path: Path, layout: str) -> None:
    """Two halves of 30 s at 1280x720 (2 frames a second, to stay cheap): where the truth says the
    bug is shown, the decoded picture holds it; in close-ups and before it appears, it does not; both
    halves show the same bug (teams and look), the second's clock from 45:00."""
    from soccer_highlights.synth import PictureMaker, SynthConfig, synth_game

    cfg = SynthConfig(minutes=0.5, width=1280, height=720, fps=2, highlights_per_half=1, score_bug=layout)
    game = synth_game(tmp_path / "game", cfg, seed=4)
    truth = json.loads((game.path / "synth_truth.json").read_text())["halves"]
    first, second = truth["1"]["score_bug"], truth["2"]["score_bug"]
    assert first["family"] == second["family"] == layout and first["teams"] == second["teams"]
    assert first["parts_at_appearance"]["home_team"] == second["parts_at_appearance"]["home_team"]
    if layout == "two-rows":
        assert (first["parts_at_appearance"]["clock"]["text"], second["parts_at_appearance"]["clock"]["text"]) == (
            f"0:{int(first['appears_s']):02d}",
            f"45:{int(second['appears_s']):02d}",
        )
    seen = {"shown": 0, "hidden": 0}
    score = (0, 0)
    for plan in game.plans:
        pictures = PictureMaker(plan, cfg, np.random.default_rng(4 * 10 + plan.half), score, bug_seed=4)
        bug, pictures.bug = pictures.bug, None  # the same pictures without a bug, to lay the truth's bug over
        assert list(bug.teams) == first["teams"]
        goals = [e.team for e in plan.events if e.label == "Goal"]
        score = (score[0] + goals.count("home"), score[1] + goals.count("away"))
        with av.open(str(game.path / f"{plan.half}_224p.mkv")) as container:
            for frame in container.decode(video=0):
                t = float(frame.pts * frame.time_base)
                rendered = None if pictures.in_closeup(t) else bug.render(t)
                picture = frame.to_ndarray(format="rgb24").astype(int)
                with_bug = pictures.frame(t)
                drawn = rendered or bug.render(max(t, bug.appears_s) + 1)
                drawn.paste(with_bug)
                x0, y0, x1, y1 = drawn.box
                differs = np.abs(picture[y0:y1, x0:x1] - with_bug[y0:y1, x0:x1]).mean()
                if rendered is not None:
                    assert differs < 6, (layout, plan.half, t, "the bug is not where the truth says")
                    seen["shown"] += 1
                else:
                    assert differs > 20, (layout, plan.half, t, "a bug where none is shown")
                    seen["hidden"] += 1
    assert seen["shown"] > 30 and seen["hidden"] > 8, seen
