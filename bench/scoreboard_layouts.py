"""The score bug reader on every layout we can try: real broadcasts of other broadcasters, the real
Arsenal clip at every size from 320 to 1920 pixels wide with keyframes 2 s and 10 s apart, and the
synthetic generator's layout families. For each: the scores read, whether they are right, and what
a user must never see: a wrong score (a span whose score the bug did not show), a false goal, a wrong
clock or wrong teams. Writes ``bench/scoreboard_layouts.json`` and the table in
``docs/scoreboard_layouts.md``.

    python bench/scoreboard_layouts.py [real] [clip30] [synthetic]    # all three by default

Real inputs come from ``../shared/data`` (never copied into the repository); synthetic footage tests
the mechanics and is no evidence of quality on its own.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from broadcast_inputs import MOTD_PAIRS, motd_over_play, reencoded  # noqa: E402

import soccer_highlights as sh  # noqa: E402

SHARED = HERE.parent.parent / "shared" / "data"
BROADCASTS = SHARED / "broadcasts"
CLIP30 = SHARED / "real-clips" / "arsenal-anderlecht-2014-h1-clip30.mkv"
WIDTHS = (320, 360, 480, 640, 1280, 1920)
KEYFRAMES_S = (2, 10)
FAMILIES_AT = ((640, 360),)

Truth = Callable[[float], tuple[int, int] | None]


def constant(score: tuple[int, int], from_s: float = 0.0) -> Truth:
    return lambda t: score if t >= from_s else None


def read(video: Path) -> tuple[object, float]:
    started = time.perf_counter()
    board = sh.get_detector("scoreboard")
    half = next(iter(sh.open_match(video).halves.values()))
    return board.read(half), time.perf_counter() - started


def judge(state, truth: Truth, expect: list, teams, clock_at: tuple[float, float] | None) -> dict:
    """What was read against the truth: a span is wrong where its score is neither what the bug
    showed at its start nor at its end (a change is found at a read, not to the frame)."""
    spans = [(s.home, s.away) for s in state.bug.spans]
    wrong = [
        [s.home, s.away, round(s.start_s, 1), round(s.end_s, 1)]
        for s in state.bug.spans
        if (s.home, s.away) not in (truth(s.start_s + 0.01), truth(max(s.start_s, s.end_s - 0.6)))
    ]
    shown = [truth(t + 0.5) for t in (c.shown_s for c in state.bug.changes)]  # a flip is known to half a second
    false_goals = sum(1 for c, after in zip(state.bug.changes, shown, strict=True) if after != c.after)
    clock_error = None
    if clock_at is not None and state.match_s(clock_at[0]) is not None:
        clock_error = round(abs(state.match_s(clock_at[0]) - clock_at[1]), 2)
    return {
        "readable": state.readable,
        "note": state.bug.note,
        "scores": [list(s) for s in spans],
        "right": spans == [tuple(e) for e in expect],
        "wrong_spans": wrong,
        "false_goals": false_goals,
        "teams": list(state.bug.teams) if state.bug.teams else None,
        "teams_right": teams is None or (state.bug.teams is not None and list(state.bug.teams) == list(teams)),
        "clock_error_s": clock_error,
        "ocr_calls": state.bug.ocr_calls,
    }


def real_broadcasts(work: Path) -> dict:
    cases = {
        "laliga-realmadrid-sevilla.mp4": (constant((0, 0)), [(0, 0)], ("RMA", "SEV"), (4.5, 282.5)),
        "ucl-krasnodar-olympiacos.mp4": (constant((1, 1)), [(1, 1)], ("KRA", "OLY"), (0.0, 1634.5)),
        "japan-tv-japan-tajikistan.mp4": (constant((0, 0), 7.5), [(0, 0)], None, (9.0, 8.5)),
        "seriea-play-no-bug.mp4": (constant(None), [], None, None),  # type: ignore[arg-type]
    }
    out = {}
    for name, (truth, expect, teams, clock) in cases.items():
        state, seconds = read(BROADCASTS / name)
        out[name] = {**judge(state, truth, expect, teams, clock), "seconds": round(seconds, 1)}
        print(name, out[name], flush=True)
    for pair, (teams, late) in MOTD_PAIRS.items():
        video = motd_over_play(BROADCASTS, pair, work / f"{pair}.mp4")
        state, seconds = read(video)
        truth = lambda t, late=late: (0, 0) if t < 30.0 else late  # noqa: E731
        key = f"bbc {pair} over play"
        out[key] = {**judge(state, truth, [(0, 0), late], teams, None), "seconds": round(seconds, 1)}
        changes = state.bug.changes
        out[key]["change_at_s"] = round(changes[0].shown_s, 2) if changes else None
        print(key, out[key], flush=True)
    return out


def clip30_sizes(work: Path) -> dict:
    out = {}
    truth = lambda t: (1, 0) if t < 3.3 else (2, 0)  # noqa: E731
    for width in WIDTHS:
        for every in KEYFRAMES_S:
            video = reencoded(CLIP30, work / f"clip30_{width}_{every}.mp4", width, every)
            state, seconds = read(video)
            key = f"clip30 {width} px, keyframes {every} s"
            out[key] = {
                **judge(state, truth, [(1, 0), (2, 0)], ("ARL", "AND"), (0.5, 1684.0)),
                "seconds": round(seconds, 1),
            }
            print(key, out[key], flush=True)
    return out


def synthetic_families(work: Path) -> dict:
    import numpy as np

    from soccer_highlights.synth import SynthConfig, plan_half, synth_game
    from soccer_highlights.synth_bugs import BUG_FAMILIES

    out = {}
    for width, height in FAMILIES_AT:
        for family in sorted(BUG_FAMILIES):
            cfg = SynthConfig(minutes=1.5, width=width, height=height, fps=25, highlights_per_half=2, score_bug=family)

            def goal_of(seed: int, cfg=cfg):
                events = plan_half(np.random.default_rng(seed), 1, cfg).events
                return next((e for e in events if e.label == "Goal"), None)

            seed = next(s for s in range(100) if (g := goal_of(s)) is not None and 15 < g.time_s < 50)
            game = synth_game(work / f"{family}_{height}", cfg, seed=seed, halves=(1,), force=True)
            truth_doc = json.loads((game.path / "synth_truth.json").read_text())
            bug = truth_doc["halves"]["1"]["score_bug"]
            shown = [(g["shown_s"], g["team"]) for g in bug["shown_goals"]]
            appears = bug["appears_s"]

            def truth(t, shown=shown, appears=appears):
                if t < appears:
                    return None
                home = sum(1 for s, team in shown if s <= t and team == "home")
                return home, sum(1 for s, team in shown if s <= t and team == "away")

            expect = [truth(appears + 0.01)] + [truth(s + 0.01) for s, _ in shown]
            state, seconds = read(game.path / "1_224p.mkv")
            key = f"synthetic {family} {height}p"
            out[key] = {**judge(state, truth, expect, bug["teams"], None), "seconds": round(seconds, 1)}
            print(key, out[key], flush=True)
    return out


def table(results: dict) -> str:
    lines = [
        "| input | kind | scores read | right | wrong spans | false goals | teams | clock error |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for group, kind in (("real", "real"), ("clip30", "real, re-encoded"), ("synthetic", "synthetic")):
        for name, r in results.get(group, {}).items():
            scores = ", ".join(f"{h}-{a}" for h, a in r["scores"]) or "unread"
            clock = "-" if r["clock_error_s"] is None else f"{r['clock_error_s']} s"
            teams = "/".join(r["teams"]) if r["teams"] else "-"
            lines.append(
                f"| {name} | {kind} | {scores} | {'yes' if r['right'] else 'no'} | {len(r['wrong_spans'])} "
                f"| {r['false_goals']} | {teams} | {clock} |"
            )
    return "\n".join(lines)


def main(parts: list[str]) -> dict:
    runs = {"real": real_broadcasts, "clip30": clip30_sizes, "synthetic": synthetic_families}
    out = HERE / "scoreboard_layouts.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        for part in parts:
            results[part] = runs[part](Path(tmp))
            out.write_text(json.dumps(results, indent=1))
    doc = HERE.parent / "docs" / "scoreboard_layouts.md"
    text = doc.read_text() if doc.exists() else ""
    marker = "<!-- table: bench/scoreboard_layouts.py -->"
    if marker in text:
        head, _, rest = text.partition(marker)
        tail = rest.split("<!-- end table -->", 1)[-1]
        doc.write_text(f"{head}{marker}\n{table(results)}\n<!-- end table -->{tail}")
    print(table(results))
    return results


if __name__ == "__main__":
    main(sys.argv[1:] or ["real", "clip30", "synthetic"])
