"""French keyword index: stemming, accents, references, filtering, persistence."""

from __future__ import annotations

from assistant.components.keyword import KeywordIndex
from assistant.text import tokenize

# SYNTHETIC passages.
TEXTS = {
    "a": "Vu la délibération CM2025/04/07/19-2 approuvant le lancement du programme",
    "b": "Les communes bénéficiaires sont Antony et Vincennes.",
    "c": "Deux jours d'ateliers destinés aux agents et aux élus.",
}


def _index() -> KeywordIndex:
    return KeywordIndex.build(list(TEXTS), [tokenize(t) for t in TEXTS.values()])


def test_accents_inflections_and_references_match() -> None:
    index = _index()
    assert index.search("deliberation qui a lance le programme")[0][0] == "a"  # no accents typed
    assert index.search("bénéficiaire")[0][0] == "b"  # singular finds plural
    assert index.search("CM2025/04/07/19-2")[0][0] == "a"
    assert index.search("atelier pour les élus")[0][0] == "c"
    assert index.search("météo de demain") == []


def test_allowed_ids_filter_and_persistence(tmp_path) -> None:
    index = _index()
    assert [cid for cid, _ in index.search("communes Vincennes", allowed={"a", "c"})] == []
    index.save(tmp_path / "kw")
    loaded = KeywordIndex.load(tmp_path / "kw")
    assert loaded.chunk_ids == ["a", "b", "c"]
    assert loaded.search("Vincennes")[0][0] == "b"


def test_empty_index() -> None:
    empty = KeywordIndex.build([], [])
    assert len(empty) == 0 and empty.search("programme") == []
