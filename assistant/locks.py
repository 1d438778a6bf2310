"""Locks shared by the threads of a process and by the processes (replicas, CLI) that share the
data folder, all ``flock`` on files under it: an exclusive lock (one ingestion at a time), and
readers' leases (shared locks) that keep what they read from being retired under them."""

from __future__ import annotations

import fcntl
import logging
import os
import threading
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


_held: dict[str, int] = {}
"""Leases of this process by path: they block :func:`retire` in this process even where ``flock``
is emulated by per-process locks (NFS), under which two descriptors of one process never conflict."""
_held_lock = threading.RLock()


class Lease:
    """A reader's hold on a file (a shared ``flock``); :func:`retire` never succeeds while one is held.
    The kernel releases it if the process dies, so a crashed reader never pins what it read."""

    def __init__(self, fd: int | None, path: Path | None = None) -> None:
        self._fd = fd
        self._key = str(path) if path is not None else None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with _held_lock:
                if self._key is not None:
                    _held[self._key] -= 1
                    if not _held[self._key]:
                        del _held[self._key]
                try:
                    fcntl.flock(fd, fcntl.LOCK_UN)
                finally:
                    os.close(fd)


def take_lease(path: Path) -> Lease | None:
    """A shared hold on ``path``, or None when it is retired: the file is gone, is being retired
    (an exclusive lock is held), or was unlinked by :func:`retire` between our open and our lock."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    with _held_lock:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if os.fstat(fd).st_nlink == 0:  # retired after we opened it
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            return None
        _held[str(path)] = _held.get(str(path), 0) + 1
        return Lease(fd, path)


def retire(path: Path) -> bool:
    """Unlink ``path`` if no lease holds it, without waiting; True when it is retired (or was gone).
    Once it returns True no new lease can be taken on it: :func:`take_lease` sees it unlinked."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return True
    try:
        with _held_lock:
            if _held.get(str(path)):
                return False
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            path.unlink(missing_ok=True)
            return True
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def try_file_lock(path: Path) -> Iterator[bool]:
    """The lock on ``path`` if it is free now (True), else False at once; never waits."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
