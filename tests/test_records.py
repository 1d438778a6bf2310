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
    # Each field's evidence is a verbatim quote of the chunk it cites.
    by_id = {c.chunk_id: c for c in chunks}
    for field in ("reference", "president", "secretary", "convocation_date", "session_date", "beneficiaries", "vote",
                  "councillors_in_office"):
        ev = record.evidence[field]
        assert ev.quote and ev.quote in by_id[ev.chunk_id].text, field
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
