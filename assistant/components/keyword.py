"""Keyword (BM25) index over French-stemmed tokens, persisted next to the vector store.

It is built at ingestion from the committed chunks (same ids as the vector store) and only loaded
at query time, never rebuilt per query.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from assistant.text import tokenize

IDS_FILE = "chunk_ids.json"


class KeywordIndex:
    def __init__(self, chunk_ids: list[str], bm25: object | None) -> None:
        self.chunk_ids = chunk_ids
        self._bm25 = bm25
        self._vocab: dict[str, int] = getattr(bm25, "vocab_dict", {}) if bm25 is not None else {}

    @classmethod
    def build(cls, chunk_ids: Sequence[str], token_lists: Sequence[list[str]]) -> "KeywordIndex":
        import bm25s

        if not chunk_ids:
            return cls([], None)
        bm25 = bm25s.BM25()
        bm25.index([list(t) for t in token_lists], show_progress=False)
        return cls(list(chunk_ids), bm25)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(directory), show_progress=False)
        (directory / IDS_FILE).write_text(json.dumps(self.chunk_ids), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> "KeywordIndex":
        import bm25s

        ids = json.loads((directory / IDS_FILE).read_text(encoding="utf-8"))
        if not ids:
            return cls([], None)
        bm25 = bm25s.BM25.load(str(directory), show_progress=False, verbosity=0)
        return cls(ids, bm25)

    @property
    def vocabulary(self) -> set[str] | dict[str, int]:
        """Every token of the indexed chunks (to tell words the corpus never uses)."""
        return self._vocab

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(self, query: str, k: int = 10, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Best chunks for the query as (chunk_id, score), optionally restricted to ``allowed`` ids."""
        if self._bm25 is None:
            return []
        tokens = [t for t in tokenize(query) if t in self._vocab]
        if not tokens:
            return []
        mask = None
        if allowed is not None:
            mask = np.fromiter((cid in allowed for cid in self.chunk_ids), dtype=np.float32, count=len(self))
        k = min(k, len(self))
        docs, scores = self._bm25.retrieve([tokens], k=k, show_progress=False, weight_mask=mask)
        return [
            (self.chunk_ids[int(i)], float(s)) for i, s in zip(docs[0], scores[0]) if float(s) > 0.0
        ]
