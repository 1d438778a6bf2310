"""One document into an existing index costs that document: the other chunk files are not read
again (by the ingestion nor by a running reader), the keyword index gains one segment instead of
being rebuilt, and no sentence is embedded at question time. The real bundled corpus, the real
model and an embedded Chroma store; the added documents are SYNTHETIC."""

from __future__ import annotations

from pathlib import Path

from assistant.index_store import GenerationStore
from assistant.services import build_assistant
from ingest.pipeline import Ingestor
from tests.conftest import committed_store

NEW_ACT = ("# Délibération ajoutée (document SYNTHÉTIQUE du test)\n\nLa commune de Sceaux reçoit une subvention de "
           "12 345 euros pour la rénovation de la médiathèque Quetzalcoatl.\n")


class CountingReads:
    """Counts the chunk files read through a GenerationStore."""

    def __init__(self, monkeypatch) -> None:
        self.names: list[str] = []
        original = GenerationStore.read_document_file

        def read(store: GenerationStore, name: str):
            self.names.append(name)
            return original(store, name)

        monkeypatch.setattr(GenerationStore, "read_document_file", read)


def _segment_files(settings) -> dict[str, int]:
    folder = settings.index_dir / "segments"
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_one_new_document_reads_only_itself_and_is_answered(corpus_copy: Path, make_settings, embeddings, monkeypatch) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    assistant = build_assistant(settings, embeddings=embeddings)
    assistant.ask("Quelles sont les trois phases du programme ?")  # a running app holds the generation
    segments_before = _segment_files(settings)
    reads = CountingReads(monkeypatch)

    (corpus_copy / "deliberation_ajoutee.md").write_text(NEW_ACT, encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert (report.added, report.unchanged, report.failed) == (1, 3, [])
    assert reads.names == []  # neither the unchanged documents nor the new one (it is in memory) were read back
    segments_after = _segment_files(settings)
    assert len(segments_after) == len(segments_before) + 1
    assert all(segments_after[name] == stamp for name, stamp in segments_before.items())  # never rewritten

    answer = assistant.ask("Quelle subvention pour la médiathèque Quetzalcoatl ?")
    assert "12 345" in answer.answer and answer.citations[0].document == "deliberation_ajoutee.md"
    manifest = GenerationStore(settings.index_dir).load_manifest()
    new_file = manifest.documents["deliberation_ajoutee.md"].doc_file
    assert reads.names == [new_file]  # the reader took every other document from the generation it had

    store = committed_store(settings)
    assert store.count() == manifest.chunk_count == len(assistant.index.current().keyword)


def test_removing_a_document_takes_it_out_of_the_keyword_index(corpus_copy: Path, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    (corpus_copy / "deliberation_ajoutee.md").write_text(NEW_ACT, encoding="utf-8")
    Ingestor(settings, embeddings=embeddings).run()
    (corpus_copy / "deliberation_ajoutee.md").unlink()
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.removed == 1 and report.orphans_removed > 0
    keyword = GenerationStore(settings.index_dir).load_keyword_index()
    assert keyword.search("médiathèque Quetzalcoatl") == []
    assert "quetzalcoatl" not in keyword.vocabulary
    assert committed_store(settings).count() == len(keyword)


def test_a_store_that_lost_vectors_behind_our_back_is_repaired(corpus_copy: Path, make_settings, embeddings) -> None:
    """The quick path trusts the store only when its count is what the index expects."""
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    store = committed_store(settings)
    lost = sorted(store.all_ids())[:3]
    store.delete(set(lost))
    (corpus_copy / "deliberation_ajoutee.md").write_text(NEW_ACT, encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.repaired_chunks == 3
    assert set(lost) <= committed_store(settings).all_ids()


def test_no_sentence_is_embedded_at_question_time(corpus_copy: Path, make_settings, embeddings, monkeypatch) -> None:
    settings = make_settings(corpus_copy)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.sentences_embedded > report.chunks / 2
    assistant = build_assistant(settings, embeddings=embeddings)
    embedded: list[str] = []
    original = type(embeddings).embed_documents

    def spy(self, texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(type(embeddings), "embed_documents", spy)
    for question in ("Quelles sont les trois phases du programme ?", "Qui présidait la séance du 24 juin 2025 ?",
                     "Combien de communes sont retenues ?"):
        answer = assistant.ask(question)
        assert answer.citations and not answer.abstained
    assert embedded == []


def test_an_index_of_the_previous_layout_asks_for_an_ingestion_then_is_rebuilt(corpus_copy: Path, make_settings, embeddings) -> None:
    """An index written before the keyword segments (schema 1) is not misread: the app says to
    re-ingest, and the ingestion rebuilds it with the vectors already stored."""
    import json

    import pytest

    from assistant.index import IndexNotReady

    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    current = GenerationStore(settings.index_dir).current_dir()
    manifest = json.loads((current / "manifest.json").read_text(encoding="utf-8"))
    (current / "manifest.json").write_text(json.dumps({**manifest, "schema_version": 1}), encoding="utf-8")
    with pytest.raises(IndexNotReady, match="version précédente"):
        build_assistant(settings, embeddings=embeddings).ask("Quelles sont les trois phases du programme ?")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.added == 3 and report.chunks_embedded == 0  # every vector reused
    assert build_assistant(settings, embeddings=embeddings).ask("Quelles sont les trois phases du programme ?").citations
