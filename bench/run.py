"""Stage-by-stage speed and memory of the whole pipeline on a synthetic and a real 45-minute half.

    python bench/run.py            (or: make bench)
    python bench/run.py real       (only the real-footage half; merged into the last results)
    python bench/run.py editors    (HD sources and a 2-hour file from the real clips; merged likewise)
    python bench/run.py scoreboard (the score bug's reading against one decode, three real inputs; likewise)
    python bench/run.py smartcut [INPUT ...] (the default reel with the smart cut, real 224p/720p/1080p; likewise)

The real half (key ``real_footage``) is the real broadcast clips of ``../shared/data/real-clips``
joined in match order and looped to 45 minutes; on it are timed the floors the pipeline is held
to, measured the way the pipeline decodes (audio alone to 16 kHz mono; frames at 2 fps with
unreferenced frames skipped; and the ffmpeg binary's audio extraction and full video decode), the
training-free scoring, the cutting, the whole default ``reel`` command, and the features. The
synthetic half:

Builds the inputs once under ``bench/work/`` (a 45-minute half, 398x224 at 25 fps with audio, and
10- and 90-minute inputs cut from and joined out of it by stream copy), then times, each stage in
a child process of its own so that its peak RSS is its own:

* ``decode_floor_s``: decoding every frame and the audio, nothing else: no pipeline that decodes
  every frame can beat it (median of three runs); ``pipeline_decode_floor_s``: decoding as the
  pipeline does (frames at 2 fps, unreferenced frames skipped; the sound alone to 16 kHz mono);
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
REAL_CLIPS = HERE.parent.parent / "shared" / "data" / "real-clips"
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
        CPU_S[0] = usage.ru_utime + usage.ru_stime  # the child's and its children's CPU time
        return wall, usage.ru_maxrss / 1024, out.read()


CPU_S = [0.0]
"""The CPU seconds of the last child run (itself and every process it waited for): on a machine
shared with other work, a steadier measure than wall time."""


def stage(name: str, *args: str) -> tuple[float, float, dict]:
    wall, rss, out = run_child([sys.executable, str(HERE / "stages.py"), name, *args])
    info = json.loads(out.strip().splitlines()[-1]) if out.strip() else {}
    info["cpu_s"] = round(CPU_S[0], 2)
    print(f"{name:>18}: {info.get('seconds', wall):8.1f} s   peak RSS {rss:7.0f} MB   {info}")
    return info.get("seconds", wall), rss, info


def real_footage() -> dict:
    """Every stage on a real 45-minute half: the real Arsenal clips in match order, looped (a goal
    in each loop), so decoding, sound and cutting cost what real SoccerNet 224p files cost."""
    if not REAL_CLIPS.is_dir():
        print(f"real clips not found at {REAL_CLIPS}: the real-footage bench is skipped")
        return {}
    _, _, info = stage("real_inputs", str(WORK), str(REAL_CLIPS), str(HALF_MINUTES))
    half = str(WORK / "real45" / "1_224p.mkv")
    real: dict = {"input": {"clips": "arsenal-anderlecht-2014-h1 clip0, clip12, clip26, clip29, clip30", **info}}
    floors = {
        "ffmpeg_audio_extract_s": ("ffmpeg_audio", half),
        "ffmpeg_video_decode_s": ("ffmpeg_video", half),
        "pyav_audio_decode_s": ("decode_audio", half),
        "pyav_video_decode_2fps_s": ("decode_sampled", half, "2"),
    }
    for key, args in floors.items():  # the median of three: this machine's speed wanders
        runs = [stage(*args)[0] for _ in range(3)]
        real[key] = float(np.median(runs))
    segments = WORK / "real_segments.json"
    real["scoring_s"], real["scoring_peak_rss_mb"], info = stage("score_audio", half, str(segments))
    real["reel"] = {k: info[k] for k in ("segments", "left_out", "reel_s", "share_of_match", "budget_s")}
    real["cutting_s"], real["cutting_peak_rss_mb"], _ = stage("write", half, str(segments), str(WORK / "real_cut"))
    real["reel_total_s"], real["reel_peak_rss_mb"], _ = stage("reel_default", half, str(WORK / "real_reel"))
    real["scoring_vs_ffmpeg_audio"] = round(real["scoring_s"] / real["ffmpeg_audio_extract_s"], 2)
    real["reel_vs_ffmpeg_video_decode"] = round(real["reel_total_s"] / real["ffmpeg_video_decode_s"], 2)
    real["scoreboard_s"], real["scoreboard_peak_rss_mb"], info = stage("scoreboard", half, str(WORK / "real_board"))
    real["scoreboard"] = {k: v for k, v in info.items() if k != "seconds"}
    real["scoreboard_vs_ffmpeg_video_decode"] = round(real["scoreboard_s"] / real["ffmpeg_video_decode_s"], 2)
    features_cache = WORK / "real_cache"
    real["features_s"], real["features_peak_rss_mb"], info = stage("features", half, str(features_cache))
    real["features_fps"] = info.get("frames_per_s")
    return {k: (round(v, 2) if isinstance(v, float) else v) for k, v in real.items()}


def scoreboard_speed() -> dict:
    """``soccer-highlights scoreboard`` (cold cache, the goals placed on the crowd's sound) against
    one ffmpeg decode of the same video (each the median of three runs, one for the 720p input), on
    three real inputs made from the Arsenal clips:

    * ``broadcast``: 45 minutes shaped like a broadcast's score story (0-0, 1-0, the clip30 goal to
      2-0: two changes), still with a join every 20-40 s;
    * ``loop``: the clips looped (a goal and a join to the old score every 114 s: 48 changes);
    * ``loop_720p``: the loop scaled to 1280x720 at 29.97 fps (a keyframe every 1.7 s).
    """
    out: dict = {"input": "real: the Arsenal clips of ../shared/data/real-clips, joined (see each input)"}
    _, _, info = stage("broadcast_input", str(WORK), str(REAL_CLIPS), str(HALF_MINUTES))
    inputs = {
        "broadcast": (WORK / f"real{HALF_MINUTES:.0f}_broadcast" / "1_224p.mkv", info, 3),
        "loop": (WORK / "real45" / "1_224p.mkv", stage("real_inputs", str(WORK), str(REAL_CLIPS), "45")[2], 3),
        "loop_720p": (WORK / "real_720p" / "1_hd.mkv", {}, 1),
    }
    for name, (video, made, runs) in inputs.items():
        if not video.exists():
            continue
        decode = float(np.median([stage("ffmpeg_video", str(video))[0] for _ in range(runs)]))
        timed = [stage("scoreboard", str(video), str(WORK / f"board_{name}")) for _ in range(runs)]
        seconds, rss, board = float(np.median([t[0] for t in timed])), max(t[1] for t in timed), timed[-1][2]
        out[name] = {**made, "ffmpeg_video_decode_s": round(decode, 2), "scoreboard_s": round(seconds, 2),
                     "scoreboard_peak_rss_mb": round(rss), "scoreboard_vs_decode": round(seconds / decode, 3),
                     **{k: v for k, v in board.items() if k != "seconds"}}  # fmt: skip
    return out


def editors_and_long_files() -> dict:
    """An editor's HD sources and one file for a whole match, made from the real loop:

    * ``hd``: the real 45-minute loop scaled to 1280x720 at 29.97 fps, and 10 minutes of it at
      1920x1080 (25 fps): one ffmpeg decode of each, and the default ``reel`` (which keeps the
      source's picture: cutting HD costs more than cutting 224p);
    * ``long_file``: the real loop for 120 minutes in one file (a whole match with half-time), the
      default ``reel`` on it against the 45-minute half: time per minute and peak memory.
    """
    real45 = WORK / "real45" / "1_224p.mkv"
    if not real45.exists():
        stage("real_inputs", str(WORK), str(REAL_CLIPS), str(HALF_MINUTES))
    out: dict = {"input": "real: the Arsenal clips looped, scaled up with ffmpeg (x264 veryfast)", "hd": {}}
    for name, height, fps, minutes in (("720p", "720", "30000/1001", "45"), ("1080p", "1080", "25", "10")):
        video = WORK / f"real_{name}" / "1_hd.mkv"
        _, _, info = stage("hd_input", str(real45), str(video), height, fps, minutes)
        decode = stage("ffmpeg_video", str(video))[0]  # one run: an HD decode takes minutes here
        reel_s, rss, reel = stage("reel_default", str(video), str(WORK / f"real_{name}_reel"))
        out["hd"][name] = {**info, "ffmpeg_video_decode_s": decode, "reel_default_s": reel_s,
                           "reel_peak_rss_mb": round(rss), "reel_vs_decode": round(reel_s / decode, 2),
                           "segments": reel.get("segments")}  # fmt: skip
    _, _, info = stage("long_input", str(WORK), str(REAL_CLIPS), "120")
    long_video = WORK / "real120" / "match.mkv"
    long_s, long_rss, reel = stage("reel_default", str(long_video), str(WORK / "real120_reel"))
    half_s, half_rss, _ = stage("reel_default", str(real45), str(WORK / "real45_reel_again"))
    out["long_file"] = {
        **info,
        "reel_default_s": round(long_s, 2),
        "reel_peak_rss_mb": round(long_rss),
        "half45_reel_default_s": round(half_s, 2),
        "half45_reel_peak_rss_mb": round(half_rss),
        "seconds_per_minute_ratio": round((long_s / 120) / (half_s / 45), 2),
        "segments": reel.get("segments"),
    }
    return out


SMART_INPUTS = {
    "224p": ("real45_even/1_224p.mkv", None, None, None),
    "224p_loop": ("real45/1_224p.mkv", None, None, None),
    "720p": ("real_720p_10/1_hd.mkv", "720", "30000/1001", "10"),
    "1080p": ("real_1080p_4/1_hd.mkv", "1080", "25", "4"),
}
"""The smart cut's real inputs: (file under bench/work, and for the HD copies of the even loop their
height, rate and minutes: 45 minutes of 720p or 1080p take hours to build on this machine)."""


def smart_cut() -> dict:
    """The default reel with the smart cut (the source's own GOPs copied, heads and tails encoded to
    match) on real inputs made from the Arsenal clips, cold, against one ffmpeg decode of the same
    file; the cut alone, copied and all encoded (``--reencode``), and the scoreboard alone (the
    default reel's other stages: the crowd's sound is the rest); and the reel's picture against the
    source's, frame for frame (``reel_vs_source``):

    * ``224p``: the clips looped to 45 minutes, joined so that their frames run on evenly
      (``even_loop_input``; clip0's own 13 dropped frames stay);
    * ``224p_loop``: the plain loop (``real_inputs``: each join shifts the later frames off the grid
      or drops a few, and every default segment crosses the clip29-clip30 join: cut by time);
    * ``720p``: the even loop at 1280x720, 29.97 fps, 10 minutes (a keyframe every 50 frames);
    * ``1080p``: the even loop at 1920x1080, 25 fps, 4 minutes.

    ``python bench/run.py smartcut 720p`` measures one input.
    """
    stage("even_loop_input", str(WORK), str(REAL_CLIPS), str(HALF_MINUTES))
    out: dict = {"input": "real: the Arsenal clips of ../shared/data/real-clips (see each input)"}
    for name in sys.argv[2:] or list(SMART_INPUTS):
        path, height, fps, minutes = SMART_INPUTS[name]
        video = WORK / path
        if name == "224p_loop":
            stage("real_inputs", str(WORK), str(REAL_CLIPS), str(HALF_MINUTES))
        if height:
            stage("hd_input", str(WORK / SMART_INPUTS["224p"][0]), str(video), height, fps, minutes)
        reel_dir, cut_dir = WORK / f"smart_{name}", str(WORK / "smart_cut_only")
        segments = reel_dir / "segments.json"
        load = os.getloadavg()[0]
        decode, _, decode_info = stage("ffmpeg_video", str(video))
        reel_s, rss, reel_info = stage("reel_default", str(video), str(reel_dir))
        picture = stage("reel_vs_source", str(video), str(reel_dir))[2]
        cut_s, _, cut_info = stage("cut_only", str(video), str(segments), cut_dir, "0")
        recut_s, _, recut_info = stage("cut_only", str(video), str(segments), cut_dir, "1")
        board_s, board_info = 0.0, {"cpu_s": 0.0}  # the scoreboard alone: SMART_BOARD=1 (it has its own bench)
        if os.environ.get("SMART_BOARD"):
            board_s, _, board_info = stage("scoreboard", str(video), str(WORK / f"smart_{name}_board"))
        cpu = {
            "decode": decode_info["cpu_s"],
            "reel": reel_info["cpu_s"],
            "cut_copy": cut_info["cpu_s"],
            "cut_reencode": recut_info["cpu_s"],
            "scoreboard": board_info["cpu_s"],
        }
        out[name] = {
            "file": path,
            "duration_s": round(probe_s(video), 1),
            "ffmpeg_video_decode_s": decode,
            "reel_default_s": reel_s,
            "reel_vs_decode": round(reel_s / decode, 3),
            "reel_peak_rss_mb": round(rss),
            "stages_s": {"cut_copy": cut_s, "cut_reencode": recut_s, "scoreboard": board_s,
                         "crowd_and_rest": round(reel_s - cut_s - board_s, 2)},
            "cpu_s": cpu,
            "reel_vs_decode_cpu": round(cpu["reel"] / cpu["decode"], 3),
            "reel_with_reencode_vs_decode_cpu": round(
                (cpu["reel"] - cpu["cut_copy"] + cpu["cut_reencode"]) / cpu["decode"], 3
            ),
            "picture": {k: v for k, v in picture.items() if k not in ("seconds", "cpu_s")},
            "load_average_1min": [round(load, 1), round(os.getloadavg()[0], 1)],
        }  # fmt: skip
        print(json.dumps(out[name], indent=2))
    return out


def probe_s(video: Path) -> float:
    from soccer_highlights.media.probe import probe

    return probe(video).duration_s


def main() -> dict:
    modes = {
        "smartcut": ("smart_cut", smart_cut),
        "editors": ("editors_and_long_files", editors_and_long_files),
        "scoreboard": ("scoreboard", scoreboard_speed),
    }
    if sys.argv[1:2] and sys.argv[1] in modes:  # one part, merged into the last results
        key, measure = modes[sys.argv[1]]
        WORK.mkdir(parents=True, exist_ok=True)
        measured = measure()
        results = json.loads((HERE / "results.json").read_text()) if (HERE / "results.json").exists() else {}
        results[key] = {**results.get(key, {}), **measured} if key == "smart_cut" else measured
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results[key], indent=2))
        return results
    if sys.argv[1:] == ["real"]:  # only the real-footage part, merged into the last results
        results = json.loads((HERE / "results.json").read_text()) if (HERE / "results.json").exists() else {}
        WORK.mkdir(parents=True, exist_ok=True)
        results["real_footage"] = real_footage()
        (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        print(json.dumps(results["real_footage"], indent=2))
        return results
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
    # the floors as the pipeline decodes: frames at 2 fps with unreferenced frames skipped, and the
    # sound alone (the features work these out in parallel, so the larger of the two bounds them)
    sampled = float(np.median([stage("decode_sampled", str(half45), "2")[0] for _ in range(3)]))
    audio = float(np.median([stage("decode_audio", str(half45))[0] for _ in range(3)]))
    results["pipeline_decode_floor_s"] = {"video_2fps": sampled, "audio_16k": audio}
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
    results["reel_vs_pipeline_decode_floor"] = round(results["reel_total_s"] / max(sampled, audio), 2)
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
    results["real_footage"] = real_footage()
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
