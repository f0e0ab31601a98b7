"""One error type for media problems, always naming the file."""


class MediaError(RuntimeError):
    """A media file could not be read or written; the message names the file and the cause."""
