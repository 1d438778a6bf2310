"""Benchmark: ingest a few hundred odd real-world files (tests/odd_files.py, SYNTHETIC, in variants
so that each file has its own content) next to the real corpus, with the CLI as a user runs it.
Prints wall time, passages/s, peak memory (RSS of the ingest process), files indexed and refused,
and whether any traceback reached stderr.

    .venv/bin/python -m evals.odd_bench --variants 12 [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests import odd_files

REPO = Path(__file__).resolve().parent.parent


def build(folder: Path, variants: int, with_dumps: bool) -> int:
    """The real corpus plus ``variants`` lots of odd files, each lot with its own texts."""
    shutil.copytree(REPO / "corpus", folder)
    base = {name: getattr(odd_files, name) for name in ("FRENCH", "RUSSIAN", "GREEK", "CZECH", "JAPANESE")}
    base_lines = odd_files._pdf_lines  # noqa: SLF001
    count = 0
    try:
        for lot in range(variants):
            for name, text in base.items():
                setattr(odd_files, name, text.replace("\n\n", f" (lot {lot})\n\n", 1))
            odd_files._pdf_lines = lambda topic, lot=lot: base_lines(topic) + [f"Lot {lot}."]  # noqa: SLF001
            makers = [m for m in odd_files.MAKERS if with_dumps or m not in (odd_files.text_machine_dump, odd_files.text_log)]
            target = folder / "divers" / f"lot{lot:02d}"
            target.mkdir(parents=True)
            for maker in makers:
                maker(target)
                count += 1
    finally:
        for name, text in base.items():
            setattr(odd_files, name, text)
        odd_files._pdf_lines = base_lines  # noqa: SLF001
    return count


def run(variants: int, with_dumps: bool, cli: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="mgp-odd-") as tmp:
        corpus = Path(tmp) / "corpus"
        files = build(corpus, variants, with_dumps)
        env = {k: v for k, v in os.environ.items() if not k.startswith("MGP_")}
        env |= {"MGP_CORPUS_DIR": str(corpus), "MGP_DATA_DIR": str(Path(tmp) / "data")}
        started = time.perf_counter()
        proc = subprocess.run([*cli, "ingest", "--json"], env=env, capture_output=True, text=True, cwd=REPO)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        report = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
        return {
            "odd_files": files,
            "exit_code": proc.returncode,
            "documents": report.get("documents"),
            "failed": len(report.get("failed", [])),
            "passages": report.get("chunks"),
            "seconds": round(seconds, 1),
            "passages_per_s": round((report.get("chunks_embedded") or 0) / seconds, 1) if seconds else None,
            "peak_rss_mb": round(peak_mb),
            "traceback_on_stderr": "Traceback" in proc.stderr,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=12, help="lots of odd files (24 files each)")
    parser.add_argument("--without-dumps", action="store_true", help="leave out the machine dump and the log")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.variants, not args.without_dumps, [sys.executable, "-m", "ui.cli"])
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:>22} : {value}")


if __name__ == "__main__":
    main()
