"""A lock shared by the threads of a process and by the processes (replicas, CLI) that share the
data folder: an exclusive ``flock`` on a file under it."""

from __future__ import annotations

import fcntl
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger("mgp.locks")


@contextmanager
def file_lock(path: Path, *, waiting_message: str | None = None) -> Iterator[None]:
    """Hold the lock on ``path`` (created if needed); logs ``waiting_message`` when it must wait."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if waiting_message:
                log.info(waiting_message)
            fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
