"""soccer-highlights: from a full soccer broadcast to a highlight reel.

The package is laid out the way data flows through it: ``soccernet`` (games and labels in),
``media`` (streaming decode, cut and join), ``detectors`` (score curves over a half),
``segments`` (curves to cut lists), ``reel`` (cut lists to a video), ``evaluation`` (how good it is)
and ``cli`` (the command line).
"""

__version__ = "0.1.0"
