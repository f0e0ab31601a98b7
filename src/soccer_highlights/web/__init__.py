"""``soccer-highlights serve``: the tool as a local web app, for people who do not live in a terminal.

One window: drop a match (or pick one from a library folder), watch it being scored and cut, edit the
reel on the review page served live, re-cut it on the server and download everything. The pieces:

* :mod:`~soccer_highlights.web.db`: the jobs, recorded in SQLite under the state folder, so a reload,
  a closed tab or a restarted server shows every job;
* :mod:`~soccer_highlights.web.jobs`: what a job asks for (checked before it is queued) and the queue
  that runs each one in a worker process of its own (the web server never scores or cuts);
* :mod:`~soccer_highlights.web.worker`: that process: the library's reel job, reporting the same
  progress events the command line shows;
* :mod:`~soccer_highlights.web.paths`: where files may come from (uploads, the library, the jobs'
  outputs) and nowhere else;
* :mod:`~soccer_highlights.web.app`: the Starlette application: pages, the JSON API, live progress
  (Server-Sent Events), the access token.
"""
