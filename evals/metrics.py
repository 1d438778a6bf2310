"""Retrieval and answer metrics, computed case by case then aggregated."""

from __future__ import annotations

import math
import re
from pathlib import Path

from assistant.text import fold

K_VALUES = (1, 3, 5, 10)


def normalise(text: str) -> str:
    """Compare without case, accents, Markdown emphasis or extra spaces."""
    return re.sub(r"\s+", " ", fold(text.replace("**", ""))).strip()


def same_document(document: str, expected: str) -> bool:
    return document == expected or Path(document).stem == expected or Path(document).stem == Path(expected).stem


def relevant_sources(document: str, text: str, sources: list) -> set[int]:
    """Indexes of the expected source passages that this retrieved chunk contains."""
    body = normalise(text)
    return {i for i, s in enumerate(sources) if same_document(document, s.document) and normalise(s.passage) in body}


def retrieval_scores(ranked: list[tuple[str, str]], sources: list) -> dict[str, float]:
    """recall@k, reciprocal rank and nDCG@10 for one case; ``ranked`` is [(document, text)]."""
    hits = [relevant_sources(doc, text, sources) for doc, text in ranked]
    scores: dict[str, float] = {}
    for k in K_VALUES:
        covered = set().union(*hits[:k]) if hits[:k] else set()
        scores[f"recall@{k}"] = len(covered) / len(sources)
    first = next((i for i, h in enumerate(hits) if h), None)
    scores["rr"] = 0.0 if first is None else 1.0 / (first + 1)
    gains, seen = [], set()
    for h in hits[:10]:
        new = h - seen
        gains.append(1.0 if new else 0.0)
        seen |= h
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(sources), 10)))
    scores["ndcg@10"] = dcg / ideal if ideal else 0.0
    return scores


def fact_found(answer: str, variants: list[str]) -> bool:
    body = normalise(answer)
    return any(normalise(v) in body for v in variants)


def forbidden_found(answer: str, forbidden: list[str]) -> list[str]:
    body = normalise(answer)
    return [f for f in forbidden if re.search(rf"(?<!\w){re.escape(normalise(f))}(?!\w)", body)]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 1.0


CONTEXT_BUDGETS = (4000, 6000, 12000)
"""Characters of sources at which context recall is reported (6,000 is the default budget)."""
GOLD_PASSAGE_CATEGORIES = frozenset({"membership_yes", "membership_no"})
"""Yes/no cases: the words of the answer (« oui », « non ») say nothing of the evidence."""


def _needs_gold_passage(variants: list[str], corpus: str) -> bool:
    """A fact that is not a literal string of the documents (« oui », a count written out) or too
    short to identify its evidence (« 3 ») is checked through the passage the case names."""
    return not any(len(normalise(v)) > 2 and normalise(v) in corpus for v in variants)


def context_hit(sources: list[tuple[str, str]], case, corpus: str) -> bool:
    """Whether the generator's sources ([(document, text)]) hold the case's evidence: every
    expected fact that is a literal string of the documents (``corpus``: their normalised text), and
    for yes/no cases, or facts that are not literal, one of the passages the case names."""
    body = normalise("\n".join(text for _, text in sources))
    gold = case.category in GOLD_PASSAGE_CATEGORIES or not case.expected_facts
    for variants in case.expected_facts:
        if _needs_gold_passage(variants, corpus):
            gold = True
        elif not any(normalise(v) in body for v in variants):
            return False
    if gold and case.sources:
        return any(relevant_sources(document, text, case.sources) for document, text in sources)
    return True
