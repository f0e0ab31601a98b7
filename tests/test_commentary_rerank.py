"""The commentary spotter's second stage: transcript cues, and trees fitted with scikit-learn that
detection scores in numpy. Small real inputs; no shared data needed."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from soccer_highlights.commentary.cues import CUES, transcript_cues
from soccer_highlights.commentary.rerank import (
    candidate_features,
    candidate_token_rows,
    candidates,
    fit_candidate_text,
    ranked_peaks,
)
from soccer_highlights.commentary.spotter import HalfText
from soccer_highlights.commentary.text import N_BUCKETS, bucket
from soccer_highlights.commentary.trees import TreeEnsemble
from soccer_highlights.soccernet.transcripts import Line


def test_numpy_trees_score_exactly_what_scikit_learn_fitted() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 6))
    y = ((x[:, 0] > 0.5) & (x[:, 1] < 0) | (x[:, 2] * x[:, 3] > 1)).astype(int)
    x[rng.random(x.shape) < 0.02] = np.nan  # missing values take the side the trees learned
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, random_state=0).fit(x, y)
    trees = TreeEnsemble.from_sklearn(model)
    fresh = rng.normal(size=(500, 6))
    fresh[rng.random(fresh.shape) < 0.05] = np.nan
    assert np.allclose(trees.probability(fresh), model.predict_proba(fresh)[:, 1], atol=1e-9)
    stored = TreeEnsemble.from_arrays(trees.arrays("r0_"), "r0_")
    assert np.array_equal(stored.probability(fresh), trees.probability(fresh))


def test_cues_count_the_first_mention_of_a_new_score_not_every_score() -> None:
    lines = [
        Line(1.0, 3.0, "Last season this ended 2-1."),  # a score: the highest total so far
        Line(10.0, 12.0, "It is 1-1 now, in the 45th minute of 2014-15"),  # no new total; years aren't scores
        Line(20.0, 21.5, "GOAL! Goal! 2-1!"),
        Line(22.0, 23.0, "goal! goal! 2-1!"),  # the same line again, in another case: a repeat
        Line(30.0, 32.0, "..."),
        Line(40.0, 41.0, "¡Gol! Ahora 3 a 1."),
    ]
    cues = transcript_cues(lines, 60)
    col = {name: i for i, name in enumerate(CUES)}
    assert cues[:, col["score_mentions"]].sum() == 5
    assert list(np.flatnonzero(cues[:, col["new_score_totals"]])) == [1, 40]
    assert cues[20, col["goal_words"]] == 2 and cues[40, col["goal_words"]] == 1
    assert cues[22, col["repeated_lines"]] == 1 and cues[30, col["empty_lines"]] == 1
    assert cues[20, col["exclamations"]] == 3
    speaking = cues[:, col["speech"]]
    assert speaking[1:3].all() and not speaking[5:10].any() and speaking[20:22].all()


def test_ranked_peaks_put_the_ranker_first_and_keep_peaks_apart() -> None:
    rng = np.random.default_rng(1)
    n, n_classes = 600, 2
    probs = rng.uniform(0.0, 0.01, size=(n, n_classes))
    probs[[100, 300, 500], 0] = [0.9, 0.5, 0.2]
    probs[105, 0] = 0.85  # too close to 100 to be an event of its own
    cues = np.zeros((n, len(CUES)), np.float32)
    cues[500:560, CUES.index("goal_words")] = 3.0  # the cue the ranker below learned to trust
    times = candidates(probs[:, 0])
    assert times[0] == 100 and 105 not in times and {300, 500} <= set(times)

    # a ranker that learned "goal words after the moment" from features built the same way
    features = candidate_features(probs, cues, 1, 0, times)
    target = (times == 500).astype(int)
    fitted = HistGradientBoostingClassifier(max_iter=20, min_samples_leaf=1, random_state=0)
    fitted.fit(np.vstack([features] * 20), np.tile(target, 20))
    text = HalfText("game", 1, n, np.zeros(0, np.int64), np.zeros(n, np.int64), cues)
    peaks = ranked_peaks(text, probs, {0: TreeEnsemble.from_sklearn(fitted)}, {}, min_gap_s=20)
    assert peaks[0][0][0] == 500, "the ranker's choice comes first, not the loudest first-stage peak"
    seconds = [t for t, _ in peaks[0]]
    assert all(abs(a - b) > 20 for i, a in enumerate(seconds) for b in seconds[i + 1 :])
    assert peaks[1] and all(p == probs[t, 1] for t, p in peaks[1]), "no ranker: first-stage probability"


def test_the_candidate_text_model_reads_each_window_apart_and_learns_the_call_from_the_talk() -> None:
    """Candidates followed by "equaliser" are goals, those followed by "chance" are not; the same
    words said before a candidate are another column."""
    lines, goals = [], []
    for k in range(40):
        t = 60.0 * k + 30.0
        word = "equaliser" if k % 2 == 0 else "chance"
        lines += [Line(t - 5, t - 4, "what a chance"), Line(t + 2, t + 3, f"an {word} there")]
        goals += [t] if k % 2 == 0 else []
    text = HalfText.build("game", 1, lines)
    times = np.array([int(60 * k + 30) for k in range(40)])
    rows = candidate_token_rows(text, times)
    call, talk = bucket("equaliser"), bucket("what")
    cols = set(rows[0][0].tolist())
    assert call + N_BUCKETS in cols and call not in cols, "said 2 s after: window 1 (0-10 s), not window 0"
    assert talk in cols and talk + N_BUCKETS not in cols, "said 5 s before: window 0 (10-0 s before)"
    targets = np.isin(times, np.array(goals, int)).astype(int)
    model = fit_candidate_text(rows, targets)
    scores = model.score(text, times)
    assert scores[targets == 1].min() > scores[targets == 0].max()


def test_the_second_stage_with_a_text_model_ranks_the_calls_above_the_talk() -> None:
    """Six halves of 40 goal-word moments, 20 of them goals ("equaliser" said after them): trees and
    the candidate text model, out-of-fold within these halves, put the goals first."""
    from soccer_highlights.commentary.rerank import fit_second_stage
    from soccer_highlights.commentary.spotter import CLASSES
    from soccer_highlights.soccernet.labels import Event

    scored = []
    for game in range(6):
        lines, events = [], []
        for k in range(40):
            t = 60.0 * k + 30.0
            word = "equaliser" if (k + game) % 2 == 0 else "chance"
            lines += [Line(t - 5, t - 4, "goal goal"), Line(t + 2, t + 3, f"an {word} there")]
            events += [Event(1, t, "Goal")] if (k + game) % 2 == 0 else []
        text = HalfText.build(f"game{game}", 1, lines, events)
        probs = np.full((text.n_seconds, len(CLASSES)), 1e-4)
        probs[[int(e) for e in np.arange(40) * 60 + 30], CLASSES.index("Goal")] = 0.5
        scored.append((text, probs))
    rankers, texts = fit_second_stage(scored, CLASSES, folds=3, text_classes=("Goal",))
    goal = CLASSES.index("Goal")
    assert set(rankers) == {goal} == set(texts), "only Goal has 100 events here"
    text, probs = scored[0]
    peaks = ranked_peaks(text, probs, rankers, texts, min_gap_s=20)[goal]
    top = {t for t, _ in peaks[:20]}
    assert top == {int(e.time_s) for e in text.events}
