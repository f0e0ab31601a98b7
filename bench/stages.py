"""One benchmark stage per call, run in a child process by ``bench/run.py`` (see there).

Prints one JSON line with what it measured; wall time and peak RSS are taken by the parent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np


def inputs(work: str, minutes: str) -> dict:
    """The 45-minute half (made once), and 10- and 90-minute inputs by stream copy."""
    from soccer_highlights.media.ffmpeg import run_ffmpeg
    from soccer_highlights.synth import SynthConfig, plan_half, write_half_video

    work_dir = Path(work)
    half45 = work_dir / "half45" / "1_224p.mkv"
    # encoded like SoccerNet's 224p files (B-frames, High profile): an ultrafast encode decodes several
    # times faster than the real files and would flatter the decode floor and the frame skipping
    cfg = SynthConfig(minutes=float(minutes), encoding="broadcast")
    made = False
    if not half45.exists():
        rng = np.random.default_rng(45)
        # one highlight in the last minute: where clock drift would show first
        plan = plan_half(rng, 1, cfg, extra_highlights_s=(cfg.minutes * 60 - 40.0,))
        half45.parent.mkdir(parents=True, exist_ok=True)
        write_half_video(half45, plan, cfg, seed=45)
        from soccer_highlights.soccernet.labels import events_to_json

        (half45.parent / "Labels-v2.json").write_text(json.dumps(events_to_json(plan.events)))
        made = True
    half10 = work_dir / "half10" / "1_224p.mkv"
    if not half10.exists():
        half10.parent.mkdir(parents=True, exist_ok=True)
        # ten minutes from shortly before the first highlight, so that its reel has something in it
        from soccer_highlights.soccernet.labels import load_labels

        start = max(0.0, min(e.time_s for e in load_labels(half45.parent / "Labels-v2.json").highlights()) - 60.0)
        run_ffmpeg(
            ["-ss", f"{start:.1f}", "-i", str(half45), "-t", "600", "-c", "copy", str(half10)],
            "cutting the 10-minute input",
        )
    half90 = work_dir / "half90" / "1_224p.mkv"
    if not half90.exists():
        half90.parent.mkdir(parents=True, exist_ok=True)
        listing = work_dir / "concat90.txt"
        listing.write_text(f"file '{half45.resolve()}'\nfile '{half45.resolve()}'\n")
        run_ffmpeg(["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(half90)], "joining 90 minutes")
    return {"made_45min": made}


def checkpoint(path: str) -> dict:
    """A model trained on four small synthetic games (made once), with the default feature settings,
    so the reel stages cut what a real model picks."""
    from soccer_highlights.audiovisual.config import TrainConfig
    from soccer_highlights.audiovisual.train import train
    from soccer_highlights.synth import SynthConfig, synth_game

    if Path(path).exists():
        return {"trained": False}
    root = Path(path).parent / "train"
    for i in range(4):
        game = root / "synthetic-league" / "2026-2027" / f"train-{i}"
        if not (game / "Labels-v2.json").exists():
            synth_game(game, SynthConfig(minutes=3.0), seed=100 + i)
    result = train(root, Path(path), TrainConfig(max_epochs=20))
    return {"trained": True, "val_ap": result.best_val_ap}


def decode(video: str) -> dict:
    import av

    start = time.perf_counter()
    frames = 0
    with av.open(video) as container:
        container.streams.video[0].thread_type = "AUTO"
        for packet in container.demux():
            for _ in packet.decode():
                frames += 1
    return {"seconds": round(time.perf_counter() - start, 2), "frames": frames}


def features(video: str, cache: str) -> dict:
    from soccer_highlights.audiovisual.features import FeatureExtractor

    shutil.rmtree(cache, ignore_errors=True)
    extractor = FeatureExtractor(cache_root=Path(cache))
    _ = extractor.backbone  # loading the weights is not part of the stage
    start = time.perf_counter()
    feats = extractor.ensure(Path(video))
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "frames": len(feats.video),
        "frames_per_s": round(len(feats.video) / seconds, 1),
    }


def detect(video: str, cache: str, ckpt: str, segments_out: str) -> dict:
    from soccer_highlights.audiovisual.detector import LearnedDetector
    from soccer_highlights.config import SegmentConfig
    from soccer_highlights.core import Half
    from soccer_highlights.media.probe import probe
    from soccer_highlights.segments import plan_reel

    detector = LearnedDetector(Path(ckpt))
    detector.extractor.cache_root = Path(cache)
    source = Half(1, probe(video).duration_s, Path(video))
    detector.features(source)  # cached by the features stage
    start = time.perf_counter()
    curve = detector.score_half(source)
    seconds = time.perf_counter() - start
    segments = plan_reel([curve], SegmentConfig()).segments
    Path(segments_out).write_text(json.dumps([s.to_json() for s in segments]))
    return {
        "seconds": round(seconds, 2),
        "windows": len(curve.scores),
        "segments": len(segments),
        **peak_alignment(curve, Path(video).parent / "Labels-v2.json"),
    }


def peak_alignment(curve, labels_path: Path, radius_s: float = 8.0) -> dict:
    """Where the score peaks near each highlight, against the event's time: audio drifting away from
    video over a half would show as growing errors, worst at the last event."""
    from soccer_highlights.soccernet.labels import load_labels

    times = curve.times_s()
    errors = []
    for event in load_labels(labels_path).highlights():
        near = np.abs(times - event.time_s) <= radius_s
        errors.append((event.time_s, float(times[near][np.argmax(curve.scores[near])] - event.time_s)))
    last_time, last_error = max(errors)
    return {
        "peak_error_abs_median_s": round(float(np.median([abs(e) for _, e in errors])), 2),
        "peak_error_abs_max_s": round(max(abs(e) for _, e in errors), 2),
        "last_event_s": last_time,
        "last_event_peak_error_s": round(last_error, 2),
    }


def write(video: str, segments_json: str, out_dir: str) -> dict:
    from soccer_highlights.config import ReelConfig
    from soccer_highlights.core import Half, Segment
    from soccer_highlights.media.probe import probe
    from soccer_highlights.output.reel import write_reel

    segments = [Segment.from_json(s) for s in json.loads(Path(segments_json).read_text())]
    shutil.rmtree(out_dir, ignore_errors=True)
    info = probe(video)
    start = time.perf_counter()
    result = write_reel(
        segments, {1: Half(1, info.duration_s, Path(video), True)}, Path(out_dir) / "reel.mp4", ReelConfig()
    )
    return {"seconds": round(time.perf_counter() - start, 2), "reel_s": round(result.duration_s, 1)}


def reel(video: str, ckpt: str, out_dir: str) -> dict:
    """The whole command as a user runs it, with a cold feature cache."""
    shutil.rmtree(Path(video).parent / "features", ignore_errors=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [
        sys.executable,
        "-m",
        "soccer_highlights.cli",
        "reel",
        video,
        "--model",
        ckpt,
        "--out",
        out_dir,
    ]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return {"seconds": round(time.perf_counter() - start, 2)}


def _frames_at(video: str, fps: float, seconds: float, size: tuple[int, int]) -> np.ndarray:
    from soccer_highlights.media.decode import iter_frames

    return np.stack([f.rgb for f in iter_frames(video, fps, size, end_s=seconds)])


def seed(video: str, stretch_s: str, minutes: str) -> dict:
    """The seed's detection loop: all frames at 5 fps, 224x224, in memory; ResNet-50 (fp32) on every
    15 s window every 3 s, so each frame is embedded five times over."""
    import torch
    import torchvision

    stretch, half_s = float(stretch_s), float(minutes) * 60
    model = torchvision.models.resnet50(weights=None).eval()
    start = time.perf_counter()
    frames = _frames_at(video, 5.0, stretch, (224, 224))
    tensor = torch.from_numpy(frames).permute(0, 3, 1, 2).float().div(255)  # held whole, as the seed did
    n_windows = 0
    with torch.inference_mode():
        for first in range(0, len(tensor) - 75 + 1, 15):
            model(tensor[first : first + 75])
            n_windows += 1
    seconds = time.perf_counter() - start
    windows_45 = int((half_s - 15) // 3) + 1
    return {
        "seconds": round(seconds / n_windows * windows_45, 1),
        "measured_windows": n_windows,
        "measured_s": round(seconds, 1),
        "frames_in_memory_gb": round(half_s * 5 * 3 * 224 * 224 * 4 / 1e9, 1),
    }


def resnet50(video: str, stretch_s: str, minutes: str) -> dict:
    """Our feature path (each frame embedded once, batched, channels-last) with ResNet-50 at 5 fps."""
    import torch
    import torchvision

    from soccer_highlights.audiovisual.backbones import get_backbone
    from soccer_highlights.audiovisual.config import VideoFeatureSettings
    from soccer_highlights.media.decode import iter_frames

    stretch, half_s = float(stretch_s), float(minutes) * 60
    # ImageNet weights cannot be downloaded here; random ones saved to a file run the same path
    # (ONNX Runtime on the CPU) that a user's real weights file would, at the same speed
    weights = Path(video).parent.parent / "resnet50-random.pth"
    if not weights.exists():
        torch.save(torchvision.models.resnet50(weights=None).state_dict(), weights)
    backbone = get_backbone("resnet50", weights=str(weights))
    s = VideoFeatureSettings(backbone="resnet50", fps=5.0)
    backbone.embed(np.zeros((1, s.height, s.width, 3), np.uint8))  # exported once per machine, not timed
    start = time.perf_counter()
    batch, n = [], 0
    for frame in iter_frames(video, s.fps, (s.width, s.height), end_s=stretch):
        batch.append(frame.rgb)
        if len(batch) == 32:
            backbone.embed(np.stack(batch))
            n += len(batch)
            batch = []
    if batch:
        backbone.embed(np.stack(batch))
        n += len(batch)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds / stretch * half_s, 1),
        "measured_frames": n,
        "frames_per_s": round(n / seconds, 1),
    }


REAL_CLIP_ORDER = ("clip0", "clip12", "clip26", "clip29", "clip30")
"""The Arsenal clips of one real half, in match order: a goal in every loop (clip30)."""


def real_inputs(work: str, clips_dir: str, minutes: str) -> dict:
    """A real 45-minute half: the real clips in a fixed order, looped, joined by stream copy."""
    from soccer_highlights.media.cut import concat_copy
    from soccer_highlights.media.probe import probe

    dest = Path(work) / "real45" / "1_224p.mkv"
    sources = [Path(clips_dir) / f"arsenal-anderlecht-2014-h1-{name}.mkv" for name in REAL_CLIP_ORDER]
    loop_s = sum(probe(s).duration_s for s in sources)
    loops = int(np.ceil(float(minutes) * 60 / loop_s))
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        concat_copy(sources * loops, dest)
    return {"loops": loops, "loop_s": round(loop_s, 2), "duration_s": round(probe(dest).duration_s, 2)}


def even_loop_input(work: str, clips_dir: str, minutes: str) -> dict:
    """The real loop joined so that its frames run on evenly over every join: each clip ends where
    its picture does (``outpoint``: the sound's last few milliseconds past it are left out), so the
    next starts on the next frame's time, as one continuous broadcast would (a plain join starts it
    where the longer sound ends, and shifts every later frame off the grid). The clips' own dropped
    frames (13 in clip0) stay."""
    import av

    from soccer_highlights.media.ffmpeg import ffmpeg_exe

    dest = Path(work) / f"real{float(minutes):.0f}_even" / "1_224p.mkv"
    sources = [Path(clips_dir) / f"arsenal-anderlecht-2014-h1-{name}.mkv" for name in REAL_CLIP_ORDER]
    ends = {}
    for source in sources:
        with av.open(str(source)) as container:
            video = container.streams.video[0]
            last = max(float(p.pts * video.time_base) for p in container.demux(video) if p.pts is not None)
            ends[source] = last + 1 / float(video.average_rate)
    loop_s = sum(ends.values())
    loops = int(np.ceil(float(minutes) * 60 / loop_s))
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        listing = dest.parent / "concat.txt"
        listing.write_text("".join(f"file '{s}'\noutpoint {ends[s]:.3f}\n" for s in sources * loops))
        subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-map", "0",
             "-c", "copy", str(dest) + ".tmp.mkv"],
            check=True,
        )  # fmt: skip
        Path(str(dest) + ".tmp.mkv").rename(dest)
    return {"loops": loops, "loop_s": round(loop_s, 2), "duration_s": round(loop_s * loops, 2)}


def ffmpeg_audio(video: str) -> dict:
    """The ffmpeg binary extracting the audio to 16 kHz mono: what the training-free path is held to."""
    return _ffmpeg_null(["-i", video, "-vn", "-ac", "1", "-ar", "16000", "-f", "s16le", "-"])


def ffmpeg_video(video: str) -> dict:
    """The ffmpeg binary decoding every video frame once on two threads: what a whole reel is held to."""
    return _ffmpeg_null(["-threads", "2", "-i", video, "-an", "-f", "null", "-"])


def _ffmpeg_null(args: list[str]) -> dict:
    from soccer_highlights.media.ffmpeg import ffmpeg_exe

    start = time.perf_counter()
    subprocess.run([ffmpeg_exe(), "-nostdin", "-loglevel", "error", *args], check=True, stdout=subprocess.DEVNULL)
    return {"seconds": round(time.perf_counter() - start, 2)}


def decode_audio(video: str) -> dict:
    """Our audio decode alone (PyAV, 16 kHz mono): the floor of the training-free path."""
    from soccer_highlights.media.decode import iter_audio

    start = time.perf_counter()
    samples = sum(len(c.samples) for c in iter_audio(video, 16_000))
    return {"seconds": round(time.perf_counter() - start, 2), "audio_s": round(samples / 16_000, 1)}


def decode_sampled(video: str, fps: str) -> dict:
    """Our frame decode as the features decode it: sampled at ``fps``, unreferenced frames skipped."""
    from soccer_highlights.audiovisual.config import VideoFeatureSettings
    from soccer_highlights.media.decode import iter_frames

    s = VideoFeatureSettings(fps=float(fps))
    start = time.perf_counter()
    n = sum(1 for _ in iter_frames(video, s.fps, (s.width, s.height)))
    return {"seconds": round(time.perf_counter() - start, 2), "frames": n}


def score_audio(video: str, segments_out: str) -> dict:
    """The training-free detector's scoring and planning of the half, with the default budget."""
    import soccer_highlights as sh

    start = time.perf_counter()
    found = sh.highlights(video)
    seconds = time.perf_counter() - start
    Path(segments_out).write_text(json.dumps([s.to_json() for s in found.segments]))
    return {
        "seconds": round(seconds, 2),
        "segments": len(found.segments),
        "left_out": len(found.left_out),
        "reel_s": round(found.duration_s, 1),
        "share_of_match": round(found.share_of_match, 4),
        "budget_s": round(found.budget_s, 1) if found.budget_s else None,
    }


def reel_default(video: str, out_dir: str) -> dict:
    """The whole default command as a user runs it: ``soccer-highlights reel VIDEO --out DIR``,
    with a cold scoreboard cache (a reading left by an earlier stage would flatter it)."""
    from soccer_highlights.fileio import cache_folder_beside
    from soccer_highlights.scoreboard.state import CACHE_DIR

    shutil.rmtree(cache_folder_beside(Path(video), CACHE_DIR), ignore_errors=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "soccer_highlights.cli", "reel", video, "--out", out_dir]
    subprocess.run(cmd, check=True, capture_output=True)
    doc = json.loads((Path(out_dir) / "segments.json").read_text())
    return {"seconds": round(time.perf_counter() - start, 2), **doc["reel"], "segments": len(doc["segments"])}


def scoreboard(video: str, out_dir: str) -> dict:
    """The whole ``soccer-highlights scoreboard VIDEO`` command with a cold cache (the reading of the
    score bug and clock): held to a fraction of one ffmpeg decode of the same video."""
    from soccer_highlights.fileio import cache_folder_beside
    from soccer_highlights.scoreboard.state import CACHE_DIR

    shutil.rmtree(cache_folder_beside(Path(video), CACHE_DIR), ignore_errors=True)
    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    cmd = [sys.executable, "-m", "soccer_highlights.cli", "scoreboard", video, "--out", out_dir]
    subprocess.run(cmd, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    (half,) = json.loads((Path(out_dir) / "match_state.json").read_text())["halves"]
    return {
        "seconds": round(seconds, 2),
        "readable": half["readable"],
        "reads": half["reads"],
        "ocr_calls": half["ocr_calls"],
        "score_changes": len(half["score"]) - 1,
        "clock_samples": len(half["clock"]),
    }


def hd_input(source: str, dest: str, height: str, fps: str, minutes: str) -> dict:
    """The real loop scaled up to an HD broadcast's size and rate (an editor's source), ``minutes`` long."""
    from soccer_highlights.media.ffmpeg import ffmpeg_exe
    from soccer_highlights.media.probe import probe

    if not Path(dest).exists():
        Path(dest).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-y", "-t", str(float(minutes) * 60), "-i", source,
             "-vf", f"scale=-2:{height}", "-r", fps, "-c:v", "libx264", "-preset", "veryfast", "-g", "50",
             "-c:a", "copy", dest + ".tmp.mkv"],
            check=True,
        )  # fmt: skip
        Path(dest + ".tmp.mkv").rename(dest)
    info = probe(dest)
    return {"width": info.width, "height": info.height, "fps": round(info.fps, 3), "duration_s": info.duration_s}


def broadcast_input(work: str, clips_dir: str, minutes: str) -> dict:
    """A real half shaped like a broadcast's score story: ``minutes`` long with two score changes,
    not one in every loop. 0-0 play (clip0, clip12) for the first 45%, 1-0 (clip26, clip29) up to
    the goal of clip30 at about 80%, then 2-0 (clip30 after its bug flipped, looped) to the end;
    encoded once like SoccerNet's files (a keyframe every 5 s and at cuts). The joins still cut the
    clock every 20-40 s: harder than a broadcast, whose play runs on for minutes between cuts."""
    from soccer_highlights.media.ffmpeg import ffmpeg_exe
    from soccer_highlights.media.probe import probe

    dest = Path(work) / f"real{float(minutes):.0f}_broadcast" / "1_224p.mkv"
    clip = {name: Path(clips_dir) / f"arsenal-anderlecht-2014-h1-{name}.mkv" for name in REAL_CLIP_ORDER}
    length = {name: probe(path).duration_s for name, path in clip.items()}
    total_s = float(minutes) * 60
    parts: list[tuple[str, float]] = []  # (clip, in point)

    def fill(names: tuple[str, ...], until_s: float, inpoint: float = 0.0) -> None:
        while sum(length[n] - i for n, i in parts) < until_s:
            parts.extend((n, inpoint) for n in names)

    fill(("clip0", "clip12"), 0.45 * total_s)
    fill(("clip26", "clip29"), 0.8 * total_s)
    parts.append(("clip30", 0.0))
    fill(("clip30",), total_s, inpoint=6.0)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        listing = dest.parent / "concat.txt"
        listing.write_text("".join(f"file '{clip[n]}'\ninpoint {i}\n" for n, i in parts))
        subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-t", str(total_s),
             "-c:v", "libx264", "-preset", "veryfast", "-g", "125", "-c:a", "aac", "-b:a", "128k",
             str(dest) + ".tmp.mkv"],
            check=True,
        )  # fmt: skip
        Path(str(dest) + ".tmp.mkv").rename(dest)
    starts = np.cumsum([0.0] + [length[n] - i for n, i in parts])
    goal_s = float(starts[[n for n, _ in parts].index("clip30")])
    return {"duration_s": round(probe(dest).duration_s, 2), "joins": len(parts) - 1,
            "change_1_0_s": round(float(starts[[n for n, _ in parts].index("clip26")]), 2),
            "clip30_start_s": round(goal_s, 2)}  # fmt: skip


def long_input(work: str, clips_dir: str, minutes: str) -> dict:
    """One file for a whole match: the real loop for ``minutes`` (two halves, half-time, pre-match
    all alike to the tool), joined by stream copy."""
    from soccer_highlights.media.cut import concat_copy
    from soccer_highlights.media.probe import probe

    dest = Path(work) / f"real{minutes}" / "match.mkv"
    sources = [Path(clips_dir) / f"arsenal-anderlecht-2014-h1-{name}.mkv" for name in REAL_CLIP_ORDER]
    loop_s = sum(probe(s).duration_s for s in sources)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        concat_copy(sources * int(np.ceil(float(minutes) * 60 / loop_s)), dest)
    return {"duration_s": round(probe(dest).duration_s, 2)}


def reel_vs_source(video: str, out_dir: str) -> dict:
    """The default reel's picture against its source, frame for frame (luma PSNR of every decoded
    frame against the source's frame at the same place): the copied stretches must be identical,
    the encoded heads and tails close; and how many segments and frames were copied."""
    from soccer_highlights.core import Segment, frame_aligned
    from soccer_highlights.media.smartcut import SourceStream, plan_cut, source_stream
    from soccer_highlights.media.verify import luma_frames, psnr_db

    doc = json.loads((Path(out_dir) / "segments.json").read_text())
    stream = source_stream(Path(video))
    fps = float(stream.rate) if isinstance(stream, SourceStream) else None
    copied, identical, encoded, scores, at = 0, 0, 0, [], 0
    methods = [s.get("cut", {}).get("method", "reencode") for s in doc["segments"]]
    for data, method in zip(doc["segments"], methods, strict=True):
        seg = Segment.from_json(data)
        start, end = (round(t * fps) for t in frame_aligned(seg.start_s, seg.end_s, fps)) if fps else (0, 0)
        if fps and method == "copy":
            plan = plan_cut(Path(video), start, end, stream)
            mine = luma_frames(Path(out_dir) / "reel.mp4", range(at, at + end - start), fps)
            theirs = luma_frames(video, range(start, end), fps, plan.phase)
            for i in range(end - start):
                likeness = psnr_db(mine[at + i], theirs[start + i])
                if plan.copy_start <= start + i < plan.copy_end:
                    copied += 1
                    identical += likeness == float("inf")
                else:
                    encoded += 1
                    scores.append(likeness)
        at += end - start
    return {
        "segments": len(methods),
        "segments_copied": methods.count("copy"),
        "notes": sorted({s["cut"].get("note", "") for s in doc["segments"] if s.get("cut", {}).get("note")}),
        "copied_frames": copied,
        "copied_frames_identical": identical,
        "encoded_frames": encoded,
        "encoded_psnr_db_min": round(min(scores), 2) if scores else None,
        "encoded_psnr_db_mean": round(float(np.mean(scores)), 2) if scores else None,
    }


def cut_only(video: str, segments_json: str, out_dir: str, reencode: str) -> dict:
    """Cutting and joining the segments of a ``segments.json`` alone (copied, or all encoded with
    ``reencode`` 1): the cut's share of the default reel."""
    from soccer_highlights.config import ReelConfig
    from soccer_highlights.core import Half, Segment
    from soccer_highlights.media.probe import probe
    from soccer_highlights.output.reel import write_reel

    segments = [Segment.from_json(s) for s in json.loads(Path(segments_json).read_text())["segments"]]
    shutil.rmtree(out_dir, ignore_errors=True)
    info = probe(video)
    start = time.perf_counter()
    result = write_reel(
        segments,
        {1: Half(1, info.duration_s, Path(video), info.has_audio)},
        Path(out_dir) / "reel.mp4",
        ReelConfig(reencode=reencode == "1"),
    )
    methods = [c["method"] for c in result.cuts]
    return {"seconds": round(time.perf_counter() - start, 2), "copied": methods.count("copy")}


if __name__ == "__main__":
    name, *args = sys.argv[1:]
    print(json.dumps(globals()[name](*args)))
