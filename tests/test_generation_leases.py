"""A generation's vectors outlive its readers. The race of issue 29 forced at every run: a reader
pauses between taking its generation and reading its vectors while ingestion commits a changed
document, a rebuild into a new collection and one more incremental commit (which, before leases,
dropped the rebuilt-away collection under the reader and deleted the changed document's vectors in
place). In one process (threads, as in the web app) and across processes (a CLI next to the web app).
The note indexed here is a SYNTHETIC fixture."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.components.vectorstore import ChromaChunkStore
from assistant.index_store import GenerationStore
from tests.conftest import committed_store

pytestmark = pytest.mark.slow

QUESTION = "Quel jour se tient la revue SYNTHÉTIQUE des essais ?"
ROOT = Path(__file__).resolve().parents[1]


def _write_note(corpus: Path, day: str) -> None:
    (corpus / "note_des_essais.md").write_text(
        f"# Note SYNTHÉTIQUE\n\nLa revue SYNTHÉTIQUE des essais se tient le {day}.\n", encoding="utf-8")


def _commits_under_the_reader(settings, embeddings, corpus: Path) -> list[int]:
    """The note changes (its vectors superseded in the same collection), the index is rebuilt into
    a new collection, the note changes again (an incremental commit into the new collection)."""
    from ingest.pipeline import Ingestor

    generations = []
    for day, rebuild in (("mardi", False), ("mardi", True), ("mercredi", False)):
        _write_note(corpus, day)
        generations.append(Ingestor(settings, embeddings=embeddings).run(rebuild=rebuild).generation)
    return generations


def _note_chunk(settings) -> str:
    store = GenerationStore(settings.index_dir)
    manifest = store.load_manifest()
    return store.read_document_file(manifest.documents["note_des_essais.md"].doc_file).chunks[0].chunk_id


def _assert_nothing_superseded_is_left(settings) -> None:
    """No growth: once no reader holds them, only the current generation's folder, collection and
    vectors remain."""
    generations = GenerationStore(settings.index_dir)
    current = generations.current_dir()
    assert generations.generation_dirs() == [current]
    store = committed_store(settings)
    assert store.collections() == [store.collection_name]
    assert store.count() == generations.load_manifest().chunk_count
    assert generations.superseded() == []


def test_a_reader_paused_across_three_commits_answers_from_its_generation(corpus_copy, make_settings, embeddings,
                                                                           monkeypatch) -> None:
    from assistant.services import build_assistant
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    _write_note(corpus_copy, "lundi")
    Ingestor(settings, embeddings=embeddings).run()
    lundi_chunk = _note_chunk(settings)
    assistant = build_assistant(settings, embeddings=embeddings)
    assistant.ask("Est-ce que Sceaux participe au parcours ?")  # the app is warm: its view is loaded

    paused, resume = threading.Event(), threading.Event()
    seen: dict[str, list[str]] = {"ids": []}
    original = ChromaChunkStore.query

    def query(self, *args, **kwargs):
        if threading.current_thread().name == "paused-reader":
            if not paused.is_set():
                paused.set()
                resume.wait(300)
            found = original(self, *args, **kwargs)
            seen["ids"] += [cid for cid, _ in found]
            return found
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ChromaChunkStore, "query", query)
    outcome: dict = {}

    def reader() -> None:
        try:
            outcome["answer"] = assistant.ask(QUESTION)
        except Exception as exc:  # noqa: BLE001 - any error is the failure under test
            outcome["error"] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=reader, name="paused-reader")
    thread.start()
    try:
        assert paused.wait(120), "the reader never reached its vector search"
        generations = _commits_under_the_reader(settings, embeddings, corpus_copy)
    finally:
        resume.set()
        thread.join(300)
    assert outcome.get("error") is None, outcome["error"]
    answer = outcome["answer"]
    assert "lundi" in answer.answer and answer.citations  # the generation it took, complete
    assert lundi_chunk in seen["ids"]  # its vectors were still there: superseded, not deleted under it
    assert len(set(generations)) == 3

    assistant.index.wait_for_collection()  # the reader let go: what only it held is retired
    _assert_nothing_superseded_is_left(settings)
    assert "mercredi" in assistant.ask(QUESTION).answer


def test_a_reader_in_another_process_keeps_its_generation_until_it_lets_go(corpus_copy, make_settings, embeddings,
                                                                             tmp_path) -> None:
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    _write_note(corpus_copy, "lundi")
    Ingestor(settings, embeddings=embeddings).run()
    held = GenerationStore(settings.index_dir).current_dir()
    handshake = tmp_path / "handshake"
    handshake.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.paused_reader", str(corpus_copy), str(settings.data_dir), str(handshake), QUESTION],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    try:
        deadline = time.monotonic() + 180
        while not (handshake / "paused").exists():
            assert child.poll() is None, child.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "the reader process never reached its vector search"
            time.sleep(0.1)
        held_collection = (handshake / "paused").read_text(encoding="utf-8")
        generations = _commits_under_the_reader(settings, embeddings, corpus_copy)
        # While the other process reads it, its generation and collection stay.
        assert held.is_dir()
        assert held_collection in committed_store(settings).collections()
        (handshake / "resume").touch()
        out, err = child.communicate(timeout=300)
    finally:
        (handshake / "resume").touch()
        if child.poll() is None:
            child.kill()
            child.wait()
    answers = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert [a["error"] for a in answers] == [None, None], err[-3000:]
    assert "lundi" in answers[0]["answer"] and answers[0]["cited"]  # the generation it took
    assert "mercredi" in answers[1]["answer"]  # then the current one
    assert len(set(generations)) == 3
    # The reader process retired what it alone held before it exited.
    assert not held.exists()
    _assert_nothing_superseded_is_left(settings)


def test_a_reader_that_meets_a_dropped_collection_asks_again_on_the_current_generation(
        corpus_copy, make_settings, embeddings, monkeypatch) -> None:
    """A process that knows no leases (an older version of the assistant) rebuilds the index and
    drops the collection a reader is about to search: the reader asks once more on the current
    generation instead of failing."""
    from assistant.services import build_assistant
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    _write_note(corpus_copy, "lundi")
    Ingestor(settings, embeddings=embeddings).run()
    assistant = build_assistant(settings, embeddings=embeddings)
    assert "lundi" in assistant.ask(QUESTION).answer
    old_collection = committed_store(settings).collection_name
    original = ChromaChunkStore.query
    dropped: list[str] = []

    def query(self, *args, **kwargs):
        if self.collection_name == old_collection and not dropped:
            dropped.append(old_collection)
            _write_note(corpus_copy, "mardi")
            Ingestor(settings, embeddings=embeddings).run(rebuild=True)
            ChromaChunkStore(settings, old_collection).drop_collection(old_collection)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ChromaChunkStore, "query", query)
    answer = assistant.ask(QUESTION)
    assert dropped == [old_collection]
    assert "mardi" in answer.answer and answer.citations


def test_two_cli_ask_loops_while_the_cli_ingests_four_generations(corpus_copy, make_settings, embeddings) -> None:
    """As an agent's terminal next to an administrator's: two `mgp-assistant ask` loops while
    `mgp-assistant ingest` commits four generations (the note added, changed, the index rebuilt with
    `--rebuild`, the note deleted). Every command answers; nothing superseded is left afterwards."""
    from ingest.pipeline import Ingestor

    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    env = {**os.environ, "MGP_DATA_DIR": str(settings.data_dir), "MGP_CORPUS_DIR": str(corpus_copy),
           "HF_HUB_OFFLINE": "1"}
    cli = [sys.executable, "-m", "ui.cli"]
    stop = threading.Event()
    runs: list[tuple[int, str, str]] = []

    def ask_loop() -> None:
        while not stop.is_set():
            done = subprocess.run([*cli, "ask", "--json", QUESTION], capture_output=True, text=True, env=env,
                                  cwd=ROOT, timeout=300)
            runs.append((done.returncode, done.stdout, done.stderr[-2000:]))

    loops = [threading.Thread(target=ask_loop) for _ in range(2)]
    for loop in loops:
        loop.start()
    generations = []
    try:
        for step, day in enumerate(("lundi", "mardi", "mardi", None)):
            if day is None:
                (corpus_copy / "note_des_essais.md").unlink()
            else:
                _write_note(corpus_copy, day)
            command = [*cli, "ingest", "--json"] + (["--rebuild"] if step == 2 else [])
            done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
            assert done.returncode == 0, done.stderr[-2000:]
            generations.append(json.loads(done.stdout)["generation"])
            time.sleep(1)  # the loops answer from this generation too
    finally:
        stop.set()
        for loop in loops:
            loop.join(600)
    assert len(set(generations)) == 4
    failed = [(code, err) for code, _, err in runs if code != 0]
    assert failed == []
    assert len(runs) >= 8
    for _, out, _ in runs:
        answer = json.loads(out)
        assert answer["abstained"] or any(day in answer["answer"] for day in ("lundi", "mardi"))
    _assert_nothing_superseded_is_left(settings)
    print(f"\n{len(runs)} commandes ask pendant 4 générations, aucune erreur")
