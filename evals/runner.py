"""Runs the test set through the assistant's public API and aggregates the metrics."""

from __future__ import annotations

import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field, model_validator

from assistant.answering import Assistant
from assistant.grounding import sentence_count
from assistant.generation import find_quote
from assistant.schemas import AskRequest, Citation, Turn
from evals.metrics import (
    CONTEXT_BUDGETS, K_VALUES, context_hit, fact_found, forbidden_found, normalise, percentile, ratio, retrieval_scores,
)
from evals.schema import EvalCase, EvalSet, case_split

ProgressCallback = Callable[[int, int, str], None]
SPLITS = ("dev", "test")
MAIN_KEYS = ("fact_accuracy", "recall@5", "abstention_recall", "abstention_precision", "pass_rate",
             "answerable_correct", "out_of_corpus_abstained", "context_recall@4000", "context_recall@6000",
             "context_recall@12000", "context_chars@6000")
"""The metrics ``eval --json`` also gives per half (``dev_<key>``, ``test_<key>``)."""


class CaseResult(BaseModel):
    id: str
    category: str
    language: str
    question: str
    history: list[str] = Field(default_factory=list)
    standalone_question: str
    must_abstain: bool
    expected_facts: list[list[str]]
    forbidden: list[str]
    sources: list[dict[str, str]]
    answer: str
    abstained: bool
    kind: str
    citations: list[Citation]
    latency_ms: float
    facts_found: list[bool]
    forbidden_found: list[str]
    retrieval: dict[str, float] | None = None
    retrieved: list[str] = Field(default_factory=list)
    citations_supported: int = 0
    quotes_verbatim: int = 0
    passed: bool = False
    failure: str | None = None
    generator: str = "extractive"
    fallback: str | None = None
    split: str = ""
    baseline: dict[str, Any] | None = None
    """What the naive LangChain baseline did on this case (top chunk, correct, recall@5)."""
    context: dict[str, bool] = Field(default_factory=dict)
    """Budget (characters) → whether the generator's sources at that budget hold the case's evidence."""
    context_chars: dict[str, int] = Field(default_factory=dict)
    """Budget → characters of sources actually handed over."""
    outcome: str = "answer"
    """answer (a direct answer), closest (the closest passages shown) or none (« je ne sais pas »)."""
    shown_holds_evidence: bool = False
    """Whether what was shown (the answer, or the closest passages' chunks) holds the case's evidence."""
    removed_sentences: int = 0
    """Sentences of the model's answer the verifier removed (not shown)."""
    shown_sentences: int = 0
    """Sentences of the model's answer shown (verified)."""

    @model_validator(mode="after")
    def _split(self) -> "CaseResult":
        """Results written before the halves existed get theirs from the id (the split never changes)."""
        self.split = self.split or case_split(self.id)
        return self


class Summary(BaseModel):
    run_id: str
    created_at: datetime
    config: dict[str, Any]
    metrics: dict[str, float]
    per_category: dict[str, dict[str, float | None]]
    failed: list[str]
    per_split: dict[str, dict[str, float]] = Field(default_factory=dict)
    """The same metrics on each half that was evaluated (« dev », « test »)."""
    baseline: dict[str, Any] | None = None
    """The naive LangChain baseline on the same corpus and cases (``evals.baseline.naive_baseline``)."""
    corpus: dict[str, Any] = Field(default_factory=dict)
    """Which documents were evaluated: {"name": …, "documents": [{"title": …, "file": …}]}."""
    split: str = "all"

    def flat(self) -> dict[str, Any]:
        """The keys promised by ``mgp-assistant eval --json``: every metric, then per half and against
        the baseline (``None`` where a half or the baseline was not evaluated)."""
        out: dict[str, Any] = {**self.metrics, "run_id": self.run_id, "created_at": self.created_at.isoformat(),
                               "failed": self.failed, "corpus": self.corpus.get("name"), "split": self.split}
        for half in SPLITS:
            for key in MAIN_KEYS:
                out[f"{half}_{key}"] = self.per_split.get(half, {}).get(key)
        base = self.baseline or {}
        out["baseline_fact_accuracy"] = base.get("fact_accuracy")
        out["baseline_recall@5"] = base.get("recall@5")
        for budget in CONTEXT_BUDGETS:
            out[f"baseline_context_recall@{budget}"] = base.get(f"context_recall@{budget}")
            out[f"baseline_context_chars@{budget}"] = base.get(f"context_chars@{budget}")
            for half in SPLITS:
                out[f"baseline_{half}_context_recall@{budget}"] = (base.get("per_split") or {}).get(half, {}).get(
                    f"context_recall@{budget}")
        out["baseline_answerable_correct"] = base.get("answerable_correct")
        theirs = base.get("fact_accuracy")
        out["vs_baseline"] = round(self.metrics["fact_accuracy"] / theirs, 2) if theirs else None
        return out


def corpus_text(assistant: Assistant) -> str:
    """The indexed documents' text, normalised (which expected facts are literal strings of them)."""
    return normalise("\n".join(chunk.text for chunk in assistant.index.current().chunks.values()))


def _context(assistant: Assistant, case: EvalCase, question: str, corpus: str) -> tuple[dict[str, bool], dict[str, int]]:
    """Context recall of one answerable case at each budget: what a generator would be handed."""
    hits, sizes = {}, {}
    for budget, sources in assistant.sources_at(AskRequest(question=question), list(CONTEXT_BUDGETS)).items():
        pairs = [(str(p.metadata.get("document", "")), p.text) for p in sources]
        hits[str(budget)] = context_hit(pairs, case, corpus)
        sizes[str(budget)] = sum(len(text) for _, text in pairs)
    return hits, sizes


def _case_result(assistant: Assistant, case: EvalCase, corpus: str | None = None) -> CaseResult:
    history = [Turn(question=q) for q in case.history]
    started = time.perf_counter()
    answer = assistant.ask(AskRequest(question=case.question, history=history))
    latency = (time.perf_counter() - started) * 1000
    result = CaseResult(
        id=case.id, category=case.category, language=case.language, question=case.question, history=case.history,
        standalone_question=answer.standalone_question, must_abstain=case.must_abstain,
        expected_facts=case.expected_facts, forbidden=case.forbidden,
        sources=[s.model_dump() for s in case.sources], answer=answer.answer, abstained=answer.abstained,
        kind=answer.kind, citations=answer.citations, latency_ms=round(latency, 2),
        facts_found=[fact_found(answer.answer, variants) for variants in case.expected_facts],
        forbidden_found=forbidden_found(answer.answer, case.forbidden),
        generator=answer.generator, fallback=answer.fallback,
        outcome=answer.outcome,
        removed_sentences=len(answer.removed_sentences),
        shown_sentences=sentence_count(answer.answer) if answer.generator != "extractive" and not answer.abstained else 0,
    )
    if not case.must_abstain and corpus is not None:
        result.context, result.context_chars = _context(assistant, case, answer.standalone_question, corpus)
    if case.sources:
        passages = assistant.retrieve(AskRequest(question=answer.standalone_question, k=10))
        result.retrieved = [p.chunk_id for p in passages]
        result.retrieval = retrieval_scores(
            [(str(p.metadata.get("document", "")), p.text) for p in passages], case.sources
        )
    if not case.must_abstain:
        result.shown_holds_evidence = _shows_evidence(assistant, case, answer)
    for citation in answer.citations:
        passage = assistant.passage(citation.chunk_id)
        if passage is None:
            continue
        if find_quote(citation.quote, passage.text) is not None:
            result.quotes_verbatim += 1
        body = normalise(passage.text)
        supports = any(normalise(v) in body for variants in case.expected_facts for v in variants) or any(
            normalise(s.passage) in body for s in case.sources
        )
        result.citations_supported += supports
    if case.must_abstain:
        result.passed = answer.abstained
        result.failure = None if result.passed else "devait s'abstenir"
    elif answer.abstained:
        result.failure = "abstention à tort"
    elif not all(result.facts_found):
        missing = [v[0] for v, ok in zip(case.expected_facts, result.facts_found) if not ok]
        result.failure = "faits manquants : " + ", ".join(missing)
    elif result.forbidden_found:
        result.failure = "contenu interdit : " + ", ".join(result.forbidden_found)
    else:
        result.passed = True
    return result


def _shows_evidence(assistant: Assistant, case: EvalCase, answer) -> bool:
    """The answer's facts, or — when it shows the closest passages — the case's facts or source
    passage in one of the chunks it cites."""
    if answer.outcome == "answer":
        return all(fact_found(answer.answer, variants) for variants in case.expected_facts)
    if answer.outcome != "closest":
        return False
    shown = " ".join(p.text for p in (assistant.passage(c.chunk_id) for c in answer.citations) if p is not None)
    if case.expected_facts and all(fact_found(shown, variants) for variants in case.expected_facts):
        return True
    body = normalise(shown)
    return any(normalise(s.passage) in body for s in case.sources if s.passage)


def run_eval(assistant: Assistant, testset: EvalSet, progress: ProgressCallback | None = None) -> tuple[list[CaseResult], Summary]:
    results: list[CaseResult] = []
    corpus = corpus_text(assistant)
    for i, case in enumerate(testset.cases):
        if progress:
            progress(i, len(testset.cases), case.id)
        results.append(_case_result(assistant, case, corpus))
    if progress:
        progress(len(testset.cases), len(testset.cases), "")
    return results, summarise(results, assistant_config(assistant))


def assistant_config(assistant: Assistant) -> dict[str, Any]:
    s = assistant.settings
    return {
        "embedding": assistant.embeddings.embedding_id,
        "embed_with_context": s.embed_with_context,
        "chunk_size": s.chunk_size,
        "chunk_overlap": s.chunk_overlap,
        "retrieval_k": s.retrieval_k,
        "dense_weight": s.dense_weight,
        "keyword_weight": s.keyword_weight,
        "abstain_min_coverage": s.abstain_min_coverage,
        "abstain_min_similarity": s.abstain_min_similarity,
        "abstain_min_similarity_en": s.abstain_min_similarity_en,
        "generator": assistant.generator.name,
    }


def _metrics(results: list[CaseResult]) -> dict[str, float]:
    with_sources = [r for r in results if r.retrieval is not None]
    answerable = [r for r in results if not r.must_abstain]
    abstained = [r for r in results if r.abstained]
    must = [r for r in results if r.must_abstain]
    # What a direct answer cites (the closest passages shown after « pas de réponse directe » claim nothing).
    citations = [r for r in answerable if r.citations and r.outcome == "answer"]
    metrics: dict[str, float] = {}
    for k in K_VALUES:
        metrics[f"recall@{k}"] = ratio(sum(r.retrieval[f"recall@{k}"] for r in with_sources), len(with_sources))
    with_context = [r for r in answerable if r.context]
    for budget in CONTEXT_BUDGETS:
        key = str(budget)
        metrics[f"context_recall@{budget}"] = ratio(sum(r.context.get(key, False) for r in with_context), len(with_context))
        metrics[f"context_chars@{budget}"] = round(
            sum(r.context_chars.get(key, 0) for r in with_context) / len(with_context), 1) if with_context else 0.0
    metrics["mrr"] = ratio(sum(r.retrieval["rr"] for r in with_sources), len(with_sources))
    metrics["ndcg@10"] = ratio(sum(r.retrieval["ndcg@10"] for r in with_sources), len(with_sources))
    metrics["fact_accuracy"] = ratio(
        sum(1 for r in answerable if not r.abstained and all(r.facts_found) and not r.forbidden_found), len(answerable)
    )
    # Facts found without abstaining (forbidden content aside): comparable with a baseline that never abstains.
    metrics["answerable_correct"] = ratio(sum(1 for r in answerable if not r.abstained and all(r.facts_found)), len(answerable))
    metrics["citation_precision"] = ratio(
        sum(r.citations_supported for r in citations), sum(len(r.citations) for r in citations)
    )
    metrics["quote_fidelity"] = ratio(sum(r.quotes_verbatim for r in results), sum(len(r.citations) for r in results))
    metrics["abstention_precision"] = ratio(sum(r.must_abstain for r in abstained), len(abstained))
    metrics["abstention_recall"] = ratio(sum(r.abstained for r in must), len(must))
    # The same share under the name the corpus comparisons use (questions the documents do not answer).
    metrics["out_of_corpus_abstained"] = metrics["abstention_recall"]
    latencies = [r.latency_ms for r in results]
    metrics["latency_p50_ms"] = round(percentile(latencies, 0.5), 2)
    metrics["latency_p95_ms"] = round(percentile(latencies, 0.95), 2)
    metrics["pass_rate"] = ratio(sum(r.passed for r in results), len(results))
    # With a language model: of the answers it was asked to write, how many were replaced by the
    # extractive one (facts and early abstentions never reach the model).
    called = [r for r in results if r.fallback is not None or r.generator != "extractive"]
    metrics["llm_answers"] = len(called)
    metrics["fallback_rate"] = round(sum(r.fallback is not None for r in called) / len(called), 4) if called else 0.0
    # Of the sentences the model wrote in the answers shown, the share the verifier removed.
    removed = sum(r.removed_sentences for r in called)
    written = removed + sum(r.shown_sentences for r in called)
    metrics["removed_sentence_rate"] = round(removed / written, 4) if written else 0.0
    metrics.update(_outcome_metrics(results))
    metrics["cases"] = len(results)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in metrics.items()}


def _outcome_metrics(results: list[CaseResult]) -> dict[str, float]:
    """The three outcomes of the answers (shares of all questions), and what the direct ones are worth."""
    answerable = [r for r in results if not r.must_abstain]
    must = [r for r in results if r.must_abstain]
    direct = [r for r in results if r.outcome == "answer"]
    right = [r for r in direct if not r.must_abstain and all(r.facts_found) and not r.forbidden_found]
    share = lambda part, whole: round(len(part) / len(whole), 4) if whole else 0.0  # noqa: E731
    return {
        "outcome_answer": share(direct, results),
        "outcome_closest": share([r for r in results if r.outcome == "closest"], results),
        "outcome_none": share([r for r in results if r.outcome == "none"], results),
        "direct_precision": share(right, direct),
        "direct_right": share(right, answerable),
        "wrong_as_fact": share([r for r in direct if r not in right], results),
        "out_of_corpus_direct": share([r for r in must if r.outcome == "answer"], must),
        "found": share([r for r in answerable if r.shown_holds_evidence], answerable),
    }


def summarise(results: list[CaseResult], config: dict[str, Any]) -> Summary:
    by_category: dict[str, list[CaseResult]] = defaultdict(list)
    for r in results:
        by_category[r.category].append(r)
    per_category = {}
    for category, items in sorted(by_category.items()):
        m = _metrics(items)
        has_sources = any(r.retrieval is not None for r in items)
        per_category[category] = {
            "cases": len(items), "pass_rate": m["pass_rate"], "fact_accuracy": m["fact_accuracy"],
            "recall@5": m["recall@5"] if has_sources else None, "abstention_recall": m["abstention_recall"],
        }
    return Summary(
        run_id=datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6],
        created_at=datetime.now(timezone.utc),
        config=config,
        metrics=_metrics(results),
        per_category=per_category,
        failed=[r.id for r in results if not r.passed],
        per_split={half: _metrics(items) for half in SPLITS if (items := [r for r in results if r.split == half])},
    )
