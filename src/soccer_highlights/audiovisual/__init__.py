"""The seed's audio-visual model, rebuilt: frames and sound to a highlight probability.

* ``backbones.py``: frame backbones by name (EfficientNet-Lite0 by default, torchvision's), each
  carrying the preprocessing its weights were trained with, run in ONNX Runtime on the CPU;
* ``logmel.py``: the log-mel spectrogram; ``features.py`` and ``cache.py``: both per half, on one
  clock, in a content-keyed cache beside the videos;
* ``classifier.py``: the two-branch classifier (CNN + BiGRU per modality, fused MLP);
  ``module.py``, ``data.py``, ``windows.py``, ``train.py``, ``finetune.py``, ``reporting.py``: its
  training with Lightning (the module says what a step is; the Trainer owns the loop);
* ``detector.py``: the ``audio-visual-model`` detector over a checkpoint; ``config.py``: its settings.

Importing this package loads nothing heavy; its modules import PyTorch.
"""
