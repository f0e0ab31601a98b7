"""The commentary spotter's parts: line TF-IDF and line models, the 1 s grid, transcript cues, and
trees fitted with scikit-learn that detection scores in numpy; then the whole spotter learning a
lag from a corpus whose answer is known. No shared data needed."""

from __future__ import annotations

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from soccer_highlights.commentary.cues import CUES, transcript_cues
from soccer_highlights.commentary.grid import WINDOWS, feature_names, grid_features, per_second_max
from soccer_highlights.commentary.lines import N_BUCKETS, LineBags, document_frequency_idf, line_tokens
from soccer_highlights.commentary.model import HalfLines, SpotterWeights, fit_line_models, train_spotter
from soccer_highlights.commentary.trees import TreeEnsemble
from soccer_highlights.soccernet.labels import Event
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
    stored = TreeEnsemble.from_arrays(trees.arrays("r0_"), "r0_")  # leaf values stored in float32
    assert np.allclose(stored.probability(fresh), trees.probability(fresh), rtol=0, atol=1e-6)


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


def test_line_tfidf_and_line_models_in_numpy_score_what_scikit_learn_fitted() -> None:
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    texts = ["GOAL! What a goal!", "wide of the post", "", "gol gol gol", "the keeper saves", "goal"] * 20
    assert "w goal" in line_tokens("Goal!") and " go" in line_tokens("Goal!") and "b what a" in line_tokens("What a")
    bags = LineBags.of(texts)
    idf = document_frequency_idf(bags)
    values = bags.tfidf(idf)
    matrix = csr_matrix((values, bags.indices, bags.indptr), shape=(len(texts), N_BUCKETS))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1))).ravel()
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5) and norms[2] == 0, "unit rows; an empty line stays empty"
    y = np.array(["goal" in t.lower() or "gol" in t for t in texts], int)
    model = LogisticRegression(C=1.0, solver="liblinear").fit(matrix, y)
    ours = bags.scores(idf, model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32))
    assert np.allclose(ours[:, 0], model.decision_function(matrix), atol=1e-4)


def test_the_grid_reads_each_window_around_each_second() -> None:
    lines = [Line(10.0, 12.0, "a"), Line(50.0, 51.0, "b")]
    scores = np.array([[0.8, 0.1], [0.2, 0.6]], np.float32)
    per_second = per_second_max(lines, scores, 200)
    assert per_second[10, 0] == 0.8 and per_second[11, 0] == 0.8 and per_second[12, 0] == 0.0
    grid = grid_features(lines, scores, 200)
    names = feature_names(["Goal now", "Goal after"])
    assert grid.shape == (200, len(names))
    column = {name: i for i, name in enumerate(names)}
    a, b = WINDOWS[-2]  # (20, 60): the talk a minute after
    assert np.isclose(grid[0, column[f"max Goal now [{a},{b})"]], 0.2), "seconds 20-59 hold line b alone"
    assert np.isclose(grid[5, column[f"max Goal after [{a},{b})"]], 0.6), "line b at 50 s is 45 s after 5 s"
    assert np.isclose(grid[10, column["max Goal now [-2,2)"]], 0.8) and grid[30, column["max Goal now [-2,2)"]] == 0
    assert np.isclose(grid[10, column[f"mean Goal now [{-2},{2})"]], 0.8 * 2 / 4)


def _corpus(n_halves: int, seed: int) -> list[HalfLines]:
    """Halves of filler talk with a goal every few minutes, called ("GOAL! GOAL!") 5 s after it and
    talked about again ("what a finish") 30 s after; shots are called "close" and missed."""
    rng = np.random.default_rng(seed)
    filler = ["passes it across", "the ball goes wide to the left", "a long ball forward", "the keeper collects",
              "corner kick now", "he takes a touch", "good pressure here", "back to the defender"]  # fmt: skip
    halves = []
    for h in range(n_halves):
        goals = sorted(rng.choice(np.arange(120, 2500, 200), size=3, replace=False).astype(float))
        shots = [g + 90.0 for g in goals]
        lines = [Line(t, t + 2.0, filler[int(rng.integers(len(filler)))]) for t in np.arange(0.0, 2700.0, 4.0)]
        lines = [x for x in lines if all(abs(x.start_s - g - 5) > 3 and abs(x.start_s - g - 30) > 3 for g in goals)]
        lines += [Line(g + 5.0, g + 7.0, "GOAL! GOAL!") for g in goals]
        lines += [Line(g + 30.0, g + 32.0, "what a finish that was") for g in goals]
        lines += [Line(s + 3.0, s + 5.0, "close! just over") for s in shots]
        events = [Event(1, g, "Goal") for g in goals] + [Event(1, s, "Shots off target") for s in shots]
        halves.append(HalfLines.build(f"game{seed}-{h}", 1, sorted(lines, key=lambda x: x.start_s), events))
    return halves


def test_the_spotter_learns_the_calls_lag_and_ships_as_arrays(tmp_path) -> None:
    classes = ("Goal", "Shots off target")
    weights = train_spotter(_corpus(12, 0), inner_folds=3, classes=classes)
    weights.save(tmp_path / "w.npz")
    loaded = SpotterWeights.load(tmp_path / "w.npz")
    with np.load(tmp_path / "w.npz", allow_pickle=False) as data:
        assert all(data[k].dtype != object for k in data.files), "arrays only, no pickles"
    for half in _corpus(3, 1):  # halves it never saw
        assert np.allclose(loaded.probabilities(half), weights.probabilities(half), atol=1e-2)
        peaks = loaded.peaks(half, 30.0)
        called = [t for t, _ in peaks["Goal"][:3]]
        for goal in half.event_times("Goal"):
            assert any(abs(t - goal) <= 2 for t in called), "placed at the goal, not at the call 5 s later"
        shots = [t for t, _ in peaks["Shots off target"][:3]]
        assert all(any(abs(t - s) <= 3 for t in shots) for s in half.event_times("Shots off target"))
    assert fit_line_models(_corpus(2, 2), classes=classes).weights.shape == (N_BUCKETS, 4)
