// The app's part of the review page (served by `soccer-highlights serve`): Re-cut on the server,
// the job's progress while it cuts, the downloads. JOB_ID is set by the server before this script.
"use strict";
(function () {
  const HEADERS = {"Content-Type": "application/json", "X-Soccer-Highlights": "1"};
  const toolbar = document.querySelector(".toolbar");
  const recut = document.createElement("button");
  recut.id = "recut";
  recut.textContent = "Re-cut";
  recut.title = "Cut the kept segments, as they are now, into a new reel on the server";
  toolbar.insertBefore(recut, document.getElementById("status"));
  const back = document.createElement("a");
  back.href = "/";
  back.id = "all-jobs";
  back.textContent = "All jobs";
  document.querySelector("header h1").after(back);
  const box = document.createElement("div");
  box.id = "downloads";
  box.innerHTML = "<h2>Download</h2><ul style='columns: 2; margin: 0 0 8px; padding-left: 18px'></ul>";
  const error = document.createElement("div");
  error.id = "error";
  error.style.color = "#b00";
  toolbar.after(error);
  error.after(box);

  function showError(text) { error.textContent = text || ""; }
  function describe(job) {
    if (job.state === "queued") return "Re-cut queued: waiting for the job before it";
    const pct = job.percent == null ? "" : ` ${job.percent.toFixed(0)}%`;
    const eta = job.eta_s == null ? "" : `, about ${Math.ceil(job.eta_s)} s left`;
    return `${job.stage || "starting"}${pct}${eta}`;
  }

  async function downloads() {
    const response = await fetch(`/api/jobs/${JOB_ID}`);
    if (!response.ok) return;
    const job = await response.json();
    const list = box.querySelector("ul");
    list.innerHTML = "";
    for (const file of job.files) {
      const li = document.createElement("li");
      const a = document.createElement("a");
      a.href = file.url + "?download=1";
      a.textContent = file.name;
      a.className = "download";
      a.dataset.name = file.name;
      li.appendChild(a);
      const size = file.size >= 1e6 ? `${(file.size / 1e6).toFixed(1)} MB` : `${Math.ceil(file.size / 1e3)} kB`;
      li.appendChild(document.createTextNode(` (${size})`));
      list.appendChild(li);
    }
    return job;
  }

  function follow() {
    const events = new EventSource("/api/events");
    events.onmessage = ev => {
      const job = JSON.parse(ev.data).jobs.find(j => j.id === JOB_ID);
      if (!job) return;
      if (job.state === "queued" || job.state === "running") { status(describe(job)); return; }
      events.close();
      recut.disabled = false;
      if (job.state === "done") { status("re-cut done: loading the new reel"); location.reload(); }
      else showError(job.error || `the re-cut ended: ${job.state}`);
    };
  }

  recut.addEventListener("click", async () => {
    showError("");
    const edit = window.editedSegments();
    if (edit.segments.length === 0) { showError("keep at least one segment to cut a reel"); return; }
    recut.disabled = true;
    const response = await fetch(`/api/jobs/${JOB_ID}/recut`, {method: "POST", headers: HEADERS, body: JSON.stringify(edit)});
    const answer = await response.json().catch(() => ({error: `the server answered ${response.status}`}));
    if (!response.ok) { recut.disabled = false; showError(answer.error); return; }
    status(`re-cutting ${edit.segments.length} segments`);
    follow();
  });

  downloads().then(job => {
    if (job && (job.state === "queued" || job.state === "running")) { recut.disabled = true; follow(); }
    document.body.dataset.app = "1";
  });
})();
