"""SoccerNet's own downloader (the ``SoccerNet`` package), wrapped: which files, which splits, the
password from the environment only, and one clear line when it cannot work.

Labels need no password. Videos need the password SoccerNet sends after its NDA is signed: it is
read from ``$SOCCERNET_PASSWORD`` and handed to the downloader object only, never written to a
file, a log, an error message or a traceback (any error text is scrubbed of it). The commentary
transcripts (``{1,2}_asr.json``) are published by SoccerNet-Echoes, not by this downloader.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from soccer_highlights.errors import ConfigError, SoccerHighlightsError
from soccer_highlights.soccernet.splits import SPLITS

PASSWORD_VARIABLE = "SOCCERNET_PASSWORD"
FILES: Mapping[str, tuple[str, ...]] = {
    "labels": ("Labels-v2.json",),
    "videos": ("1_224p.mkv", "2_224p.mkv"),
    "videos-720p": ("1_720p.mkv", "2_720p.mkv"),
}
NEEDS_PASSWORD = frozenset({"videos", "videos-720p"})


class DownloadError(SoccerHighlightsError, RuntimeError):
    """The download could not run or failed; the message never holds the password."""


Downloader = Any
"""An object with ``downloadGames(files=[...], split=[...])`` and a ``password`` attribute, as
``SoccerNet.Downloader.SoccerNetDownloader`` has."""


def official_downloader(root: Path) -> Downloader:
    try:
        from SoccerNet.Downloader import SoccerNetDownloader
    except ImportError as exc:
        raise DownloadError(
            f"the official SoccerNet downloader cannot be imported ({exc}): pip install SoccerNet "
            "(with its dependencies) on a machine with network access"
        ) from None
    return SoccerNetDownloader(LocalDirectory=str(root))


def download(
    root: str | Path,
    splits: Sequence[str],
    files: Sequence[str],
    make_downloader: Callable[[Path], Downloader] = official_downloader,
    environ: Mapping[str, str] = os.environ,
) -> list[str]:
    """Download ``files`` (keys of :data:`FILES`) of ``splits`` into ``root``; returns the file names."""
    unknown = sorted(set(splits) - set(SPLITS))
    if unknown or not splits:
        raise ConfigError(f"unknown split(s) {unknown or '(none given)'}; choose from {', '.join(SPLITS)}")
    if "transcripts" in files:
        raise ConfigError(
            "commentary transcripts ({1,2}_asr.json) are published by SoccerNet-Echoes, not by the SoccerNet "
            "downloader: take them from the SoccerNet-Echoes repository and place them beside the videos"
        )
    unknown = sorted(set(files) - set(FILES))
    if unknown or not files:
        raise ConfigError(f"unknown file kind(s) {unknown or '(none given)'}; choose from {', '.join(FILES)}")
    password = environ.get(PASSWORD_VARIABLE)
    if set(files) & NEEDS_PASSWORD and not password:
        raise ConfigError(
            f"videos need the password SoccerNet sends after its NDA (soccer-net.org): set {PASSWORD_VARIABLE} "
            "in the environment; it is never written anywhere"
        )
    names = [name for kind in files for name in FILES[kind]]
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    downloader = make_downloader(root)
    if password:
        downloader.password = password
    try:
        downloader.downloadGames(files=names, split=list(splits))
    except Exception as exc:  # network, permissions, the server: one line, without the password
        raise DownloadError(
            f"downloading {', '.join(names)} of {', '.join(splits)} failed: {_scrub(exc, password)}"
        ) from None
    return names


def _scrub(exc: Exception, password: str | None) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(password, "***") if password else text
