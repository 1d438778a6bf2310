"""Errors of one file, with the French reason the user reads."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested; ``reason`` is a French sentence shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedFormat(IngestError):
    """The format is unknown: the file is skipped, not guessed."""
