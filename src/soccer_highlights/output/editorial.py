"""The reel's cut as a timeline an editing application opens: OpenTimelineIO, and through its
adapters CMX 3600 EDL, Final Cut Pro X XML and Final Cut 7 / Premiere XML.

One clip per segment, in reel order, each referencing its source video at the segment's exact
source range in frames of the *source's* own rate (a 29.97 fps broadcast stays frame-exact:
``30000/1001``), named after what it shows ("28' Goal (2-0)"), with a marker at its peak that
carries the detector, score, label, match minute and, where the bug was read, the score line.
The editor then trims, reorders and titles on the original footage, not on our re-encode.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from soccer_highlights.core import Plan, Segment
from soccer_highlights.errors import ConfigError
from soccer_highlights.fileio import atomic_path, atomic_write_text

FORMATS: dict[str, tuple[str, str]] = {
    "otio": ("otio_json", ".otio"),
    "edl": ("cmx_3600", ".edl"),
    "fcpxml": ("fcpx_xml", ".fcpxml"),
    "fcp7xml": ("fcp_xml", ".xml"),
}
"""``--export`` name: (OpenTimelineIO adapter, file suffix)."""
TIMELINE_STEM = "reel_timeline"


def parse_formats(text: str) -> list[str]:
    """``otio,edl`` to a checked list of export names."""
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(FORMATS))
    if unknown:
        raise ConfigError(f"unknown export format(s) {unknown}; known: {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def check_formats(formats: str | Sequence[str]) -> list[str]:
    """Export names as a caller gives them (``"otio,edl"`` or ``["otio", "edl"]``), checked before
    any work: an unknown or misspelt one is a :class:`ConfigError` listing the known ones."""
    if isinstance(formats, str):
        return parse_formats(formats)
    if not isinstance(formats, Sequence | set | frozenset) or not all(isinstance(f, str) for f in formats):
        raise ConfigError(f"exports must be names among {', '.join(FORMATS)}; got {formats!r:.60}")
    return parse_formats(",".join(formats))


def segment_title(segment: Segment, index: int) -> str:
    """What a clip, a chapter and a title call a segment: ``28' Goal (2-0)``, ``Highlight 3``."""
    minute = f"{segment.minute}' " if segment.minute is not None else ""
    label = segment.label if segment.label != "Highlight" else f"Highlight {index + 1}"
    return f"{minute}{label}"


def exact_rate(fps: float) -> Fraction:
    """A probed frame rate as the fraction it is: ``29.97002997`` as ``30000/1001``, ``25.0`` as 25."""
    return Fraction(fps).limit_denominator(1001)


def source_frames(segment: Segment, rate: float) -> tuple[int, int]:
    """A segment's first frame and length in frames of ``rate``: the one rounding every timeline uses."""
    first, last = round(segment.start_s * rate), round(segment.end_s * rate)
    return first, max(1, last - first)


def build_timeline(plan: Plan, name: str | None = None) -> Any:
    """The plan's segments as an OpenTimelineIO timeline over the source videos."""
    import opentimelineio as otio
    from opentimelineio import opentime

    halves = {h.half: h for h in plan.halves}
    reel_rate = float(plan.settings.reel.fps or 25.0)
    timeline = otio.schema.Timeline(
        name=name or plan.source.stem, global_start_time=opentime.RationalTime(0, reel_rate)
    )
    video = otio.schema.Track(name="V1", kind=otio.schema.TrackKind.Video)
    audio = otio.schema.Track(name="A1", kind=otio.schema.TrackKind.Audio)
    timeline.tracks.extend([video, audio])
    references: dict[int, Any] = {}
    for i, seg in enumerate(plan.segments):
        half = halves.get(seg.half)
        if half is None or half.video is None:
            raise ConfigError(f"segment {i} (half {seg.half}) has no source video to reference")
        rate = float(half.fps) if half.fps else reel_rate
        if seg.half not in references:
            references[seg.half] = otio.schema.ExternalReference(
                target_url=Path(half.video).resolve().as_uri(),
                available_range=opentime.TimeRange(
                    opentime.RationalTime(0, rate), opentime.RationalTime(round(half.duration_s * rate), rate)
                ),
            )
        first, length = source_frames(seg, rate)
        last = first + length
        source_range = opentime.TimeRange(opentime.RationalTime(first, rate), opentime.RationalTime(length, rate))
        title = segment_title(seg, i)
        info = _marker_info(seg)
        for track in (video, audio):
            clip = otio.schema.Clip(name=title, media_reference=references[seg.half], source_range=source_range)
            clip.metadata["soccer_highlights"] = info
            peak = opentime.RationalTime(_peak_frame(seg, rate, first, last), rate)
            clip.markers.append(
                otio.schema.Marker(
                    name=title,
                    marked_range=opentime.TimeRange(peak, opentime.RationalTime(1, rate)),
                    color=otio.schema.MarkerColor.GREEN if _is_goal(seg) else otio.schema.MarkerColor.RED,
                    metadata={"soccer_highlights": info},
                )
            )
            track.append(clip)
    return timeline


def write_timelines(plan: Plan, out_dir: Path, formats: Sequence[str]) -> list[Path]:
    """``reel_timeline.otio`` / ``.edl`` / ``.fcpxml`` / ``.xml`` in ``out_dir``, each atomically."""
    import opentimelineio as otio

    if not plan.segments:
        return []
    timeline = build_timeline(plan)
    written = []
    for name in formats:
        adapter, suffix = FORMATS[name]
        dest = Path(out_dir) / f"{TIMELINE_STEM}{suffix}"
        if name == "fcpxml":  # written here: the adapter puts NTSC sound off the frame grid (see fcpx_xml)
            atomic_write_text(dest, fcpx_xml(plan))
            written.append(dest)
            continue
        to_write = timeline
        if name == "edl":  # an EDL is one video track: its sound follows the picture
            to_write = timeline.deepcopy()
            del to_write.tracks[1]
        with atomic_path(dest) as tmp:
            otio.adapters.write_to_file(to_write, str(tmp), adapter_name=adapter)
        written.append(dest)
    return written


def _marker_info(seg: Segment) -> dict[str, Any]:
    return {
        "detector": seg.detector,
        "score": round(seg.score, 4),
        "label": seg.label,
        "half": seg.half,
        "peak_s": round(seg.peak_s, 3),
        "match_clock_s": seg.match_clock_s,
        "minute": seg.minute,
    }


def _peak_frame(seg: Segment, rate: float, first: int, last: int) -> int:
    return min(max(first, round(seg.peak_s * rate)), last - 1)


def _is_goal(seg: Segment) -> bool:
    return seg.label.startswith("Goal")


def _seconds(frames: int, frame_s: Fraction) -> str:
    """FCP X's rational time: ``frames`` frames of ``frame_s`` each, as ``37400/2997s`` (``0s``)."""
    value = frames * frame_s
    if value == 0:
        return "0s"
    return f"{value.numerator}s" if value.denominator == 1 else f"{value.numerator}/{value.denominator}s"


def fcpx_xml(plan: Plan) -> str:
    """The plan as Final Cut Pro X XML (1.8), written here rather than by OpenTimelineIO's adapter,
    which gives the sound of each clip an offset in whole-number frame rates (``369/29s`` inside a
    clip at ``38200/2997s``: 22-28 ms early, off the grid). Each segment is one ``asset-clip`` (its
    picture and sound together, so there is no separate sound to misplace), and every time is a
    whole number of frames of an exact rate: offsets and durations of the sequence's
    (``1001/30000s`` at 29.97), starts and markers of the source's."""
    halves = {h.half: h for h in plan.halves}
    seq_rate = exact_rate(float(plan.settings.reel.fps or 25.0))
    root = ET.Element("fcpxml", version="1.8")
    resources = ET.SubElement(root, "resources")
    formats: dict[tuple[Fraction, int | None, int | None], str] = {}

    def format_id(rate: Fraction, width: int | None, height: int | None) -> str:
        if (rate, width, height) not in formats:
            formats[rate, width, height] = name = f"r{len(formats) + 1}"
            size = {"width": str(width), "height": str(height)} if width and height else {}
            ET.SubElement(resources, "format", id=name, frameDuration=_seconds(1, 1 / rate), **size)
        return formats[rate, width, height]

    sequence_format = format_id(seq_rate, plan.settings.reel.width, plan.settings.reel.height)
    assets: dict[int, tuple[str, Fraction, str]] = {}
    clips = []
    for i, seg in enumerate(plan.segments):
        half = halves.get(seg.half)
        if half is None or half.video is None:
            raise ConfigError(f"segment {i} (half {seg.half}) has no source video to reference")
        if seg.half not in assets:
            rate = exact_rate(float(half.fps)) if half.fps else seq_rate
            asset_id = f"a{seg.half}"
            ET.SubElement(
                resources, "asset", id=asset_id, name=Path(half.video).name,
                src=Path(half.video).resolve().as_uri(), start="0s",
                duration=_seconds(round(half.duration_s * rate), 1 / rate), hasVideo="1",
                hasAudio="1" if half.has_audio else "0", format=format_id(rate, half.width, half.height),
            )  # fmt: skip
            assets[seg.half] = (asset_id, rate, formats[rate, half.width, half.height])
        clips.append((i, seg, *assets[seg.half]))
    project = ET.SubElement(root, "project", name=plan.source.stem)
    sequence = ET.SubElement(project, "sequence", format=sequence_format, tcStart="0s", tcFormat="NDF")
    spine = ET.SubElement(sequence, "spine")
    at = 0
    for i, seg, asset_id, rate, clip_format in clips:
        first, length = source_frames(seg, float(rate))
        on_sequence = max(1, round(length / rate * seq_rate))  # the same frames where both rates agree
        clip = ET.SubElement(
            spine, "asset-clip", name=segment_title(seg, i), ref=asset_id, offset=_seconds(at, 1 / seq_rate),
            start=_seconds(first, 1 / rate), duration=_seconds(on_sequence, 1 / seq_rate),
            format=clip_format, tcFormat="NDF",
        )  # fmt: skip
        peak = _peak_frame(seg, float(rate), first, first + length)
        ET.SubElement(
            clip, "marker", start=_seconds(peak, 1 / rate), duration=_seconds(1, 1 / rate),
            value=segment_title(seg, i), completed="1" if _is_goal(seg) else "0",
        )  # fmt: skip
        at += on_sequence
    sequence.set("duration", _seconds(at, 1 / seq_rate))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE fcpxml>\n\n' + ET.tostring(root, "unicode") + "\n"


def read_timeline(path: Path, rate: float | None = None) -> Any:
    """A written timeline read back with its own adapter (an EDL needs its frame rate).

    OpenTimelineIO's Final Cut Pro X reader takes every rate as a whole number (``int(30000 / 1001)``
    is 29) and truncates each time to a frame of it, so no FCP X file reads back at 29.97 through it
    alone: its clips, names and markers are kept, and each spine clip's range is set again from the
    file's own rational seconds at its format's exact rate (gaps the truncation made are dropped)."""
    import opentimelineio as otio

    adapter = next(a for n, (a, s) in FORMATS.items() if path.name.endswith(s))
    options = {"rate": rate} if adapter == "cmx_3600" and rate else {}
    timeline = otio.adapters.read_from_file(str(path), adapter_name=adapter, **options)
    if adapter == "fcpx_xml":
        _exact_fcpx_times(timeline, Path(path))
    return timeline


def _exact_fcpx_times(timeline: Any, path: Path) -> None:
    from opentimelineio import opentime

    root = ET.parse(path).getroot()
    durations = {f.get("id"): Fraction(f.get("frameDuration", "1/25s").rstrip("s")) for f in root.iter("format")}
    assets = {a.get("id"): a.get("format") for a in root.iter("asset")}
    spine = root.find(".//spine")
    items = [e for e in (spine if spine is not None else ()) if e.tag in ("asset-clip", "clip")]
    for track in timeline.tracks:
        for gap in [g for g in track if g.schema_name() == "Gap"]:
            track.remove(gap)
        for clip, element in zip(list(track), items, strict=False):
            frame = durations.get(element.get("format") or assets.get(element.get("ref")), Fraction(1, 25))
            rate = float(1 / frame)

            def frames(text: str | None, frame: Fraction = frame) -> int:
                return round(Fraction((text or "0s").rstrip("s")) / frame)

            clip.source_range = opentime.TimeRange(
                opentime.RationalTime(frames(element.get("start")), rate),
                opentime.RationalTime(frames(element.get("duration")), rate),
            )
