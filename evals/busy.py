"""Background load for ``make test-busy``: the test suite run on a busy machine, as on a shared CI
runner or a town hall's small server. Two loads run side by side until this process is stopped or
its time is up:

- ``evals.odd_bench`` in a loop (a fresh temporary corpus and data folder each round: the real
  corpus plus a few lots of odd files, ingested from scratch by the CLI — model loading, PDF
  parsing, embedding);
- one CPU-bound Python busy loop.

Nothing outlives it: every load runs in its own process group, killed (SIGKILL) when this process
ends — normally, on SIGTERM/SIGINT/SIGHUP, or at ``--seconds``; each load process also dies with its
parent (Linux's parent-death signal), the busy loop stops by itself at the deadline, and the
temporary folder is removed (or, after a SIGKILL, by the next run).

    .venv/bin/python -m evals.busy --seconds 3600 [--variants 2]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1

# Run in each load process before anything else: die with the parent (even one killed by SIGKILL),
# and never outlive the deadline. ``sys.argv[1]`` is the deadline (time.time()).
_GUARD = (
    "import ctypes, os, signal, sys, time\n"
    "parent = os.getppid()\n"
    f"ctypes.CDLL(None, use_errno=True).prctl({PR_SET_PDEATHSIG}, signal.SIGKILL)\n"
    "if os.getppid() != parent or time.time() >= float(sys.argv[1]):\n"
    "    sys.exit(0)\n"
    "signal.signal(signal.SIGALRM, lambda *_: os._exit(0))\n"
    "signal.alarm(max(1, int(float(sys.argv[1]) - time.time())))\n"
)

SPIN = _GUARD + "while True:\n    pass\n"
"""The CPU-bound busy loop (SIGALRM ends it at the deadline)."""

ODD_LOOP = _GUARD + (
    "from evals import odd_bench\n"
    "variants = int(sys.argv[2])\n"
    "# The CLI ingest that odd_bench starts dies with this process too (the same guard, then exec).\n"
    "cli = [sys.executable, '-c', "
    "'import ctypes, os, signal, sys; ctypes.CDLL(None).prctl(1, signal.SIGKILL); "
    "os.execv(sys.executable, [sys.executable, \"-m\", \"ui.cli\", *sys.argv[1:]])']\n"
    "while time.time() < float(sys.argv[1]):\n"
    "    result = odd_bench.run(variants, True, cli)\n"
    "    print('odd_bench :', result, file=sys.stderr, flush=True)\n"
)
"""``evals.odd_bench`` ingesting again and again until the deadline."""


def remove_orphaned_folders() -> None:
    """Temporary folders of an earlier load killed outright (SIGKILL: no cleanup ran), named by its pid."""
    for folder in Path(tempfile.gettempdir()).glob("mgp-busy-*-*"):
        try:
            os.kill(int(folder.name.split("-")[2]), 0)
        except ValueError:
            continue
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            continue  # alive, another user's


class Load:
    """The load processes and their temporary folder; ``stop`` kills and removes them (idempotent)."""

    def __init__(self, seconds: float, variants: int, quiet: bool) -> None:
        self.deadline = time.time() + seconds
        remove_orphaned_folders()
        self.tmp = Path(tempfile.mkdtemp(prefix=f"mgp-busy-{os.getpid()}-"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MGP_")}
        env["TMPDIR"] = str(self.tmp)  # odd_bench's corpus and data folders, removed with it
        out = subprocess.DEVNULL if quiet else None
        self.procs = [
            subprocess.Popen([sys.executable, "-c", ODD_LOOP, str(self.deadline), str(variants)], cwd=REPO, env=env,
                             stdout=out, stderr=out, start_new_session=True),
            subprocess.Popen([sys.executable, "-c", SPIN, str(self.deadline)], cwd=REPO, env=env,
                             stdout=out, stderr=out, start_new_session=True),
        ]

    def stop(self) -> None:
        for proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # its group: odd_bench's ingest too
            except (ProcessLookupError, PermissionError):
                pass
        for proc in self.procs:
            proc.wait()
        self.procs = []
        shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3600, help="hard limit: the load stops after this time")
    parser.add_argument("--variants", type=int, default=2, help="lots of odd files per odd_bench round (24 files each)")
    parser.add_argument("--quiet", action="store_true", help="no output from the loads")
    args = parser.parse_args()

    def stopped(signum, frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, stopped)
    # Die with the parent too (``make`` killed outright): the ``finally`` below does not run then,
    # but every load process dies with this one.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    load = Load(args.seconds, args.variants, args.quiet)
    print(f"Charge de fond : odd_bench en boucle et une boucle de calcul, au plus {args.seconds:.0f} s "
          f"(processus {', '.join(str(p.pid) for p in load.procs)}).", file=sys.stderr, flush=True)
    try:
        while time.time() < load.deadline and any(p.poll() is None for p in load.procs):
            time.sleep(0.5)
    finally:
        load.stop()
        print("Charge de fond arrêtée.", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
