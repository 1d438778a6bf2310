"""The assistant's public API: one object, used by the CLI, the UI and the evaluation alike.

Flow of :meth:`Assistant.ask`: resolve a follow-up into a standalone question → answer from the
structured records when the question is about a recorded fact → otherwise retrieve (hybrid) →
check that the evidence covers the question (else abstain) → generate → verify every quote.
"""

from __future__ import annotations

import logging
import re
import time

from assistant.communes import capture_names, find_names_in_text
from assistant.components.embeddings import MGPEmbeddings, build_embeddings
from assistant.config import Settings, get_settings
from assistant.facts import MEMBERSHIP_RE, FactAnswerer, detect_intent
from assistant.generation import ExtractiveGenerator, Generator, verify_citations
from assistant.index import IndexReader, IndexView
from assistant.query import (
    DOMAIN_TERMS,
    has_words, is_follow_up, key_terms, looks_english, normalise_question, prefixes_of, strip_follow_up, term_in,
)
from assistant.retrieval import HybridRetriever
from assistant.schemas import Answer, AskRequest, Passage, Turn
from assistant.text import tokenize

log = logging.getLogger("mgp.assistant")

PROGRAMME_TEAM = "l'équipe du programme « Appropriation Métropolitaine » de la Métropole du Grand Paris"


class Assistant:
    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embeddings: MGPEmbeddings | None = None,
        generator: Generator | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.embeddings = embeddings or build_embeddings(self.settings)
        self.generator = generator or ExtractiveGenerator(self.embeddings, max_quotes=self.settings.answer_max_quotes)
        self.index = IndexReader(self.settings)

    # -- conversation ----------------------------------------------------------------
    def standalone_question(self, question: str, history: list[Turn], view: IndexView | None = None) -> str:
        """« et Sceaux ? » after « Est-ce que Vincennes participe ? » becomes a question about Sceaux.
        A question that stands on its own is never merged with the previous one."""
        if not history or not is_follow_up(question):
            return question
        previous = history[-1].question
        fragment = strip_follow_up(question)
        if not fragment:
            return previous
        view = view or self.index.view()
        names = [b.name for r in view.records.values() for b in r.beneficiaries]
        if detect_intent(fragment):
            return fragment[0].upper() + fragment[1:] + " ?"
        previous_is_membership = bool(MEMBERSHIP_RE.search(previous)) or bool(find_names_in_text(previous, names))
        if previous_is_membership and (find_names_in_text(fragment, names) or capture_names(fragment)):
            return f"Est-ce que {fragment} participe au parcours ?"
        # « et celle de la séance ? » after « Quelle est la date de la convocation ? »
        m = re.match(r"^(?:celle|celui|celles|ceux)\s+(d[eu]s?\b.*|d'.*)$", fragment, re.IGNORECASE)
        if m:
            replaced = re.sub(r"\b(?:de la|de l'|du|des|de)\s+[^?]+?\s*\?*$", m.group(1) + " ?", previous, count=1)
            if replaced != previous:
                return replaced
        return f"{previous.rstrip(' ?')} : {fragment} ?"

    # -- answering -------------------------------------------------------------------
    def _retriever(self, view: IndexView, request: AskRequest, query_vector: list[float] | None = None) -> HybridRetriever:
        return HybridRetriever(
            view=view, embeddings=self.embeddings, settings=self.settings,
            k=request.k or self.settings.retrieval_k, filters=request.filters, query_vector=query_vector,
        )

    def retrieve(self, request: AskRequest, query: str | None = None) -> list[Passage]:
        return self._retriever(self.index.view(), request).passages(normalise_question(query or request.question))

    def passage(self, chunk_id: str) -> Passage | None:
        """A committed chunk by id (the UI shows sources in context, the evaluation checks quotes)."""
        return self.index.view().passage(chunk_id)

    def ask(self, request: AskRequest | str) -> Answer:
        if isinstance(request, str):
            request = AskRequest(question=request)
        t0 = time.perf_counter()
        view = self.index.view()  # one generation for the whole answer
        question = self.standalone_question(request.question.strip(), request.history, view)
        timings: dict[str, float] = {}

        if request.filters.is_empty():
            fact = FactAnswerer(view).answer(question)
            if fact is not None:
                chunks = {cid: view.chunks[cid].text for cid in {c.chunk_id for c in fact.draft.citations}}
                citations = verify_citations(fact.draft.citations, chunks)
                if citations:
                    timings["retrieve"] = 0.0
                    timings["generate"] = _ms(t0)
                    timings["total"] = _ms(t0)
                    return Answer(
                        question=request.question, standalone_question=question, answer=fact.draft.answer,
                        abstained=False, citations=citations, kind=fact.kind, timings_ms=timings,
                    )

        query = normalise_question(question)
        query_vector = self.embeddings.embed_query(query)
        passages = self._retriever(view, request, query_vector).passages(query)
        timings["retrieve"] = _ms(t0)
        t1 = time.perf_counter()
        reason = self.insufficient_evidence(question, passages, view)
        if reason is not None:
            timings["generate"] = 0.0
            timings["total"] = _ms(t0)
            return self._abstention(request.question, question, view, timings, reason)
        if isinstance(self.generator, ExtractiveGenerator):
            draft = self.generator.generate(question, passages, query_vector=query_vector, term_weights=view.idf)
        else:
            draft = self.generator.generate(question, passages)
        citations = verify_citations(draft.citations, {p.chunk_id: p.text for p in passages})
        timings["generate"] = _ms(t1)
        timings["total"] = _ms(t0)
        if draft.abstained or not citations:
            return self._abstention(request.question, question, view, timings, "aucun passage citable")
        return Answer(
            question=request.question, standalone_question=question, answer=draft.answer, abstained=False,
            citations=citations, kind="passages", timings_ms=timings, generator=self.generator.name,
        )

    def insufficient_evidence(self, question: str, passages: list[Passage], view: IndexView | None = None) -> str | None:
        """Why the passages do not support an answer, or None when they do.

        One passage must hold most of the question's key terms (a term the corpus never uses
        weighs double: « salaire », « Bobigny »…); English questions, whose terms cannot match the
        French stems, are judged on dense similarity alone."""
        if not has_words(question):
            return "question sans mot exploitable"
        if not passages:
            return "aucun passage trouvé"
        view = view or self.index.view()
        english = looks_english(question)
        terms = set() if english else key_terms(question)
        if not terms and not english and not DOMAIN_TERMS & set(tokenize(question)):
            return "question trop vague"
        # An act reference the documents never mention (« BM2025/06/24/13 ») cannot be answered.
        references = {t for t in tokenize(question) if "/" in t}
        missing_refs = references - {t for p in passages for t in view.chunks[p.chunk_id].tokens}
        if missing_refs:
            return f"référence absente des documents : {', '.join(sorted(missing_refs))}"
        if terms:
            weights = {t: (1.0 if term_in(t, view.vocabulary, view.vocabulary_prefixes) else 2.0) for t in terms}
            total = sum(weights.values())
            best_coverage, best_missing = 0.0, terms
            for p in passages:
                tokens = set(view.chunks[p.chunk_id].tokens)
                prefixes = prefixes_of(tokens)
                found = {t for t in terms if term_in(t, tokens, prefixes)}
                coverage = sum(weights[t] for t in found) / total
                if coverage > best_coverage:
                    best_coverage, best_missing = coverage, terms - found
            if best_coverage < self.settings.abstain_min_coverage:
                return f"termes absents des documents : {', '.join(sorted(best_missing))}"
        best = max((p.dense_similarity or 0.0) for p in passages)
        keyword_hit = any(p.keyword_rank is not None for p in passages) and bool(terms)
        threshold = self.settings.abstain_min_similarity_en if english else self.settings.abstain_min_similarity
        if best < threshold and not keyword_hit:
            return "aucun passage assez proche de la question"
        return None

    def _abstention(self, original: str, question: str, view, timings: dict[str, float], reason: str) -> Answer:
        titles = sorted({d.title for d in view.manifest.documents.values()})
        log.info("abstention: %s", reason)
        text = (
            "Je ne sais pas : les documents du corpus ne répondent pas à cette question. "
            f"J'ai cherché « {question} » dans {len(titles)} document(s) : {' ; '.join(titles)}. "
            f"Pour une réponse, adressez-vous à {PROGRAMME_TEAM}."
        )
        return Answer(
            question=original, standalone_question=question, answer=text, abstained=True, citations=[],
            kind="abstention", timings_ms=timings, generator=self.generator.name,
        )


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
