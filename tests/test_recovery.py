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

from assistant.components.vectorstore import ChromaChunkStore
from assistant.config import Settings
from ingest.state import IndexState
from tests.conftest import FICHE_MD

pytestmark = pytest.mark.slow


def _env(corpus: Path, data: Path) -> dict[str, str]:
    return {**os.environ, "MGP_CORPUS_DIR": str(corpus), "MGP_DATA_DIR": str(data)}


def test_kill_mid_ingest_then_recover(corpus_copy: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    cmd = [sys.executable, "-m", "assistant.cli", "ingest", "--json"]
    first = subprocess.run(cmd, env=_env(corpus_copy, data), capture_output=True, text=True, timeout=300)
    before = json.loads(first.stdout)
    state = IndexState(data / "index")
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
    store = ChromaChunkStore(settings)
    assert store.count() > before["chunks"]  # partial work of the killed run
    assert len(state.load_keyword_index()) == before["chunks"]

    # The next run repairs: everything ingested, vectors of the killed run reused, no orphan left.
    again = subprocess.run(cmd, env=_env(corpus_copy, data), capture_output=True, text=True, timeout=600)
    report = json.loads(again.stdout)
    assert again.returncode == 0
    assert report["documents"] == 63 and report["added"] == 60 and report["failed"] == []
    assert report["chunks_reused"] > 0
    store = ChromaChunkStore(settings)
    assert store.count() == report["chunks"] == state.load_manifest().chunk_count
    assert set(state.load_keyword_index().chunk_ids) == store.all_ids()


def test_orphan_chunks_are_removed_and_missing_ones_restored(corpus_copy: Path, make_settings, embeddings) -> None:
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    store = ChromaChunkStore(settings)
    victim = sorted(store.all_ids())[:3]
    store.delete(victim)  # chunks lost from the vector store
    store.upsert(["orphan"], [[0.1] * 384], ["texte orphelin"], [{"doc_id": "nulle-part"}])
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.repaired_chunks == 3 and report.orphans_removed == 1
    assert store.count() == first.chunks
