"""The verifier against answers a capable model wrote to the product's own prompts (``tests/data/
grounding_cases.json``, SYNTHETIC corpora, frozen with their per-sentence verdicts before the
verifier was changed): every true sentence is shown, no untrue sentence is."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.grounding import ground_answer
from assistant.question import analyse
from assistant.schemas import Passage

CASES = json.loads((Path(__file__).parent / "data" / "grounding_cases.json").read_text(encoding="utf-8"))["cases"]
_MARKERS_RE = re.compile(r"\[[^\]]*\d[^\]]*\]")
# What a verifier that compares words, figures, dates and names cannot judge (measured, kept in view:
# the tests fail if one of these starts to pass, so that the list stays true).
CANNOT_JUDGE_TRUE = {("multi-008697cb", 2): "« au moins trois de ces cinq » : la moitié de cinq, arrondie (un calcul)"}
CANNOT_JUDGE_UNTRUE = {("programme-bd687e96", 1): "une date juste rattachée à un autre objet (la réunion) que celui de la source"}


def passages_of(case: dict) -> list[Passage]:
    """The prompt's numbered sources: those the answer cites, the others empty."""
    last = max((int(n) for n in case["sources"]), default=0)
    return [Passage(chunk_id=f"source-{n}", text=case["sources"].get(str(n), {}).get("text", ""),
                    metadata={"title": case["sources"].get(str(n), {}).get("document", "")})
            for n in range(1, last + 1)]


def body(sentence: str) -> str:
    """A sentence as the verified answer shows it: markers renumbered or removed, so compared without."""
    return " ".join(_MARKERS_RE.sub("", sentence).split()).strip(" .*-•")


def judged(case: dict) -> tuple[set[int], set[int], str]:
    """The sentences shown, those the verifier removed, and why the whole answer fell back (if it
    did: then no sentence is shown, and the true ones it held were not judged untrue)."""
    draft = ground_answer(case["answer"], passages_of(case), answer_type=analyse(case["question"]).answer_type,
                          question=case["question"])
    text = "" if draft.problem else " ".join(_MARKERS_RE.sub("", draft.answer).split())
    removed_text = " ".join(" ".join(_MARKERS_RE.sub("", s.rstrip("…")).split()) for s, _ in draft.removed)
    bodies = [body(sentence) for sentence in case["sentences"]]
    shown = {k for k, b in enumerate(bodies) if b and b in text}
    removed = {k for k, b in enumerate(bodies) if b and b[:60] in removed_text}
    return shown, removed, draft.problem or ""


def test_the_case_set_is_large_enough_and_has_untrue_sentences() -> None:
    verdicts = [v for case in CASES for v in case["verdicts"]]
    assert len(CASES) >= 40 and verdicts.count("faux") >= 15 and verdicts.count("vrai") >= 200


def test_no_true_sentence_is_removed() -> None:
    wrong = []
    for case in CASES:
        _, removed, _ = judged(case)
        wrong += [(case["id"], k) for k, expected in enumerate(case["verdicts"]) if expected == "vrai" and k in removed]
    assert set(wrong) == set(CANNOT_JUDGE_TRUE), f"phrases vraies retirées : {wrong}"


def test_no_untrue_sentence_is_shown() -> None:
    wrong = []
    for case in CASES:
        shown, _, _ = judged(case)
        wrong += [(case["id"], k) for k, expected in enumerate(case["verdicts"]) if expected == "faux" and k in shown]
    assert set(wrong) == set(CANNOT_JUDGE_UNTRUE), f"phrases fausses montrées : {wrong}"


def test_answers_made_only_of_true_sentences_are_shown_whole() -> None:
    """An answer whose sentences are all true (and at least one is judged) is never replaced."""
    lost = [case["id"] for case in CASES
            if set(case["verdicts"]) == {"vrai"} and judged(case)[2]]
    assert not lost, f"réponses entièrement vraies remplacées : {lost}"
