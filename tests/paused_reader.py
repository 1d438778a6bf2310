"""A reader in its own process, for tests/test_generation_leases.py: it asks one question, pausing
inside its first vector search (after it has taken its index generation, before it reads the
generation's vectors) until the test says so through files; then it asks again on whatever is
current. Prints one JSON line per answer: {"answer", "abstained", "cited", "error"}.

Usage: python -m tests.paused_reader CORPUS_DIR DATA_DIR HANDSHAKE_DIR QUESTION
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from assistant.components.vectorstore import ChromaChunkStore
from assistant.config import Settings
from assistant.services import build_assistant

PAUSE_LIMIT_S = 300


def main(corpus: str, data: str, handshake: str, question: str) -> None:
    folder = Path(handshake)
    original = ChromaChunkStore.query
    paused: list[bool] = []

    def query(self, *args, **kwargs):
        if not paused:
            paused.append(True)
            (folder / "paused").write_text(self.collection_name, encoding="utf-8")
            deadline = time.monotonic() + PAUSE_LIMIT_S
            while not (folder / "resume").exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        return original(self, *args, **kwargs)

    ChromaChunkStore.query = query  # type: ignore[method-assign]
    assistant = build_assistant(Settings(corpus_dir=Path(corpus), data_dir=Path(data), _env_file=None))
    for _ in range(2):
        try:
            answer = assistant.ask(question)
            print(json.dumps({"answer": answer.answer, "abstained": answer.abstained,
                              "cited": [c.chunk_id for c in answer.citations], "error": None}), flush=True)
        except Exception as exc:  # noqa: BLE001 - the error is what the test looks for
            print(json.dumps({"answer": "", "abstained": None, "cited": [], "error": f"{type(exc).__name__}: {exc}"}),
                  flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:5])
