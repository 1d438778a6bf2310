"""Among many acts written alike (a SYNTHETIC archive of 60 acts, ingested with the real model), the
act or document a question names is the one that answers: by its reference, by the quoted name of
its track with its kind (« le règlement du parcours « X » »); a quoted name the corpus never
writes, or a séance date written as 16/02/2021, is understood."""

from __future__ import annotations

import pytest

from assistant.schemas import AskRequest
from evals.archive import date_fr, euros, write_archive


@pytest.fixture(scope="module")
def archive_assistant(tmp_path_factory, embeddings):
    from assistant.config import Settings
    from assistant.services import build_assistant
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("named")
    archive = write_archive(root / "archive", 60, seed=11)
    settings = Settings(corpus_dir=root / "archive" / "documents", data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [], report.failed
    return archive, build_assistant(settings, embeddings=embeddings)


def ask(assistant, question: str):
    answer = assistant.ask(AskRequest(question=question))
    for c in answer.citations:
        assert c.quote in assistant.passage(c.chunk_id).text
    return answer


def test_an_act_named_by_its_reference_answers_from_its_own_passages(archive_assistant) -> None:
    """The amount sentence of a subsidy does not repeat the act's reference: every act has the same one."""
    archive, assistant = archive_assistant
    subsidies = [a for a in archive.acts if a.kind == "subsidy"]
    assert len(subsidies) >= 5
    for act in subsidies:
        answer = ask(assistant, f"Quel est le montant de la subvention attribuée à la commune de {act.commune} "
                                f"par la délibération {act.reference} ?")
        assert not answer.abstained, act.reference
        assert answer.citations[0].document == act.file and euros(act.amount) in " ".join(answer.citations[0].quote.split())


@pytest.mark.parametrize("named_by, question, needle", [
    # Règlements of different tracks share their articles word for word: the named one is cited.
    ("track", "Quelle est la durée du parcours selon le règlement du parcours « {} » ?", None),
    # Named without quotes: the règlement, not the convention of the same fund, whose article on
    # payments shares the words; the words after the name belong to no title.
    ("fund", "Quel acompte peut être versé selon le règlement du {} ?", "acompte"),
])
def test_a_named_reglement_answers_from_itself(archive_assistant, named_by, question, needle) -> None:
    archive, assistant = archive_assistant
    reglements = [a for a in archive.acts if a.kind == "reglement" and getattr(a, named_by)]
    assert reglements
    for act in reglements:
        answer = ask(assistant, question.format(getattr(act, named_by)))
        assert not answer.abstained and answer.citations[0].document == act.file, act.file
        assert needle is None or needle in answer.citations[0].quote


def test_a_quoted_name_no_document_writes_is_not_answered(archive_assistant) -> None:
    archive, assistant = archive_assistant
    track = archive.absent_tracks[0]
    answer = ask(assistant, f"Quelle est la durée du parcours « {track} » selon son règlement ?")
    assert answer.abstained


def test_a_seance_date_written_in_figures_designates_its_act(archive_assistant) -> None:
    archive, assistant = archive_assistant
    seance = next(s for s in archive.seances if len(s.references) == 1)
    act = archive.act(seance.references[0])
    organ = "Bureau" if seance.organ == "BM" else "Conseil"
    answer = ask(assistant, f"Qui présidait la séance du {organ} du {seance.date:%d/%m/%Y} ?")
    assert answer.kind == "fact" and act.president in answer.answer
    assert {c.document for c in answer.citations} == {act.file}


def test_a_date_question_naming_an_acts_whole_subject_gets_its_seance_date(archive_assistant) -> None:
    """« À quelle date la Métropole a-t-elle subventionné <project> à <commune> ? »: no séance word,
    but the subject names one act only."""
    archive, assistant = archive_assistant
    for act in [a for a in archive.acts if a.kind == "subsidy"][:5]:
        answer = ask(assistant, f"À quelle date la Métropole a-t-elle subventionné {act.project} à {act.commune} ?")
        assert answer.kind == "fact" and date_fr(act.seance_date) in answer.answer, act.reference
        assert [c.document for c in answer.citations] == [act.file]


def test_an_article_of_a_named_reglement_is_read_in_that_reglement(archive_assistant) -> None:
    """« l'article 3 du règlement du parcours « IA-X » »: every règlement has an article 3 written
    alike; the one cited is the named track's, even once « IA » is expanded in the question, and a
    count of « journées » is a number, not a duration of « jours »."""
    archive, assistant = archive_assistant
    reglements = [a for a in archive.acts if a.kind == "reglement" and a.track and a.track.startswith("IA-")]
    assert len(reglements) >= 2
    for act in reglements:
        for question in (f"Quel délai de dépôt des candidatures prévoit l'article 3 du règlement du parcours « {act.track} » ?",
                         f"Selon l'article 6 du règlement du parcours « {act.track} », combien de journées de formation sont organisées ?"):
            answer = ask(assistant, question)
            assert not answer.abstained, question
            assert answer.citations[0].document == act.file, question


def test_named_documents_reads_a_name_without_quotes() -> None:
    from types import SimpleNamespace

    from assistant.named_documents import named_documents

    def chunk(doc_id: str, doc_type: str, title: str):
        return SimpleNamespace(metadata={"doc_id": doc_id, "doc_type": doc_type, "title": title})

    class View:  # the part of a generation the lookup reads
        def __init__(self, chunks):
            self.chunks = chunks

    view = View({
        "a": chunk("r1", "règlement", "Règlement du Fonds de soutien aux tiers-lieux numériques"),
        "b": chunk("c1", "convention", "Modèle de convention du Fonds de soutien aux tiers-lieux numériques"),
        "c": chunk("r2", "règlement", "Règlement du Fonds pour la rénovation des écoles"),
    })
    assert named_documents(view, "Quel acompte selon le règlement du Fonds de soutien aux tiers-lieux numériques ?") == ["r1"]
    assert named_documents(view, "Le modèle de convention du fonds de soutien aux tiers-lieux prévoit-il un préavis ?") == ["c1"]
    assert named_documents(view, "Le règlement du Fonds pour la rénovation des écoles fixe-t-il un plafond ?") == ["r2"]
    assert named_documents(view, "Que dit le règlement du fonds sur les délais ?") == []  # one word names nothing
    # Our expansion of an abbreviation inside the name, a quoted word that is no title's, a later kind word.
    assert named_documents(view, "Le règlement du Fonds de soutien aux tiers-lieux numériques (TLN) ?") == ["r1"]
    assert named_documents(view, "Le règlement du Fonds pour la rénovation des écoles finance-t-il un « préau » ?") == ["r2"]
    assert named_documents(view, "La note du service sur le règlement du Fonds pour la rénovation des écoles ?") == ["r2"]


def test_a_listed_commune_is_quoted_where_the_list_names_it(archive_assistant, tmp_path, embeddings) -> None:
    """A long list continues over the passages after the one announcing it (« … à savoir : »): the
    answer « oui » quotes the passage with the commune's name, not only the announcing sentence.
    Short passages (200 characters) make every list of the archive run over several."""
    import shutil

    from assistant.config import Settings
    from assistant.services import build_assistant
    from ingest.pipeline import Ingestor

    archive, whole = archive_assistant
    act = max((a for a in archive.acts if a.kind == "track_opening"), key=lambda a: len(a.beneficiaries))
    (tmp_path / "docs").mkdir()
    shutil.copy(whole.settings.corpus_dir / act.file, tmp_path / "docs" / act.file)
    settings = Settings(corpus_dir=tmp_path / "docs", data_dir=tmp_path / "data", chunk_size=200, chunk_overlap=0,
                        _env_file=None)
    assert Ingestor(settings, embeddings=embeddings).run().failed == []
    assistant = build_assistant(settings, embeddings=embeddings)
    for name in (act.beneficiaries[len(act.beneficiaries) // 2], act.beneficiaries[-1]):
        answer = ask(assistant, f"{name} fait-elle partie des bénéficiaires du parcours « {act.track} » ?")
        assert not answer.abstained and answer.answer.startswith("Oui"), name
        assert any(name in " ".join(c.quote.split()) for c in answer.citations), (name, answer.citations)


@pytest.mark.parametrize("words", ["lors de son second tour", "pendant sa phase deux"])
def test_an_act_described_in_words_the_corpus_never_uses_is_still_the_one_its_name_gives(archive_assistant, words) -> None:
    """« … ajoutés au parcours X lors de son second tour » in an archive that never writes « tour »: the
    track's name leaves its opening act and the act that adds beneficiaries; what the second decides
    (« APPROUVE l'ajout ») tells them apart. The unknown word is set aside only because one act is left."""
    archive, assistant = archive_assistant
    view = assistant.index.current()
    waves = [a for a in archive.acts if a.kind == "track_wave"]
    assert waves
    from assistant.text import tokenize
    unknown = [t for t in tokenize(words) if t not in view.idf and len(t) > 3]
    assert unknown, "the test needs a word the archive never uses"
    for act in waves:
        answer = ask(assistant, f"Quels bénéficiaires ont été ajoutés au parcours {act.track} {words} ?")
        assert answer.kind == "fact" and {c.document for c in answer.citations} == {act.file}, act.reference
        assert all(name in answer.answer for name in act.beneficiaries), act.reference


def test_an_unknown_word_written_as_a_name_or_leaving_several_acts_designates_none(archive_assistant) -> None:
    """« IA-Biodiversité » is the subject itself; « lors du second tour » alone leaves every act that adds
    beneficiaries: no act's list is given for either."""
    archive, assistant = archive_assistant
    for question in ("Quels bénéficiaires ont été ajoutés au parcours IA-Biodiversité ?",
                     "Quels bénéficiaires ont été ajoutés lors du second tour ?"):
        answer = ask(assistant, question)
        assert answer.kind != "fact", question


def test_an_act_adding_beneficiaries_answers_with_the_total_it_states(archive_assistant) -> None:
    """« Combien de bénéficiaires compte le parcours … après la délibération … ? » is answered with the
    names the act adds and the total it states (« compte désormais … »)."""
    from evals.archive import number_fr

    archive, assistant = archive_assistant
    for act in [a for a in archive.acts if a.kind == "track_wave"]:
        answer = ask(assistant, f"Combien de bénéficiaires compte le parcours « {act.track} » après la délibération {act.reference} ?")
        assert answer.kind == "fact" and f"compte désormais {number_fr(act.beneficiaries_total)} bénéficiaires" in answer.answer
        assert {c.document for c in answer.citations} == {act.file}


def test_a_track_typed_plainly_that_no_act_is_about_is_not_another_tracks_answer(archive_assistant) -> None:
    """« le parcours ia biodiversite », lower case and unaccented: the unknown word follows a word of the
    tracks' subject, so it continues that name; the act adding beneficiaries to another track is not it."""
    archive, assistant = archive_assistant
    assert "bioxylophon" not in assistant.index.current().idf
    for question in ("Combien de bénéficiaires compte le parcours ia bioxylophonie ?",
                     "Quels bénéficiaires ont été ajoutés au parcours ia bioxylophonie ?"):
        answer = ask(assistant, question)
        assert answer.kind != "fact", question
