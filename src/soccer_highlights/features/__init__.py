"""Per-frame embeddings and log-mel spectrograms, computed once per half and cached on disk."""
