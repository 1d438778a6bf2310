"""Read side of the index. A **generation** is one committed state of the index: its manifest,
chunks, keyword index and records, plus the vector-store collection it names. On disk it is a
``gen-NNNNNN`` folder written by :class:`~assistant.index_store.GenerationStore`; loaded, it is a
:class:`Generation` (immutable: an answer reads one generation from start to end);
:class:`CurrentGeneration` gives the one ``CURRENT`` points at, reloading it after an ingestion
commits a new one. Variables holding a loaded generation are named ``view``.

What a loaded generation keeps in memory (chunks, keyword index, records, sentence vectors) is its
own; what it reads outside (its vector collection) is kept for it by a lease: an answer reads inside
:meth:`CurrentGeneration.reading`, and a superseded generation is retired only once its last reader
lets it go (see :mod:`assistant.index_collector`)."""

from __future__ import annotations

import atexit
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from assistant.components.keyword import KeywordIndex
from assistant.components.sentence_vectors import read_sentence_vectors
from assistant.components.vectorstore import ChunkStore
from assistant.schemas import Passage
from assistant.text import dedup_key
from assistant.records import DeliberationRecord
from assistant.index_collector import GenerationCollector
from assistant.index_store import (
    READERS, DocumentFile, GenerationStore, Manifest, StoredChunk, is_older_layout, read_keyword_index, read_manifest,
)
from assistant.locks import Lease, take_lease, try_file_lock

log = logging.getLogger("mgp.index")

LEASE_ATTEMPTS = 5
"""Times a reader looks for the current generation when each one it found was retired meanwhile."""
COLLECT_RETRY_S = 1.0
COLLECT_PATIENCE_S = 120.0
"""A reader that let a superseded generation go retries the collection while an ingestion holds
the lock, for this long at most (that ingestion collects too when it commits)."""
EXIT_WAIT_S = 10.0


class IndexNotReady(RuntimeError):
    """No index yet: the user must run the ingestion first."""


NO_INDEX = "Aucun index : lancez d'abord `mgp-assistant ingest` (ou `make run`)."


class Generation:
    """One committed generation, loaded; immutable."""

    def __init__(self, generations: GenerationStore, store: ChunkStore, previous: "Generation | None" = None,
                 directory: Path | None = None) -> None:
        """``previous``: the generation this one replaces; what they share (chunk files and keyword
        segments are immutable and named by content) is taken from it instead of read again, so
        one new document in a large index is answerable in the time that document takes.
        ``directory``: the generation to load (by default the current one)."""
        directory = directory or generations.current_dir()
        if directory is None:
            raise IndexNotReady(NO_INDEX)
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
        self._positions: dict[str, tuple[str, int]] | None = None
        self.store = store  # its own store object: a newer view switching collection never affects this one
        if self.manifest.collection:
            self.store.open_collection(self.manifest.collection)

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

    def position(self, chunk_id: str) -> tuple[str, int] | None:
        """(chunk file, index in it) of a committed chunk: where its section's neighbours are."""
        if self._positions is None:
            self._positions = {chunk.chunk_id: (name, i) for name, document in self.document_files.items()
                               for i, chunk in enumerate(document.chunks)}
        return self._positions.get(chunk_id)

    def passage(self, chunk_id: str) -> Passage | None:
        """A committed chunk as the generator, the facts and the UI see it."""
        chunk = self.chunks.get(chunk_id)
        if chunk is None:
            return None
        return Passage(chunk_id=chunk_id, text=chunk.text, metadata=chunk.metadata)



class CurrentGeneration:
    """Gives the current generation, and leases on it for as long as an answer reads it."""

    def __init__(self, index_dir: Path, new_store: Callable[[], ChunkStore], lock_file: Path | None = None) -> None:
        """``lock_file``: the ingestion lock, taken to retire what a reader let go (by default the
        data folder's, beside ``index_dir``)."""
        self.generations = GenerationStore(index_dir)
        self._new_store = new_store
        self._lock_file = lock_file or index_dir.parent / "ingest.lock"
        self._view: Generation | None = None
        self._lock = threading.Lock()
        self._collector: threading.Thread | None = None
        self._collect_again = False

    def current(self) -> Generation:
        """The current generation, for what it keeps in memory (chunks, records, keyword index).
        Whoever reads its vector collection does so inside :meth:`reading`."""
        with self.reading() as view:
            return view

    @contextmanager
    def reading(self) -> Iterator[Generation]:
        """The current generation, held for the whole block: nothing of it is retired meanwhile."""
        lease, view = self._lease()
        try:
            yield view
        finally:
            lease.release()
            if self.generations.current_dir() != view.directory:
                self._collect_soon()  # perhaps its last reader: what it held can go

    def _lease(self) -> tuple[Lease, Generation]:
        for _ in range(LEASE_ATTEMPTS):
            directory = self.generations.current_dir()
            if directory is None:
                raise IndexNotReady(NO_INDEX)
            lease = take_lease(directory / READERS)
            if lease is None:
                if self.generations.current_dir() != directory:
                    continue  # retired between our two looks: take the new current one
                lease = Lease(None)  # written before leases existed: read it as before
            try:
                return lease, self._loaded(directory)
            except BaseException:
                lease.release()
                raise
        raise IndexNotReady("L'index change sans cesse (indexations successives) : reposez la question dans un instant.")

    def _loaded(self, directory: Path) -> Generation:
        with self._lock:
            if self._view is None or directory != self._view.directory:
                self._view = Generation(self.generations, self._new_store(), previous=self._view, directory=directory)
            return self._view

    # -- retiring what readers let go ------------------------------------------------------
    def _collect_soon(self) -> None:
        """Retire superseded generations in the background (one collector thread at a time)."""
        with self._lock:
            if self._collector is not None:
                self._collect_again = True
                return
            self._collect_again = False
            self._collector = threading.Thread(target=self._collect, name="mgp-index-collector", daemon=True)
            self._collector.start()
            _PENDING.add(self._collector)

    def _collect(self) -> None:
        try:
            self._collect_until_done()
        finally:
            with self._lock:
                if self._collector is threading.current_thread():
                    self._collector = None

    def _collect_until_done(self) -> None:
        deadline = time.monotonic() + COLLECT_PATIENCE_S
        while True:
            with try_file_lock(self._lock_file) as locked:
                if locked:
                    if not self.generations.is_running():  # else a killed run awaits its repair: that comes first
                        self._collect_once()
                    with self._lock:
                        if not self._collect_again:
                            self._collector = None  # from here on, a reader that lets go starts a new collection
                            return
                        self._collect_again = False
                    continue
            if time.monotonic() > deadline:  # an ingestion holds the lock that long: it collects when it commits
                with self._lock:
                    self._collector = None
                return
            time.sleep(COLLECT_RETRY_S)

    def _collect_once(self) -> None:
        try:
            GenerationCollector(self.generations, self._new_store()).collect()
        except Exception as exc:  # noqa: BLE001 - the next commit or reader collects again
            log.warning("superseded generations not retired: %s", type(exc).__name__)

    def wait_for_collection(self, timeout: float = EXIT_WAIT_S) -> None:
        """Let a collection in progress finish (a command-line process that is about to exit)."""
        with self._lock:
            thread = self._collector
        if thread is not None:
            thread.join(timeout)


_PENDING: "weakref.WeakSet[threading.Thread]" = weakref.WeakSet()
"""Collector threads of this process: given a little time to finish when the process exits."""


@atexit.register
def _finish_collections() -> None:
    deadline = time.monotonic() + EXIT_WAIT_S
    for thread in list(_PENDING):
        thread.join(max(0.0, deadline - time.monotonic()))
