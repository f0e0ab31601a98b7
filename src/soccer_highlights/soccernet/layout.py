"""Find games in a SoccerNet tree (``league/season/game/``) and the video of each half."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from soccer_highlights.errors import InputError

LABELS_FILE = "Labels-v2.json"
VIDEO_SUFFIXES = (".mkv", ".mp4")
RESOLUTIONS = ("224p", "720p")
"""Preferred first: the 224p files are what SoccerNet's features and the seed used."""


@dataclass(frozen=True)
class Game:
    """One game folder: its halves' videos (where present) and its labels (where present)."""

    path: Path
    videos: dict[int, Path]
    labels_path: Path | None

    @property
    def name(self) -> str:
        return self.path.name

    def relative_to(self, root: Path) -> str:
        """The ``league/season/game`` key SoccerNet uses for a game."""
        try:
            return self.path.relative_to(root).as_posix()
        except ValueError:
            return self.path.name

    @property
    def halves(self) -> list[int]:
        return sorted(self.videos)


def half_of_video(path: Path) -> int | None:
    """The half a video's name says it is (SoccerNet's ``1_224p.mkv``, ``2_720p.mp4``), or None."""
    return int(path.name[0]) if path.name[:2] in ("1_", "2_") else None


def find_half_video(game_dir: Path, half: int) -> Path | None:
    for resolution in RESOLUTIONS:
        for suffix in VIDEO_SUFFIXES:
            candidate = game_dir / f"{half}_{resolution}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def game_from_dir(game_dir: str | Path) -> Game:
    game_dir = Path(game_dir)
    videos = {h: v for h in (1, 2) if (v := find_half_video(game_dir, h)) is not None}
    labels = game_dir / LABELS_FILE
    return Game(path=game_dir, videos=videos, labels_path=labels if labels.is_file() else None)


def is_game_dir(path: Path) -> bool:
    return path.is_dir() and ((path / LABELS_FILE).is_file() or any(find_half_video(path, h) for h in (1, 2)))


def find_games(root: str | Path) -> list[Game]:
    """Every game below ``root`` (or ``root`` itself when it is a game), sorted by path."""
    root = Path(root)
    if not root.exists():
        raise InputError(f"{root}: no such folder")
    if is_game_dir(root):
        return [game_from_dir(root)]
    found = {p.parent for p in root.rglob(LABELS_FILE)}
    for suffix in VIDEO_SUFFIXES:
        for resolution in RESOLUTIONS:
            found.update(p.parent for p in root.rglob(f"[12]_{resolution}{suffix}"))
    return [game_from_dir(d) for d in sorted(found)]


def half_videos(root: str | Path) -> list[Path]:
    """The half videos of ``root``: itself when it is a file, else every game's under it."""
    root = Path(root)
    videos = [root] if root.is_file() else [v for g in find_games(root) for v in g.videos.values()]
    if not videos:
        raise InputError(f"{root}: no half videos found")
    return videos
