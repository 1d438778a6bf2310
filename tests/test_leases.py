"""Readers' leases on index generations (assistant.locks): a held generation is never retired, a
retired one is never leased again, and a reader that dies lets go — across threads and processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant.locks import retire, take_lease


def test_a_held_lease_keeps_its_file_and_release_lets_it_be_retired(tmp_path: Path) -> None:
    readers = tmp_path / "READERS"
    readers.touch()
    first, second = take_lease(readers), take_lease(readers)  # two readers (threads of one process)
    assert first is not None and second is not None
    assert not retire(readers) and readers.exists()
    first.release()
    assert not retire(readers)  # the second reader still holds it
    second.release()
    assert retire(readers) and not readers.exists()
    assert take_lease(readers) is None  # retired: no new reader


def test_a_reader_that_opened_the_file_before_it_was_retired_gets_no_lease(tmp_path: Path, monkeypatch) -> None:
    """The window between a reader's open and its lock: the collector retires the file there."""
    import fcntl

    import assistant.locks as locks

    readers = tmp_path / "READERS"
    readers.touch()
    real_flock = fcntl.flock
    retired: list[bool] = []

    def flock_after_retirement(fd, operation):
        if operation & fcntl.LOCK_SH and not retired:
            retired.append(retire(readers))  # the collector runs between our open and our lock
        return real_flock(fd, operation)

    monkeypatch.setattr(locks.fcntl, "flock", flock_after_retirement)
    assert take_lease(readers) is None
    assert retired == [True]


def test_a_reader_process_that_dies_never_pins_a_generation(tmp_path: Path) -> None:
    readers = tmp_path / "READERS"
    readers.touch()
    child = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from assistant.locks import take_lease; "
         "lease = take_lease(Path(sys.argv[1])); print('held' if lease else 'none', flush=True); time.sleep(600)",
         str(readers)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    try:
        assert child.stdout.readline().strip() == "held"
        assert not retire(readers)  # another process holds it
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        deadline = time.monotonic() + 10
        while not retire(readers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not readers.exists()
    finally:
        child.kill()
        child.wait()
