"""The seed's audio-visual highlight classifier, rebuilt right, and its training with Lightning."""
