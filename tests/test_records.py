"""Structured deliberation records: the real act, and a SYNTHETIC act of another layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ingest.chunking import chunk_document, looks_like_deliberation
from ingest.loaders import LoadedDocument, load_file
from ingest.records import extract_record
from tests.conftest import BENEFICIARIES, DELIB_MD, DELIB_PDF


def _record(doc: LoadedDocument, doc_id: str = "doc"):
    chunks = chunk_document(doc, doc_id, "t", deliberation=True, chunk_size=1200, chunk_overlap=150)
    return extract_record(doc_id, doc.text, chunks), chunks


@pytest.mark.parametrize("path", [DELIB_MD, DELIB_PDF], ids=["md", "pdf"])
def test_real_deliberation_record(path: Path) -> None:
    doc = load_file(path)
    record, chunks = _record(doc)
    assert record.reference == "BM2025/06/24/12"
    assert record.body == "Bureau"
    assert record.session_date == date(2025, 6, 24)  # the act writes « 24 JUN 2025 »
    assert record.convocation_date == date(2025, 6, 18)
    assert record.president == "Patrick OLLIER"
    assert record.secretary == "QUENTIN GESELL"
    assert record.councillors_in_office == 43
    assert record.subject.startswith("OUVERTURE DU PARCOURS")
    assert [b.name for b in record.beneficiaries] == BENEFICIARIES
    assert {b.name for b in record.beneficiaries if b.kind == "EPT"} == {
        "Boucle Nord de Seine", "Grand Orly Seine Bièvre", "Paris Ouest La Défense", "Vallée Sud Grand Paris"
    }
    assert "Reuil Malmaison" in [b.name for b in record.beneficiaries]  # verbatim, typo kept
    assert [d.verb for d in record.decisions] == ["APPROUVE", "AUTORISE"]
    assert "UNANIMITÉ" in record.vote
    assert len(record.visas) == 13
    launch = [v for v in record.visas if "CM2025/04/07/19-2" in v.references]
    assert launch and "lancement du programme" in launch[0].text
    assert any("loi n°2014-58" in r for v in record.visas for r in v.references)
    # Each field's evidence is the passage that states it, inside the chunk it cites.
    by_id = {c.chunk_id: c for c in chunks}
    expected_in_quote = {
        "reference": "BM2025/06/24/12 : OUVERTURE",
        "president": "PRÉSIDENT DE SÉANCE : Patrick OLLIER",
        "secretary": "SECRÉTAIRE DE SÉANCE : QUENTIN GESELL",
        "convocation_date": "CONVOCATION : 18 juin 2025",
        "session_date": "24 JUN 2025",
        "councillors_in_office": "EN EXERCICE : 43",
        "beneficiaries": "APPROUVE la liste des communes bénéficiaires",
        "vote": "UNANIMITÉ",
    }
    for field, needle in expected_in_quote.items():
        ev = record.evidence[field]
        assert needle in ev.quote.replace("\n", " "), field
        assert ev.quote in by_id[ev.chunk_id].text, field
    if path.suffix == ".pdf":
        assert record.evidence["president"].page == 1
        assert record.evidence["beneficiaries"].page == 2


SYNTHETIC_MUNICIPAL = """VILLE FICTIVE-SUR-SEINE
EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL

Délibération n° 2024-045
Séance du 12 mars 2024
Objet : Adhésion à un groupement de commandes (texte SYNTHÉTIQUE de test)

Sous la présidence de M. Jean DURAND, Maire

Le Conseil municipal,

Vu le code général des collectivités territoriales,

Considérant l'intérêt de mutualiser les achats,

DÉCIDE d'adhérer au groupement de commandes.

Adopté à la majorité : Pour : 25, Contre : 3
"""


def test_other_layout_degrades_gracefully() -> None:
    doc = LoadedDocument(text=SYNTHETIC_MUNICIPAL, format="txt")
    assert looks_like_deliberation(doc.text)
    record, _ = _record(doc)
    assert record.reference == "2024-045"
    assert record.subject.startswith("Adhésion à un groupement")
    assert record.president == "Jean DURAND"
    assert record.body == "Conseil municipal"
    assert [d.verb for d in record.decisions] == ["DÉCIDE"]
    assert record.vote and "majorité" in record.vote
    # Absent from this layout: left empty, never guessed.
    assert record.secretary is None
    assert record.convocation_date is None
    assert record.councillors_in_office is None
    assert record.beneficiaries == []


def _synthetic(text: str):
    return _record(LoadedDocument(text=text, format="txt"))[0]


# SYNTHETIC layouts that tempt the extractor into a wrong value: it must leave the field empty.
def test_a_reference_cited_in_a_visa_is_not_the_act_reference() -> None:
    r = _synthetic("DÉLIBÉRATION N° 2025-45\nSéance du conseil\n\nVu la délibération CM2021/03/01/7 : plan climat,\n\n"
                   "Considérant que,\n\nDÉCIDE d'approuver.\n")
    assert r.reference == "2025-45" and r.subject is None


def test_session_date_does_not_take_the_convocation_date() -> None:
    r = _synthetic("EXTRAIT\nSÉANCE DU BUREAU METROPOLITAIN\nDATE DE LA CONVOCATION : 17 juin 2025\n\nVu le code,\n\n"
                   "Considérant que,\n\nDÉCIDE d'approuver.\n")
    assert r.session_date is None and r.convocation_date == date(2025, 6, 17)


def test_a_date_in_a_visa_is_not_the_session_date() -> None:
    r = _synthetic("DÉLIBÉRATION N° 2025-12\nVu la délibération adoptée en séance du 12 mars 2019,\n\n"
                   "Considérant que,\n\nDÉCIDE d'approuver.\n")
    assert r.session_date is None


def test_session_date_conflicting_with_reference_is_left_empty() -> None:
    r = _synthetic("SÉANCE DU BUREAU DU 25 JUIN 2025\n\nBM2025/06/24/12 : OBJET FICTIF\n\nVu le code,\n\nDÉCIDE.\n")
    assert r.reference == "BM2025/06/24/12" and r.session_date is None and r.warnings


def test_an_empty_label_takes_no_value_from_the_next_line() -> None:
    r = _synthetic("EXTRAIT\nPRÉSIDENT DE SÉANCE :\nSECRÉTAIRE DE SÉANCE : Mme Claire MARTIN\n\nVu le code,\n\n"
                   "Considérant que,\n\nDÉCIDE d'approuver.\n")
    assert r.president is None and r.secretary == "Claire MARTIN"


def test_only_an_announced_list_gives_beneficiaries() -> None:
    r = _synthetic("EXTRAIT\n\nVu le code,\n\nAPPROUVE la liste des communes lauréates figurant en annexe, pour un "
                   "montant total de : 300 000 €, versé en 2025.\n")
    assert r.beneficiaries == []
    r = _synthetic("EXTRAIT\n\nVu le code,\n\nAPPROUVE la liste des communes suivantes : Antony, Sceaux et Vanves.\n"
                   "Précise que le montant est fixé à 5 000 € par commune.\n")
    assert [b.name for b in r.beneficiaries] == ["Antony", "Sceaux", "Vanves"]


@pytest.mark.parametrize("listed, expected", [
    ("Antony, Paris Est Marne et Bois (EPT) et Sceaux", ["Antony", "Paris Est Marne et Bois", "Sceaux"]),
    ("Antony et Paris Est Marne et Bois (EPT)", ["Antony", "Paris Est Marne et Bois"]),
    ("Antony et Sceaux", ["Antony", "Sceaux"]),
])
def test_a_name_holding_et_is_one_beneficiary(listed, expected) -> None:
    """« et » joins the last names of a list, and is also part of the name of an EPT: the table of the
    Métropole tells which."""
    r = _synthetic(f"EXTRAIT\n\nVu le code,\n\nAPPROUVE la liste des communes suivantes : {listed}.\n")
    assert [b.name for b in r.beneficiaries] == expected


@pytest.mark.parametrize("listed, expected", [
    ("Antony, l'EPT Paris Est Marne et Bois et Sceaux",
     [("Antony", "commune"), ("Paris Est Marne et Bois", "EPT"), ("Sceaux", "commune")]),
    ("l’établissement public territorial Est Ensemble et la commune de Sceaux",
     [("Est Ensemble", "EPT"), ("Sceaux", "commune")]),
    ("Villejuif, la ville d'Antony et Ville-d'Avray", [("Villejuif", "commune"), ("Antony", "commune"), ("Ville-d'Avray", "commune")]),
    # Without its article « Ville » is part of a name; « du », « des » hold the name's own article.
    ("Sèvres, Ville d'Avray et Chaville", [("Sèvres", "commune"), ("Ville d'Avray", "commune"), ("Chaville", "commune")]),
    ("la commune du Plessis-Robinson et la commune des Lilas", [("Le Plessis-Robinson", "commune"), ("Les Lilas", "commune")]),
    ("Bondy et l'Établissement public territorial Est Ensemble", [("Bondy", "commune"), ("Est Ensemble", "EPT")]),
    ("l'EPT Est Ensemble et la Ville de Bondy", [("Est Ensemble", "EPT"), ("Bondy", "commune")]),
    # An act typed in capitals: « ET » ends the list too, and a joined name keeps it as written.
    ("ANTONY, PARIS EST MARNE ET BOIS (EPT) ET LA COMMUNE DE SCEAUX",
     [("ANTONY", "commune"), ("PARIS EST MARNE ET BOIS", "EPT"), ("SCEAUX", "commune")]),
])
def test_a_name_written_with_its_kind_in_front_is_the_bare_name_of_that_kind(listed, expected) -> None:
    """« l'EPT X », « la commune de Y »: the kind is read, the name kept bare (as the Métropole's table
    and the questions write it), and « et » before such a name still ends the list."""
    r = _synthetic(f"EXTRAIT\n\nVu le code,\n\nAPPROUVE la liste des bénéficiaires suivants : {listed}.\n")
    assert [(b.name, b.kind) for b in r.beneficiaries] == expected


def test_a_list_longer_than_a_chunk_is_read_whole() -> None:
    names = ", ".join(f"Commune{i}-sur-Marne" for i in range(80))
    doc = LoadedDocument(text=f"EXTRAIT\n\nVu le code,\n\nAPPROUVE la liste des communes suivantes : {names}.\n", format="txt")
    chunks = chunk_document(doc, "x", "t", deliberation=True, chunk_size=400, chunk_overlap=50)
    record = extract_record("x", doc.text, chunks)
    assert len(record.beneficiaries) == 80 and record.beneficiaries[-1].name == "Commune79-sur-Marne"


def test_vote_lines_form_one_vote() -> None:
    r = _synthetic("EXTRAIT\n\nVu le code,\n\nDÉCIDE d'approuver.\n\nADOPTÉ À LA MAJORITÉ\nPour : 20\nContre : 5\n"
                   "Abstentions : 0\n")
    assert r.vote == "ADOPTÉ À LA MAJORITÉ; Pour : 20; Contre : 5; Abstentions : 0"


def test_body_and_president_only_from_the_header() -> None:
    r = _synthetic("MÉTROPOLE DU GRAND PARIS\nSéance du 3 avril 2025\nVu la délibération du Conseil municipal de "
                   "Vincennes du 2 février 2025,\n\nConsidérant que la commune, placée sous la présidence de la "
                   "Métropole, a candidaté,\n\nDÉCIDE d'approuver.\n")
    assert r.body is None and r.president is None
    assert r.session_date == date(2025, 4, 3)


def test_session_date_on_the_next_paragraph_is_read() -> None:
    """A DOCX writes each header line as a paragraph: the date follows after a blank line."""
    r = _synthetic("SÉANCE DU BUREAU DE LA MÉTROPOLE DU GRAND PARIS\n\nDU JEUDI 3 JUIN 2021\n\n"
                   "BM2021/06/03/01 : OBJET FICTIF\n\nVu le code,\n\nDÉCIDE.\n")
    assert r.session_date == date(2021, 6, 3) and not r.warnings


def test_a_compound_question_on_an_act_answers_each_part_it_can(assistant) -> None:
    """Offline, from the act's record: each part answered with its own citation; a part the records
    cannot answer is named, not guessed."""
    both = assistant.ask("Qui présidait la séance du Bureau du 24 juin 2025 et qui en était le secrétaire ?")
    assert both.kind == "fact" and "Patrick OLLIER" in both.answer and "QUENTIN GESELL" in both.answer
    assert [c.n for c in both.citations] == [1, 2] and "[1]" in both.answer and "[2]" in both.answer
    half = assistant.ask("Quand a eu lieu la séance du Bureau et qui a gagné le prix ?")
    assert "24 juin 2025" in half.answer and "Je n'ai pas trouvé" in half.answer and "« qui a gagné le prix »" in half.answer
