"""Feature extraction over a tree serially, and on a local Ray cluster with 1 and with 2 workers.

    python bench/ray_throughput.py [GAMES] [MINUTES]      # writes bench/ray_throughput.json

Synthetic games (made once under bench/work/ray/); every run starts from an empty cache. On a
two-core machine the serial run already keeps both cores busy (ONNX Runtime uses two threads), so
Ray's workers can add little here: the numbers say what Ray costs and gives on this machine.
"""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(games: int = 4, minutes: float = 2.0) -> dict:
    from soccer_highlights.audiovisual.config import VideoFeatureSettings
    from soccer_highlights.batch import features_tree
    from soccer_highlights.cluster import ClusterConfig
    from soccer_highlights.synth import SynthConfig, synth_game

    root = HERE / "work" / "ray" / "tree"
    for i in range(games):
        game = root / "league" / "season" / f"game{i}"
        if not (game / "Labels-v2.json").exists():
            synth_game(game, SynthConfig(minutes=minutes), seed=500 + i)
    settings = VideoFeatureSettings()
    features_tree(
        root / "league" / "season" / "game0" / "1_224p.mkv", settings, cache_root=HERE / "work" / "ray" / "warm"
    )
    runs = {"serial": None, "ray_1_worker": ClusterConfig(local_cpus=1), "ray_2_workers": ClusterConfig(local_cpus=2)}
    report: dict = {"games": games, "minutes_per_half": minutes, "halves": 2 * games, "input": "synthetic"}
    for name, cluster in runs.items():
        cache = HERE / "work" / "ray" / f"cache-{name}"
        shutil.rmtree(cache, ignore_errors=True)
        start = time.perf_counter()
        results = features_tree(root, settings, cache_root=cache, cluster=cluster)
        seconds = time.perf_counter() - start
        assert all(r.failed is None for r in results), results
        report[name] = {
            "seconds": round(seconds, 1),
            "video_minutes_per_minute": round(2 * games * minutes * 60 / seconds, 2),
        }
        print(name, report[name])
    report["ray_2_vs_1_worker_speedup"] = round(
        report["ray_1_worker"]["seconds"] / report["ray_2_workers"]["seconds"], 2
    )
    (HERE / "ray_throughput.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


if __name__ == "__main__":
    main(*(int(sys.argv[1]),) if len(sys.argv) > 1 else (), *(float(sys.argv[2]),) if len(sys.argv) > 2 else ())
