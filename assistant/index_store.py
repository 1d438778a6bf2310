"""The committed state of the index: manifest, keyword index and deliberation records.

Each ingestion that changes something writes a new *generation* directory and then switches the
``CURRENT`` pointer with an atomic rename. Readers resolve ``CURRENT`` once and see either the old
or the new generation, never a half-written one; an ingestion killed at any point leaves the
previous generation in place, and the next run repairs the vector store against it.

Per-document chunk files (``docs/``) are immutable and named by content hash, so generations share
them and unchanged documents are never re-read.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.components.keyword import KeywordIndex
from assistant.records import DeliberationRecord

SCHEMA_VERSION = 1
CURRENT = "CURRENT"
RUNNING = "INGEST_RUNNING"
KEEP_GENERATIONS = 2


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

    def load_keyword_index(self) -> KeywordIndex:
        return read_keyword_index(self.current_dir())

    def load_records(self) -> dict[str, DeliberationRecord]:
        return read_records(self.current_dir())

    def read_document_file(self, name: str) -> DocumentFile:
        return DocumentFile.model_validate_json((self.docs_dir / name).read_text(encoding="utf-8"))

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

    def previous_collection(self) -> str | None:
        """Collection of the generation before the current one (readers may still use it)."""
        gens = sorted(p for p in self.index_dir.glob("gen-*") if p.is_dir())
        current = self.current_dir()
        older = [g for g in gens if current is None or g.name < current.name]
        if not older:
            return None
        try:
            return Manifest.model_validate_json((older[-1] / "manifest.json").read_text(encoding="utf-8")).collection
        except (OSError, ValueError):
            return None

    def write_document_file(self, doc: DocumentFile) -> None:
        self.docs_dir.mkdir(parents=True, exist_ok=True)
        _atomic_write(self.docs_dir / doc.entry.doc_file, doc.model_dump_json())

    def commit(
        self, manifest: Manifest, keyword: KeywordIndex, records: dict[str, DeliberationRecord]
    ) -> Path:
        """Write a new generation, then point CURRENT at it (the atomic step)."""
        self.index_dir.mkdir(parents=True, exist_ok=True)
        manifest.generation += 1
        manifest.created_at = datetime.now(timezone.utc)
        name = f"gen-{manifest.generation:06d}"
        final = self.index_dir / name
        tmp = self.index_dir / f".{name}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        keyword.save(tmp / "keyword")
        (tmp / "records.json").write_text(
            json.dumps({k: v.model_dump(mode="json") for k, v in records.items()}, ensure_ascii=False),
            encoding="utf-8",
        )
        (tmp / "manifest.json").write_text(manifest.model_dump_json(indent=1), encoding="utf-8")
        shutil.rmtree(final, ignore_errors=True)  # a leftover of a run killed after its rename
        os.replace(tmp, final)
        _atomic_write(self.index_dir / CURRENT, name)
        return final

    def collect_garbage(self) -> None:
        """Keep the last generations (readers may still hold the previous one) and their files."""
        if not self.index_dir.exists():
            return
        gens = sorted(p for p in self.index_dir.glob("gen-*") if p.is_dir())
        keep = gens[-KEEP_GENERATIONS:]
        for old in gens[:-KEEP_GENERATIONS]:
            shutil.rmtree(old, ignore_errors=True)
        for leftover in self.index_dir.glob(".gen-*.tmp"):
            shutil.rmtree(leftover, ignore_errors=True)
        referenced: set[str] = set()
        for gen in keep:
            try:
                manifest = Manifest.model_validate_json((gen / "manifest.json").read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            referenced.update(d.doc_file for d in manifest.documents.values())
        if self.docs_dir.exists():
            for path in self.docs_dir.iterdir():
                if path.name not in referenced:
                    path.unlink(missing_ok=True)


# -- one generation's files, read from its folder (None: no generation yet) ---------------------
def read_manifest(directory: Path | None) -> Manifest:
    if directory is None:
        return Manifest()
    manifest = Manifest.model_validate_json((directory / "manifest.json").read_text(encoding="utf-8"))
    if manifest.schema_version != SCHEMA_VERSION:
        return Manifest(generation=manifest.generation)  # older layout: rebuilt from scratch
    return manifest


def read_keyword_index(directory: Path | None) -> KeywordIndex:
    if directory is None:
        return KeywordIndex([], None)
    return KeywordIndex.load(directory / "keyword")


def read_records(directory: Path | None) -> dict[str, DeliberationRecord]:
    if directory is None or not (directory / "records.json").exists():
        return {}
    raw = json.loads((directory / "records.json").read_text(encoding="utf-8"))
    return {k: DeliberationRecord.model_validate(v) for k, v in raw.items()}
