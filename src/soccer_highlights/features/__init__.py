"""Per-frame embeddings and log-mel spectrograms, computed once per half and cached on disk; the
backbones that embed the frames and the ONNX Runtime engine that runs them on a CPU."""
