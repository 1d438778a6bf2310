"""Administration of the corpus, for the web app and the command line: uploads staged next to the
corpus (a new version of a file replaces the old one only once it is indexed, otherwise the old one
is put back), deletions, full reindexing — one change at a time across the threads of a process
and the replicas sharing the data folder."""

from __future__ import annotations

import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.components.embeddings import MGPEmbeddings
from assistant.config import Settings
from assistant.index_store import DocumentEntry, GenerationStore
from assistant.locks import file_lock
from ingest.loaders import megabytes
from ingest.pipeline import IngestReport, Ingestor, ProgressCallback, file_sha256, is_excluded


def same_content(a: Path, b: Path) -> bool:
    """Whether two files hold the same bytes (sizes first, then their SHA-256)."""
    return a.stat().st_size == b.stat().st_size and file_sha256(a) == file_sha256(b)


class CorpusAdmin:
    def __init__(self, settings: Settings, embeddings: MGPEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.uploads_dir = settings.uploads_dir
        self._lock = threading.Lock()

    @contextmanager
    def changes(self) -> Iterator[None]:
        """Uploads, deletions and reindexing change the uploads folder one at a time, across the
        threads of this process and the replicas sharing the data folder (a file lock)."""
        with self._lock, file_lock(self.settings.data_dir / "uploads.lock"):
            yield

    def documents(self) -> list[DocumentEntry]:
        return list(GenerationStore(self.settings.index_dir).load_manifest().documents.values())

    def ingest(self, paths: list[Path] | None, progress: ProgressCallback | None = None, reread: bool = False) -> IngestReport:
        return Ingestor(self.settings, embeddings=self.embeddings, progress=progress).run(paths, reread=reread)

    def upload(self, files: list[Path], progress: ProgressCallback | None = None) -> list[str]:
        """Add files to the corpus; one French line per file. A file named like an earlier upload is its
        new version; if the new version cannot be indexed the previous file is put back."""
        with self.changes():  # two uploads at once must not swap each other's previous versions
            return self._upload(files, progress)

    def _upload(self, files: list[Path], progress: ProgressCallback | None) -> list[str]:
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
        limit = int(self.settings.max_file_mb * 1024 * 1024)
        lines: list[str] = []
        staged: list[tuple[str, Path, Path | None]] = []  # (name shown, target, previous version)
        taken: set[str] = set()

        def put_back(target: Path, backup: Path | None) -> None:
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)

        try:
            for tmp in files:
                source = Path(tmp)
                shown = source.name
                name = next((n for n in _name_choices(safe_file_name(shown))
                             if not is_excluded(n, self.settings.corpus_exclude)), None)
                if name is None:
                    lines.append(f"❌ {shown} : nom de fichier exclu du corpus (MGP_CORPUS_EXCLUDE)")
                    continue
                # Only the name as sent replaces an earlier upload; a renamed file never does.
                name = _unique_name(name, taken, lambda n: (self.uploads_dir / n).exists(), renamed=name != shown)
                taken.add(name.casefold())
                if source.stat().st_size > limit:
                    lines.append(f"❌ {shown} : fichier trop volumineux ({megabytes(source.stat().st_size)} Mo, "
                                 f"limite {megabytes(limit)} Mo)")
                    continue
                target = self.uploads_dir / name
                if target.exists() and same_content(source, target):
                    lines.append(f"✅ {shown} : inchangé (le même fichier est déjà indexé)")
                    continue
                partial = target.with_name(f".{name}.partiel")
                try:
                    shutil.copyfile(source, partial)
                except OSError:
                    partial.unlink(missing_ok=True)
                    raise
                backup = None
                if target.exists():
                    backup = target.with_name(f".{name}.précédent")
                    os.replace(target, backup)
                staged.append((shown, target, backup))
                os.replace(partial, target)  # a reindex running meanwhile never reads half a copy
            report = self.ingest([target for _, target, _ in staged], progress) if staged else None
        except Exception:
            for _, target, backup in staged:  # the folder as it was before this upload
                put_back(target, backup)
            raise
        if report is None:
            return lines
        failed = {str(Path(f.path)): f.reason for f in report.failed}
        skipped = {str(Path(f.path)): f.reason for f in report.skipped}
        restored: list[Path] = []
        for shown, target, backup in staged:
            saved_as = "" if target.name == shown else f" (enregistré sous « {target.name} »)"
            problem = failed.get(str(target)) or skipped.get(str(target))
            if problem is None:
                lines.append(f"✅ {shown}{saved_as} : {'nouvelle version indexée' if backup else 'indexé'}")
                if backup:
                    backup.unlink(missing_ok=True)
                continue
            mark = "❌" if str(target) in failed else "⚠️"
            lines.append(f"{mark} {shown} : {problem}{' — la version précédente est conservée' if backup else ''}")
            put_back(target, backup)
            if backup:
                restored.append(target)
        if restored:  # the index and the folder agree again on the previous versions
            self.ingest(restored, None)
        return lines

    def _find(self, doc_id: str) -> tuple[DocumentEntry | None, str]:
        """The indexed document named by its identifier, or by its file name when only one has it
        (the corpus list shows file names); else None and why, in French."""
        documents = GenerationStore(self.settings.index_dir).load_manifest().documents
        wanted = (doc_id or "").strip()
        entry = documents.get(wanted)
        if entry is not None:
            return entry, ""
        named = [e for e in documents.values() if wanted and e.file_name == wanted]
        if len(named) == 1:
            return named[0], ""
        if named:
            return None, f"Plusieurs documents s'appellent « {wanted} » : choisissez la ligne dans la liste."
        return None, "Document introuvable : choisissez un document de la liste."

    def _path(self, entry: DocumentEntry) -> Path:
        source = Path(entry.source)
        return source if source.is_absolute() else self.settings.corpus_dir / source

    def reindex_document(self, doc_id: str, progress: ProgressCallback | None = None) -> str:
        """One document read, chunked and indexed again (the others untouched)."""
        entry, why = self._find(doc_id)
        if entry is None:
            return why
        path = self._path(entry)
        if not path.is_file():
            return f"Fichier introuvable pour « {entry.title} » : il a été déplacé ou supprimé ; réindexez tout le corpus."
        with self.changes():
            report = self.ingest([path], progress, reread=True)
        problem = next((f.reason for f in report.failed if Path(f.path) == path), None)
        if problem:
            return f"❌ {entry.file_name} : {problem} — la version indexée est conservée"
        return f"Document réindexé : {entry.title} ({entry.file_name})"

    def delete(self, doc_id: str, progress: ProgressCallback | None = None) -> str:
        entry, why = self._find(doc_id)
        if entry is None:
            return why
        path = self._path(entry)
        with self.changes():
            path.unlink(missing_ok=True)
            self.ingest([path.parent], progress)
        return f"Document supprimé : {entry.title}"

    def reindex(self, progress: ProgressCallback | None = None) -> str:
        paths = [self.settings.corpus_dir] + ([self.uploads_dir] if self.uploads_dir.is_dir() else [])
        with self.changes():
            report = self.ingest(paths, progress)
        text = (f"Réindexation terminée : {report.documents} documents, {report.chunks} passages "
                f"({report.added} ajoutés, {report.updated} modifiés, {report.removed} supprimés).")
        if report.failed:
            text += "\n" + "\n".join(f"❌ {Path(f.path).name} : {f.reason}" for f in report.failed)
        return text


_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


MAX_NAME_BYTES = 150


def safe_file_name(name: str) -> str:
    """A file name without path parts, hidden-file dot or odd characters, at most 150 bytes of UTF-8
    (file systems count bytes: 120 accented or Asian characters can exceed their 255-byte limit)."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/")).split("/")[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or not stem.strip(" ._"):
        stem, suffix = (base, "") if not dot else (stem, suffix)
    stem = _UNSAFE.sub("_", stem).strip(" ._")
    suffix = _UNSAFE.sub("", suffix)[:16]
    if not stem or not stem.strip("_"):
        stem = "document"
    room = MAX_NAME_BYTES - len(suffix.encode()) - 1
    stem = stem.encode()[:room].decode(errors="ignore").rstrip(" .") or "document"
    return f"{stem}.{suffix}" if suffix else stem


def _name_choices(name: str) -> list[str]:
    """The name, then names that escape the corpus exclusion patterns (« _brouillon », README.md…)."""
    stem, dot, suffix = name.rpartition(".")
    return [name, safe_file_name(f"document-{name}"), f"document{dot}{suffix}" if dot else "document"]


def _unique_name(name: str, taken: set[str], exists=lambda candidate: False, renamed: bool = True) -> str:
    """``name (2).pdf`` when another file of the same upload has the name, or when the folder has it
    and the file was ``renamed`` on the way: only a name as sent replaces an earlier upload."""
    if name.casefold() not in taken and not (renamed and exists(name)):
        return name
    stem, dot, suffix = name.rpartition(".")
    stem, dot = (stem, ".") if dot and stem else (name, "")
    number = 2
    while True:
        candidate = f"{stem} ({number}){dot}{suffix if dot else ''}"
        if candidate.casefold() not in taken and not exists(candidate):
            return candidate
        number += 1
