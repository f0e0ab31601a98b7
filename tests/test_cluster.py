"""Batches on a local Ray cluster (two workers) against serial runs: the same files, retries, and a
bad game that does not stop the others."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from cli_helpers import run_cli

from soccer_highlights.audiovisual.config import VideoFeatureSettings
from soccer_highlights.batch import features_tree, plan_tree
from soccer_highlights.cluster import ClusterConfig, run_tasks
from soccer_highlights.synth import SynthConfig, synth_game

pytest.importorskip("ray", reason="Ray is an optional extra: pip install 'soccer-highlights[cluster]'")
TWO_WORKERS = ClusterConfig(address="local", cpus_per_task=1.0, local_cpus=2)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cluster") / "tree"
    for i in range(3):
        synth_game(root / "league" / "season" / f"game{i}", SynthConfig(minutes=1.0), seed=300 + i)
    return root


def _files(folder: Path, pattern: str) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob(pattern))}


def test_a_ray_run_writes_the_same_files_as_a_serial_run(tree: Path, tmp_path: Path) -> None:
    serial, on_ray = tmp_path / "serial", tmp_path / "ray"
    plan_tree(tree, serial, budget={"auto_budget": False})
    seen = []
    results = plan_tree(tree, on_ray, budget={"auto_budget": False}, on_game=seen.append, cluster=TWO_WORKERS)
    assert sorted(r.game for r in results) == sorted(r.game for r in seen) and len(results) == 3
    assert all(r.failed is None and r.segments for r in results)
    for pattern in ("results_spotting.json", "curves.json"):
        assert _files(serial, pattern) == _files(on_ray, pattern) and len(_files(serial, pattern)) == 3

    settings = VideoFeatureSettings()
    features_tree(tree, settings, cache_root=tmp_path / "cache-serial")
    done = features_tree(tree, settings, cache_root=tmp_path / "cache-ray", cluster=TWO_WORKERS)
    assert len(done) == 6 and all(r.failed is None and r.frames for r in done)
    serial_cache, ray_cache = _files(tmp_path / "cache-serial", "*.npy"), _files(tmp_path / "cache-ray", "*.npy")
    assert len(serial_cache) == 12 and serial_cache == ray_cache, "byte-identical caches"
    again = features_tree(tree, settings, cache_root=tmp_path / "cache-ray", cluster=TWO_WORKERS)
    assert all(r.cached for r in again), "a Ray run resumes from the same cache"


def test_a_task_that_fails_once_is_retried(tmp_path: Path) -> None:
    marker = tmp_path / "attempts"
    marker.mkdir()

    def flaky(name: str) -> str:  # fails on its first attempt, as a worker that dies would
        attempt = len(list(marker.iterdir()))
        (marker / f"{name}-{attempt}").touch()
        if attempt == 0:
            raise RuntimeError("a passing fault")
        return f"{name} done on attempt {attempt + 1}"

    outcomes = run_tasks(flaky, [("only", ("only",))], TWO_WORKERS)
    assert outcomes[0].error is None and outcomes[0].result == "only done on attempt 2"

    def always_fails() -> None:  # defined here so that Ray ships it by value, as it does flaky
        raise ValueError("always broken")

    never = run_tasks(always_fails, [("bad", ())], ClusterConfig(local_cpus=2, max_retries=1))
    assert never[0].error is not None and "always broken" in never[0].error


def test_a_bad_game_is_reported_on_ray_and_the_others_finish(tree: Path, tmp_path: Path) -> None:
    copy = tmp_path / "tree"
    shutil.copytree(tree, copy)
    broken = copy / "league" / "season" / "game1" / "2_224p.mkv"
    broken.write_bytes(b"\x1aE\xdf\xa3" + os.urandom(2000))
    result = run_cli("plan", str(copy), "--out", str(tmp_path / "plans"), "--ray", "local")
    assert result.returncode == 1, result.stderr
    assert "1 of 3 games failed" in result.stderr and "game1" in result.stderr
    for good in ("game0", "game2"):
        assert (tmp_path / "plans" / "league" / "season" / good / "results_spotting.json").is_file()
