"""Labels-v2.json parsing and game discovery, on the 100 real validation label files."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path

import pytest

from soccer_highlights.soccernet import CLASSES_V2, DEFAULT_HIGHLIGHT_CLASSES, find_games, load_labels
from soccer_highlights.soccernet.classes import parse_class_list
from soccer_highlights.soccernet.labels import LabelsError, events_to_json, parse_annotations


def test_classes_follow_soccernets_official_order() -> None:
    """Our class list is SoccerNet's own (its evaluator's dictionary), index for index, so our
    results_spotting.json files and metric mean what SoccerNet's do."""
    official = pytest.importorskip("SoccerNet.Evaluation.utils").EVENT_DICTIONARY_V2
    assert list(CLASSES_V2) == sorted(official, key=official.get)
    assert set(CLASSES_V2) >= DEFAULT_HIGHLIGHT_CLASSES


def test_all_real_validation_games_parse(labels_root: Path) -> None:
    games = find_games(labels_root)
    assert len(games) == 100
    counts: Counter[str] = Counter()
    for game in games:
        assert game.labels_path is not None
        labels = load_labels(game.labels_path)
        counts.update(e.label for e in labels.events)
        assert all(e.half in (1, 2) for e in labels.events)
        assert [(e.half, e.time_s) for e in labels.events] == sorted((e.half, e.time_s) for e in labels.events)
    assert sum(counts.values()) == 21_447
    assert counts["Goal"] == 371 and counts["Penalty"] == 36
    assert set(counts) <= set(CLASSES_V2)


def test_times_come_from_position_not_game_time_and_stoppage_time_works(labels_root: Path) -> None:
    late = []
    for game in find_games(labels_root):
        raw = json.loads(game.labels_path.read_text())["annotations"]
        events = load_labels(game.labels_path).events
        by_position = {int(a["position"]) for a in raw}
        assert {e.position_ms for e in events} == by_position
        late += [e for e in events if e.time_s > 45 * 60]
    assert late, "the validation split has events in stoppage time past 45:00"


def test_positions_as_ints_empty_lists_and_unknown_labels(caplog: pytest.LogCaptureFixture) -> None:
    anns = [
        {
            "gameTime": "2 - 47:10",
            "label": "Goal",
            "position": 2830000,
            "team": "home",
            "visibility": "visible",
        },
        {"gameTime": "1 - 00:05", "label": "Bicycle kick", "position": "5000"},
        {"gameTime": "1 - 00:06", "label": "Bicycle kick", "position": "6000"},
    ]
    with caplog.at_level(logging.WARNING):
        events = parse_annotations(anns, "inline")
    assert [(e.half, e.time_s, e.label) for e in events] == [
        (1, 5.0, "Bicycle kick"),
        (1, 6.0, "Bicycle kick"),
        (2, 2830.0, "Goal"),
    ]
    assert sum("Bicycle kick" in r.message for r in caplog.records) == 1, "unknown labels are warned once"
    assert events[0].team == "not applicable" and not events[0].known_class
    assert parse_annotations([], "empty") == ()


def test_round_trip_through_soccernet_json(tmp_path: Path) -> None:
    events = parse_annotations(
        [
            {
                "gameTime": "1 - 01:02",
                "label": "Corner",
                "position": "62480",
                "team": "away",
                "visibility": "not shown",
            }
        ],
        "x",
    )
    path = tmp_path / "Labels-v2.json"
    path.write_text(json.dumps(events_to_json(events)))
    assert load_labels(path).events == events


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"annotations": 3}', "'annotations' list"),
        ('{"annotations": [{"gameTime": "3 - 00:01", "label": "Goal", "position": "1"}]}', "half '3'"),
        (
            '{"annotations": [{"gameTime": "1 - 00:01", "label": "Goal", "position": "abc"}]}',
            "position 'abc'",
        ),
        ('{"annotations": [{"gameTime": "1 - 00:01", "label": "Goal"}]}', "no 'position'"),
    ],
)
def test_bad_label_files_name_the_file_and_the_problem(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "Labels-v2.json"
    path.write_text(content)
    with pytest.raises(LabelsError) as err:
        load_labels(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_find_games_sees_videos_without_labels_and_prefers_224p(tmp_path: Path) -> None:
    game = tmp_path / "league" / "season" / "g1"
    game.mkdir(parents=True)
    for name in ("1_720p.mkv", "1_224p.mkv", "2_224p.mp4"):
        (game / name).write_bytes(b"")
    found = find_games(tmp_path)
    assert len(found) == 1
    assert found[0].videos == {1: game / "1_224p.mkv", 2: game / "2_224p.mp4"}
    assert found[0].labels_path is None
    assert found[0].relative_to(tmp_path) == "league/season/g1"


def test_class_lists_from_the_command_line() -> None:
    assert parse_class_list("Goal, Penalty") == {"Goal", "Penalty"}
    with pytest.raises(ValueError, match="Goals"):
        parse_class_list("Goals")
