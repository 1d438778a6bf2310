"""``evals.busy``, the background load of ``make test-busy``: it loads the machine, and nothing it
started outlives it — at its deadline, on SIGTERM, or when it is killed outright."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.conftest import REPO


def _groups() -> dict[int, tuple[int, str]]:
    """pid → (process group, state) of every live process (zombies count as ended)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] not in ("Z", "X"):
            found[int(stat.parent.name)] = (int(fields[2]), fields[0])
    return found


def _start(seconds: float) -> tuple[subprocess.Popen, list[int], Path]:
    proc = subprocess.Popen([sys.executable, "-m", "evals.busy", "--seconds", str(seconds), "--variants", "1", "--quiet"],
                            cwd=REPO, stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    loads = [int(p) for p in re.search(r"processus ([\d, ]+)\)", line).group(1).split(", ")]
    folders = list(Path(tempfile.gettempdir()).glob(f"mgp-busy-{proc.pid}-*"))
    assert len(folders) == 1
    return proc, loads, folders[0]


def _load_processes(loads: list[int]) -> list[int]:
    """The load processes and everything in their groups (odd_bench's ingest)."""
    return [pid for pid, (group, _) in _groups().items() if group in loads or pid in loads]


def _wait_gone(loads: list[int], timeout: float = 10) -> list[int]:
    deadline = time.time() + timeout
    while (left := _load_processes(loads)) and time.time() < deadline:
        time.sleep(0.1)
    return left


def test_the_load_runs_then_stops_at_its_deadline_and_leaves_nothing() -> None:
    proc, loads, folder = _start(seconds=4)
    try:
        time.sleep(1.5)
        busy = {pid: state for pid, (_, state) in _groups().items() if pid in loads}
        assert set(busy) == set(loads)  # both loads run meanwhile
        spin = Path(f"/proc/{loads[1]}/stat").read_text().rsplit(")", 1)[1].split()
        assert (int(spin[11]) + int(spin[12])) / os.sysconf("SC_CLK_TCK") >= 0.2  # the busy loop spins
        assert proc.wait(timeout=20) == 0
        assert "Charge de fond arrêtée." in proc.stderr.read()
    finally:
        proc.kill()
    assert _wait_gone(loads) == []
    assert not folder.exists()


def test_sigterm_stops_every_load_process() -> None:
    proc, loads, folder = _start(seconds=600)
    try:
        time.sleep(2)
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    finally:
        proc.kill()
    assert _wait_gone(loads) == []
    assert not folder.exists()


def test_a_load_killed_outright_takes_its_processes_along_and_the_next_run_removes_its_folder() -> None:
    proc, loads, folder = _start(seconds=600)
    try:
        time.sleep(2)
        os.kill(proc.pid, signal.SIGKILL)  # no cleanup runs in it
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert _wait_gone(loads) == []  # the parent-death signal
    assert folder.exists()
    again, again_loads, again_folder = _start(seconds=1)
    try:
        assert again.wait(timeout=20) == 0
    finally:
        again.kill()
    assert not folder.exists() and not again_folder.exists()
    assert _wait_gone(again_loads) == []
