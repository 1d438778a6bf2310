"""The committed state of the index: manifest, keyword index and deliberation records.

Each ingestion that changes something writes a new *generation* directory and then switches the
``CURRENT`` pointer with an atomic rename. Readers resolve ``CURRENT`` once and see either the old
or the new generation, never a half-written one; an ingestion killed at any point leaves the
previous generation in place, and the next run repairs the vector store against it.

Per-document chunk files (``docs/``) are immutable and named by content hash, so generations share
them and unchanged documents are never re-read.

A generation outlives its readers: each holds a lease on the generation's ``READERS`` file for its
whole answer, and :mod:`assistant.index_collector` retires a superseded generation (its folder, its
collection if no live generation shares it, the vectors it alone used) only when none does. Those
vectors are listed in ``superseded/`` by the generation that stopped using them.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.components.keyword import LIST_FILE, KeywordIndex, Segment
from assistant.components.sentence_vectors import sentence_file_name
from assistant.records import DeliberationRecord

SCHEMA_VERSION = 2
"""2: the keyword index became segments updated in place (``segments/``); an older index is rebuilt."""
CURRENT = "CURRENT"
RUNNING = "INGEST_RUNNING"
READERS = "READERS"
"""In each generation folder: readers hold a shared lock on it while they answer (see assistant.locks)."""
SUPERSEDED = "superseded"


class DocumentEntry(BaseModel):
    doc_id: str
    source: str
    file_name: str
    title: str
    doc_type: str
    format: str
    sha256: str
    size: int
    pages: int | None = None
    chunks: int
    doc_file: str
    reference: str | None = None
    date: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    ingested_at: datetime


class StoredChunk(BaseModel):
    chunk_id: str
    text: str
    tokens: list[str]
    metadata: dict[str, Any]


class DocumentFile(BaseModel):
    """Everything derived from one version of one file (immutable once written)."""

    entry: DocumentEntry
    chunks: list[StoredChunk]
    record: DeliberationRecord | None = None


class Manifest(BaseModel):
    schema_version: int = SCHEMA_VERSION
    generation: int = 0
    created_at: datetime | None = None
    embedding_id: str | None = None
    chunking_id: str | None = None
    collection: str | None = None
    documents: dict[str, DocumentEntry] = Field(default_factory=dict)

    @property
    def chunk_count(self) -> int:
        return sum(d.chunks for d in self.documents.values())


def _atomic_write(path: Path, data: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)


class GenerationStore:
    """Reads and writes generations under ``index_dir``."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.docs_dir = index_dir / "docs"
        self.segments_dir = index_dir / "segments"
        self.sentences_dir = index_dir / "sentences"

    # -- reading -----------------------------------------------------------------
    def current_dir(self) -> Path | None:
        pointer = self.index_dir / CURRENT
        if not pointer.exists():
            return None
        name = pointer.read_text(encoding="utf-8").strip()
        path = self.index_dir / name
        return path if (path / "manifest.json").exists() else None

    def load_manifest(self) -> Manifest:
        return read_manifest(self.current_dir())

    def generation_dirs(self) -> list[Path]:
        """Every committed generation folder still on disk, oldest first."""
        if not self.index_dir.exists():
            return []
        return sorted(p for p in self.index_dir.glob("gen-*") if p.is_dir())

    def is_running(self) -> bool:
        """An ingestion is running, or was killed and its repair is pending."""
        return (self.index_dir / RUNNING).exists()

    def load_keyword_index(self) -> KeywordIndex:
        return read_keyword_index(self.current_dir())

    def load_records(self) -> dict[str, DeliberationRecord]:
        """The deliberation records of the current generation (kept in each document's chunk file)."""
        records = {}
        for doc_id, entry in self.load_manifest().documents.items():
            record = self.read_document_file(entry.doc_file).record
            if record is not None:
                records[doc_id] = record
        return records

    def read_document_file(self, name: str) -> DocumentFile:
        return DocumentFile.model_validate_json((self.docs_dir / name).read_text(encoding="utf-8"))

    def sentence_vectors_path(self, doc_file: str, embedding_id: str) -> Path:
        return self.sentences_dir / sentence_file_name(doc_file, embedding_id)

    def has_document_file(self, name: str) -> bool:
        return (self.docs_dir / name).exists()

    # -- writing -----------------------------------------------------------------
    # -- a run in progress ----------------------------------------------------------
    def mark_running(self) -> bool:
        """Mark a run as started; True if the previous one did not finish (it must be repaired)."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        marker = self.index_dir / RUNNING
        interrupted = marker.exists()
        marker.write_text(datetime.now(timezone.utc).isoformat(), encoding="utf-8")
        return interrupted

    def mark_finished(self) -> None:
        (self.index_dir / RUNNING).unlink(missing_ok=True)

    def write_document_file(self, doc: DocumentFile) -> None:
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.docs_dir / doc.entry.doc_file, doc.model_dump_json())

    def commit(self, manifest: Manifest, keyword: KeywordIndex) -> Path:
        """Write a new generation, then point CURRENT at it (the atomic step). What a generation
        holds of its own is small (the manifest, the list of keyword segments and deletions):
        chunks and records are in the documents' files, shared between generations."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        manifest.generation += 1
        manifest.created_at = datetime.now(timezone.utc)
        name = f"gen-{manifest.generation:06d}"
        final = self.index_dir / name
        tmp = self.index_dir / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        keyword.save(tmp / "keyword", self.segments_dir)
        (tmp / READERS).touch()
        (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)  # a leftover of a run killed after its rename
        os.replace(tmp, final)
        _atomic_write(self.index_dir / CURRENT, name)
        return final

    def remove_unreferenced_files(self, live: list[Path]) -> None:
        """Chunk files, keyword segments and sentence vectors no live generation uses, and the
        leftovers of killed runs."""
        for leftover in self.index_dir.glob(".gen-*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
        referenced: set[str] = set()
        segments: set[str] = set()
        for gen in live:
            segments |= KeywordIndex.referenced_segments(gen / "keyword")
            try:
                documents = json.loads((gen / "manifest.json").read_text(encoding="utf-8"))["documents"]
                referenced.update(d["doc_file"] for d in documents.values())
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
        sentence_stems = {Path(name).stem for name in referenced}
        for folder, names in ((self.docs_dir, referenced), (self.segments_dir, segments)):
            if folder.exists():
                for path in folder.iterdir():
                    if path.name not in names:
                        path.unlink(missing_ok=True)
        if self.sentences_dir.exists():
            for path in self.sentences_dir.iterdir():
                if path.name.rsplit(".", 2)[0] not in sentence_stems:  # « <chunk file stem>.<model>.npz »
                    path.unlink(missing_ok=True)

    # -- vectors that a generation no longer uses, kept while older generations have readers ------
    def record_superseded(self, generation: int, collection: str, ids: set[str]) -> None:
        """``ids``: vectors of ``collection`` that generations before ``generation`` used and it does
        not; they are deleted once no generation before it is live."""
        if ids:
            self._write_superseded(generation, collection, ids | self._superseded_at(generation, collection))

    def _superseded_at(self, generation: int, collection: str) -> set[str]:
        return next((e.ids for e in self.superseded() if e.generation == generation and e.collection == collection), set())

    def _write_superseded(self, generation: int, collection: str, ids: set[str]) -> None:
        folder = self.index_dir / SUPERSEDED
        folder.mkdir(parents=True, exist_ok=True)
        data = {"generation": generation, "collection": collection, "ids": sorted(ids)}
        _atomic_write(folder / f"gen-{generation:06d}-{collection}.json", json.dumps(data))

    def superseded(self) -> list[SupersededVectors]:
        """What :meth:`record_superseded` wrote and the collector has not deleted yet, oldest first."""
        folder = self.index_dir / SUPERSEDED
        found = []
        for path in sorted(folder.glob("gen-*.json")) if folder.exists() else ():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                found.append(SupersededVectors(path=path, generation=int(data["generation"]),
                                               collection=str(data["collection"]), ids=set(data["ids"])))
            except (OSError, ValueError, KeyError, TypeError):
                path.unlink(missing_ok=True)  # unreadable: the next full check of the store finds its vectors
        return found

    def pending_superseded(self, collection: str) -> set[str]:
        return {cid for entry in self.superseded() if entry.collection == collection for cid in entry.ids}

    def keep_reintroduced(self, collection: str, ids: set[str]) -> None:
        """Vectors a new generation uses again (a document put back as it was) are no longer to delete.
        Called before that generation is committed: a crash in between only keeps vectors longer."""
        for entry in self.superseded():
            if entry.collection == collection and entry.ids & ids:
                remaining = entry.ids - ids
                if remaining:
                    self._write_superseded(entry.generation, entry.collection, remaining)
                else:
                    entry.path.unlink(missing_ok=True)


class SupersededVectors(BaseModel):
    path: Path
    generation: int
    collection: str
    ids: set[str]


# -- one generation's files, read from its folder (None: no generation yet) ---------------------
def read_manifest(directory: Path | None) -> Manifest:
    if directory is None:
        return Manifest()
    manifest = Manifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.schema_version != SCHEMA_VERSION:
        # Older layout: every document is indexed again, into the same collection (its vectors,
        # named by chunk content, are reused when the model is the same).
        return Manifest(generation=manifest.generation, embedding_id=manifest.embedding_id, collection=manifest.collection)
    return manifest


def is_older_layout(directory: Path) -> bool:
    """A generation written by an earlier version (its files are not read: the next ingestion
    rebuilds the index, reusing the vectors already in the store)."""
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("schema_version") != SCHEMA_VERSION
    except (OSError, ValueError, AttributeError):
        return False


def read_keyword_index(directory: Path | None, known: dict[str, Segment] | None = None) -> KeywordIndex:
    """``known``: segments already loaded (by file name), not read again. A generation of an
    older layout has no segment list: it reads as empty until the next ingestion rebuilds it."""
    if directory is None or not (directory / "keyword" / LIST_FILE).exists():
        return KeywordIndex()
    return KeywordIndex.load(directory / "keyword", directory.parent / "segments", known)
