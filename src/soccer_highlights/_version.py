"""The package's version, in a leaf module that imports nothing, so any module can record it."""

__version__ = "0.1.0"
