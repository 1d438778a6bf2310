"""Loopback ports for the servers the benchmarks and the tests start: a free one, and waiting until
the server listens on it (one helper for the web app, Chroma and the test fixtures)."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path


def free_port() -> int:
    """A loopback port nobody listens on (for the servers a benchmark starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, log: Path | None = None, timeout: float = 120) -> None:
    """Until the server ``proc`` started accepts connections on ``port``; RuntimeError (with the end
    of its ``log``) if it exits first or is not listening after ``timeout`` seconds."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            if proc.poll() is not None:
                tail = log.read_text(encoding="utf-8")[-1500:] if log is not None and log.exists() else ""
                raise RuntimeError(f"le serveur s'est arrêté : {tail}".strip())
            time.sleep(0.3)
    raise RuntimeError(f"le serveur n'écoute pas sur le port {port} après {timeout:.0f} s")
