"""Calibration of the extractive abstention gate on the dev halves of the test sets: the signals of
:mod:`assistant.abstention` for every dev case that reaches the gate, and the thresholds that best
separate the answerable cases from those that must abstain (balanced accuracy). Test halves are
never read here: their figures stay an honest estimate."""

from __future__ import annotations

import itertools
from dataclasses import asdict
from typing import Any

from assistant.abstention import Thresholds, verdict
from assistant.answering import Assistant
from assistant.outcomes import about_the_question
from assistant.record_answers import RecordAnswerer
from assistant.query import normalise_question
from assistant.schemas import AskRequest, Turn
from evals.schema import EvalSet

GRID = {
    "min_coverage": [0.3, 0.4, 0.5, 0.6, 0.7],
    "min_similarity": [0.78, 0.80, 0.82, 0.84],
}


def gate_rows(assistant: Assistant, testset: EvalSet, split: str = "dev") -> list[dict[str, Any]]:
    """One row per case of ``split`` answered by the passages path (record answers skip the gate)."""
    view = assistant.index.current()
    rows = []
    for case in testset.cases:
        if case.split != split or case.category == "adversarial":
            continue
        history = [Turn(question=q, answer="") for q in case.history]
        question = assistant.standalone_question(case.question, history, view)
        if RecordAnswerer(view).answer(question) is not None:
            continue
        request = AskRequest(question=question)
        passages = assistant._retriever(view, request).passages(normalise_question(question))
        reason, evidence, thresholds = assistant.evidence(question, passages, view)
        row = {"id": case.id, "must_abstain": case.must_abstain, "hard": reason, "english": case.language == "en"}
        if evidence is not None:
            row |= {k: v for k, v in asdict(evidence).items() if k not in ("missing", "unknown", "terms")}
            row["unknown"] = len(evidence.unknown)
            row["evidence"] = evidence
        rows.append(row)
    return rows


def score(rows: list[dict[str, Any]], thresholds: Thresholds) -> dict[str, float]:
    answered_ok = abstained_ok = answerable = abstain = 0
    for row in rows:
        evidence = row.get("evidence")
        abstains = row["hard"] is not None or (evidence is not None and verdict(evidence, thresholds) is not None)
        if row["must_abstain"]:
            abstain += 1
            abstained_ok += abstains
        else:
            answerable += 1
            answered_ok += not abstains
    recall = abstained_ok / abstain if abstain else 1.0
    answer_rate = answered_ok / answerable if answerable else 1.0
    return {"abstention_recall": recall, "answer_rate": answer_rate, "balanced": (recall + answer_rate) / 2}


def calibrate(rows: list[dict[str, Any]]) -> list[tuple[dict[str, float], dict[str, float]]]:
    """Every grid point with its scores, best first (french questions only: English has its own threshold)."""
    french = [r for r in rows if not r["english"]]
    results = []
    for values in itertools.product(*GRID.values()):
        point = dict(zip(GRID, values))
        results.append((point, score(french, Thresholds(**point))))
    results.sort(key=lambda r: (-r[1]["balanced"], -r[1]["abstention_recall"]))
    return results


FLOOR_GRID = [0.0, 0.1, 0.2, 0.25, 0.3, 0.34, 0.4, 0.5]


def says_none(row: dict[str, Any], floor: float) -> bool:
    """Whether a gate row ends in « je ne sais pas » (not the closest passages) under ``floor``."""
    return row["hard"] is not None or not about_the_question(row.get("evidence"), floor)


def calibrate_floor(rows_by_corpus: dict[str, list[dict[str, Any]]]) -> tuple[float, dict[float, dict[str, dict]]]:
    """The relevance floor of :mod:`assistant.outcomes`, like the gate's thresholds: the point of
    :data:`FLOOR_GRID` with the best balanced accuracy (answerable questions kept out of « je ne sais
    pas », out-of-corpus questions sent to it), averaged over the dev halves (French questions), the
    lowest floor on a tie; with, per floor and corpus, both shares."""
    table: dict[float, dict[str, dict]] = {}
    for floor in FLOOR_GRID:
        for corpus, rows in rows_by_corpus.items():
            french = [r for r in rows if not r["english"]]
            answerable = [r for r in french if not r["must_abstain"]]
            outside = [r for r in french if r["must_abstain"]]
            kept = sum(not says_none(r, floor) for r in answerable) / max(1, len(answerable))
            stopped = sum(says_none(r, floor) for r in outside) / len(outside) if outside else 1.0
            table.setdefault(floor, {})[corpus] = {"answerable_kept": kept, "outside_none": stopped,
                                                   "balanced": (kept + stopped) / 2}
    mean = {f: sum(c["balanced"] for c in per.values()) / len(per) for f, per in table.items()}
    return max(FLOOR_GRID, key=lambda f: (round(mean[f], 9), -f)), table
