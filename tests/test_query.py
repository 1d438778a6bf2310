"""Question normalisation, key terms, fuzzy names and the EPT reference table."""

from __future__ import annotations

import pytest

from assistant.communes import (
    capture_names, ept_members, ept_of, find_names_in_text, match_name, metropole_communes, official_name,
)
from assistant.query import is_follow_up, key_terms, normalise_question
from assistant.question import has_answer_type
from tests.conftest import BENEFICIARIES


def test_normalisation_keeps_references_and_expands_abbreviations() -> None:
    text = normalise_question("L’EPT  et la MGP : que dit la délibération BM2025/06/24/12 (CM2025/04/07/19-2) ?")
    assert "BM2025/06/24/12" in text and "CM2025/04/07/19-2" in text
    assert "établissement public territorial" in text and "Métropole du Grand Paris" in text
    assert "’" not in text and "  " not in text


def test_key_terms_ignore_question_words_and_answer_type_cues() -> None:
    # No list of our corpus's words: « programme » stays a term (the index weighs it), question
    # words and the cues of the answer type (« date », « délai », « combien ») do not.
    assert key_terms("Quel est le budget du programme ?") == {"budget", "programm"}
    assert key_terms("Quelle est la date limite de dépôt ?") == {"limit", "depot"}
    assert key_terms("Combien de temps dure la formation ?") == {"format"}
    assert key_terms("Quelles lois sont visées ?") == {"loi", "vu"}


def test_follow_up_detection() -> None:
    assert is_follow_up("et Sceaux ?") and is_follow_up("Et pour Vanves ?")
    assert not is_follow_up("Quelles sont les phases du programme d'expérimentation ?")


def test_fuzzy_names() -> None:
    assert [m.name for m in match_name("Rueil-Malmaison", BENEFICIARIES)] == ["Reuil Malmaison"]
    assert [m.name for m in match_name("st denis", BENEFICIARIES)] == ["Saint-Denis"]
    assert [m.name for m in match_name("aulnay", BENEFICIARIES)] == ["Aulnay-sous-Bois"]
    assert match_name("Saint-Maur-des-Fossés", BENEFICIARIES) == []
    found = find_names_in_text("Est-ce que la ville de Saint-Maur participe ?", BENEFICIARIES)
    assert found == []  # « Saint » alone is not a prefix match for Saint-Denis
    found = find_names_in_text("Est-ce que Clichy-sous-Bois participe ?", BENEFICIARIES)
    assert [m.name for m in found] == ["Clichy-sous-Bois"]
    assert capture_names("Est-ce que Clamart participe au parcours ?") == ["Clamart"]
    assert capture_names("Est-ce que Saint-Denis, Bobigny et Créteil participent ?") == ["Saint-Denis", "Bobigny", "Créteil"]


def test_reference_table_of_the_metropole() -> None:
    """130 communes: Paris and the eleven EPT (Saint-Denis and Pierrefitte merged in 2025)."""
    source, table = ept_members()
    assert len(table) == 11 and len(metropole_communes()) == 130
    assert sum(len(v) for v in table.values()) == 129 and "Paris" in metropole_communes()
    assert {"Boucle Nord de Seine", "Paris Ouest La Défense", "Vallée Sud Grand Paris", "Grand Orly Seine Bièvre"} <= set(table)
    assert ept_of("clamart") == ("Vallée Sud Grand Paris", "Clamart")
    assert ept_of("Reuil Malmaison") == ("Paris Ouest La Défense", "Rueil-Malmaison")
    assert ept_of("Bobigny") == ("Est Ensemble", "Bobigny")
    assert ept_of("Paris") is None and official_name("Paris") == "Paris"
    assert "décret" in source


@pytest.mark.parametrize("typed, official", [
    ("Rueil", "Rueil-Malmaison"), ("rueil malmaison", "Rueil-Malmaison"), ("Reuil Malmaison", "Rueil-Malmaison"),
    ("st maur", "Saint-Maur-des-Fossés"), ("Saint Ouen", "Saint-Ouen-sur-Seine"), ("creteil", "Créteil"),
    ("L Hay les roses", "L'Haÿ-les-Roses"), ("Pierrefitte", "Saint-Denis"), ("Clichy", "Clichy-la-Garenne"),
    ("Clichy sous bois", "Clichy-sous-Bois"), ("Nanterre", "Nanterre"), ("Blanc-Mesnil", "Le Blanc-Mesnil"),
    ("Villeneuve", None), ("Lyon", None),
])
def test_a_commune_is_recognised_as_agents_type_it(typed, official) -> None:
    assert official_name(typed) == official


def test_a_place_named_with_a_common_word_is_found_and_a_common_word_is_no_place() -> None:
    communes = list(metropole_communes())
    for question in ("Ville-d'Avray est-elle bénéficiaire du parcours ?", "La commune de Ville-d'Avray participe-t-elle ?"):
        assert capture_names(question) == ["Ville-d'Avray"]
        assert [m.name for m in find_names_in_text(question, communes)] == ["Ville-d'Avray"]
    # « pris » is one letter away from « Paris », but a lowercase word is no misspelt name...
    assert find_names_in_text("Il faut combien de points pour être pris ?", communes) == []
    # ... while a capitalised misspelling, or a lowercase exact name, still is one.
    assert [m.name for m in find_names_in_text("Reuil-Malmaison est retenue ?", communes)] == ["Rueil-Malmaison"]
    assert [m.name for m in find_names_in_text("livry gargan est sélectionnée ?", communes)] == ["Livry-Gargan"]


@pytest.mark.parametrize("text, expected", [
    ("au terme du quatrième mois de l'expérimentation", True), ("au plus tard le 4e mois", True),
    ("avant la fin du deuxième trimestre", True), ("la pièce maîtresse du dispositif", False),
])
def test_an_ordinal_answers_when(text, expected) -> None:
    assert has_answer_type("date", text) is expected and has_answer_type("duration", text) is expected


def test_an_ordinal_alone_is_no_number() -> None:
    assert not has_answer_type("number", "voir la troisième partie du règlement")


def test_dates_written_in_figures_are_named_dates() -> None:
    from assistant.question import named_dates

    assert named_dates("la séance du Conseil du 16/02/2021 : qui ?") == ((16, 2, 2021),)
    assert named_dates("le 07-07-2025") == ((7, 7, 2025),)
    for text in ("la délibération BM2025/06/24/12", "la délibération CM2025-12-10-04", "l'article 2.1.10",
                 "la version 3.2.2024"):
        assert named_dates(text) == (), text  # a reference or a numbering is no date


def test_a_quoted_name_is_read_without_our_abbreviation_expansion() -> None:
    """The question reaches retrieval with « IA » expanded inside the quotes; no title writes that."""
    from assistant.answering import normalise_question
    from assistant.question import quoted_names

    expanded = normalise_question("Que prévoit l'article 3 du règlement du parcours « IA-Îlots de fraîcheur » ?")
    assert "(" in expanded
    assert quoted_names(expanded) == ["IA-Îlots de fraîcheur"]


def test_a_count_of_journees_is_a_number_not_a_duration() -> None:
    from assistant.question import answer_type_of

    assert answer_type_of("combien de journées de formation sont organisées ?") == "number"
    assert answer_type_of("combien de jours faut-il ?") == "duration"


def test_a_share_of_a_cost_asks_a_proportion_not_an_amount() -> None:
    """« quelle part du coût » names a cost but is answered by « 30 % », which holds no sum of money."""
    from assistant.question import answer_type_of, has_answer_type

    assert answer_type_of("Quelle part du coût de la formation reste à la charge de la commune ?") == "proportion"
    assert answer_type_of("Quel est le taux de prise en charge ?") == "proportion"
    assert answer_type_of("Quel est le coût de la formation ?") == "amount"
    assert has_answer_type("proportion", "La Métropole prend en charge 30 % du coût.")
    assert has_answer_type("proportion", "la moitié des dépenses est remboursée")
    assert has_answer_type("proportion", "un taux horaire de 25 € de l'heure")  # a rate need not be a percentage
    assert not has_answer_type("proportion", "les tiers-lieux numériques du territoire")
    assert not has_answer_type("proportion", "une réunion d'un quart d'heure")


def test_an_abbreviation_is_found_as_written_or_as_its_expansion() -> None:
    """« IA-Santé » is written « IA » by the documents of one track and « intelligence artificielle »
    by others: either form satisfies the question's term, and neither is required on top of it."""
    from assistant.query import prefixes_of, term_found
    from assistant.text import tokenize

    terms = key_terms("Quels bénéficiaires ont été ajoutés au parcours IA-Santé ?")
    assert "ia" in terms and not {"intelligent", "artificiel"} & terms
    written = set(tokenize("le parcours « IA-Santé » compte treize bénéficiaires"))
    spelled = set(tokenize("le parcours d'intelligence artificielle en santé"))
    neither = set(tokenize("le parcours santé compte treize bénéficiaires"))
    for tokens, found in ((written, True), (spelled, True), (neither, False)):
        assert term_found("ia", tokens, prefixes_of(tokens)) is found


def test_a_list_question_asked_with_a_verb_of_inclusion_reads_the_list() -> None:
    from assistant.record_answers import detect_intent

    assert detect_intent("Quelles communes la délibération BM2024/01/08/19 a-t-elle ajoutées au parcours ?") == "list"
    assert detect_intent("Combien de communes ont été ajoutées au dispositif ?") == "count"
    assert detect_intent("Quelles communes ont un marché public ?") is None
    assert detect_intent("Quelles communes ont intégré un tiers-lieu ?") is None
