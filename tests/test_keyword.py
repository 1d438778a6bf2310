"""French keyword index: stemming, accents, references, filtering, persistence."""

from __future__ import annotations

import math
import random

import pytest

from assistant.components import keyword as keyword_module
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
    index.save(tmp_path / "kw", tmp_path / "segments")
    loaded = KeywordIndex.load(tmp_path / "kw", tmp_path / "segments")
    assert loaded.chunk_ids == ["a", "b", "c"]
    assert loaded.search("Vincennes")[0][0] == "b"


def test_empty_index() -> None:
    empty = KeywordIndex.build([], [])
    assert len(empty) == 0 and empty.search("programme") == []


def test_scores_are_bm25_lucene() -> None:
    """k1 = 1.5, b = 0.75, idf = ln(1 + (N - df + 0.5) / (df + 0.5)), as bm25s computed them."""
    index = KeywordIndex.build(["x", "y", "z"], [tokenize("vote vote budget"), tokenize("budget"), tokenize("séance lieu")])
    avg = (3 + 1 + 2) / 3
    idf_vote = math.log(1 + (3 - 1 + 0.5) / 1.5)
    idf_budget = math.log(1 + (3 - 2 + 0.5) / 2.5)
    expected_x = idf_vote * 2 / (2 + 1.5 * (0.25 + 0.75 * 3 / avg)) + idf_budget * 1 / (1 + 1.5 * (0.25 + 0.75 * 3 / avg))
    (first, score), *_ = index.search("vote budget")
    assert first == "x" and score == pytest.approx(expected_x)


def _random_corpus(rng: random.Random, n: int, prefix: str) -> dict[str, list[str]]:
    words = [f"mot{i}" for i in range(40)]
    return {f"{prefix}{i}": [rng.choice(words) for _ in range(rng.randint(1, 12))] for i in range(n)}


def test_updates_in_place_score_as_a_full_rebuild(tmp_path, monkeypatch) -> None:
    """Many small commits (additions, changes, deletions), with merges and compactions on the way,
    give the scores and the order a rebuild of the same chunks gives; saved and loaded between
    commits, as generations are."""
    monkeypatch.setattr(keyword_module, "MAX_SEGMENTS", 3)
    rng = random.Random(3)
    live = _random_corpus(rng, 30, "a")
    index = KeywordIndex.build(list(live), list(live.values()))
    gone: dict[str, list[str]] = {}
    for step in range(12):
        removed = set(rng.sample(sorted(live), 4))
        for cid in removed:
            gone[cid] = live.pop(cid)
        added = _random_corpus(rng, rng.randint(0, 6), f"s{step}-")
        back = rng.sample(sorted(gone), min(2, len(gone)))  # documents put back as they were
        added.update({cid: gone.pop(cid) for cid in back})
        live.update(added)
        index = index.updated(removed, list(added.items()))
        index.save(tmp_path / f"gen{step}", tmp_path / "segments")
        index = KeywordIndex.load(tmp_path / f"gen{step}", tmp_path / "segments")
        assert len(index.segments) <= 3
        rebuilt = KeywordIndex.build(list(index.chunk_ids), [live[c] for c in index.chunk_ids])
        assert sorted(index.chunk_ids) == sorted(live) and index.vocabulary == rebuilt.vocabulary
        for query in ("mot1 mot2", "mot7", "mot3 mot3 mot30", "mot39 mot0 mot12"):
            got, want = index.search(query, k=8), rebuilt.search(query, k=8)
            assert got and [c for c, _ in got] == [c for c, _ in want]
            assert [s for _, s in got] == pytest.approx([s for _, s in want])
    assert len(index.deleted) < len(index.chunk_ids)  # dead rows do not pile up


def test_a_commit_writes_only_the_new_segment(tmp_path) -> None:
    texts = {f"c{i}": tokenize(f"passage numéro {i} sur la commune de Sceaux") for i in range(50)}
    index = KeywordIndex.build(list(texts), list(texts.values()))
    index.save(tmp_path / "g1", tmp_path / "segments")
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "segments").iterdir()}
    index = index.updated(set(), [("new", tokenize("nouvelle délibération à Vanves"))])
    index.save(tmp_path / "g2", tmp_path / "segments")
    after = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "segments").iterdir()}
    assert len(after) == 2 and all(after[name] == stamp for name, stamp in before.items())
    assert index.search("Vanves")[0][0] == "new"
