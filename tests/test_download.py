"""The official downloader, wrapped: tested with a stand-in downloader object, never the network."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from soccer_highlights.errors import ConfigError
from soccer_highlights.soccernet.download import PASSWORD_VARIABLE, DownloadError, download

SECRET = "s3cret-NDA-pass"


class RecordingDownloader:
    """Behaves like ``SoccerNetDownloader`` from the outside: a password attribute, downloadGames."""

    def __init__(self, root: Path, fail: bool = False):
        self.root, self.fail, self.calls = root, fail, []
        self.password = None

    def downloadGames(self, files, split):
        self.calls.append((list(files), list(split), self.password))
        if self.fail:
            raise ConnectionError(f"https://user:{self.password}@server/ refused the connection")


def test_labels_need_no_password_and_videos_get_it_from_the_environment_only(tmp_path: Path) -> None:
    made = []

    def factory(root: Path) -> RecordingDownloader:
        made.append(RecordingDownloader(root))
        return made[-1]

    assert download(tmp_path, ["valid"], ["labels"], factory, environ={}) == ["Labels-v2.json"]
    assert made[-1].calls == [(["Labels-v2.json"], ["valid"], None)]
    with pytest.raises(ConfigError, match=PASSWORD_VARIABLE):
        download(tmp_path, ["train"], ["videos"], factory, environ={})
    download(tmp_path, ["train", "test"], ["labels", "videos"], factory, environ={PASSWORD_VARIABLE: SECRET})
    assert made[-1].calls == [(["Labels-v2.json", "1_224p.mkv", "2_224p.mkv"], ["train", "test"], SECRET)]
    assert not any(SECRET in p.read_text(errors="ignore") for p in tmp_path.rglob("*") if p.is_file())
    with pytest.raises(ConfigError, match="SoccerNet-Echoes"):
        download(tmp_path, ["valid"], ["transcripts"], factory, environ={})
    with pytest.raises(ConfigError, match="unknown split"):
        download(tmp_path, ["validation"], ["labels"], factory, environ={})


def test_a_failed_download_is_one_line_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(DownloadError) as caught:
        download(
            tmp_path, ["valid"], ["videos"], lambda r: RecordingDownloader(r, fail=True), {PASSWORD_VARIABLE: SECRET}
        )
    assert SECRET not in str(caught.value) and "***" in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_without_the_network_or_the_downloaders_dependencies_the_command_says_so(tmp_path: Path) -> None:
    env = {**os.environ, PASSWORD_VARIABLE: SECRET}
    cmd = [sys.executable, "-m", "soccer_highlights.cli", "-v", "download", str(tmp_path / "sn"),
           "--split", "valid", "--files", "videos"]  # fmt: skip
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    assert result.returncode == 2, result.stderr
    assert "error:" in result.stderr and SECRET not in result.stderr + result.stdout
