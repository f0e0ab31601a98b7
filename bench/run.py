"""Stage-by-stage speed and memory of the whole pipeline on a synthetic 45-minute half.

    python bench/run.py            (or: make bench)

Builds the inputs once under ``bench/work/`` (a 45-minute half, 398x224 at 25 fps with audio, and
10- and 90-minute inputs cut from and joined out of it by stream copy), then times, each stage in
a child process of its own so that its peak RSS is its own:

* ``decode_floor_s``: decoding every frame and the audio, nothing else: no pipeline that decodes
  every frame can beat it (median of three runs);
* ``features_s``: frame embeddings (default backbone, 2 fps) and the log-mel spectrogram, cold cache;
* ``detect_s``: the audio-visual model slid over the cached features;
* ``reel_write_s``: cutting and joining the reel;
* ``reel_total_s``: the whole ``soccer-highlights reel VIDEO --model`` command, cold cache;
* ``seed_reference_s``: the seed's way, ResNet-50 in fp32 over every 75-frame window (5 fps, 15-frame
  stride) with the frames held in memory, timed on a stretch and extrapolated to 45 minutes;
* ``resnet50_5fps_features_s``: our feature path in the seed's configuration (ResNet-50, 5 fps),
  timed on a stretch and extrapolated to 45 minutes;
* peak RSS of the whole command on the 10-, 45- and 90-minute inputs.

The reel stages use a model trained on four small synthetic games (made once, like the inputs),
with the default feature settings. ResNet-50 runs with random weights: weights do not change its
speed, and its ImageNet weights cannot be downloaded here. Writes ``bench/results.json``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
HALF_MINUTES = 45.0
STRETCH_S = 60.0


def run_child(args: list[str]) -> tuple[float, float, str]:
    """Run a command; return its wall time, its own peak RSS in MB (from wait4), and its stdout."""
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise RuntimeError(f"{args} failed:\n{err.read()[-3000:]}")
        return wall, usage.ru_maxrss / 1024, out.read()


def stage(name: str, *args: str) -> tuple[float, float, dict]:
    wall, rss, out = run_child([sys.executable, str(HERE / "stages.py"), name, *args])
    info = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    print(f"{name:>18}: {info.get('seconds', wall):8.1f} s   peak RSS {rss:7.0f} MB   {info}")
    return info.get("seconds", wall), rss, info


def main() -> dict:
    WORK.mkdir(parents=True, exist_ok=True)
    half45 = WORK / "half45" / "1_224p.mkv"
    _, _, _ = stage("inputs", str(WORK), str(HALF_MINUTES))
    half10, half90 = WORK / "half10" / "1_224p.mkv", WORK / "half90" / "1_224p.mkv"
    ckpt = WORK / "model.ckpt"
    stage("checkpoint", str(ckpt))

    results: dict = {}
    # this machine's speed wanders by a third from one minute to the next: the floor is the median of three
    decodes = [stage("decode", str(half45)) for _ in range(3)]
    results["decode_floor_s"] = float(np.median([d[0] for d in decodes]))
    results["decode_floor_runs_s"] = [d[0] for d in decodes]
    rss_decode, info = decodes[0][1], decodes[0][2]
    results["frames_decoded"] = info.get("frames")
    cache = WORK / "cache45"
    results["features_s"], rss_features, info = stage("features", str(half45), str(cache))
    results["features_fps"] = info.get("frames_per_s")
    results["detect_s"], rss_detect, info = stage(
        "detect", str(half45), str(cache), str(ckpt), str(WORK / "segments.json")
    )
    results["alignment"] = {k: v for k, v in info.items() if "peak" in k or "last_event" in k}
    results["reel_write_s"], rss_write, _ = stage(
        "write", str(half45), str(WORK / "segments.json"), str(WORK / "reel_only")
    )
    results["reel_total_s"], results["peak_rss_mb"], _ = stage("reel", str(half45), str(ckpt), str(WORK / "reel45"))
    _, results["peak_rss_mb_10min"], _ = stage("reel", str(half10), str(ckpt), str(WORK / "reel10"))
    _, results["peak_rss_mb_90min"], _ = stage("reel", str(half90), str(ckpt), str(WORK / "reel90"))
    results["seed_reference_s"], rss_seed, info = stage("seed", str(half45), str(STRETCH_S), str(HALF_MINUTES))
    results["seed_reference_memory_gb_45min"] = info.get("frames_in_memory_gb")
    results["resnet50_5fps_features_s"], _, info = stage("resnet50", str(half45), str(STRETCH_S), str(HALF_MINUTES))
    results["speedup_vs_seed"] = round(results["seed_reference_s"] / results["reel_total_s"], 1)
    results["reel_vs_decode_floor"] = round(results["reel_total_s"] / results["decode_floor_s"], 2)
    results["rss_10_vs_90_min_change"] = round(results["peak_rss_mb_90min"] / results["peak_rss_mb_10min"] - 1, 3)
    results["stage_peak_rss_mb"] = {
        "decode": round(rss_decode),
        "features": round(rss_features),
        "detect": round(rss_detect),
        "reel_write": round(rss_write),
        "seed_reference_stretch": round(rss_seed),
    }
    import torch

    results["machine"] = {
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "python": platform.python_version(),
    }
    results = {k: (round(v, 2) if isinstance(v, float) else v) for k, v in results.items()}
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return results


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    main()
