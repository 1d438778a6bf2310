"""Odd inputs at ingestion (issue 9): a PDF of thousands of pages, duplicate content under two names,
a document modified while it is ingested. Every file built here is a SYNTHETIC fixture.

Each test checks the three promises: nothing already stored is lost, the problem is reported in
French with the file's name, the other files are processed."""

from __future__ import annotations

import hashlib
import shutil
import threading
import time
from pathlib import Path

from ingest.pipeline import Ingestor
from assistant.index_store import GenerationStore
from evals.scale import write_long_pdf
from tests.conftest import FICHE_MD


def _chunks_of(settings, doc_id: str) -> list:
    state = GenerationStore(settings.index_dir)
    entry = state.load_manifest().documents[doc_id]
    return state.read_document_file(entry.doc_file).chunks


def test_pdf_of_thousands_of_pages_is_bounded_then_indexed_page_by_page(corpus_copy, make_settings, embeddings) -> None:
    write_long_pdf(corpus_copy / "registre.pdf", 2000)
    settings = make_settings(corpus_copy, max_pdf_pages=1000)
    refused = Ingestor(settings, embeddings=embeddings).run()
    reasons = {Path(f.path).name: f.reason for f in refused.failed}
    assert "2000 pages, limite 1000" in reasons["registre.pdf"] and "MGP_MAX_PDF_PAGES" in reasons["registre.pdf"]
    assert refused.documents == 3  # the rest of the corpus is indexed

    seen: list[tuple[int, int]] = []

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if stage == "pages":
            assert label == "registre.pdf"
            seen.append((done, total))

    settings = make_settings(corpus_copy, max_pdf_pages=5000)
    report = Ingestor(settings, embeddings=embeddings, progress=progress).run()
    assert report.failed == [] and report.documents == 4 and report.added == 1
    assert seen[-1] == (2000, 2000) and len(seen) >= 40  # the extraction shows its progress
    entry = GenerationStore(settings.index_dir).load_manifest().documents["registre.pdf"]
    assert entry.pages == 2000
    chunks = _chunks_of(settings, "registre.pdf")
    for number in (1, 999, 1937, 2000):
        chunk = next(c for c in chunks if f"Feuillet {number} :" in c.text)
        assert "Registre SYNTHETIQUE - page" not in chunk.text  # the running header is removed
        # a passage's page is the page of its first line; this line sits on that page or a later one
        first = int(chunk.text.split("Feuillet ", 1)[1].split(" ", 1)[0])
        assert chunk.metadata["page"] == first <= number <= chunk.metadata["page_end"]


def test_duplicate_content_under_two_names_is_indexed_once(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    shutil.copyfile(FICHE_MD, corpus_copy / "copie_de_la_fiche.md")
    outside = tmp_path / "fiche_recue_par_courriel.md"
    shutil.copyfile(FICHE_MD, outside)

    report = Ingestor(settings, embeddings=embeddings).run()
    skipped = {Path(f.path).name: f.reason for f in report.skipped}
    assert "contenu identique à « fiche_programme_appropriation_metropolitaine.md »" in skipped["copie_de_la_fiche.md"]
    assert (report.documents, report.added, report.failed) == (3, 0, [])
    # A file given explicitly is compared with the whole index, not only with the files of its run.
    explicit = Ingestor(settings, embeddings=embeddings).run([outside])
    assert [Path(f.path).name for f in explicit.skipped] == ["fiche_recue_par_courriel.md"]
    assert explicit.documents == 3

    # The copy is re-examined each run: deleting the original makes it the document, nothing is lost.
    (corpus_copy / FICHE_MD.name).unlink()
    after = Ingestor(settings, embeddings=embeddings).run()
    assert (after.documents, after.added, after.removed, after.skipped) == (3, 1, 1, [])
    manifest = GenerationStore(settings.index_dir).load_manifest()
    assert "copie_de_la_fiche.md" in manifest.documents and FICHE_MD.name not in manifest.documents

    # Two new files with one content: the first name is kept, the other reported.
    shutil.copyfile(FICHE_MD, corpus_copy / "a_fiche.md")
    shutil.copyfile(FICHE_MD, corpus_copy / "b_fiche.md")
    twins = Ingestor(settings, embeddings=embeddings).run()
    assert sorted(Path(f.path).name for f in twins.skipped) == ["a_fiche.md", "b_fiche.md"]  # copie_de… is indexed
    assert twins.documents == 3


def test_document_modified_between_listing_and_reading_is_indexed_as_read(corpus_copy, make_settings, embeddings) -> None:
    note = corpus_copy / "note.md"
    note.write_text("# Note SYNTHÉTIQUE\n\nPremière version : le comité se réunit le lundi.\n", encoding="utf-8")
    second = "# Note SYNTHÉTIQUE\n\nSeconde version : le comité se réunit le jeudi.\n"

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if stage == "files" and label == "note.md":  # hashed already, not read yet
            note.write_text(second, encoding="utf-8")

    settings = make_settings(corpus_copy)
    report = Ingestor(settings, embeddings=embeddings, progress=progress).run()
    assert report.failed == [] and report.documents == 4
    entry = GenerationStore(settings.index_dir).load_manifest().documents["note.md"]
    assert entry.sha256 == hashlib.sha256(second.encode()).hexdigest()  # the hash of what was indexed
    assert all("Première version" not in c.text for c in _chunks_of(settings, "note.md"))
    again = Ingestor(settings, embeddings=embeddings).run()
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)


def test_document_still_being_written_keeps_its_previous_version(corpus_copy, make_settings, embeddings) -> None:
    note = corpus_copy / "note.md"
    note.write_text("# Note SYNTHÉTIQUE\n\nVersion stable : le comité se réunit le lundi.\n", encoding="utf-8")
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    stable = GenerationStore(settings.index_dir).load_manifest().documents["note.md"]

    stop = threading.Event()

    def keep_writing() -> None:  # a slow save: the file changes every 20 ms
        n = 0
        while not stop.is_set():
            n += 1
            note.write_text(f"# Note SYNTHÉTIQUE\n\nBrouillon {n} en cours d'enregistrement…\n", encoding="utf-8")
            time.sleep(0.02)

    writer = threading.Thread(target=keep_writing)

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if stage == "files" and label == "note.md" and not writer.is_alive():
            writer.start()
            time.sleep(0.05)

    note.write_text("# Note SYNTHÉTIQUE\n\nVersion 2 : le comité se réunit le mardi.\n", encoding="utf-8")
    (corpus_copy / "autre.md").write_text("# Autre note SYNTHÉTIQUE\n\nLe bureau siège à Paris.\n", encoding="utf-8")
    try:
        report = Ingestor(settings, embeddings=embeddings, progress=progress).run()
    finally:
        stop.set()
        if writer.is_alive():
            writer.join()
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert "modifié pendant sa lecture" in reasons["note.md"] and "version déjà indexée est conservée" in reasons["note.md"]
    assert report.added == 1  # autre.md is processed
    kept = GenerationStore(settings.index_dir).load_manifest().documents["note.md"]
    assert kept.sha256 == stable.sha256
    assert any("Version stable" in c.text for c in _chunks_of(settings, "note.md"))
    assert not list((settings.data_dir / "tmp").glob("*"))  # no private copy left behind

    settled = Ingestor(settings, embeddings=embeddings).run()  # once saved, the next run takes it
    assert settled.updated == 1 and settled.failed == []
    assert any("Brouillon" in c.text for c in _chunks_of(settings, "note.md"))


def test_files_over_the_size_limit_are_refused_and_keep_their_previous_version(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy, max_file_mb=0.2)
    Ingestor(settings, embeddings=embeddings).run()
    fiche = corpus_copy / FICHE_MD.name
    before = GenerationStore(settings.index_dir).load_manifest().documents[fiche.name]
    fiche.write_text(fiche.read_text(encoding="utf-8") + "\n\nAnnexe SYNTHÉTIQUE. " * 20_000, encoding="utf-8")
    write_long_pdf(corpus_copy / "enorme.pdf", 1500)
    (corpus_copy / "petite_note.md").write_text("# Note SYNTHÉTIQUE\n\nLe comité se réunit le jeudi.\n", encoding="utf-8")
    report = Ingestor(settings, embeddings=embeddings).run()
    reasons = {Path(f.path).name: f.reason for f in report.failed}
    assert set(reasons) == {fiche.name, "enorme.pdf"}
    assert all("fichier trop volumineux" in r and "limite 0,2 Mo" in r for r in reasons.values()), reasons
    assert report.added == 1 and report.documents == 4
    kept = GenerationStore(settings.index_dir).load_manifest().documents[fiche.name]
    assert kept.sha256 == before.sha256 and kept.chunks == before.chunks


def test_a_twin_whose_file_is_gone_does_not_hide_the_new_copy(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    (corpus_copy / FICHE_MD.name).unlink()  # deleted, the index not refreshed yet
    copy = tmp_path / "fiche_recue.md"
    shutil.copyfile(FICHE_MD, copy)
    report = Ingestor(settings, embeddings=embeddings).run([copy])
    assert (report.added, report.skipped) == (1, [])  # indexed: the other copy no longer exists


def test_the_copy_indexed_first_stays_the_one_kept_across_a_rebuild(corpus_copy, make_settings, embeddings) -> None:
    settings = make_settings(corpus_copy)
    shutil.copyfile(FICHE_MD, corpus_copy / "z_premiere_copie.md")
    (corpus_copy / FICHE_MD.name).unlink()
    Ingestor(settings, embeddings=embeddings).run()
    shutil.copyfile(FICHE_MD, corpus_copy / "a_copie_tardive.md")  # sorts first by name, came later
    for rebuild in (False, True):
        report = Ingestor(settings, embeddings=embeddings).run(rebuild=rebuild)
        assert [Path(f.path).name for f in report.skipped] == ["a_copie_tardive.md"], rebuild
        assert "« z_premiere_copie.md »" in report.skipped[0].reason
        assert "z_premiere_copie.md" in GenerationStore(settings.index_dir).load_manifest().documents


def test_a_failed_new_version_and_a_copy_of_its_old_content_lose_nothing(corpus_copy, make_settings, embeddings) -> None:
    """The upload sequence the review found: note.pdf replaced by a broken file while copie.pdf holds
    its previous content; note.pdf is then put back. Both contents stay searchable at every step."""
    from tests.conftest import make_pdf

    settings = make_settings(corpus_copy)
    note = make_pdf(corpus_copy / "note.pdf", ["Note SYNTHÉTIQUE : la permanence a lieu le mardi."])
    good = note.read_bytes()
    Ingestor(settings, embeddings=embeddings).run()
    note.write_bytes(good[:300])
    (corpus_copy / "copie.pdf").write_bytes(good)
    report = Ingestor(settings, embeddings=embeddings).run([note, corpus_copy / "copie.pdf"])
    assert [Path(f.path).name for f in report.failed] == ["note.pdf"] and report.added == 1
    note.write_bytes(good)  # the previous version is put back
    Ingestor(settings, embeddings=embeddings).run([note])
    documents = GenerationStore(settings.index_dir).load_manifest().documents
    assert {"note.pdf", "copie.pdf"} <= set(documents)
    full = Ingestor(settings, embeddings=embeddings).run()  # a full pass keeps the older copy only
    assert [Path(f.path).name for f in full.skipped] == ["copie.pdf"] and full.removed == 1
    assert "note.pdf" in GenerationStore(settings.index_dir).load_manifest().documents


def test_upload_names_matching_a_custom_exclusion_survive_a_reindex(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    """The web app's upload handler in-process: a team-defined pattern (*brouillon*) must not let a
    file be indexed at upload and dropped at the next reindex."""
    from assistant.services import build_services
    from ui.web import WebApp

    settings = make_settings(corpus_copy, corpus_exclude=["README.md", "scripts/*", "forms/*", "*brouillon*"])
    Ingestor(settings, embeddings=embeddings).run()
    web = WebApp(build_services(settings, embeddings=embeddings))
    sent = tmp_path / "brouillon budget.md"
    sent.write_text("# Budget SYNTHÉTIQUE\n\nLe budget des essais est voté en juin.\n", encoding="utf-8")
    result, table = web.corpus.upload([str(sent)], None, None)
    assert "✅ brouillon budget.md (enregistré sous « document.md ») : indexé" in result
    count = len(table)
    message, table = web.corpus.reindex(None, None)
    assert len(table) == count and "0 supprimés" in message


def test_two_replicas_sending_broken_versions_at_once_keep_the_indexed_one(corpus_copy, make_settings, embeddings, tmp_path) -> None:
    """Two web app instances on one data folder (two replicas), each receiving a broken new version
    of the same upload at the same moment: the uploads folder is changed under a file lock, so the
    good version in place is what both put back."""
    import threading

    from assistant.services import build_services
    from ui.web import WebApp

    settings = make_settings(corpus_copy)
    Ingestor(settings, embeddings=embeddings).run()
    replicas = [WebApp(build_services(settings, embeddings=embeddings)) for _ in range(2)]
    good = tmp_path / "permanence.txt"
    good.write_text("Note SYNTHÉTIQUE : la permanence a lieu le jeudi.", encoding="utf-8")
    assert "✅" in replicas[0].corpus.upload([str(good)], None, None)[0]
    results: list[str] = []
    broken = []
    for i in range(2):
        folder = tmp_path / f"casse{i}"
        folder.mkdir()
        (folder / "permanence.txt").write_bytes(b"\x00\x01binaire" * 50)
        broken.append(folder / "permanence.txt")
    threads = [threading.Thread(target=lambda w=w, b=b: results.append(w.corpus.upload([str(b)], None, None)[0]))
               for w, b in zip(replicas, broken)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2 and all("la version précédente est conservée" in r for r in results), results
    uploads = settings.data_dir / "uploads"
    assert (uploads / "permanence.txt").read_text(encoding="utf-8") == good.read_text(encoding="utf-8")
    assert not [p for p in uploads.iterdir() if p.name.startswith(".")]
    assert "jeudi" in replicas[1].assistant.ask("Quel jour a lieu la permanence ?").answer
