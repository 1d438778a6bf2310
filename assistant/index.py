"""Read side of the index. A **generation** is one committed state of the index: its manifest,
chunks, keyword index and records, plus the vector-store collection it names. On disk it is a
``gen-NNNNNN`` folder written by :class:`~assistant.index_store.GenerationStore`; loaded, it is a
:class:`Generation` (immutable: an answer reads one generation from start to end);
:class:`CurrentGeneration` gives the one ``CURRENT`` points at, reloading it after an ingestion
commits a new one. Variables holding a loaded generation are named ``view``."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.components.keyword import KeywordIndex
from assistant.components.sentence_vectors import read_sentence_vectors
from assistant.components.vectorstore import ChunkStore
from assistant.schemas import Passage
from assistant.text import dedup_key
from assistant.records import DeliberationRecord
from assistant.index_store import (
    DocumentFile, GenerationStore, Manifest, StoredChunk, is_older_layout, read_keyword_index, read_manifest,
)


class IndexNotReady(RuntimeError):
    """No index yet: the user must run the ingestion first."""


class Generation:
    """One committed generation, loaded; immutable."""

    def __init__(self, generations: GenerationStore, store: ChunkStore, previous: "Generation | None" = None) -> None:
        """``previous``: the generation this one replaces; what they share (chunk files and keyword
        segments are immutable and named by content) is taken from it instead of read again, so
        one new document in a large index is answerable in the time that document takes."""
        directory = generations.current_dir()
        if directory is None:
            raise IndexNotReady("Aucun index : lancez d'abord `mgp-assistant ingest` (ou `make run`).")
        if is_older_layout(directory):
            raise IndexNotReady("L'index a été construit par une version précédente de l'assistant : relancez "
                                "`mgp-assistant ingest` (ou `make run`) pour le reconstruire ; les vecteurs sont réutilisés.")
        self.directory = directory
        self.manifest: Manifest = read_manifest(directory)
        known = {s.name: s for s in previous.keyword.segments} if previous is not None else {}
        self.keyword: KeywordIndex = read_keyword_index(directory, known)
        self.records: dict[str, DeliberationRecord] = {}
        self.chunks: dict[str, StoredChunk] = {}
        self.document_files: dict[str, DocumentFile] = {}
        """What each chunk file holds, by file name."""
        for doc_id, entry in self.manifest.documents.items():
            document = previous.document_files.get(entry.doc_file) if previous is not None else None
            if document is None:
                document = generations.read_document_file(entry.doc_file)
            self.document_files[entry.doc_file] = document
            for chunk in document.chunks:
                self.chunks[chunk.chunk_id] = chunk
            if document.record is not None:
                self.records[doc_id] = document.record
        self.sentence_vectors = self._sentence_vectors(generations, previous)
        self.idf = self.keyword.idf_table()
        # Computed once per generation, not per question (the abstention check reads them).
        self.vocabulary: set[str] = set(self.keyword.vocabulary)
        self.vocabulary_prefixes: set[str] = {t[:5] for t in self.vocabulary if len(t) >= 5}
        self._dedup: dict[str, str] = {}
        self.store = store  # its own store object: a newer view switching collection never affects this one
        if self.manifest.collection:
            self.store.use_collection(self.manifest.collection)

    def _sentence_vectors(self, generations: GenerationStore, previous: "Generation | None") -> dict[str, np.ndarray]:
        """The vectors computed at ingestion, by sentence text (documents without them are answered
        by embedding their sentences at question time, as before)."""
        self.document_sentences: dict[str, dict[str, np.ndarray]] = {}
        merged: dict[str, np.ndarray] = {}
        embedding_id = self.manifest.embedding_id or ""
        for entry in self.manifest.documents.values():
            vectors = previous.document_sentences.get(entry.doc_file) if previous is not None else None
            if vectors is None:
                path = generations.sentence_vectors_path(entry.doc_file, embedding_id)
                try:
                    vectors = read_sentence_vectors(path) if path.exists() else {}
                except (OSError, ValueError, KeyError):
                    vectors = {}
            self.document_sentences[entry.doc_file] = vectors
            merged.update(vectors)
        return merged

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
                self._view = Generation(self.generations, self._new_store(), previous=self._view)
            return self._view
