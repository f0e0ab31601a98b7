"""One choice of device for every command that runs a network (``reel --model``, ``plan``,
``detect``, ``features``, ``train``), so they cannot disagree."""

from __future__ import annotations


def choose_device(requested: str = "auto", gpus_per_task: float = 0.0, on_cluster: bool = False) -> str:
    """``cuda`` or ``cpu``. ``auto`` takes the GPU when PyTorch sees one; a Ray task takes the GPU
    only when it asked for a share of one (``gpus_per_task``), since a task without one must not
    touch a GPU it was not given."""
    if requested != "auto":
        return requested
    if gpus_per_task > 0:
        return "cuda"
    if on_cluster:
        return "cpu"
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"
