"""``review.html`` in a real browser (headless Chromium through Selenium), as an editor uses it:
open it offline, see the timeline, click a segment, drop one, save, and cut the saved list."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest
from cli_helpers import run_cli

import soccer_highlights as sh
from soccer_highlights.api import highlights_from_segments
from soccer_highlights.errors import InputError
from soccer_highlights.media import probe

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "review.png"


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("no Chromium and chromedriver on this machine (make installs them where apt is available)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path_factory.mktemp("downloads")
    options = Options()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--mute-audio",
        "--allow-file-access-from-files", "--window-size=1400,1000",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):  # fmt: skip
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def open_page(driver, page: Path) -> None:
    driver.get(page.as_uri())
    for _ in range(100):
        if driver.execute_script("return document.body.dataset.ready") == "1":
            return
        time.sleep(0.05)
    raise AssertionError(f"{page} never finished drawing: {driver.get_log('browser')}")


def test_the_review_page_of_a_real_reel_seeks_drops_and_saves(browser, joined_real_clips, tmp_path: Path) -> None:
    video, _ = joined_real_clips
    out = tmp_path / "out"
    found = sh.highlights(video, threshold=0.3, auto_budget=False)
    assert len(found.segments) >= 2, "enough segments to drop one"
    found.write(out)
    page = out / "review.html"
    assert "http" not in page.read_text().split('<script type="application/json"')[0].lower(), "nothing online"
    open_page(browser, page)

    curves = browser.find_elements("css selector", "svg polyline.curve")
    assert len(curves) == 1 and len(curves[0].get_attribute("points").split()) == len(found.curves[0].scores)
    rects = browser.find_elements("css selector", "rect.seg-rect.kept")
    assert len(rects) == len(found.segments)
    thumbs = browser.find_elements("css selector", ".thumb img")
    assert len(thumbs) == len(found.segments)
    assert all(browser.execute_script("return arguments[0].naturalWidth", t) > 0 for t in thumbs), "thumbnails load"

    second = found.segments[1]
    rects[1].click()
    reel_start = sum(s.duration_s for s in found.segments[:1])
    reel_time = browser.execute_script("return document.getElementById('reel').currentTime")
    assert abs(reel_time - reel_start) < 0.1, "clicking a segment seeks the reel to its start"
    source_time = browser.execute_script("return document.getElementById('source').currentTime")
    assert abs(source_time - second.start_s) < 0.1, "and the source video to where it was cut from"

    body = browser.find_element("tag name", "body")
    body.send_keys("d")  # drop the selected (second) segment
    body.send_keys("]")  # then nudge its start: a dropped segment is not saved, so select the first
    body.send_keys("p")
    body.send_keys("{")  # the first segment ends a second earlier
    edited = browser.execute_script("return window.editedSegments()")
    kept = [s for i, s in enumerate(found.segments) if i != 1]
    assert [(s["half"], s["start_s"]) for s in edited["segments"]] == [(s.half, round(s.start_s, 3)) for s in kept]
    assert edited["segments"][0]["end_s"] == pytest.approx(kept[0].end_s - 1.0, abs=1e-3)
    assert edited["source"] == str(video) and edited["edited"] is True

    browser.find_element("id", "save").click()
    saved = browser.downloads / "segments.edited.json"
    for _ in range(100):
        if saved.is_file():
            break
        time.sleep(0.05)
    assert json.loads(saved.read_text()) == edited
    browser.save_screenshot(str(tmp_path / "review.png"))
    if os.environ.get("UPDATE_DOCS") == "1":  # `make docs` renews the README's picture; tests never touch docs/
        shutil.copyfile(tmp_path / "review.png", SCREENSHOT)

    recut = tmp_path / "recut"
    result = run_cli("reel", str(video), "--segments", str(saved), "--out", str(recut))
    assert result.returncode == 0, result.stderr
    doc = json.loads((recut / "segments.json").read_text())
    assert [(s["half"], s["start_s"], s["end_s"]) for s in doc["segments"]] == [
        (s["half"], s["start_s"], s["end_s"]) for s in edited["segments"]
    ]
    assert doc["detector"]["name"] == "edited"
    expected = sum(s["end_s"] - s["start_s"] for s in edited["segments"])
    assert abs(probe(recut / "reel.mp4").duration_s - expected) <= 0.1 * len(edited["segments"])

    # the page's own timelines of the edit equal what `reel --segments ... --export` writes, to the frame
    pytest.importorskip("opentimelineio")
    from soccer_highlights.output.editorial import read_timeline

    browser.find_element("id", "export-otio").click()
    browser.find_element("id", "export-edl").click()
    exported = [browser.downloads / "reel_timeline.edited.otio", browser.downloads / "reel_timeline.edited.edl"]
    for _ in range(100):
        if all(p.is_file() for p in exported):
            break
        time.sleep(0.05)
    result = run_cli("reel", str(video), "--segments", str(saved), "--out", str(tmp_path / "x"), "--export",
                     "otio,edl", "--plan-only")  # fmt: skip
    assert result.returncode == 0, result.stderr
    rate = probe(video).fps
    for page_file, cli_file in zip(exported, ("reel_timeline.otio", "reel_timeline.edl"), strict=True):
        ours, theirs = read_timeline(page_file, rate), read_timeline(tmp_path / "x" / cli_file, rate)
        page_clips, cli_clips = list(ours.video_tracks()[0]), list(theirs.video_tracks()[0])
        assert len(page_clips) == len(edited["segments"]) == len(cli_clips)
        for a, b in zip(page_clips, cli_clips, strict=True):
            assert a.source_range.start_time.value == b.source_range.start_time.value, page_file.name
            assert a.source_range.duration.value == b.source_range.duration.value, page_file.name
            assert a.name.strip() == b.name.strip()
            assert a.media_reference.target_url == b.media_reference.target_url


def test_the_review_page_of_a_labelled_synthetic_game_shows_its_events(browser, synthetic_games, tmp_path) -> None:
    game = synthetic_games[0]
    out = tmp_path / "out"
    found = sh.highlights(game.path)
    first = found.segments[0]
    transcript = game.path / f"{first.half}_asr.json"  # SoccerNet-Echoes' format, beside the video
    lines = {"0": [first.peak_s - 1.0, first.peak_s + 1.0, "what a strike from the edge of the box"],
             "1": [1.0, 2.0, "..."], "2": [3.0, 4.0, "   "]}  # fmt: skip
    transcript.write_text(json.dumps({"segments": lines}))
    try:
        found.write(out, plan_only=True)
    finally:
        transcript.unlink()
    open_page(browser, out / "review.html")
    words = browser.find_element("id", "words")
    assert words.is_displayed() and "what a strike from the edge of the box" in words.text
    assert len(browser.find_elements("css selector", "#halves svg rect:not(.seg-rect) title")) == 2, (
        "blank lines dropped"
    )
    assert len(browser.find_elements("css selector", "#halves svg")) == 2
    n_events = sum(len(p.events) for p in game.plans)
    assert len(browser.find_elements("css selector", "#halves svg line title")) == n_events
    assert browser.execute_script("return document.getElementById('reel').hidden"), "no reel when planning only"
    svg = browser.find_elements("css selector", "#halves svg")[1]
    n_before = len(browser.execute_script("return window.editedSegments()")["segments"])
    webdriver.ActionChains(browser).key_down("\ue008").click(svg).key_up("\ue008").perform()  # shift-click
    added = browser.execute_script("return window.editedSegments()")["segments"]
    assert len(added) == n_before + 1
    new = next(s for s in added if s["detector"] == "added by hand")
    assert new["half"] == 2 and new["end_s"] - new["start_s"] == pytest.approx(12.0, abs=0.01)


def test_an_edited_list_is_checked_against_the_video(joined_real_clips, tmp_path: Path) -> None:
    video, _ = joined_real_clips
    bad = tmp_path / "segments.edited.json"
    for segment, message in (
        ({"half": 2, "start_s": 1, "end_s": 5, "peak_s": 2, "score": 1}, "has no half 2"),
        ({"half": 1, "start_s": 100, "end_s": 500, "peak_s": 2, "score": 1}, "outside the half"),
        ({"half": 1, "start_s": 9, "end_s": 5, "peak_s": 2, "score": 1}, "does not start before it ends"),
    ):
        bad.write_text(json.dumps({"segments": [segment]}))
        with pytest.raises(InputError, match=message):
            highlights_from_segments(video, bad)
    result = run_cli("reel", str(video), "--segments", str(bad), "--out", str(tmp_path / "o"))
    assert result.returncode == 2 and "segments.edited.json: segment 0" in result.stderr
