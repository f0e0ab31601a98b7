"""What a run writes: the reel, ``segments.json``, ``timeline.png``, ``review.html``,
``results_spotting.json``. Every writer takes plain data (:class:`~soccer_highlights.core.Plan`)."""

REEL_FILE = "reel.mp4"
TIMELINE_FILE = "timeline.png"
REVIEW_FILE = "review.html"
SEGMENTS_FILE = "segments.json"
MATCH_STATE_FILE = "match_state.json"
