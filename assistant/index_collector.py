"""Retires superseded index generations once no reader holds them.

A reader holds a lease on its generation for its whole answer (:mod:`assistant.locks`). After each
commit, and when the last reader of a superseded generation lets it go, the collector — always
under the ingestion lock, so never beside a run that writes — retires every superseded generation
that no lease holds: its folder goes, its vector collection is dropped unless a live generation
shares it, and the vectors that only older generations used (listed in ``superseded/``) are deleted
once no generation older than the one that stopped using them is live. A reader that holds a
generation thus keeps exactly that generation's folder, collection and vectors; once the last
reader lets go, the space is freed: nothing grows with the number of commits.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from assistant.components.vectorstore import ChunkStore
from assistant.index_store import READERS, GenerationStore
from assistant.locks import retire

log = logging.getLogger("mgp.index")


@dataclass
class Collected:
    """What one collection did."""

    retired: list[str] = field(default_factory=list)
    """Generation folders retired."""
    held: list[str] = field(default_factory=list)
    """Superseded generations a reader still holds (retired by a later collection)."""
    dropped: list[str] = field(default_factory=list)
    """Vector collections dropped."""
    vectors_deleted: int = 0
    vectors_pending: int = 0
    """Superseded vectors kept because an older generation still has readers."""


class UnreadableGeneration(RuntimeError):
    """A live generation's manifest cannot be read: nothing is collected (it could name what is in use)."""


def _collection_of(directory: Path) -> str | None:
    try:
        return json.loads((directory / "manifest.json").read_text(encoding="utf-8")).get("collection")
    except (OSError, ValueError, AttributeError) as exc:
        raise UnreadableGeneration(directory.name) from exc


def _number(directory: Path) -> int:
    return int(directory.name.removeprefix("gen-"))


class GenerationCollector:
    """Frees what superseded generations held once they have no reader. The caller holds the
    ingestion lock (see :func:`assistant.locks.file_lock`)."""

    def __init__(self, generations: GenerationStore, store: ChunkStore) -> None:
        self.generations = generations
        self.store = store

    def collect(self, *, keep_collection: str | None = None) -> Collected:
        """``keep_collection``: a collection to keep even if no generation names it yet."""
        done = Collected()
        current = self.generations.current_dir()
        if current is None:
            return done
        live = [current]
        for directory in self.generations.generation_dirs():
            if directory == current:
                continue
            if directory.name < current.name and not retire(directory / READERS):
                live.append(directory)
                done.held.append(directory.name)
                continue
            # Retired (or newer than CURRENT: what a run killed between its rename and its switch left).
            shutil.rmtree(directory, ignore_errors=True)
            done.retired.append(directory.name)
        live.sort()
        try:
            collections = {c for c in map(_collection_of, live) if c} | ({keep_collection} if keep_collection else set())
        except UnreadableGeneration as exc:
            log.warning("generation %s unreadable: no collection or vector dropped this time", exc)
            return done
        self._delete_superseded(collections, _number(live[0]), done)
        for name in self.store.collections():
            if name not in collections:
                self.store.drop_collection(name)
                done.dropped.append(name)
        self.generations.remove_unreferenced_files(live)
        if done.retired or done.held or done.dropped:
            log.info("generations retired: %d, still read: %d; collections dropped: %d; vectors deleted: %d, kept for readers: %d",
                     len(done.retired), len(done.held), len(done.dropped), done.vectors_deleted, done.vectors_pending)
        return done

    def _delete_superseded(self, collections: set[str], oldest_live: int, done: Collected) -> None:
        """Vectors that generation N stopped using go once no generation before N is live."""
        working = getattr(self.store, "collection_name", None)
        try:
            for entry in self.generations.superseded():
                if entry.collection in collections and entry.generation > oldest_live:
                    done.vectors_pending += len(entry.ids)
                    continue
                if entry.collection in collections:
                    self.store.use_collection(entry.collection)
                    self.store.delete(entry.ids)
                    done.vectors_deleted += len(entry.ids)
                entry.path.unlink(missing_ok=True)  # a dropped collection's vectors go with it
        finally:
            if working:
                self.store.use_collection(working)
