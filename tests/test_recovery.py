"""An ingestion killed with SIGKILL leaves each file as before or after, and the next run repairs.

The extra documents are SYNTHETIC renamed variants of the real fact sheet."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.index_store import GenerationStore
from tests.conftest import FICHE_MD, committed_store

pytestmark = pytest.mark.slow


def _env(corpus: Path, data: Path) -> dict[str, str]:
    return {**os.environ, "MGP_CORPUS_DIR": str(corpus), "MGP_DATA_DIR": str(data)}


def test_kill_mid_ingest_then_recover(corpus_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "ui.cli", "ingest", "--json"]
    first = subprocess.run(cmd, env=_env(corpus_copy, data), capture_output=True, text=True, timeout=300)
    before = json.loads(first.stdout)
    state = GenerationStore(data / "index")
    manifest_before = state.load_manifest()

    base = FICHE_MD.read_text(encoding="utf-8")
    for i in range(60):
        variant = base.replace("fiche de synthèse", f"fiche de synthèse (variante synthétique {i})")
        (corpus_copy / f"variante_synthetique_{i:02d}.md").write_text(variant + f"\nVariante {i}.\n", encoding="utf-8")

    docs_dir = data / "index" / "docs"
    known = set(os.listdir(docs_dir))
    proc = subprocess.Popen(cmd, env=_env(corpus_copy, data), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline and len(set(os.listdir(docs_dir)) - known) < 5:
        time.sleep(0.05)
    assert proc.poll() is None, "ingestion finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    # As before: the committed state did not move, even though chunks reached the vector store.
    after_kill = state.load_manifest()
    assert after_kill.generation == manifest_before.generation
    assert set(after_kill.documents) == set(manifest_before.documents)
    settings = Settings(corpus_dir=corpus_copy, data_dir=data, _env_file=None)
    store = committed_store(settings)
    assert store.count() > before["chunks"]  # partial work of the killed run
    assert len(state.load_keyword_index()) == before["chunks"]

    # The next run repairs: everything ingested, vectors of the killed run reused, no orphan left.
    again = subprocess.run(cmd, env=_env(corpus_copy, data), capture_output=True, text=True, timeout=600)
    report = json.loads(again.stdout)
    assert again.returncode == 0
    assert report["documents"] == 63 and report["added"] == 60 and report["failed"] == []
    assert report["chunks_reused"] > 0
    store = committed_store(settings)
    assert store.count() == report["chunks"] == state.load_manifest().chunk_count
    assert set(state.load_keyword_index().chunk_ids) == store.all_ids()


def test_orphan_chunks_are_removed_and_missing_ones_restored(corpus_copy: Path, make_settings, embeddings) -> None:
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    store = committed_store(settings)
    victim = sorted(store.all_ids())[:3]
    store.delete(victim)  # chunks lost from the vector store
    store.upsert(["orphan"], [[0.1] * 384], ["texte orphelin"], [{"doc_id": "nulle-part"}])
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.repaired_chunks == 3 and report.orphans_removed == 1
    assert store.count() == first.chunks


class _CrashingEmbeddings:
    """Another "model" that dies after its first batch: a raised exception stands in for a kill."""

    def __init__(self, inner, crash_after: int = 1) -> None:
        self.inner = inner
        self.calls = 0
        self.crash_after = crash_after

    @property
    def embedding_id(self) -> str:
        return "test:crashing-model"

    def embed_documents(self, texts):
        self.calls += 1
        if self.calls > self.crash_after:
            raise RuntimeError("simulated crash")
        return [[-x for x in v] for v in self.inner.embed_documents(texts)]


def test_model_change_killed_midway_leaves_the_committed_index_intact(corpus_copy, make_settings, embeddings) -> None:
    import numpy as np

    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy, embedding_batch_size=8)
    first = Ingestor(settings, embeddings=embeddings).run()
    with pytest.raises(RuntimeError, match="simulated crash"):
        Ingestor(settings, embeddings=_CrashingEmbeddings(embeddings)).run()
    # Readers still see the previous generation, whose collection was not touched.
    store = committed_store(settings)
    assert store.count() == first.chunks
    again = Ingestor(settings, embeddings=embeddings).run()
    assert again.rebuilt is None and again.chunks == first.chunks
    store = committed_store(settings)
    got = store.collection.get(limit=5, include=["embeddings", "documents", "metadatas"])
    ingestor = Ingestor(settings, embeddings=embeddings)
    for text, meta, vector in zip(got["documents"], got["metadatas"], got["embeddings"]):
        from assistant.index_store import StoredChunk

        expected = embeddings.embed_documents([ingestor.embedding_text(StoredChunk(chunk_id="x", text=text, tokens=[], metadata=meta))])[0]
        assert float(np.dot(expected, vector)) > 0.99  # the committed model's vectors, not the crashed one's
    assert store.collections() == [store.collection_name]  # the crashed run's collection is gone


def test_killed_before_commit_then_reverted_file_gets_its_metadata_back(corpus_copy, make_settings, embeddings, monkeypatch) -> None:
    from ingest.pipeline import Ingestor
    from assistant.index_store import GenerationStore

    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    fiche = corpus_copy / "fiche_programme_appropriation_metropolitaine.md"
    original = fiche.read_text(encoding="utf-8")
    fiche.write_text(original.replace("# Programme", "Paragraphe SYNTHÉTIQUE inséré en tête.\n\n# Programme", 1), encoding="utf-8")

    def crash(*args, **kwargs):
        raise RuntimeError("killed before commit")

    monkeypatch.setattr(GenerationStore, "commit", crash)
    with pytest.raises(RuntimeError):
        Ingestor(settings, embeddings=embeddings).run()
    monkeypatch.undo()
    fiche.write_text(original, encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.unchanged == 3 and report.repaired_chunks > 0
    state = GenerationStore(settings.index_dir)
    entry = state.load_manifest().documents[fiche.name]
    committed = {c.chunk_id: c.metadata for c in state.read_document_file(entry.doc_file).chunks}
    stored = committed_store(settings).get_metadatas(list(committed))
    assert stored == committed


def test_unreadable_subfolder_is_reported_not_deleted(corpus_copy, make_settings, embeddings, monkeypatch) -> None:
    from ingest.pipeline import Ingestor

    sub = corpus_copy / "annexes"
    sub.mkdir()
    (sub / "annexe.txt").write_text("Annexe SYNTHÉTIQUE du test.", encoding="utf-8")
    settings = make_settings(corpus_copy)
    assert Ingestor(settings, embeddings=embeddings).run().documents == 4
    real_scandir = os.scandir

    def scandir(path="."):
        if os.fspath(path).rstrip("/").endswith("annexes"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.removed == 0 and report.documents == 4
    assert [Path(f.path).name for f in report.failed] == ["annexes"]
    assert "illisible" in report.failed[0].reason


def test_removing_a_link_removes_its_document(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    from ingest.pipeline import Ingestor

    outside = tmp_path / "ailleurs.txt"
    outside.write_text("Note SYNTHÉTIQUE liée depuis le corpus.", encoding="utf-8")
    (corpus_copy / "lien.txt").symlink_to(outside)
    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    assert "lien.txt" in GenerationStore(settings.index_dir).load_manifest().documents
    (corpus_copy / "lien.txt").unlink()
    report = Ingestor(settings, embeddings=embeddings).run()
    assert (report.removed, report.documents) == (1, first.documents - 1)


def test_rebuild_keeps_a_file_that_became_unreadable(corpus_copy, make_settings, embeddings) -> None:
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    (corpus_copy / "BM2025-06-24-12_deliberation_bureau.pdf").write_bytes(b"%PDF-1.4 broken")
    report = Ingestor(settings, embeddings=embeddings).run(rebuild=True)
    assert [Path(f.path).name for f in report.failed] == ["BM2025-06-24-12_deliberation_bureau.pdf"]
    assert report.documents == 3 and report.chunks == first.chunks
    store = committed_store(settings)
    assert store.count() == first.chunks
    assert set(GenerationStore(settings.index_dir).load_keyword_index().chunk_ids) == store.all_ids()
