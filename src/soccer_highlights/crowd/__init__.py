"""The crowd: a training-free detector that hears the roar at shots and goals.

``excitement.py`` measures the excitement level (loudness and crowd-band level, in dB) and scores it
on a fixed decibel scale above the half's own typical level; ``config.py`` holds its settings. It
streams the sound only, needs no model and loads no PyTorch.
"""
