"""Ingestion pipeline on the real bundled corpus with the real embedding model and an embedded
Chroma store: idempotence, updates, deletions, bad files, rebuilds."""

from __future__ import annotations

from pathlib import Path


from ingest.pipeline import Ingestor
from assistant.index_store import GenerationStore
from tests.conftest import BENEFICIARIES, DELIB_PDF, committed_store, make_pdf


def _consistent(settings, report) -> None:
    """Vector store, keyword index and manifest hold exactly the same chunks."""
    store = committed_store(settings)
    state = GenerationStore(settings.index_dir)
    manifest = state.load_manifest()
    keyword = state.load_keyword_index()
    assert report.chunks == manifest.chunk_count == store.count() == len(keyword)
    assert set(keyword.chunk_ids) == store.all_ids()


def test_ingest_is_idempotent(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    assert (first.documents, first.added, first.failed) == (3, 3, [])
    assert first.chunks > 40
    _consistent(settings, first)
    second = Ingestor(settings, embeddings=embeddings).run()
    assert second.added == second.updated == second.removed == 0
    assert second.unchanged == 3
    assert second.chunks == first.chunks
    assert second.chunks_embedded == 0
    assert second.generation == first.generation  # nothing changed: no new generation
    _consistent(settings, second)


def test_records_and_metadata_are_stored(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    state = GenerationStore(settings.index_dir)
    records = state.load_records()
    assert set(records) == {"BM2025-06-24-12_deliberation_bureau.md", "BM2025-06-24-12_deliberation_bureau.pdf"}
    for record in records.values():
        assert [b.name for b in record.beneficiaries] == BENEFICIARIES
    docs = state.load_manifest().documents
    pdf = docs["BM2025-06-24-12_deliberation_bureau.pdf"]
    assert (pdf.doc_type, pdf.pages, pdf.reference, pdf.date) == ("délibération", 3, "BM2025/06/24/12", "2025-06-24")
    fiche = docs["fiche_programme_appropriation_metropolitaine.md"]
    assert fiche.doc_type == "synthèse" and fiche.date == "2025-07-01"
    assert fiche.title.startswith("Programme « Appropriation Métropolitaine »")
    store = committed_store(settings)
    got = store.collection.get(where={"doc_type": "délibération"}, include=["metadatas"])
    assert got["ids"] and all(m["reference"] == "BM2025/06/24/12" for m in got["metadatas"])
    paged = store.collection.get(where={"page": 3}, include=["metadatas", "documents"])
    assert any("AUTORISE le Président" in d for d in paged["documents"])


def test_keyword_and_dense_search_find_the_list(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    keyword = GenerationStore(settings.index_dir).load_keyword_index()
    hits = keyword.search("Vincennes", k=3)
    store = committed_store(settings)
    texts = store.collection.get(ids=[h[0] for h in hits], include=["documents"])["documents"]
    assert any("Vincennes" in t for t in texts)
    vectorstore = store.as_langchain(embeddings)
    docs = vectorstore.similarity_search("Quelles communes sont bénéficiaires du parcours ?", k=4)
    assert any("Aulnay-sous-Bois" in d.page_content for d in docs)
    filtered = vectorstore.similarity_search("communes bénéficiaires", k=3, filter={"doc_type": "synthèse"})
    assert filtered and all(d.metadata["doc_type"] == "synthèse" for d in filtered)


def test_update_replaces_old_chunks_and_reuses_vectors(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    fiche = corpus_copy / "fiche_programme_appropriation_metropolitaine.md"
    fiche.write_text(fiche.read_text(encoding="utf-8") + "\n## Ajout de test\n\nParagraphe SYNTHÉTIQUE ajouté par le test.\n", encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert report.chunks_reused > 0 and report.chunks_embedded >= 1  # unchanged passages keep their vectors
    store = committed_store(settings)
    shas = {m["doc_sha"] for m in store.collection.get(where={"doc_id": fiche.name}, include=["metadatas"])["metadatas"]}
    assert len(shas) == 1  # no chunk of the old version is left
    _consistent(settings, report)
    keyword = GenerationStore(settings.index_dir).load_keyword_index()
    assert keyword.search("paragraphe synthétique ajouté")


def test_deleted_file_chunks_are_removed(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    (corpus_copy / "fiche_programme_appropriation_metropolitaine.md").unlink()
    report = Ingestor(settings, embeddings=embeddings).run()
    assert (report.removed, report.documents) == (1, 2)
    store = committed_store(settings)
    assert store.collection.get(where={"doc_type": "synthèse"})["ids"] == []
    _consistent(settings, report)


def test_bad_files_are_reported_and_the_rest_ingested(corpus_copy, make_settings, embeddings) -> None:
    (corpus_copy / "vide.pdf").write_bytes(b"")
    (corpus_copy / "binaire.pdf").write_bytes(bytes(range(256)) * 4)
    (corpus_copy / "tronque.pdf").write_bytes(DELIB_PDF.read_bytes()[:600])
    make_pdf(corpus_copy / "chiffre.pdf", ["Texte SYNTHÉTIQUE protégé."], password="secret")
    (corpus_copy / "tableur.xlsx").write_bytes(b"PK\x03\x04")
    from fpdf import FPDF

    scan = FPDF()
    scan.add_page()
    scan.rect(20, 20, 120, 80, style="F")  # graphics only: a scan with no text layer
    scan.output(str(corpus_copy / "scan.pdf"))
    settings = make_settings(corpus_copy)
    report = Ingestor(settings, embeddings=embeddings).run()
    failed = {Path(f.path).name: f.reason for f in report.failed}
    assert set(failed) == {"vide.pdf", "binaire.pdf", "tronque.pdf", "chiffre.pdf", "scan.pdf"}
    assert "mot de passe" in failed["chiffre.pdf"]
    assert "OCR" in failed["scan.pdf"]
    assert [Path(s.path).name for s in report.skipped] == ["tableur.xlsx"]
    assert report.documents == 3 and report.added == 3
    _consistent(settings, report)


def test_a_file_broken_after_ingestion_keeps_its_chunks(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    pdf = corpus_copy / DELIB_PDF.name
    pdf.write_bytes(b"%PDF-1.4 broken beyond repair")
    report = Ingestor(settings, embeddings=embeddings).run()
    assert [Path(f.path).name for f in report.failed] == [DELIB_PDF.name]
    assert report.chunks == first.chunks and report.documents == 3  # nothing already stored is lost
    _consistent(settings, report)


def test_explicit_paths_do_not_remove_other_documents(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    extra = tmp_path / "ailleurs" / "note.txt"
    extra.parent.mkdir()
    extra.write_text("Note SYNTHÉTIQUE hors du dossier du corpus.", encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run([extra])
    assert (report.added, report.removed, report.documents) == (1, 0, 4)
    assert report.failed == []


def test_rebuild_and_embedding_change(corpus_copy, make_settings, embeddings) -> None:
    from assistant.components.embeddings import SentenceTransformerEmbeddings

    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    rebuilt = Ingestor(settings, embeddings=embeddings).run(rebuild=True)
    assert rebuilt.rebuilt and rebuilt.added == 3 and rebuilt.chunks == first.chunks
    _consistent(settings, rebuilt)
    other = Ingestor(settings, embeddings=SentenceTransformerEmbeddings()).run()
    assert other.rebuilt and "embedding" in other.rebuilt
    assert other.chunks_embedded == other.chunks == first.chunks
    store = committed_store(settings)
    one = store.collection.get(limit=1, include=["embeddings"])
    assert len(one["embeddings"][0]) == 384
    _consistent(settings, other)


def test_chunk_size_change_rechunks_everything(corpus_copy, make_settings, embeddings) -> None:
    Ingestor(make_settings(corpus_copy), embeddings=embeddings).run()
    smaller = make_settings(corpus_copy, chunk_size=300, chunk_overlap=50)
    report = Ingestor(smaller, embeddings=embeddings).run()
    assert report.updated == 3
    _consistent(smaller, report)


def test_excluded_files_are_not_documents(corpus_copy, make_settings, embeddings) -> None:
    assert (corpus_copy / "scripts").is_dir()
    (corpus_copy / "README.md").write_text("# Notes internes\n", encoding="utf-8")
    report = Ingestor(make_settings(corpus_copy), embeddings=embeddings).run()
    assert report.documents == 3 and report.skipped == []


def test_embedding_context_change_reembeds(corpus_copy, make_settings, embeddings) -> None:
    first = Ingestor(make_settings(corpus_copy), embeddings=embeddings).run()
    bare = make_settings(corpus_copy, embed_with_context=False)
    report = Ingestor(bare, embeddings=embeddings).run()
    assert report.rebuilt and report.chunks_embedded == first.chunks


def test_the_progress_counts_up_inside_one_file(make_settings, embeddings, tmp_path) -> None:
    """« vecteurs calculés 0 sur 24 » then 24: the embedding of one file is reported in several steps."""
    corpus = tmp_path / "seul"
    corpus.mkdir()
    paragraphs = [f"Article {i} (SYNTHÉTIQUE) : la commune {i} tient le registre numéro {i} au service des archives "
                  f"et le transmet chaque trimestre au comité de suivi du programme, avec le bilan de l'atelier {i}."
                  for i in range(40)]
    (corpus / "registre.md").write_text("# Registre (synthétique)\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    steps: list[tuple[int, int]] = []
    report = Ingestor(make_settings(corpus, chunk_size=300, chunk_overlap=0), embeddings=embeddings,
                      progress=lambda stage, done, total, label: steps.append((done, total)) if stage == "embed" else None).run()
    assert report.failed == [] and report.chunks >= 16
    chunk_steps = [done for done, total in steps if total == report.chunks]
    assert chunk_steps[0] == 0 and chunk_steps[-1] == report.chunks
    assert len(set(chunk_steps)) >= 4
    assert all(b >= a or b == 0 for a, b in zip(chunk_steps, chunk_steps[1:]))  # up, or a new pass from 0


def test_one_document_is_read_again_on_request_and_the_others_are_not(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    first = Ingestor(settings, embeddings=embeddings).run()
    one = sorted(corpus_copy.glob("*.md"))[0]
    again = Ingestor(settings, embeddings=embeddings).run([one])
    assert again.updated == 0 and again.unchanged == 1
    reread = Ingestor(settings, embeddings=embeddings).run([one], reread=True)
    assert (reread.updated, reread.unchanged, reread.removed) == (1, 0, 0)
    assert reread.documents == first.documents and reread.chunks_embedded == 0  # same text: vectors reused
