"""Server mode: ingestion against a real ``chroma run`` server started on loopback."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.components.vectorstore import ChromaChunkStore, StoreError
from ingest.pipeline import Ingestor
from assistant.index_store import GenerationStore
from tests.conftest import committed_store, free_port, wait_for_port

pytestmark = pytest.mark.slow


@pytest.fixture()
def chroma_server(tmp_path: Path):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    assert chroma, "the chroma CLI ships with the chromadb package"
    port = free_port()
    log = tmp_path / "chroma.log"
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "chroma-server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc, log, timeout=60)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=20)


def test_ingest_against_chroma_server(chroma_server: str, corpus_copy: Path, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy, chroma_url=chroma_server)
    store = ChromaChunkStore(settings)
    assert store.mode == "server"
    first = Ingestor(settings, embeddings=embeddings, store=store).run()
    assert first.documents == 3 and first.failed == []
    second = Ingestor(settings, embeddings=embeddings, store=ChromaChunkStore(settings)).run()
    assert second.added == 0 and second.chunks == first.chunks
    # A second client (another app process would do the same) sees the same data.
    other = committed_store(settings)
    assert other.count() == first.chunks
    assert set(GenerationStore(settings.index_dir).load_keyword_index().chunk_ids) == other.all_ids()
    assert not settings.chroma_dir.exists()  # nothing written to the embedded store
    docs = other.as_langchain(embeddings).similarity_search("Qui préside la séance ?", k=3)
    assert docs


def test_unreachable_server_is_a_clear_error(corpus_copy: Path, make_settings) -> None:
    settings = make_settings(corpus_copy, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(StoreError, match="inaccessible"):
        ChromaChunkStore(settings).count()
