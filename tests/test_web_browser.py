"""``serve`` in a real browser (headless Chromium through Selenium), as a user meets it: upload the
real clips, watch the job to its end, open its review page, drop a segment, trim another, Re-cut on
the server, download the reel and check it on its decoded streams; reload, restart: the job is there."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import av
import pytest
from test_review_page import browser  # noqa: F401  (the review page's Chromium, shared)
from web_server import LiveServer

from soccer_highlights.core import frame_aligned
from soccer_highlights.web.app import ServeSettings

DOCS = Path(__file__).resolve().parents[1] / "docs"


def wait_until(driver, script: str, timeout_s: float = 120.0, what: str = ""):
    deadline = time.monotonic() + timeout_s
    while True:
        value = driver.execute_script(script)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what or script} never happened: {driver.get_log('browser')}")
        time.sleep(0.1)


def screenshot(driver, tmp_path: Path, name: str) -> None:
    driver.save_screenshot(str(tmp_path / name))
    if os.environ.get("UPDATE_DOCS") == "1":  # `make docs` renews the README's pictures; tests never touch docs/
        shutil.copyfile(tmp_path / name, DOCS / name)


@pytest.mark.slow
def test_upload_watch_edit_recut_download_and_find_it_again(browser, joined_real_clips, tmp_path: Path) -> None:  # noqa: F811
    video, _ = joined_real_clips
    state = tmp_path / "state"
    with LiveServer(ServeSettings(state_dir=state)) as server:
        browser.set_window_size(1400, 640)  # the jobs page's picture without its empty lower half
        browser.get(server.url + "/")
        wait_until(browser, "return document.body.dataset.ready === '1'", what="the jobs page")
        browser.execute_script("document.getElementById('budget-mode').value = 'none'")
        for box in ("clips", "export-otio", "export-edl", "export-fcpxml"):
            selector = f"#{box}" if box == "clips" else f".export[value='{box.split('-')[1]}']"
            browser.find_element("css selector", selector).click()
        browser.find_element("id", "file").send_keys(str(video))
        browser.find_element("id", "upload").click()

        seen, pictured = (
            set(),
            False,
        )  # the job's row as it goes: queued, then running with a stage and a percentage, then done
        deadline = time.monotonic() + 600  # generous: a busy machine is slow, not wrong
        while time.monotonic() < deadline:
            row = browser.execute_script(
                "const r = document.querySelector('#jobs tr.job'); return r && [r.className, r.innerText];"
            )
            if row:
                seen.add(row[1].split("\n")[0] if "running" not in row[0] else "running " + row[1])
                if "running" in row[0] and "left" in row[1] and not pictured:  # a percentage and the time left
                    screenshot(browser, tmp_path, "web.png")  # the jobs page as it works
                    pictured = True
                if "state-done" in row[0] or "state-failed" in row[0]:
                    break
            time.sleep(0.1)
        assert "state-done" in row[0], (row, seen)
        running = [text for text in seen if text.startswith("running") and "%" in text]
        assert any("scoring" in t for t in running), seen  # (cutting may pass between two looks)
        if not pictured:
            screenshot(browser, tmp_path, "web.png")
        assert "upload" in browser.find_element("id", "upload-status").text

        browser.set_window_size(1400, 1000)
        browser.find_element("css selector", "#jobs tr.job a.review").click()
        wait_until(browser, "return document.body.dataset.ready === '1' && document.body.dataset.app === '1'")
        assert browser.find_element("css selector", "header h1").text == video.name, "the user's name of the video"
        labels = [td.text for td in browser.find_elements("css selector", "#table td.label")]
        assert "Goal (2-0)" in labels, labels
        rows = browser.find_elements("css selector", "#table tbody tr")
        assert len(rows) >= 2
        goal = labels.index("Goal (2-0)")
        other = next(i for i in range(len(rows)) if i != goal)
        rows[other].find_element("css selector", "input.keep").click()  # drop one segment
        browser.find_elements("css selector", "#table tbody tr")[goal].find_elements("css selector", "td")[2].click()
        body = browser.find_element("tag name", "body")
        for key in "]{{":  # trim the goal: start 1 s later, end 2 s earlier
            body.send_keys(key)
        edit = browser.execute_script("return window.editedSegments()")["segments"]
        assert len(edit) == 1 and edit[0]["label"] == "Goal (2-0)"
        browser.find_element("id", "recut").click()
        wait_until(browser, "return document.body.dataset.app === '1' && DATA.reel_url === '../edit/reel.mp4'",
                   timeout_s=400, what="the page after the re-cut")  # fmt: skip
        assert len(browser.find_elements("css selector", "#table tbody tr:not(.dropped)")) == 1
        names = [a.get_attribute("data-name") for a in browser.find_elements("css selector", "#downloads a.download")]
        assert "reel.mp4" in names and "chapters.txt" in names and any(n.startswith("01_") for n in names), names
        assert {"reel_timeline.otio", "reel_timeline.edl", "reel_timeline.fcpxml"} <= set(names), names
        screenshot(browser, tmp_path, "web_review.png")
        browser.find_element("css selector", "#downloads a.download[data-name='reel.mp4']").click()
        reel = browser.downloads / "reel.mp4"
        wait_until(browser, "return true", what="")  # let the click reach the page
        for _ in range(1200):
            if reel.is_file() and not list(browser.downloads.glob("*.crdownload")):
                break
            time.sleep(0.1)
        start, end = frame_aligned(edit[0]["start_s"], edit[0]["end_s"], 25)
        with av.open(str(reel)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        with av.open(str(reel)) as container:
            audio_s = sum(f.samples / f.sample_rate for f in container.decode(audio=0))
        assert abs(frames - round((end - start) * 25)) <= 1, (frames, end - start)
        assert abs(audio_s - (end - start)) < 0.1, "sound all along"

        browser.get(server.url + "/")  # a reload shows the job, done
        wait_until(browser, "return document.querySelector('#jobs tr.job.state-done')", what="the job after a reload")
    with LiveServer(ServeSettings(state_dir=state)) as server:  # and so does a restarted server
        browser.get(server.url + "/")
        row = wait_until(browser, "return document.querySelector('#jobs tr.job.state-done')", what="after a restart")
        assert video.name in row.text and row.find_element("css selector", "a.reel")
