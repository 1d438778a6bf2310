"""Ingestion pipeline: discover files, load, chunk, extract records, embed, store, commit.

Idempotent and incremental: a manifest keyed by content hash tells what changed; chunk ids derive
from content, so vectors of unchanged chunks are reused, and a run that was killed is repaired by
the next one (the vector store is reconciled with the last committed generation).
"""

from __future__ import annotations

import fnmatch
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from assistant.components.embeddings import MGPEmbeddings, build_embeddings
from assistant.components.keyword import KeywordIndex
from assistant.components.vectorstore import ChunkStore, StoreError, build_store, plain_metadata
from assistant.config import Settings
from assistant.components.sentence_vectors import write_sentence_vectors
from assistant.generation import quotable_sentences
from assistant.locks import file_lock
from assistant.text import plain_text, tokenize
from assistant.safety import addresses_an_assistant
from ingest.chunking import Chunk, chunk_document, chunking_id, looks_like_deliberation
from ingest.documents import detect_doc_type, document_date, document_title
from ingest.quality import machine_text_reason
from ingest.loaders import IngestError, UnsupportedFormat, load_file
from ingest.records import extract_record
from assistant.index_collector import GenerationCollector
from assistant.index_store import DocumentEntry, DocumentFile, GenerationStore, Manifest, StoredChunk

log = logging.getLogger("mgp.ingest")


ProgressCallback = Callable[[str, int, int, str], None]
"""(stage, done, total, label): stage is "files", "pages" (inside a long PDF) or "embed"."""

PROGRESS_STEPS = 8
PROGRESS_MIN_BATCH = 4
SNAPSHOT_ATTEMPTS = 3
SNAPSHOT_SETTLE_S = 0.5
"""A file that changed since it was hashed is copied again after this pause; one still changing
after the last attempt (a copy or a save in progress) is reported and keeps its last good version."""


class FatalIngestError(RuntimeError):
    """The run cannot proceed at all (no corpus folder, store unreachable…)."""


class FileIssue(BaseModel):
    path: str
    reason: str


@dataclass
class Discovery:
    files: dict[str, Path] = field(default_factory=dict)
    roots: list[Path] = field(default_factory=list)
    failed: list[FileIssue] = field(default_factory=list)
    protected: list[Path] = field(default_factory=list)
    """Folders or files that could not be read: their documents are not taken as deleted."""


class IngestReport(BaseModel):
    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[FileIssue] = Field(default_factory=list)
    skipped: list[FileIssue] = Field(default_factory=list)
    rebuilt: str | None = None
    repaired_chunks: int = 0
    orphans_removed: int = 0
    orphans_kept_for_readers: int = 0
    generations_kept_for_readers: int = 0
    pages_processed: int = 0
    chunks_embedded: int = 0
    chunks_reused: int = 0
    sentences_embedded: int = 0
    embedding_id: str = ""
    generation: int = 0
    seconds: float = 0.0


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass
class _Run:
    """What one ingestion run knows as it goes: the committed manifest it started from, the files
    found, the documents to commit, and its report."""

    previous: Manifest
    report: IngestReport
    embedding_id: str
    chunk_config: str
    had_generation: bool
    interrupted: bool
    collection: str = ""
    found: "Discovery" = field(default_factory=lambda: Discovery())
    documents: dict[str, DocumentEntry] = field(default_factory=dict)
    doc_files: dict[str, DocumentFile] = field(default_factory=dict)
    twins: dict[str, list[str]] = field(default_factory=dict)
    failed_ids: set[str] = field(default_factory=set)
    skipped_twins: set[str] = field(default_factory=set)
    sentence_vectors: dict[str, list[float]] = field(default_factory=dict)
    reread: bool = False  # the files given are read again even when unchanged (one document re-indexed)

    def fail(self, doc_id: str, path: Path, reason: str) -> None:
        self.report.failed.append(FileIssue(path=str(path), reason=reason))
        self.failed_ids.add(doc_id)

    def skip_if_twin(self, doc_id: str, sha: str) -> bool:
        """Whether another file with the same content is already indexed (then this one is skipped)."""
        for other in self.twins.get(sha, ()):
            if other == doc_id:
                return False
            entry = self.documents.get(other)
            if entry is not None and entry.sha256 == sha and other not in self.failed_ids:
                self.report.skipped.append(FileIssue(
                    path=str(self.found.files[doc_id]),
                    reason=f"contenu identique à « {entry.file_name} » : indexé une seule fois",
                ))
                self.skipped_twins.add(doc_id)
                return True
        return False


@dataclass
class _Changes:
    """What a new generation changes in the committed one."""

    base: KeywordIndex | None
    """The committed keyword index (None: the new one is built from ``fresh`` alone)."""
    removed: set[str]
    fresh: list[StoredChunk]
    orphans: set[str]
    """Vectors the new generation no longer uses: deleted once no older generation has readers."""
    reused: set[str]
    """Vectors the new generation uses that an earlier commit had set aside (see ``orphans``)."""

    def keyword_index(self) -> KeywordIndex:
        fresh = sorted(self.fresh, key=lambda c: (c.metadata["doc_id"], c.metadata["ordinal"]))
        if self.base is None:
            return KeywordIndex.build([c.chunk_id for c in fresh], [c.tokens for c in fresh])
        return self.base.updated(self.removed, [(c.chunk_id, c.tokens) for c in fresh])


class Ingestor:
    def __init__(
        self,
        settings: Settings,
        *,
        embeddings: MGPEmbeddings | None = None,
        store: ChunkStore | None = None,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings or build_embeddings(settings)
        self.store = store or build_store(settings)
        self.generations = GenerationStore(settings.index_dir)
        self.progress = progress or (lambda *args: None)

    # -- discovery -------------------------------------------------------------------
    def doc_id_for(self, path: Path) -> str:
        """Relative to the corpus folder when inside it. Links are not resolved: the id names the
        path the user sees, so removing a link removes its document."""
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(os.path.abspath(self.settings.corpus_dir)).as_posix()
        except ValueError:
            return absolute.as_posix()

    def discover(self, paths: Sequence[Path]) -> "Discovery":
        found = Discovery()
        for path in paths:
            if path.is_dir():
                root = Path(os.path.abspath(path))
                found.roots.append(root)

                def unreadable(error: OSError, root: Path = root) -> None:
                    folder = Path(error.filename or root)
                    found.failed.append(FileIssue(path=str(folder), reason=f"dossier illisible ({error.strerror})"))
                    found.protected.append(Path(os.path.abspath(folder)))

                for folder, subdirs, names in os.walk(root, onerror=unreadable, followlinks=False):
                    subdirs.sort()
                    for name in sorted(names):
                        candidate = Path(folder) / name
                        rel = candidate.relative_to(root).as_posix()
                        if is_excluded(rel, self.settings.corpus_exclude):
                            continue
                        try:
                            if not candidate.is_file():
                                continue
                        except OSError as exc:
                            found.failed.append(FileIssue(path=str(candidate), reason=f"fichier illisible ({exc.strerror})"))
                            found.protected.append(Path(os.path.abspath(candidate)))
                            continue
                        self._add_file(found, candidate)
            elif path.is_file():
                self._add_file(found, path)
            else:
                found.failed.append(FileIssue(path=str(path), reason="fichier ou dossier introuvable"))
        return found

    def _add_file(self, found: "Discovery", path: Path) -> None:
        """A file name that is not valid text (bytes of another encoding on disk) cannot be named in
        an index, a report or a citation: the file fails with a reason that tells to rename it."""
        try:
            str(path).encode("utf-8")
        except UnicodeEncodeError:
            shown = str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            found.failed.append(FileIssue(path=shown, reason="nom de fichier illisible (octets non UTF-8) : renommez le fichier"))
            return
        found.files[self.doc_id_for(path)] = path

    # -- the run -----------------------------------------------------------------------
    def _lock(self):
        return file_lock(self.settings.ingest_lock_file, waiting_message="another ingestion is running: waiting for it")

    def run(self, paths: Sequence[Path] | None = None, *, rebuild: bool = False, reread: bool = False) -> IngestReport:
        """Index what changed under ``paths`` (the corpus folder by default); ``rebuild``: everything
        into a new collection; ``reread``: the files under ``paths`` are read and chunked again even
        when unchanged (their vectors are reused where the text is the same)."""
        started = time.perf_counter()
        if paths is None or len(paths) == 0:
            if not self.settings.corpus_dir.is_dir():
                raise FatalIngestError(f"dossier du corpus introuvable : {self.settings.corpus_dir}")
            paths = [self.settings.corpus_dir]
        with self._lock():
            # Copies left by a run that was killed (only an ingestion holding the lock writes there).
            for leftover in (self.settings.data_dir / "tmp").glob("*"):
                leftover.unlink(missing_ok=True)
            report = self._run(list(paths), rebuild, reread)
        report.seconds = round(time.perf_counter() - started, 3)
        log.info(
            "ingest done: %d docs, %d chunks, +%d ~%d -%d =%d, %d failed, %.2fs",
            report.documents, report.chunks, report.added, report.updated, report.removed,
            report.unchanged, len(report.failed), report.seconds,
        )
        return report

    def _collection_name(self, embedding_id: str, generation: int) -> str:
        digest = hashlib.sha256(embedding_id.encode()).hexdigest()[:10]
        return f"{self.settings.collection_name}-{digest}-g{generation:06d}"

    def _run(self, paths: list[Path], rebuild: bool, reread: bool = False) -> IngestReport:
        """Discover and compare, index what changed file by file, settle failures and removals,
        reconcile the vector store, commit a new generation."""
        run = self._start(paths, rebuild)
        run.reread = reread
        todo = self._changed_files(run)
        for done, item in enumerate(todo):
            self.progress("files", done, len(todo), item[1].name)
            self._index_file(run, *item)
        self.progress("files", len(todo), len(todo), "")
        self._settle(run)
        return self._commit(run, self._reconcile_store(run))

    def _start(self, paths: list[Path], rebuild: bool) -> "_Run":
        # Vectors depend on the model and on what is embedded (bare text or text with its context).
        embedding_id = f"{self.embeddings.embedding_id}|context={self.settings.embed_with_context}"
        previous = self.generations.load_manifest()
        run = _Run(
            previous=previous, report=IngestReport(embedding_id=embedding_id), embedding_id=embedding_id,
            chunk_config=chunking_id(self.settings.chunk_size, self.settings.chunk_overlap),
            had_generation=self.generations.current_dir() is not None, interrupted=self.generations.mark_running(),
        )
        if rebuild:
            run.report.rebuilt = "reconstruction demandée (--rebuild)"
        elif previous.embedding_id and previous.embedding_id != embedding_id:
            run.report.rebuilt = "modèle d'embedding changé : index reconstruit"
        # A rebuild fills a new collection; the committed one serves readers until the switch, and
        # survives intact if the rebuild is killed.
        if run.report.rebuilt or not previous.collection:
            run.collection = self._collection_name(embedding_id, previous.generation + 1)
        else:
            run.collection = previous.collection
        self.store.use_collection(run.collection)
        run.found = self.discover(paths)
        run.report.failed.extend(run.found.failed)
        run.documents = {} if run.report.rebuilt else dict(previous.documents)
        return run

    def _changed_files(self, run: "_Run") -> list[tuple[str, Path, str, bool]]:
        """(doc_id, path, sha, existed) of the files to index, first copies of a content first."""
        hashes: dict[str, str] = {}
        for doc_id, path in sorted(run.found.files.items()):
            try:
                hashes[doc_id] = file_sha256(path)
            except OSError as exc:
                run.report.failed.append(FileIssue(path=str(path), reason=f"lecture impossible ({exc.strerror})"))
        # Identical content under several names is indexed once: the copy indexed first wins; the
        # others are re-examined on each run (one takes over if the indexed copy goes or fails).
        run.twins = self._twins(hashes, run.previous.documents, run.found)
        rank = {d: i for ids in run.twins.values() for i, d in enumerate(ids)}
        todo: list[tuple[str, Path, str, bool]] = []
        for doc_id, sha in sorted(hashes.items(), key=lambda item: (rank.get(item[0], 0), item[0])):
            entry = run.documents.get(doc_id)
            if (
                entry is not None
                and not run.reread
                and entry.sha256 == sha
                and run.previous.chunking_id == run.chunk_config
                and self.generations.has_document_file(entry.doc_file)
            ):
                if not run.skip_if_twin(doc_id, sha):
                    run.report.unchanged += 1
                continue
            todo.append((doc_id, run.found.files[doc_id], sha, entry is not None))
        return todo

    def _index_file(self, run: "_Run", doc_id: str, path: Path, sha: str, existed: bool) -> None:
        """Load, chunk, embed and store one file; anything it causes fails this file only."""
        if run.skip_if_twin(doc_id, sha):
            return
        try:
            doc_file = self._prepare(doc_id, path, sha, run.chunk_config)
        except UnsupportedFormat as exc:
            run.report.skipped.append(FileIssue(path=str(path), reason=exc.reason))
            return
        except IngestError as exc:
            log.warning("failed %s: %s", doc_id, exc.reason)
            run.fail(doc_id, path, exc.reason)
            return
        except Exception as exc:  # a loader bug must not stop the other files
            log.exception("unexpected error on %s", doc_id)
            run.fail(doc_id, path, f"erreur inattendue ({type(exc).__name__})")
            return
        try:
            embedded, reused = self._embed_and_store(doc_file.chunks, label=path.name)
            if self.settings.sentence_vectors:
                self._embed_sentences(run, doc_file, label=path.name)
            self.generations.write_document_file(doc_file)
        except Exception as exc:
            # The store or the model down for every file stops the run; anything else is this file's.
            self._check_backends(exc)
            log.warning("failed %s while storing: %s", doc_id, type(exc).__name__)
            run.fail(doc_id, path, f"enregistrement impossible ({_exception_label(exc)})")
            return
        log.info("indexed %s: %d passage(s), %d embedded", doc_id, len(doc_file.chunks), embedded)
        report = run.report
        report.chunks_embedded += embedded
        report.chunks_reused += reused
        report.pages_processed += doc_file.entry.pages or 1
        run.documents[doc_id] = doc_file.entry
        run.doc_files[doc_id] = doc_file
        report.updated += existed
        report.added += not existed

    def _settle(self, run: "_Run") -> None:
        """A file that fails now keeps its last good version, even across a rebuild; files gone from
        the folders read (or now holding another document's content) leave the index."""
        for doc_id in run.failed_ids:
            old = run.previous.documents.get(doc_id)
            if doc_id not in run.documents and old is not None and self.generations.has_document_file(old.doc_file):
                run.documents[doc_id] = old
        found = run.found
        removed = [
            doc_id
            for doc_id, entry in run.previous.documents.items()
            if doc_id in run.skipped_twins  # its file now holds the content of another document
            or doc_id not in found.files
            and any(_is_within(self._source_path(entry), r) for r in found.roots)
            and not any(_is_within(self._source_path(entry), p) for p in found.protected)
        ]
        for doc_id in removed:
            run.documents.pop(doc_id, None)
        run.report.removed = len(removed)

    def _reconcile_store(self, run: "_Run") -> "_Changes":
        """The vector store made to hold exactly what is about to be committed, and what the new
        generation changes in the committed one. After a run that finished, only the changed
        documents are read; after a killed run, a rebuild, or when the store's count says it
        does not hold what it should, every committed document is checked."""
        base = self._previous_keyword(run)
        if base is not None and not run.interrupted and run.collection == run.previous.collection:
            changes = self._changed_documents_only(run, base)
            if changes is not None:
                return changes
            log.info("vector store does not match the committed index: every document is checked")
        return self._reconcile_all(run, base)

    def _previous_keyword(self, run: "_Run") -> KeywordIndex | None:
        """The committed keyword index to update (None: it is built from every chunk)."""
        if not run.had_generation or run.report.rebuilt:
            return None
        try:
            return self.generations.load_keyword_index()
        except (OSError, ValueError, KeyError) as exc:
            log.warning("keyword index unreadable, rebuilt: %s", type(exc).__name__)
            return None

    def _changed_documents_only(self, run: "_Run", base: KeywordIndex) -> "_Changes | None":
        """The changes read from the documents this run indexed or removed; None when the store
        does not hold the committed chunks plus this run's (then everything is checked)."""
        previous, current = run.previous.documents, run.documents
        stale = [d for d, e in previous.items() if d not in current or current[d].doc_file != e.doc_file]
        new_files = [f for d, f in run.doc_files.items() if d in current and current[d].doc_file == f.entry.doc_file]
        try:
            old_ids = {c.chunk_id for d in stale for c in self.generations.read_document_file(previous[d].doc_file).chunks}
        except (OSError, ValueError):
            return None
        new_ids = {c.chunk_id for f in new_files for c in f.chunks}
        orphans = old_ids - new_ids
        # The store also holds what earlier commits set aside for their readers, unless used again now.
        kept_for_readers = self.generations.pending_superseded(run.collection)
        expected = sum(e.chunks for e in current.values()) + len(orphans | (kept_for_readers - new_ids))
        if self.store.count() != expected:
            return None
        fresh = [c for f in new_files for c in f.chunks if c.chunk_id not in base]
        return _Changes(base=base, removed=orphans, fresh=fresh, orphans=orphans, reused=new_ids & kept_for_readers)

    def _reconcile_all(self, run: "_Run", base: KeywordIndex | None) -> "_Changes":
        """Every committed document read and checked against the store (missing chunks embedded
        again; metadata a killed run rewrote put back)."""
        for doc_id, entry in run.documents.items():
            if doc_id not in run.doc_files:
                run.doc_files[doc_id] = self.generations.read_document_file(entry.doc_file)
        committed = {c.chunk_id: c for d in run.doc_files.values() for c in d.chunks}
        stored_ids = self.store.all_ids()
        missing_ids = [cid for cid in committed if cid not in stored_ids]
        if missing_ids:
            log.info("repairing %d chunks missing from the vector store", len(missing_ids))
            embedded, _ = self._embed_and_store([committed[c] for c in missing_ids], reuse=False)
            run.report.repaired_chunks = embedded
        if run.interrupted:
            # A killed run may have rewritten metadata of chunks it shared with the committed state.
            present = [cid for cid in committed if cid in stored_ids]
            stored_meta = self.store.get_metadatas(present)
            stale = [cid for cid in present if stored_meta.get(cid) != committed[cid].metadata]
            if stale:
                self.store.update_metadatas(stale, [committed[c].metadata for c in stale])
                run.report.repaired_chunks += len(stale)
        return _Changes(
            base=base, removed=set(base.chunk_ids) - set(committed) if base is not None else set(),
            fresh=[c for c in committed.values() if base is None or c.chunk_id not in base],
            orphans=stored_ids - set(committed), reused=set(committed),
        )

    def _commit(self, run: "_Run", changes: "_Changes") -> IngestReport:
        """A new generation when anything changed; then what superseded generations held is freed
        as far as their readers allow (see :mod:`assistant.index_collector`)."""
        report, previous = run.report, run.previous
        changed = bool(
            report.added or report.updated or report.removed or report.rebuilt or report.repaired_chunks
            or not run.had_generation or previous.chunking_id != run.chunk_config
            or previous.embedding_id != run.embedding_id or previous.collection != run.collection
        )
        manifest = previous
        self.generations.keep_reintroduced(run.collection, changes.reused)
        if changed:
            manifest = Manifest(
                generation=previous.generation, embedding_id=run.embedding_id, chunking_id=run.chunk_config,
                collection=run.collection, documents=dict(sorted(run.documents.items())),
            )
            self.generations.commit(manifest, changes.keyword_index())
        # Readers of older generations may still be using these vectors: the collector deletes them
        # (and drops collections, removes folders) only once no reader holds what used them.
        self.generations.record_superseded(manifest.generation, run.collection, changes.orphans)
        collected = GenerationCollector(self.generations, self.store).collect(keep_collection=run.collection)
        report.orphans_removed = collected.vectors_deleted
        report.orphans_kept_for_readers = collected.vectors_pending
        report.generations_kept_for_readers = len(collected.held)
        self.generations.mark_finished()
        report.documents = len(manifest.documents)
        report.chunks = manifest.chunk_count
        report.generation = manifest.generation
        return report

    def _twins(
        self, hashes: dict[str, str], indexed: dict[str, DocumentEntry], found: Discovery
    ) -> dict[str, list[str]]:
        """Contents held by several files → their doc ids, the order in which one is kept: copies
        already indexed (oldest first), then the others by name. A document outside this run's
        paths counts only if its file is still there with that content."""
        by_sha: dict[str, list[str]] = {}
        for doc_id, sha in hashes.items():
            by_sha.setdefault(sha, []).append(doc_id)
        for doc_id, entry in indexed.items():
            if doc_id not in hashes and entry.sha256 in by_sha and self._still_there(entry, found):
                by_sha[entry.sha256].append(doc_id)

        def order(sha: str, doc_id: str) -> tuple[int, float, str]:
            entry = indexed.get(doc_id)
            if entry is not None and entry.sha256 == sha:
                return (0, entry.ingested_at.timestamp(), doc_id)
            return (1, 0.0, doc_id)

        return {sha: sorted(ids, key=lambda d: order(sha, d)) for sha, ids in by_sha.items() if len(ids) > 1}

    def _still_there(self, entry: DocumentEntry, found: Discovery) -> bool:
        source = self._source_path(entry)
        if any(_is_within(source, root) for root in found.roots):
            return False  # inside a scanned folder but not found: it is being removed
        try:
            return file_sha256(source) == entry.sha256
        except OSError:
            return False

    def _source_path(self, entry: DocumentEntry) -> Path:
        source = Path(entry.source)
        return source if source.is_absolute() else Path(os.path.abspath(self.settings.corpus_dir / source))

    # -- one file ------------------------------------------------------------------------
    @contextmanager
    def _snapshot(self, path: Path, sha: str) -> Iterator[tuple[Path, str]]:
        """A private copy of the file whose hash is the hash of what is read: a document saved or
        copied while it is ingested is never indexed half-written under the hash of another version."""
        tmp_dir = self.settings.data_dir / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(suffix=path.suffix.lower(), dir=tmp_dir)
        os.close(fd)
        copy = Path(name)
        try:
            last = sha
            for attempt in range(SNAPSHOT_ATTEMPTS):
                try:
                    before = path.stat()
                    shutil.copyfile(path, copy)
                    after = path.stat()
                except OSError as exc:
                    raise IngestError(f"lecture impossible ({exc.strerror})") from exc
                got = file_sha256(copy)
                steady = (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)
                if steady and got == last:
                    break
                last = got
                if attempt < SNAPSHOT_ATTEMPTS - 1:
                    time.sleep(SNAPSHOT_SETTLE_S)
            else:
                raise IngestError(
                    "fichier modifié pendant sa lecture (enregistrement ou copie en cours ?) : "
                    "la version déjà indexée est conservée, relancez l'indexation une fois le fichier enregistré"
                )
            yield copy, got
        finally:
            copy.unlink(missing_ok=True)

    def _prepare(self, doc_id: str, path: Path, sha: str, chunk_config: str) -> DocumentFile:
        with self._snapshot(path, sha) as (copy, sha):
            return self._prepare_copy(doc_id, path, copy, sha, chunk_config)

    def _prepare_copy(self, doc_id: str, path: Path, copy: Path, sha: str, chunk_config: str) -> DocumentFile:
        """``path`` names the document (id, title, type); ``copy`` is what is read."""
        max_bytes = int(self.settings.max_file_mb * 1024 * 1024)

        def pages(done: int, total: int) -> None:
            self.progress("pages", done, total, path.name)

        doc = load_file(copy, max_bytes=max_bytes, max_pages=self.settings.max_pdf_pages, progress=pages)
        machine = machine_text_reason(doc.text)
        if machine:
            raise IngestError(machine)
        deliberation = looks_like_deliberation(doc.text)
        structured = deliberation or sum(1 for l in doc.text.splitlines() if l.strip().lower().startswith("article ")) >= 2
        # A first pass with a provisional title finds the record, which may give the title.
        provisional = doc.title or path.stem
        chunks = chunk_document(
            doc, doc_id, provisional, deliberation=structured,
            chunk_size=self.settings.chunk_size, chunk_overlap=self.settings.chunk_overlap,
        )
        if not chunks:
            raise IngestError("aucun passage exploitable après découpage")
        record = extract_record(doc_id, doc.text, chunks) if deliberation else None
        title = document_title(path, doc, record)
        if title != provisional:
            chunks = chunk_document(
                doc, doc_id, title, deliberation=structured,
                chunk_size=self.settings.chunk_size, chunk_overlap=self.settings.chunk_overlap,
            )
            if record is not None:
                record = extract_record(doc_id, doc.text, chunks)
        doc_type = detect_doc_type(path, doc, deliberation)
        doc_date = document_date(doc, record)
        reference = record.reference if record else (plain_text(doc.metadata.get("reference")) or None)
        entry = DocumentEntry(
            doc_id=doc_id,
            source=doc_id,
            file_name=path.name,
            title=title,
            doc_type=doc_type,
            format=doc.format,
            sha256=sha,
            size=copy.stat().st_size,
            pages=doc.pages,
            chunks=len(chunks),
            doc_file=f"{hashlib.sha1(doc_id.encode()).hexdigest()[:12]}-{sha[:16]}-{chunk_config}.json",
            reference=reference,
            date=doc_date,
            metadata=plain_metadata(doc.metadata),
            warnings=doc.warnings + (record.warnings if record else []),
            ingested_at=datetime.now(timezone.utc),
        )
        stored = [self._stored_chunk(entry, c) for c in chunks]
        suspect = [c for c in stored if addresses_an_assistant(c.text)]
        for c in suspect:
            c.metadata["suspect_instructions"] = True
        if suspect:
            entry.warnings.append(
                f"{len(suspect)} passage(s) contiennent des consignes adressées à un assistant (« ignorez les "
                "consignes… ») : indexés, mais jamais cités ni transmis à un modèle de langage"
            )
        return DocumentFile(entry=entry, chunks=stored, record=record)

    def _stored_chunk(self, entry: DocumentEntry, chunk: Chunk) -> StoredChunk:
        metadata: dict[str, Any] = {
            "doc_id": entry.doc_id,
            "document": entry.file_name,
            "title": entry.title,
            "doc_type": entry.doc_type,
            "section": chunk.section,
            "block_type": chunk.block_type,
            "char_start": chunk.char_start,
            "char_end": chunk.char_end,
            "ordinal": chunk.ordinal,
            "doc_sha": entry.sha256,
        }
        if chunk.article is not None:
            metadata["article"] = chunk.article
        if chunk.page is not None:
            metadata["page"] = chunk.page
            metadata["page_end"] = chunk.page_end
        if entry.reference:
            metadata["reference"] = entry.reference
        if entry.date:
            metadata["date"] = entry.date
            metadata["date_int"] = int(entry.date.replace("-", ""))
        tokens = tokenize(f"{entry.title}\n{chunk.section}\n{chunk.text}")
        return StoredChunk(chunk_id=chunk.chunk_id, text=chunk.text, tokens=tokens, metadata=plain_metadata(metadata))

    def _check_backends(self, cause: Exception) -> None:
        """Raise :class:`FatalIngestError` when the vector store or the embedding model fails on its
        own (unreachable, not loadable), so the run stops with that reason instead of failing every file."""
        try:
            self.store.count()
        except StoreError as exc:  # its message is already French and says where the store is
            log.error("vector store unreachable: %s", exc)
            raise FatalIngestError(str(exc)) from cause
        except Exception as exc:
            log.error("vector store unreachable: %s", type(exc).__name__)
            raise FatalIngestError(f"magasin de vecteurs injoignable ({_exception_label(exc)})") from cause
        try:
            self.embeddings.embed_documents(["test"])
        except Exception as exc:
            log.error("embedding model unavailable: %s", type(exc).__name__)
            raise FatalIngestError(f"modèle d'embedding indisponible ({_exception_label(exc)})") from cause

    def embedding_text(self, chunk: StoredChunk) -> str:
        if not self.settings.embed_with_context:
            return chunk.text
        meta = chunk.metadata
        return f"{meta['title']}\n{meta['section']}\n{chunk.text}"

    def _embedding_batches(self, items: list, label: str) -> Iterator[list]:
        """``items`` in batches of at most ``embedding_batch_size``, and small enough that the progress
        counts up inside a file (about :data:`PROGRESS_STEPS` steps; never fewer than
        :data:`PROGRESS_MIN_BATCH` items a batch, where batching still pays), reported after each."""
        step = min(max(self.settings.embedding_batch_size, 1), max(PROGRESS_MIN_BATCH, -(-len(items) // PROGRESS_STEPS)))
        if items:
            self.progress("embed", 0, len(items), label)
        for start in range(0, len(items), step):
            yield items[start : start + step]
            self.progress("embed", min(start + step, len(items)), len(items), label)

    def _embed_sentences(self, run: "_Run", doc_file: DocumentFile, label: str) -> None:
        """Vectors of the document's quotable sentences, written beside its chunk file. A sentence
        many acts share (« Vu le code général… ») is embedded once per run."""
        texts = list(dict.fromkeys(t for c in doc_file.chunks for t in quotable_sentences(c.text)))
        todo = [t for t in texts if t not in run.sentence_vectors]
        for part in self._embedding_batches(todo, label):
            run.sentence_vectors.update(zip(part, self.embeddings.embed_documents(part)))
        run.report.sentences_embedded += len(todo)
        path = self.generations.sentence_vectors_path(doc_file.entry.doc_file, run.embedding_id)
        write_sentence_vectors(path, texts, [run.sentence_vectors[t] for t in texts])

    def _embed_and_store(self, chunks: list[StoredChunk], *, reuse: bool = True, label: str = "") -> tuple[int, int]:
        """Upsert the chunks; vectors already in the store for the same id are reused."""
        if not chunks:
            return 0, 0
        known = self.store.get_embeddings([c.chunk_id for c in chunks]) if reuse else {}
        todo = [c for c in chunks if c.chunk_id not in known]
        for part in self._embedding_batches(todo, label):
            for chunk, vector in zip(part, self.embeddings.embed_documents([self.embedding_text(c) for c in part])):
                known[chunk.chunk_id] = vector
        self.store.upsert(
            [c.chunk_id for c in chunks],
            [known[c.chunk_id] for c in chunks],
            [c.text for c in chunks],
            [c.metadata for c in chunks],
        )
        return len(todo), len(chunks) - len(todo)


def _exception_label(exc: Exception) -> str:
    """The kind of error, and its first line when short: enough to act on, never a document's text."""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__} : {first[:120]}" if first and len(first) <= 120 else type(exc).__name__


def is_excluded(rel: str, patterns: Sequence[str]) -> bool:
    """Hidden paths and the configured patterns are not documents of the corpus."""
    parts = rel.split("/")
    if any(p.startswith(".") for p in parts):
        return True
    return any(fnmatch.fnmatch(rel, pat) or fnmatch.fnmatch(parts[-1], pat) for pat in patterns)


def _is_within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents
