"""The reel's cut as a timeline an editing application opens: OpenTimelineIO, and through its
adapters CMX 3600 EDL, Final Cut Pro X XML and Final Cut 7 / Premiere XML.

One clip per segment, in reel order, each referencing its source video at the segment's exact
source range in frames of the *source's* own rate (a 29.97 fps broadcast stays frame-exact:
``30000/1001``), named after what it shows ("28' Goal (2-0)"), with a marker at its peak that
carries the detector, score, label, match minute and, where the bug was read, the score line.
The editor then trims, reorders and titles on the original footage, not on our re-encode.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from soccer_highlights.core import Plan, Segment
from soccer_highlights.errors import ConfigError
from soccer_highlights.fileio import atomic_path

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


def segment_title(segment: Segment, index: int) -> str:
    """What a clip, a chapter and a title call a segment: ``28' Goal (2-0)``, ``Highlight 3``."""
    minute = f"{segment.minute}' " if segment.minute is not None else ""
    label = segment.label if segment.label != "Highlight" else f"Highlight {index + 1}"
    return f"{minute}{label}"


NTSC = {round(n * 1000 / 1001, 2): n * 1000 / 1001 for n in (24, 30, 60)}
"""The broadcast rates of 1000/1001 and the two-decimal names editors know them by (29.97 ...)."""


def nominal_rate(rate: float) -> float:
    """``30000/1001`` as ``29.97``, the name Final Cut Pro X's format table knows; others as they are.
    Frame numbers are unchanged: only the rate's label is rounded."""
    return next((short for short, exact in NTSC.items() if abs(rate - exact) < 1e-3), rate)


def build_timeline(plan: Plan, name: str | None = None, nominal: bool = False) -> Any:
    """The plan's segments as an OpenTimelineIO timeline over the source videos (``nominal``: for
    Final Cut Pro X's adapter, NTSC rates labelled 29.97 and the like, which it looks up in a
    table, and the minute's apostrophe written as a prime, which it cannot quote)."""
    import opentimelineio as otio
    from opentimelineio import opentime

    halves = {h.half: h for h in plan.halves}
    label = nominal_rate if nominal else float
    reel_rate = label(float(plan.settings.reel.fps or 25.0))
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
        rate = label(float(half.fps)) if half.fps else reel_rate
        if seg.half not in references:
            references[seg.half] = otio.schema.ExternalReference(
                target_url=Path(half.video).resolve().as_uri(),
                available_range=opentime.TimeRange(
                    opentime.RationalTime(0, rate), opentime.RationalTime(round(half.duration_s * rate), rate)
                ),
            )
        first, last = round(seg.start_s * rate), round(seg.end_s * rate)
        source_range = opentime.TimeRange(
            opentime.RationalTime(first, rate), opentime.RationalTime(max(1, last - first), rate)
        )
        title = segment_title(seg, i)
        if nominal:  # Final Cut Pro X's adapter quotes names in XPath: an apostrophe would end them
            title = title.replace("'", "′")
        info = {
            "detector": seg.detector,
            "score": round(seg.score, 4),
            "label": seg.label,
            "half": seg.half,
            "peak_s": round(seg.peak_s, 3),
            "match_clock_s": seg.match_clock_s,
            "minute": seg.minute,
        }
        for track in (video, audio):
            clip = otio.schema.Clip(name=title, media_reference=references[seg.half], source_range=source_range)
            clip.metadata["soccer_highlights"] = info
            peak = opentime.RationalTime(min(max(first, round(seg.peak_s * rate)), last - 1), rate)
            clip.markers.append(
                otio.schema.Marker(
                    name=title,
                    marked_range=opentime.TimeRange(peak, opentime.RationalTime(1, rate)),
                    color=otio.schema.MarkerColor.GREEN if "Goal" in seg.label else otio.schema.MarkerColor.RED,
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
        to_write = build_timeline(plan, nominal=True) if name == "fcpxml" else timeline
        if name == "edl":  # an EDL is one video track: its sound follows the picture
            to_write = timeline.deepcopy()
            del to_write.tracks[1]
        with atomic_path(dest) as tmp:
            otio.adapters.write_to_file(to_write, str(tmp), adapter_name=adapter)
        written.append(dest)
    return written


def read_timeline(path: Path, rate: float | None = None) -> Any:
    """A written timeline read back with its own adapter (an EDL needs its frame rate)."""
    import opentimelineio as otio

    adapter = next(a for n, (a, s) in FORMATS.items() if path.name.endswith(s))
    options = {"rate": rate} if adapter == "cmx_3600" and rate else {}
    return otio.adapters.read_from_file(str(path), adapter_name=adapter, **options)
