"""The offline default's three outcomes (``assistant/outcomes.py``): a direct answer only when the
quoted sentence carries what is asked, otherwise the closest passages, and « je ne sais pas » only
when nothing is about the question. Passages in the unit tests are synthetic; the end-to-end ones
use the real bundled corpus."""

from __future__ import annotations

import re

import pytest

from assistant.outcomes import CLOSEST_HEADER, MAX_CLOSEST_CHARS, closest_passages, counted_noun, why_not_direct
from assistant.question import analyse, specifics_of
from assistant.schemas import Citation, Passage


def cite(quote: str) -> Citation:
    return Citation(n=1, document="doc.md", title="Règlement (synthétique)", chunk_id="c", quote=quote)


@pytest.mark.parametrize(("question", "names"), [
    ("Nanterre est-elle retenue ?", ("Nanterre",)),
    ("Un CCAS peut-il candidater ?", ("CCAS",)),
    ("Est-ce que Est Ensemble participe au parcours « IA-Mobilités » ?", ("IA-Mobilités", "Est Ensemble")),
    ("Quelle est la date du webinaire de 2025 ?", ("2025",)),
    ("Qui présidait la séance du Conseil de la Métropole du Grand Paris ?", ()),
    ("La délibération BM2025/06/24/12 porte sur quoi ?", ()),
])
def test_the_specifics_of_a_question(question: str, names: tuple[str, ...]) -> None:
    assert set(specifics_of(question)) == set(names)


def test_a_quote_without_the_asked_type_or_the_named_commune_is_not_a_direct_answer() -> None:
    when = analyse("Quand le webinaire d'information a-t-il lieu ?")
    assert why_not_direct(when, [cite("Le webinaire présente le programme aux communes.")], [""]) is not None
    assert why_not_direct(when, [cite("Le webinaire a lieu le 16 octobre 2025 à 10 h.")], [""]) is None
    who = analyse("Est-ce que Nanterre doit signer la convention avant le 13 février 2026 ?")
    reason = why_not_direct(who, [cite("Les conventions sont signées au plus tard le 13 février 2026.")], [""])
    assert reason is not None and "Nanterre" in reason
    # The commune named by the section heading or the act's record counts.
    assert why_not_direct(who, [cite("Les conventions sont signées au plus tard le 13 février 2026.")],
                          ["Bénéficiaires : Nanterre, Pantin"]) is None


def test_a_question_that_asks_two_things_needs_both() -> None:
    both = analyse("Qui préside le comité et quand se réunit-il ?")
    assert why_not_direct(both, [cite("La réunion a lieu le 3 décembre 2025.")], [""]) is not None
    assert why_not_direct(both, [cite("La réunion a lieu le 3 décembre 2025."),
                                 cite("Le comité est présidé par Jeanne Martin.")], ["", ""]) is None


def test_the_closest_passages_are_never_worded_as_an_answer_and_are_capped() -> None:
    long = " ".join(["Le comité d'examen se réunit pour examiner les dossiers des communes candidates."] * 20)
    passages = [Passage(chunk_id=f"c{i}", text=long, metadata={"title": f"Note {i} (synthétique)", "doc_id": f"d{i}",
                                                               "section": "Comité"}) for i in range(5)]
    draft = closest_passages(analyse("Qui siège au comité d'examen ?"), passages)
    assert draft.answer.startswith(CLOSEST_HEADER) and draft.abstained
    assert 1 <= len(draft.citations) <= 3
    quoted = re.findall(r"« (.*?) » \[\d\]", draft.answer, flags=re.S)
    assert sum(len(q) for q in quoted) <= MAX_CLOSEST_CHARS
    assert all(c.quote in long for c in draft.citations)  # verbatim


def test_the_three_outcomes_on_the_bundled_corpus(assistant) -> None:
    direct = assistant.ask("Quelles sont les trois phases du programme ?")
    assert direct.outcome == "answer" and not direct.abstained
    closest = assistant.ask("Combien coûte la participation au programme pour une commune ?")
    assert closest.outcome == "closest" and closest.abstained and closest.answer.startswith(CLOSEST_HEADER)
    assert closest.citations and all(c.quote in assistant.passage(c.chunk_id).text for c in closest.citations)
    nothing = assistant.ask("Quelle est la recette de la tarte tatin ?")
    assert nothing.outcome == "none" and nothing.abstained and nothing.citations == []
    assert nothing.answer.startswith("Je ne sais pas")


def test_a_count_must_say_what_it_counts() -> None:
    files = analyse("Combien de dossiers ont été reçus pour le parcours logistique ?")
    other = cite("Sont désignés bénéficiaires du parcours logistique, au nombre de douze : Aubervilliers, Bagnolet.")
    assert "dossiers" in (why_not_direct(files, [other], [""]) or "")
    assert why_not_direct(files, [cite("Vingt et un dossiers ont été reçus pour le parcours logistique.")], [""]) is None
    # A label of the question's words on the figure counts too (« Contre : 9 »); a duration is no count.
    against = analyse("Combien d'élus ont voté contre la délibération ?")
    assert why_not_direct(against, [cite("Pour : 142 ; Contre : 9 ; Abstentions : 6.")], [""]) is None
    assert counted_noun("Combien de temps dure le parcours ?") is None


def test_a_question_line_or_an_unrelated_visa_is_never_a_direct_answer() -> None:
    when = analyse("Jusqu'à quand peut-on déposer un dossier ?")
    assert "question" in (why_not_direct(when, [cite("Peut-on déposer un dossier après le 21 novembre 2025 ?")], [""]) or "")
    total = analyse("La note est sur combien ?")
    visa = cite("Vu la loi n°2015-991 du 7 août 2015 portant nouvelle organisation territoriale de la République (NOTRe),")
    assert "visa" in (why_not_direct(total, [visa], [""]) or "")
    # A visa that holds what is asked answers (« Vu l'avis du comité de sélection réuni le 3 décembre 2025 »).
    met = analyse("Le comité de sélection s'est réuni à quelle date ?")
    assert why_not_direct(met, [cite("Vu l'avis du comité de sélection réuni le 3 décembre 2025,")], [""]) is None


def test_an_faq_answer_is_quoted_not_its_question(assistant) -> None:
    """The sentence after an FAQ's question line is read with the question's words."""
    faq = Passage(chunk_id="faq", text=("Faut-il acheter des capteurs de température ? Non. La Métropole prête vingt "
                                        "appareils par bâtiment pilote."),
                  metadata={"title": "FAQ (synthétique)", "doc_id": "faq", "section": "Questions"})
    draft = assistant.extractive.generate("Faut-il acheter des capteurs ?", [faq])
    assert draft.citations and not draft.citations[0].quote.rstrip().endswith("?")


def test_the_relevance_floor_is_the_one_that_best_separates_the_dev_questions() -> None:
    from assistant.abstention import Evidence
    from evals.calibrate import calibrate_floor, says_none

    def row(coverage: float, must: bool) -> dict:
        evidence = Evidence(coverage=coverage, missing=set(), unknown=set(), similarity=0.85, typed=True,
                            terms={"comit"}, keyword_hit=True)
        return {"hard": None, "evidence": evidence, "must_abstain": must, "english": False}

    rows = [row(c, False) for c in (0.32, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0, 1.0)]
    rows += [row(c, True) for c in (0.05, 0.15, 0.24, 0.6)]
    floor, table = calibrate_floor({"synthetic": rows})
    assert floor == 0.25  # keeps every answerable one, stops three of the four outside the corpus
    assert not any(says_none(r, floor) for r in rows[:10])
    assert table[0.2]["synthetic"]["outside_none"] == pytest.approx(2 / 4)
