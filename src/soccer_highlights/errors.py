"""The tool's own errors, under one base class.

Each means "the input or a setting is wrong, and the message says which file or value and why";
the command line prints such an error as one line and exits with 2. Anything else is a bug and
keeps its traceback. Every class also derives from the built-in error a Python caller would
expect (``ValueError`` for bad values, ``FileExistsError`` for a refused overwrite), so code
written against those keeps working.
"""

from __future__ import annotations


class SoccerHighlightsError(Exception):
    """Base class of every error the tool raises on purpose; the message is meant for the user."""


class ConfigError(SoccerHighlightsError, ValueError):
    """A setting outside its valid range; the message gives the range."""


class InputError(SoccerHighlightsError, FileNotFoundError):
    """An input path that does not exist or holds nothing the tool can use."""


class MediaError(SoccerHighlightsError, RuntimeError):
    """A media file could not be read or written; the message names the file and the cause."""


class LabelsError(SoccerHighlightsError, ValueError):
    """A labels file that cannot be read; the message names the file and the problem."""


class PredictionsError(SoccerHighlightsError, ValueError):
    """A predictions file that cannot be used; the message names the file and the problem."""


class CheckpointError(SoccerHighlightsError, ValueError):
    """A file that is not a usable soccer-highlights checkpoint."""


class BackboneWeightsError(SoccerHighlightsError, RuntimeError):
    """Pretrained weights are not on this machine; the message says how to get them."""


class OutputExistsError(SoccerHighlightsError, FileExistsError):
    """An output would replace a user's file and ``force`` was not given."""


class NothingToCutError(SoccerHighlightsError, RuntimeError):
    """No segment was planned, so there is no reel to write."""


class OutputLockedError(SoccerHighlightsError, RuntimeError):
    """Another live run holds the output folder or cache entry."""


class OutputWriteError(SoccerHighlightsError, OSError):
    """An output could not be written (a full disk, a read-only folder): named, with the reason."""
