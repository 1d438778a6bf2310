"""Several acts in one index: the bundled corpus plus the SYNTHETIC development documents of
evals/corpora/multi (a second Bureau act, a Conseil act, a règlement, a convention model, a report).
A question is answered from the act it designates, or from each act; membership never says « non »
while an indexed act lists the commune; articles are found by number."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant.schemas import AskRequest, Turn

ROOT = Path(__file__).resolve().parent.parent
MULTI = ROOT / "evals" / "corpora" / "multi" / "documents"


@pytest.fixture(scope="module")
def acts(tmp_path_factory, embeddings):
    from assistant.services import build_assistant
    from assistant.config import Settings
    from ingest.pipeline import Ingestor

    root = tmp_path_factory.mktemp("acts")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    for path in MULTI.iterdir():
        shutil.copy(path, corpus / path.name)
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [], report.failed
    return build_assistant(settings, embeddings=embeddings)


def ask(assistant, question: str, history: list[str] | None = None):
    answer = assistant.ask(AskRequest(question=question, history=[Turn(question=q, answer="") for q in history or []]))
    for c in answer.citations:
        assert c.quote in assistant.passage(c.chunk_id).text
    return answer


def test_without_a_designation_each_act_gives_its_own_value(acts) -> None:
    answer = ask(acts, "Qui présidait la séance ?")
    assert answer.kind == "fact"
    for president in ("Patrick OLLIER", "Hélène MARCHAND-DUVAL", "Sylvie DARRIEUX-MOREL"):
        assert president in answer.answer
    assert len({c.document for c in answer.citations}) == 3


@pytest.mark.parametrize(
    "question, expected, absent",
    [
        ("Qui présidait la séance d'octobre ?", "Hélène MARCHAND-DUVAL", "Patrick OLLIER"),
        ("Qui présidait le Conseil ?", "Sylvie DARRIEUX-MOREL", "Hélène MARCHAND-DUVAL"),
        ("Qui était secrétaire pour le parcours énergie ?", "Bertrand LECLERCQ", "QUENTIN GESELL"),
        ("Combien de bénéficiaires pour la délibération BM2025/10/15/07 ?", "18 bénéficiaires", "26 bénéficiaires"),
        # « quand » asks for the séance's date even when the question names the vote
        ("Quand la délibération du Conseil a-t-elle été votée ?", "10 décembre 2025", "Vote"),
    ],
)
def test_the_designated_act_answers_alone(acts, question, expected, absent) -> None:
    answer = ask(acts, question)
    assert answer.kind == "fact" and expected in answer.answer and absent not in answer.answer


def test_two_acts_named_in_one_question_are_both_answered(acts) -> None:
    answer = ask(acts, "Qui a présidé la séance du Bureau du 15 octobre et celle du Conseil du 10 décembre ?")
    assert "Hélène MARCHAND-DUVAL" in answer.answer and "Sylvie DARRIEUX-MOREL" in answer.answer
    assert "Patrick OLLIER" not in answer.answer


def test_a_commune_listed_by_one_act_only_is_never_told_no(acts) -> None:
    answer = ask(acts, "Nanterre participe-t-elle ?")
    assert answer.kind == "membership" and not answer.answer.startswith("Non")
    assert "BM2025/10/15/07" in answer.answer
    named = ask(acts, "Nanterre participe-t-elle au parcours IA-Administration Interne des Collectivités ?")
    assert "figure en revanche" in named.answer and "BM2025/10/15/07" in named.answer


@pytest.mark.parametrize("question", ["Le Blanc-Mesnil fait partie du parcours mobilités ?",
                                      "Blanc-Mesnil est retenu pour le parcours mobilités ?"])
def test_a_leading_article_never_makes_a_listed_commune_missing(acts, question) -> None:
    assert ask(acts, question).answer.startswith("Oui")


@pytest.mark.parametrize("question", [
    "Qui préside le comité d'examen ?",
    "Quand la délibération du Conseil a-t-elle été publiée ?",
    "Quelles communes ont été retenues pour le parcours IA-Santé ?",
])
def test_a_field_is_not_given_for_a_question_about_something_else(acts, question) -> None:
    assert ask(acts, question).kind not in ("fact", "membership")


def test_a_follow_up_keeps_the_act_of_the_previous_question(acts) -> None:
    answer = ask(acts, "et la convocation ?", history=["Qui présidait le Conseil du 10 décembre ?"])
    assert answer.kind == "fact" and "3 décembre 2025" in answer.answer and "18 juin" not in answer.answer
    other = ask(acts, "et au parcours énergie ?", history=["Drancy participe-t-elle au parcours mobilités ?"])
    assert other.answer.startswith("Non") and "BM2025/10/15/07" in other.answer


def test_articles_are_found_by_number_and_a_missing_one_abstains(acts) -> None:
    answer = ask(acts, "Que dit l'article 8 du règlement ?")
    assert not answer.abstained and answer.citations[0].quote.startswith("Article 8")
    assert "reglement" in answer.citations[0].document
    assert ask(acts, "Que dit l'article 15 du règlement ?").abstained


@pytest.mark.parametrize("question", [
    "Sceaux participe-t-elle au parcours « IA-Santé » ?",
    "Bobigny est-elle retenue pour le parcours « IA-Culture » ?",
])
def test_membership_of_a_track_no_act_is_about_is_not_known_and_never_no(acts, question) -> None:
    """A track the corpus has no act about: « je ne sais pas », with what each indexed list says."""
    answer = ask(acts, question)
    assert answer.abstained and answer.answer.startswith("Je ne sais pas")
    assert "Non" not in answer.answer and "BM2025/06/24/12" in answer.answer and answer.citations


def test_a_word_no_list_names_does_not_hide_the_act_a_question_designates(acts) -> None:
    """« Lors de » is no subject: the question still designates the energy track's act."""
    answer = ask(acts, "Lors du parcours énergie, combien de bénéficiaires ont été retenus ?")
    assert answer.kind == "fact" and "18 bénéficiaires" in answer.answer and "26 bénéficiaires" not in answer.answer


def test_a_sentence_is_read_under_its_documents_title(acts) -> None:
    """« le règlement du programme » names the document: its sentence need only hold what is asked
    (the duration), not the title's words again (the title line was quoted before)."""
    answer = ask(acts, "Que prévoit le règlement du programme sur la durée de l'expérimentation ?")
    assert not answer.abstained and answer.citations[0].quote.startswith("Article 8 – Durée")


@pytest.mark.parametrize("question", [
    "Est-ce que Montreuil fait partie des communes retenues par la Métropole du Grand Paris ?",
    "Est-ce que Montreuil, commune de l'EPT Est Ensemble, a été retenue ?",
])
def test_a_capitalised_name_that_is_no_track_does_not_hide_the_lists(acts, question) -> None:
    answer = ask(acts, question)
    assert answer.kind == "membership" and not answer.abstained and "Montreuil" in answer.answer


def test_a_track_word_sharing_a_function_words_stem_still_counts(acts) -> None:
    """« environnement » stems as « environ »: no track of the corpus is about it, so never « Oui »."""
    answer = ask(acts, "Est-ce que Meudon a été retenue pour le parcours environnement ?")
    assert not answer.answer.startswith("Oui")


def test_a_when_clause_does_not_turn_a_who_question_into_a_date(acts) -> None:
    answer = ask(acts, "Quand le Bureau a sélectionné les communes, qui présidait la séance ?")
    assert answer.kind == "fact" and "présidée par" in answer.answer


def test_counts_of_beneficiaries_are_numbers_written_before_the_word() -> None:
    """The decision an act's count answer also quotes states a number of beneficiaries; a decision
    that only mentions them (« une convention avec chaque bénéficiaire », « le budget 2025 ») does not."""
    from assistant.acts import counts_beneficiaries, written_as_names

    assert counts_beneficiaries("PRÉCISE que le parcours compte désormais trente-six bénéficiaires.")
    assert counts_beneficiaries("au nombre de vingt et un bénéficiaires") and counts_beneficiaries("36 BENEFICIAIRES")
    assert not counts_beneficiaries("AUTORISE le Président à signer une convention avec chaque bénéficiaire")
    assert not counts_beneficiaries("DIT que les crédits sont inscrits au budget 2025 pour les bénéficiaires")
    assert not counts_beneficiaries("APPROUVE la liste des communes et bénéficiaires du parcours")
    # Names a question writes: capitals inside a sentence, quotes; not an inversion, a place, or capitals throughout.
    assert written_as_names("Combien de bénéficiaires compte-t-il, le parcours IA-Santé ?") == {"ia", "sant"}
    assert written_as_names("Quels bénéficiaires de Saint-Denis pour le parcours « Quartiers verts » ?") == {"quarti", "vert"}
    assert written_as_names("QUELLES COMMUNES SONT RETENUES POUR LE PARCOURS ENERGIE") == set()


@pytest.mark.parametrize(
    "names, kinds, expected, absent",
    [
        (["Bondy", "Sevran", "Pantin"], ["commune"] * 3, "3 bénéficiaires sont retenus par", ["EPT", "communes et"]),
        (["Bondy"], ["commune"], "1 bénéficiaire est retenu par", ["bénéficiaires", "EPT"]),
        (["Bondy", "Est Ensemble"], ["commune", "EPT"], "2 bénéficiaires sont retenus par la délibération BM2030/01/02/03 : 1 commune et 1 EPT", []),
    ],
)
def test_a_count_answer_names_only_the_kinds_the_list_holds(names, kinds, expected, absent) -> None:
    """A list of communes alone is not « 3 communes et 0 EPT »; one beneficiary is singular."""
    from assistant.record_answers import RecordAnswerer
    from assistant.records import Beneficiary, DeliberationRecord

    record = DeliberationRecord(doc_id="d", reference="BM2030/01/02/03",
                                beneficiaries=[Beneficiary(name=n, kind=k) for n, k in zip(names, kinds)])
    text, field = RecordAnswerer(view=None)._fact_text("count", record)
    assert field == "beneficiaries" and expected in text and not any(a in text for a in absent)


def test_a_list_answer_groups_names_by_kind_in_the_right_number() -> None:
    from assistant.record_answers import RecordAnswerer
    from assistant.records import Beneficiary, DeliberationRecord

    record = DeliberationRecord(doc_id="d", beneficiaries=[Beneficiary(name="Bondy"), Beneficiary(name="Sevran"),
                                                           Beneficiary(name="Est Ensemble", kind="EPT")])
    text, _ = RecordAnswerer(view=None)._fact_text("list", record)
    assert "Communes : Bondy, Sevran." in text and "EPT : Est Ensemble." in text
    record.beneficiaries = record.beneficiaries[:1]
    assert "Commune : Bondy." in RecordAnswerer(view=None)._fact_text("list", record)[0]
