"""Evaluation corpora: the bundled corpus plus the documents of ``evals/corpora/NAME/``, indexed in
their own data folder so that measuring generalisation never touches the index the app serves.

A corpus is a folder ``evals/corpora/NAME/`` holding ``documents/`` (PDF, DOCX, MD, HTML…) and
``testset.yaml`` (the format of ``evals/testset.yaml``). Its index is built under
``MGP_DATA_DIR/evals/corpora/NAME/`` from a staging folder that holds copies of the bundled documents
and of the corpus's; the Ingestor is incremental, so a second run re-embeds nothing unchanged.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.index_store import GenerationStore
from evals.schema import DEFAULT_TESTSET
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.pipeline import Ingestor, is_excluded

CORPORA_ROOT = Path(__file__).resolve().parent / "corpora"
BUNDLED = "fourni"
"""The name of the bundled corpus (``corpus/``, evaluated on the main index, as before)."""
STAGING = "staging"


class CorpusNotFound(ValueError):
    """An evaluation corpus name that has no folder (the message lists those available)."""


@dataclass
class PreparedCorpus:
    name: str
    settings: Settings
    """Settings whose corpus_dir / data_dir are the corpus's staging and index folders."""
    testset: Path
    report: Any = None
    """The IngestReport of this preparation (None for the bundled corpus, which is not re-indexed)."""


def available_corpora(root: Path | None = None) -> list[str]:
    """Folders of ``root`` that hold both ``documents/`` and ``testset.yaml``."""
    root = root or CORPORA_ROOT
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir()
                  if not p.name.startswith((".", "_")) and (p / "documents").is_dir() and (p / "testset.yaml").is_file())


def corpus_names(name: str, root: Path | None = None) -> list[str]:
    """``all`` → the bundled corpus then every corpus of ``root``; otherwise the name itself."""
    return [BUNDLED, *available_corpora(root)] if name == "all" else [name]


def corpus_files(folder: Path, exclude: list[str] | None = None) -> list[Path]:
    """The documents of a folder, with the settings' exclusions (README.md, scripts/, forms/, hidden…)."""

    patterns = Settings.model_fields["corpus_exclude"].default if exclude is None else exclude
    return [p for p in sorted(folder.rglob("*")) if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            and not is_excluded(p.relative_to(folder).as_posix(), patterns)]


def corpus_settings(name: str, settings: Settings) -> Settings:
    """Its own data folder, embedded Chroma and collection name: a Chroma server shared with the app
    would otherwise see its collections dropped by the corpus's ingestion."""
    data_dir = settings.data_dir / "evals" / "corpora" / name
    collection = "mgp_eval_" + re.sub(r"[^A-Za-z0-9_-]+", "_", name)[:40]
    return settings.model_copy(update={
        "corpus_dir": data_dir / STAGING, "data_dir": data_dir, "chroma_url": None,
        "collection_name": collection, "form_file": settings.forms_file,
    })


def _stage(sources: dict[str, Path], target: Path) -> None:
    """Make ``target`` hold exactly ``sources`` (relative path → file): copies refreshed when the
    size or modification time changed, files no longer wanted removed."""
    target.mkdir(parents=True, exist_ok=True)
    for existing in [p for p in target.rglob("*") if p.is_file()]:
        if existing.relative_to(target).as_posix() not in sources:
            existing.unlink()
    for rel, source in sources.items():
        copy = target / rel
        stat = source.stat()
        if copy.is_file() and (copy.stat().st_size, copy.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f".{copy.name}.partial")
        shutil.copy2(source, partial)
        os.replace(partial, copy)
    for folder in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(folder.iterdir()):
            folder.rmdir()


def _missing(name: str, root: Path) -> CorpusNotFound:
    available = ", ".join([BUNDLED, *available_corpora(root)])
    return CorpusNotFound(
        f"corpus d'évaluation « {name} » introuvable : attendu {root / name}/documents/ et "
        f"{root / name}/testset.yaml ; corpus disponibles : {available} (ou « all » pour tous)"
    )


def prepare_corpus(
    name: str, settings: Settings, *, root: Path | None = None, embeddings: Any = None, progress: Any = None
) -> PreparedCorpus:
    """Settings and test set to evaluate corpus ``name``, its index brought up to date.

    The bundled corpus (``fourni``) is evaluated on the main index, untouched. Any other name is the
    bundled documents plus ``root/NAME/documents/``, staged and ingested under
    ``settings.data_dir/evals/corpora/NAME/`` (incrementally)."""

    root = root or CORPORA_ROOT
    if name == BUNDLED:
        return PreparedCorpus(name=name, settings=settings, testset=DEFAULT_TESTSET)
    folder = root / name
    if not ((folder / "documents").is_dir() and (folder / "testset.yaml").is_file()):
        raise _missing(name, root)
    target = corpus_settings(name, settings)
    sources = {f"corpus/{p.relative_to(settings.corpus_dir).as_posix()}": p
               for p in corpus_files(settings.corpus_dir, settings.corpus_exclude)}
    sources |= {f"documents/{p.relative_to(folder / 'documents').as_posix()}": p
                for p in corpus_files(folder / "documents", settings.corpus_exclude)}
    _stage(sources, target.corpus_dir)
    report = Ingestor(target, embeddings=embeddings, progress=progress).run()
    return PreparedCorpus(name=name, settings=target, testset=folder / "testset.yaml", report=report)


def indexed_documents(settings: Settings) -> list[dict[str, str]]:
    """Title, file name, path and SHA-256 of each document of the committed index (what was evaluated)."""
    manifest = GenerationStore(settings.index_dir).load_manifest()
    documents = []
    for entry in manifest.documents.values():
        source = Path(entry.source)
        path = source if source.is_absolute() else settings.corpus_dir / source
        documents.append({"title": entry.title, "file": entry.file_name, "path": str(path), "sha256": entry.sha256})
    return sorted(documents, key=lambda d: d["title"].lower())
