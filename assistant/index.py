"""Read side of the index. A **generation** is one committed state of the index: its manifest,
chunks, keyword index and records, plus the vector-store collection it names. On disk it is a
``gen-NNNNNN`` folder written by :class:`~assistant.index_store.GenerationStore`; loaded, it is a
:class:`Generation` (immutable: an answer reads one generation from start to end);
:class:`CurrentGeneration` gives the one ``CURRENT`` points at, reloading it after an ingestion
commits a new one. Variables holding a loaded generation are named ``view``."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from pathlib import Path

from assistant.components.keyword import KeywordIndex
from assistant.components.vectorstore import ChunkStore
from assistant.schemas import Passage
from assistant.text import dedup_key
from assistant.records import DeliberationRecord
from assistant.index_store import GenerationStore, Manifest, StoredChunk, read_keyword_index, read_manifest, read_records


class IndexNotReady(RuntimeError):
    """No index yet: the user must run the ingestion first."""


class Generation:
    """One committed generation, loaded; immutable."""

    def __init__(self, generations: GenerationStore, store: ChunkStore) -> None:
        directory = generations.current_dir()
        if directory is None:
            raise IndexNotReady("Aucun index : lancez d'abord `mgp-assistant ingest` (ou `make run`).")
        self.directory = directory
        self.manifest: Manifest = read_manifest(directory)
        self.keyword: KeywordIndex = read_keyword_index(directory)
        self.records: dict[str, DeliberationRecord] = read_records(directory)
        self.chunks: dict[str, StoredChunk] = {}
        for entry in self.manifest.documents.values():
            for chunk in generations.read_document_file(entry.doc_file).chunks:
                self.chunks[chunk.chunk_id] = chunk
        self.idf = _idf(self.chunks)
        # Computed once per generation, not per question (the abstention check reads them).
        self.vocabulary: set[str] = set(self.keyword.vocabulary)
        self.vocabulary_prefixes: set[str] = {t[:5] for t in self.vocabulary if len(t) >= 5}
        self._dedup: dict[str, str] = {}
        self.store = store  # its own store object: a newer view switching collection never affects this one
        if self.manifest.collection:
            self.store.use_collection(self.manifest.collection)

    def dedup_key(self, chunk_id: str) -> str:
        """The chunk's text without case, accents or punctuation (near-identical copies share it),
        computed once per chunk and generation."""
        key = self._dedup.get(chunk_id)
        if key is None:
            key = self._dedup[chunk_id] = dedup_key(self.chunks[chunk_id].text)
        return key

    def passage(self, chunk_id: str) -> Passage | None:
        """A committed chunk as the generator, the facts and the UI see it."""
        chunk = self.chunks.get(chunk_id)
        if chunk is None:
            return None
        return Passage(chunk_id=chunk_id, text=chunk.text, metadata=chunk.metadata)



def _idf(chunks: dict[str, StoredChunk]) -> dict[str, float]:
    """BM25-style inverse document frequency of each token over the committed chunks."""
    df: dict[str, int] = {}
    for chunk in chunks.values():
        for token in set(chunk.tokens):
            df[token] = df.get(token, 0) + 1
    n = len(chunks)
    return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}


class CurrentGeneration:
    """Gives the current generation; checks the CURRENT pointer once per call to ``current``."""

    def __init__(self, index_dir: Path, new_store: Callable[[], ChunkStore]) -> None:
        self.generations = GenerationStore(index_dir)
        self._new_store = new_store
        self._view: Generation | None = None
        self._lock = threading.Lock()

    def current(self) -> Generation:
        current = self.generations.current_dir()
        with self._lock:
            if self._view is None or current != self._view.directory:
                self._view = Generation(self.generations, self._new_store())
            return self._view
