"""Follow-ups that switch what the previous question designates (act, track, document), without a
model: what was asked is kept, what it designates changes. The two-act corpus is the bundled one
plus a SYNTHETIC second deliberation (tests/test_forms_tracks.py)."""

from __future__ import annotations

import pytest

from assistant.follow_ups import switch_document, switch_track
from assistant.schemas import Turn
from assistant.text import tokenize
from tests.test_forms_tracks import FIRST_TRACK, SECOND_REF, SECOND_TRACK, assistant2, two_acts  # noqa: F401 (fixtures)


@pytest.mark.parametrize(("previous", "fragment", "expected"), [
    ("Quel est le délai de préavis pour résilier la convention d'engagement ?", "dans le règlement",
     "Quel est le délai de préavis pour résilier le règlement ?"),
    ("Que dit l'article 4 du règlement ?", "dans la convention", "Que dit l'article 4 de la convention ?"),
    ("Combien d'articles compte le règlement ?", "convention", "Combien d'articles compte la convention ?"),
    ("Que prévoit la délibération sur les conventions ?", "l'avenant", None),  # no kind of document named
    ("Qui est le rapporteur ?", "dans la convention", None),
])
def test_a_follow_up_naming_another_document_asks_the_same_of_it(previous, fragment, expected) -> None:
    assert switch_document(previous, fragment) == expected


def test_a_follow_up_naming_another_track_replaces_the_track_only() -> None:
    terms = set(tokenize("énergie des bâtiments publics, mobilités et logistique urbaine"))
    assert (switch_track("On a jusqu'à quand pour signer la convention du parcours énergie ?", "le parcours mobilités", terms)
            == "On a jusqu'à quand pour signer la convention du parcours mobilités ?")
    assert switch_track("Qui signe ?", "le parcours mobilités", terms) is None


def test_the_other_track_is_the_one_the_previous_question_did_not_name(assistant2) -> None:  # noqa: F811
    about_second = f"Combien de bénéficiaires compte le parcours {SECOND_TRACK} ?"
    other = assistant2.standalone_question("Et pour l'autre parcours ?", [Turn(question=about_second, answer="")])
    assert FIRST_TRACK in other and SECOND_TRACK not in other and other.startswith("Combien de bénéficiaires")
    back = assistant2.standalone_question("et pour l'autre délibération ?", [Turn(question=other, answer="")])
    assert SECOND_TRACK in back and FIRST_TRACK not in back
    by_reference = assistant2.standalone_question("Et pour l'autre délibération ?",
                                                  [Turn(question=f"Qui présidait la séance de la {SECOND_REF} ?", answer="")])
    assert by_reference == "Qui présidait la séance de la BM2025/06/24/12 ?"
