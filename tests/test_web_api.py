"""``serve``'s routes without a browser: what they take, what they refuse and why, the queue, a
restart of the server in the middle of a job, and the access token off the loopback address."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import av
import pytest
from cli_helpers import run_cli
from starlette.testclient import TestClient
from web_server import WRITE, LiveServer, free_port, upload, wait_for

from soccer_highlights.web.app import ServeSettings, create_app
from soccer_highlights.web.db import JobStore

CLIP = "arsenal-anderlecht-2014-h1-clip30.mkv"


def local(state: Path, **kw) -> TestClient:
    """A client of an app on 127.0.0.1 (its queue runs only inside ``with``)."""
    return TestClient(create_app(ServeSettings(state_dir=state, **kw)), base_url="http://127.0.0.1:8000")


def test_a_text_file_named_mp4_is_refused_with_the_cli_s_error(tmp_path: Path) -> None:
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a match, only words\n" * 100)
    cli = run_cli("reel", "notes.mp4", "--out", "out", cwd=tmp_path)
    assert cli.returncode == 2
    cli_error = cli.stderr.strip().removeprefix("error: ")
    client = local(tmp_path / "state")
    answer = client.post("/api/uploads", params={"name": "notes.mp4"}, content=notes.read_bytes(), headers=WRITE)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error.startswith("notes.mp4: not a readable media file") and cli_error.startswith(error.split(" (")[0])
    assert "Traceback" not in answer.text and str(tmp_path) not in error, "the user's name, not our stored path"
    assert list((tmp_path / "state" / "uploads").iterdir()) == [], "a refused upload is not kept"


def test_uploads_are_renamed_safely_streamed_to_disk_and_held_to_the_size_limit(real_clips: Path, tmp_path) -> None:
    video = real_clips / CLIP
    size = video.stat().st_size
    client = local(tmp_path / "state", max_upload_bytes=size)
    uploads = tmp_path / "state" / "uploads"
    answer = upload(client, video, name="../../../etc/x;rm -rf ~.mkv")
    assert answer.status_code == 201, answer.text
    stored = answer.json()["upload"]
    assert "/" not in stored and ".." not in stored and ";" not in stored and stored.endswith(".mkv")
    assert (uploads / stored).read_bytes() == video.read_bytes(), "every byte, in order"
    assert answer.json()["duration_s"] == pytest.approx(15, abs=1.5), "probed as media"
    too_big = client.post("/api/uploads", params={"name": "big.mkv"}, content=video.read_bytes() + b"x", headers=WRITE)
    assert too_big.status_code == 413 and "--max-upload-gb" in too_big.json()["error"]
    assert sorted(p.name for p in uploads.iterdir()) == [stored], "nothing of the refused upload is left"
    job = client.post("/api/jobs", json={"upload": stored}, headers=WRITE)  # the queue is not running here
    assert job.status_code == 201 and job.json()["state"] == "queued" and job.json()["name"].endswith(".mkv")
    assert client.post("/api/jobs", json={"upload": "../jobs.sqlite3"}, headers=WRITE).status_code == 403


def test_the_library_never_leaves_its_folder(real_clips: Path, tmp_path: Path) -> None:
    library, outside = tmp_path / "library", tmp_path / "outside"
    (library / "cup").mkdir(parents=True)
    outside.mkdir()
    shutil.copyfile(real_clips / CLIP, library / "cup" / "final.mkv")
    shutil.copyfile(real_clips / CLIP, outside / "secret.mkv")
    (library / "escape.mkv").symlink_to(outside / "secret.mkv")
    (library / ".hidden.mkv").write_text("x")
    client = local(tmp_path / "state", library=library)
    root = client.get("/api/library").json()["entries"]
    assert [(e["name"], e["folder"]) for e in root] == [("cup", True)], "no link out, no hidden file"
    inner = client.get("/api/library", params={"path": "cup"}).json()["entries"]
    assert [(e["path"], e["folder"]) for e in inner] == [("cup/final.mkv", False)]
    for path in ("..", "../outside", "cup/../../outside"):
        refused = client.get("/api/library", params={"path": path})
        assert refused.status_code == 403 and "outside the library" in refused.json()["error"], path
    for path in ("../outside/secret.mkv", "escape.mkv", "/etc/../../outside/secret.mkv"):
        refused = client.post("/api/jobs", json={"library": path}, headers=WRITE)
        assert refused.status_code == 403, (path, refused.text)
    assert client.post("/api/jobs", json={"library": "cup/none.mkv"}, headers=WRITE).status_code == 400
    job = client.post("/api/jobs", json={"library": "cup/final.mkv", "options": {"budget": "60"}}, headers=WRITE)
    assert job.status_code == 201 and job.json()["name"] == "cup/final.mkv" and job.json()["options"]["budget"] == "60"
    no_library = local(tmp_path / "state2")
    answer = no_library.post("/api/jobs", json={"library": "cup/final.mkv"}, headers=WRITE)
    assert answer.status_code == 400 and "--library" in answer.json()["error"]


def test_no_file_outside_a_job_s_outputs_is_served(tmp_path: Path) -> None:
    state = tmp_path / "state"
    client = local(state)
    store = JobStore(state)
    job = store.add("reel", "/etc/hostname", "hostname", {})
    (state / "jobs" / "1" / "reel").mkdir(parents=True)
    (state / "jobs" / "1" / "reel" / "chapters.txt").write_text("00:00 Goal\n")
    (state / "jobs" / "1" / "worker.log").write_text("private")
    ok = client.get(f"/jobs/{job.id}/files/reel/chapters.txt", params={"download": "1"})
    assert ok.status_code == 200 and ok.text == "00:00 Goal\n"
    assert 'attachment; filename="chapters.txt"' in ok.headers["content-disposition"]
    for path in ("reel/%2e%2e/%2e%2e/%2e%2e/jobs.sqlite3", "reel/..%2f..%2f..%2fjobs.sqlite3", "worker.log",
                 "reel/%2e%2e/worker.log", "edit/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd"):  # fmt: skip
        refused = client.get(f"/jobs/{job.id}/files/{path}")
        assert refused.status_code in (403, 404) and "private" not in refused.text and "root:" not in refused.text
    assert client.get(f"/jobs/{job.id}/files/reel/%2e%2e/%2e%2e/%2e%2e/jobs.sqlite3").status_code == 403
    source = client.get(f"/jobs/{job.id}/source")
    assert source.status_code == 404 and "no longer among the uploads" in source.json()["error"]
    assert client.get("/api/jobs/99").status_code == 404 and client.get("/jobs/99").status_code == 404
    waiting = client.get(f"/jobs/{job.id}")
    assert waiting.status_code == 404 and "its review page comes when its reel is made" in waiting.text


def test_errors_a_user_can_act_on_are_one_line(tmp_path: Path) -> None:
    client = local(tmp_path / "state")
    cases = [
        (b"{not json", "not JSON"),
        (json.dumps({"upload": "x.mkv", "options": {"budget": "soon"}}), "length must be 'auto', 'none' or a number"),
        (json.dumps({"upload": "x.mkv", "options": {"aspect": "2:1"}}), "aspect"),
        (json.dumps({"upload": "x.mkv", "options": {"exports": ["avid"]}}), "unknown export format"),
        (json.dumps({"upload": "x.mkv", "options": {"lenght": 60}}), "unknown job option"),
        (json.dumps({"options": {}}), "a job needs a video"),
        (json.dumps({"upload": "x.mkv"}), "no such upload"),
    ]
    for body, message in cases:
        answer = client.post("/api/jobs", content=body, headers=WRITE | {"Content-Type": "application/json"})
        assert answer.status_code == 400 and message in answer.json()["error"], (body, answer.text)
        assert "Traceback" not in answer.text and "\n" not in answer.json()["error"]
    store = JobStore(tmp_path / "state")
    job = store.add("reel", "x", "x", {})
    assert client.post(f"/api/jobs/{job.id}/restart", headers=WRITE).status_code == 409
    busy = client.post(f"/api/jobs/{job.id}/recut", json={"segments": [{}]}, headers=WRITE)
    assert busy.status_code == 409 and "re-cut it when it is done" in busy.json()["error"]


def test_a_server_off_the_loopback_address_needs_its_token(tmp_path: Path) -> None:
    app = create_app(ServeSettings(state_dir=tmp_path / "state", token="s3cret-token", allowed_hosts=None))
    client = TestClient(app, base_url="http://192.168.1.20:8000")
    assert client.get("/").status_code == 401
    assert client.get("/api/jobs", params={"token": "s3cret-tokeN"}).status_code == 401
    assert client.get("/api/jobs", headers={"X-Access-Token": "wrong"}).status_code == 401
    assert "access token" in client.get("/api/jobs").json()["error"]
    page = client.get("/", params={"token": "s3cret-token"})
    assert page.status_code == 200 and "httponly" in page.headers["set-cookie"].lower()
    assert client.get("/api/jobs").status_code == 200, "the page's own requests carry the cookie"
    fresh = TestClient(app, base_url="http://192.168.1.20:8000")
    assert fresh.get("/api/jobs", headers={"X-Access-Token": "s3cret-token"}).status_code == 200
    assert client.post("/api/jobs", json={}).status_code == 403, "a write needs the app's header too"
    # on the loopback address: no token, but a page of another site that resolves its name here gets nothing
    loopback = local(tmp_path / "state2")
    assert loopback.get("/api/jobs").status_code == 200
    assert loopback.get("/api/jobs", headers={"Host": "evil.example:8000"}).status_code == 400


def test_serve_on_another_address_prints_a_token_that_every_request_needs(tmp_path: Path) -> None:
    port = free_port()
    command = [sys.executable, "-m", "soccer_highlights.cli", "serve", "--host", "0.0.0.0", "--port", str(port),
               "--state", str(tmp_path / "state")]  # fmt: skip
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        line = process.stderr.readline()
        address = re.search(r"http://\S+", line).group(0)
        token = address.split("token=")[1]
        import httpx

        for _ in range(100):
            try:
                refused = httpx.get(f"http://127.0.0.1:{port}/api/jobs")
                break
            except httpx.ConnectError:
                time.sleep(0.1)
        assert refused.status_code == 401
        assert httpx.get(f"http://127.0.0.1:{port}/api/jobs", params={"token": token}).json() == {"jobs": []}
        assert len(token) >= 32
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_killed_server_s_running_jobs_are_found_interrupted(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "state")
    job = store.add("reel", "x", "x", {})
    store.claim(job.id)
    store.update(job.id, pid=2**22 + 17)  # no such process: the server and its worker were killed
    with local(tmp_path / "state") as client:
        after = client.get(f"/api/jobs/{job.id}").json()
    assert after["state"] == "interrupted" and "start it again" in after["error"]


@pytest.mark.slow
def test_two_jobs_queue_a_restart_interrupts_and_both_finish_then_a_recut(
    joined_real_clips, real_clips: Path, tmp_path: Path
) -> None:
    """One job at a time, the second queued; the server stopped in the middle of the first (which is
    marked interrupted and started again: its reel is whole) while the second waits; then a re-cut."""
    state = tmp_path / "state"
    settings = ServeSettings(state_dir=state)
    with LiveServer(settings) as server, server.client() as client:
        joined = upload(client, joined_real_clips[0]).json()["upload"]
        stored = upload(client, real_clips / CLIP).json()["upload"]
        first = client.post("/api/jobs", json={"upload": joined, "options": {"budget": "none"}}, headers=WRITE)
        second = client.post("/api/jobs", json={"upload": stored, "options": {"clips": True}}, headers=WRITE)
        first, second = first.json()["id"], second.json()["id"]
        with client.stream("GET", "/api/events") as events:  # live progress: the list as it changes
            seen = []
            for line in events.iter_lines():
                if line.startswith("data: "):
                    jobs = {j["id"]: j for j in json.loads(line[6:])["jobs"]}
                    one, two = jobs[first], jobs[second]
                    seen.append((one["state"], one["stage"], one["done"], two["state"]))
                    assert [jobs[first]["state"], jobs[second]["state"]].count("running") <= 1, "one at a time"
                    scored = {done for state, stage, done, _ in seen if stage == "scoring" and done}
                    if len(scored) >= 2 or one["state"] not in ("queued", "running"):  # progress as it goes
                        break
        assert seen[0][0] in ("queued", "running") and seen[-1][:2] == ("running", "scoring"), seen
        assert seen[-1][3] == "queued", seen
    after = {j.id: j for j in JobStore(state).all()}
    assert after[first].state == "interrupted" and after[second].state == "queued", (after[first], after[second])
    with LiveServer(settings) as server, server.client() as client:
        assert client.post(f"/api/jobs/{first}/restart", headers=WRITE).status_code == 200
        done_second = wait_for(client, second, ("done", "failed"))
        done_first = wait_for(client, first, ("done", "failed"))
        assert done_first["state"] == done_second["state"] == "done", (done_first, done_second)
        assert done_second["finished"] < done_first["started"], "the restarted job queued behind the waiting one"
        names = {f["name"] for f in done_second["files"]}
        assert {"reel.mp4", "chapters.txt", "segments.json"} <= names and any(n.startswith("01_") for n in names)
        planned = json.loads(client.get(f"/jobs/{first}/files/reel/segments.json").text)["segments"]
        assert any(s["label"] == "Goal (2-0)" for s in planned)
        reel = client.get(f"/jobs/{first}/files/reel/reel.mp4", params={"download": "1"})
        assert reel.status_code == 200 and reel.headers["content-type"] == "video/mp4"
        source = client.get(f"/jobs/{first}/source", headers={"Range": "bytes=0-99"})
        assert source.status_code == 206 and len(source.content) == 100, "videos seek (range requests)"
        page = client.get(f"/jobs/{first}")
        assert page.status_code == 200 and 'id="review-data"' in page.text and f"const JOB_ID = {first};" in page.text
        assert f'<base href="/jobs/{first}/files/reel/">' in page.text and f"/jobs/{first}/source" in page.text
        assert len(planned) >= 2, planned
        trimmed = dict(planned[0], end_s=round(planned[0]["end_s"] - 2.0, 3))
        edit = {"format": 1, "edited": True, "segments": [trimmed, planned[1]]}
        cuts = state / "jobs" / str(first) / ".cuts"
        made = {p.name: p.stat().st_mtime_ns for p in cuts.glob("*.mkv")}
        assert len(made) == len(planned), "the job's cuts are kept for its re-cuts"
        assert client.post(f"/api/jobs/{first}/recut", json=edit, headers=WRITE).status_code == 202
        recut = wait_for(client, first, ("done", "failed"))
        assert recut["state"] == "done" and recut["kind"] == "recut", recut
        assert all(f["url"].startswith(f"/jobs/{first}/files/edit/") for f in recut["files"])
        after = {p.name: p.stat().st_mtime_ns for p in cuts.glob("*.mkv")}
        kept = [name for name, when in made.items() if after.get(name) == when]
        assert len(kept) == len(made) and len(after) == len(made) + 1, "only the trimmed segment was cut again"
        path = state / "jobs" / str(first) / "edit" / "reel.mp4"
        with av.open(str(path)) as container:
            frames = sum(1 for _ in container.decode(video=0))
        planned_frames = sum(round((s["end_s"] - s["start_s"]) * 25) for s in (trimmed, planned[1]))
        assert abs(frames - planned_frames) <= 2
        page = client.get(f"/jobs/{first}").text
        assert '"reel_url":"../edit/reel.mp4"' in page, "the page starts from the re-cut"
    videos = sorted(p.name for p in (state / "uploads").iterdir() if p.is_file())  # beside them: the bug's cache
    assert videos == sorted([joined, stored]), "an upload is stored once, whatever the jobs made of it"
