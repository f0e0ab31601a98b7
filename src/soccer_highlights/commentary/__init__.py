"""The commentary: what the commentators say, from speech to events.

Everything about it lives here:

* ``transcribe.py``: offline transcription (faster-whisper, models from PyPI, digests checked) into
  SoccerNet-Echoes' ``{1,2}_asr.json`` beside each half video;
* ``text.py``, ``cues.py``: the transcript's words per second (hashed) and its cues (goal words,
  spoken scores, exclamations, speech rate);
* ``spotter.py``: the first stage (a linear model of the words around each second, trained with
  PyTorch, scored with numpy) and the trained weights' file; ``rerank.py`` and ``trees.py``: the
  second stage (gradient-boosted trees over candidates, walked in numpy at detection);
* ``cv.py``, ``folds.py``: cross-validation by game with SoccerNet's metric, and training;
* ``detector.py``: the ``commentary`` detector; ``config.py``: its settings.

The weights shipped with the package (``commentary_spotter.npz``) were learned from real
SoccerNet-Echoes commentary and SoccerNet-v2 labels; detection loads neither PyTorch nor
scikit-learn. Fusing its predictions with another spotter's is a detector-level rule
(:mod:`soccer_highlights.detectors.fusion`).
"""
