"""The scoreboard: the broadcast's own graphics read off the screen, every goal, the score and the minute.

* ``locate.py``: where the score bug is (text that stays put while the picture moves) and its layout;
* ``ocr.py``: PP-OCR's text recogniser from the ``rapidocr`` wheel on ONNX Runtime, its files checked;
* ``parse.py``: one read's text to a score, team codes and a clock (every common layout, the
  recogniser's confusions);
* ``reader.py``: a half read keyframe by keyframe, only where the score's digits changed, and the
  moment of each change searched for;
* ``vote.py``: reads to scores, changes and the clock's mapping (changes must hold, one goal at a time);
* ``goals.py``: when each goal went in (the roar before the new score, bounded by cuts);
* ``state.py``: ``match_state.json`` and the per-video cache; ``detector.py``: the ``scoreboard`` detector;
  ``config.py``: its settings.
"""
