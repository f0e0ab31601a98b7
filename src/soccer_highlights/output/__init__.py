"""What a run writes: the reel (``reel.mp4``), its plan (``segments.json``), its picture
(``timeline.png``) and our curves as SoccerNet predictions (``results_spotting.json``)."""
