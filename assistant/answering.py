"""The assistant's public API: one object, used by the CLI, the UI and the evaluation alike.

Flow of :meth:`Assistant.ask`: resolve a follow-up into a standalone question → answer from the
structured records when the question is about a recorded fact → otherwise retrieve (hybrid) →
check that the evidence covers the question (else abstain) → generate (extractive, or a language
model whose text streams and is then grounded) → verify every quote; a model answer that fails
verification, or a model that fails, gives way to the extractive answer (``Answer.fallback`` says why).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict, abc
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace

from assistant.communes import capture_names, find_names_in_text
from assistant.components.embeddings import MGPEmbeddings
from assistant.components.reranker import Reranker
from assistant.components.vectorstore import CollectionGone
from assistant.config import Settings
from assistant.record_answers import MEMBERSHIP_RE, RecordAnswerer, detect_intent
from assistant.components.llm import LLMError
from assistant.generation import Draft, ExtractiveGenerator, Generator, verify_citations
from assistant.grounding import StreamGrounder
from assistant.index import IndexNotReady, CurrentGeneration, Generation
from assistant.acts import designating_words, profile_terms, without_designators
from assistant.abstention import Thresholds, gather, hard_reason, verdict
from assistant.follow_ups import ask_of_the_other_act, asks_the_other_act, switch_document, switch_track, the_other_act
from assistant.text import est_ce_que
from assistant.outcomes import about_the_question, closest_passages, record_text, why_not_direct
from assistant.articles import article_hits, missing_article
from assistant.named_documents import document_chunks, named_documents
from assistant.query import is_follow_up, key_terms, looks_english, normalise_question, strip_follow_up
from assistant.overview import corpus_entries
from assistant.question import analyse
from assistant.query_rewrite import QueryRewriter
from assistant.retrieval import HybridRetriever
from assistant.schemas import Answer, AnswerDelta, AskRequest, Passage, RemovedSentence, Turn
from assistant.sections import part_texts, sources_for

log = logging.getLogger("mgp.assistant")

EVIDENCE_PASSAGES = 5
"""The best ranked passages the abstention checks judge (calibrated on five); the sources handed to
a generator are the sections of all ``MGP_RETRIEVAL_K`` ranked passages."""
EXTRACTIVE_ON_SECTIONS = False
"""The extractive answer quotes from the sections (True) or from the best five passages (False).
Measured: dev halves, facts exact, multi 0.757 → 0.748 and programme 0.613 → 0.653 (+2 cases of 186);
bundled corpus, same facts but citation precision 0.905 → 0.898 (its quality gate is 0.90: a first
quote taken from the context around the passage found). Off until the offline outcomes (next issue)
judge which sentence answers."""
REWRITE_CACHE = 256
"""Questions whose rewrites are kept (the evaluation searches one question several times)."""
PROGRAMME_TEAM = "l'équipe du programme « Appropriation Métropolitaine » de la Métropole du Grand Paris"


class Assistant:
    """Answers questions over the committed index. Built by :func:`assistant.services.build_services`
    (the one place that chooses the components from the settings)."""

    def __init__(
        self,
        settings: Settings,
        *,
        embeddings: MGPEmbeddings,
        extractive: ExtractiveGenerator,
        generator: Generator,
        index: CurrentGeneration,
        reranker: Reranker | None = None,
        rewriter: QueryRewriter | None = None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.extractive = extractive
        self.generator = generator
        self.index = index
        self.reranker = reranker
        self.rewriter = rewriter
        self._rewrites: OrderedDict[str, list[str]] = OrderedDict()
        self._rewrites_lock = threading.Lock()
        self._llm_down_until = 0.0

    # -- conversation ----------------------------------------------------------------
    def standalone_question(self, question: str, history: list[Turn], view: Generation | None = None) -> str:
        """« et Sceaux ? » after « Est-ce que Vincennes participe ? » becomes a question about Sceaux.
        A question that stands on its own is never merged with the previous one."""
        if not history or not is_follow_up(question):
            return question
        previous = history[-1].question
        fragment = strip_follow_up(question)
        if not fragment:
            return previous
        view = view or self.index.current()
        names = [b.name for r in view.records.values() for b in r.beneficiaries]
        act_terms = {t for r in view.records.values() for t in profile_terms(r)}
        if asks_the_other_act(fragment):  # « Et pour l'autre parcours ? »: the same, of the other act
            pair = the_other_act(previous, list(view.records.values()), weights=view.idf)
            if pair is not None:
                return ask_of_the_other_act(previous, *pair, act_terms)
        switched = switch_document(previous, fragment) or switch_track(previous, fragment, act_terms)
        if switched is not None:
            return switched
        if detect_intent(fragment):
            # « et la convocation ? » after a question about the Conseil's act: same act.
            context = "" if designating_words(fragment, act_terms) else designating_words(previous, act_terms)
            return fragment[0].upper() + fragment[1:] + (f" ({context})" if context else "") + " ?"
        previous_is_membership = bool(MEMBERSHIP_RE.search(previous)) or bool(find_names_in_text(previous, names))
        if previous_is_membership and (find_names_in_text(fragment, names) or capture_names(fragment)):
            return f"{est_ce_que(fragment)} participe au parcours ?"
        # « et celle de la séance ? » after « Quelle est la date de la convocation ? »
        m = re.match(r"^(?:celle|celui|celles|ceux)\s+(d[eu]s?\b.*|d'.*)$", fragment, re.IGNORECASE)
        if m:
            replaced = re.sub(r"\b(?:de la|de l'|du|des|de)\s+[^?]+?\s*\?*$", m.group(1) + " ?", previous, count=1)
            if replaced != previous:
                return replaced
        if designating_words(fragment, act_terms):  # « et au parcours énergie ? »: the new act replaces the previous one
            previous = without_designators(previous, act_terms)
        return f"{previous.rstrip(' ?')} : {fragment} ?"

    # -- answering -------------------------------------------------------------------
    def _retriever(
        self, view: Generation, request: AskRequest, query_vector: list[float] | None = None,
        record_hits: list[str] | None = None,
    ) -> HybridRetriever:
        return HybridRetriever(
            view=view, embeddings=self.embeddings, settings=self.settings,
            k=request.k or self.settings.retrieval_k, filters=request.filters, query_vector=query_vector,
            record_hits=record_hits, reranker=self.reranker,
        )

    def search_queries(self, question: str) -> list[str]:
        """The model's rewrites of a question for the search (none without MGP_QUERY_REWRITE, or when
        the model is down or writes nothing usable); one model call per question, kept for the
        evaluation's repeated look-ups. Never shown as an answer."""
        if self.rewriter is None or self._llm_unavailable() is not None:
            return []
        with self._rewrites_lock:
            if question in self._rewrites:
                return self._rewrites[question]
        queries = self.rewriter.rewrite(question)
        with self._rewrites_lock:
            self._rewrites[question] = queries
            while len(self._rewrites) > REWRITE_CACHE:
                self._rewrites.popitem(last=False)
        return queries

    def _searcher(self, view: Generation, request: AskRequest, query: str, query_vector: list[float] | None = None,
                  record_hits: list[str] | None = None) -> HybridRetriever:
        retriever = self._retriever(view, request, query_vector, record_hits)
        retriever.extra_queries = self.search_queries(query)
        return retriever

    def retrieve(self, request: AskRequest, query: str | None = None) -> list[Passage]:
        query = normalise_question(query or request.question)
        with self.index.reading() as view:
            return self._searcher(view, request, query).passages(query)

    def sources(self, request: AskRequest, query: str | None = None, budget: int | None = None) -> list[Passage]:
        """What a generator is handed for this question: the sections of the ranked passages, within
        ``budget`` characters (by default ``MGP_SOURCES_BUDGET``)."""
        budget = budget or self.settings.sources_budget
        return self.sources_at(request, [budget], query)[budget]

    def sources_at(self, request: AskRequest, budgets: list[int], query: str | None = None) -> dict[int, list[Passage]]:
        """The sources at several budgets, from one retrieval (the evaluation compares budgets)."""
        query = normalise_question(query or request.question)
        with self.index.reading() as view:
            passages = self._searcher(view, request, query).passages(query)
            return {budget: sources_for(passages, view, budget) for budget in budgets}

    def passage(self, chunk_id: str) -> Passage | None:
        """A committed chunk by id (the UI shows sources in context, the evaluation checks quotes)."""
        return self.index.current().passage(chunk_id)

    def ask(self, request: AskRequest | str) -> Answer:
        """The final, verified answer (see :meth:`ask_stream` for the streamed pieces)."""
        with closing(self.ask_stream(request)) as events:  # closing it releases the generation at once
            for event in events:
                if isinstance(event, Answer):
                    return event
        raise RuntimeError("ask_stream ended without an answer")  # pragma: no cover

    def ask_stream(self, request: AskRequest | str) -> Iterator[AnswerDelta | Answer]:
        """Pieces of the language model's text as it is produced (none with the extractive
        generator), then the :class:`Answer`, always last and always verified."""
        if isinstance(request, str):
            request = AskRequest(question=request)
        for attempt in range(2):
            with self.index.reading() as view:  # one generation for the whole answer, kept until it ends
                answered = False
                try:
                    for event in self._answer_stream(request, view):
                        answered = True
                        yield event
                    return
                except CollectionGone:
                    if answered or attempt:
                        raise
            log.info("vector collection retired by another process: asked again on the current generation")

    def _answer_stream(self, request: AskRequest, view: Generation) -> Iterator[AnswerDelta | Answer]:
        t0 = time.perf_counter()
        self.check_index(view)
        timings: dict[str, float] = {}
        question = self._standalone(request, view, timings)
        record_answer, record_hits = self._record_answer(request, question, view, timings, t0)
        model_reads = self.generator.streams and self._llm_unavailable() is None
        if record_answer is not None and not model_reads:
            yield record_answer
            return
        query = normalise_question(question)
        query_vector = self.embeddings.embed_query(query)
        ranked = self._searcher(view, request, query, query_vector, record_hits).passages(query)
        passages = ranked[:EVIDENCE_PASSAGES]
        timings["retrieve"] = _ms(t0)
        t1 = time.perf_counter()
        # A language model sees the passages and may abstain itself: only what no generator can get
        # past stops it here. The extractive path keeps its own evidence gate (also applied to the
        # extractive answer that replaces a failed or rejected model answer).
        reason = None if record_answer is not None else self._hard_reason(question, passages, view)
        if reason is not None:
            timings["generate"] = 0.0
            timings["total"] = _ms(t0)
            yield self._abstention(request.question, question, view, timings, reason)
            return
        fallback: str | None = None
        if self.generator.streams:
            if record_answer is not None:  # the act's own passages first: what its record was read from
                ranked = _first(view, record_evidence_chunks(view, record_answer.citations), ranked)
            sources = sources_for(ranked, view, self.settings.sources_budget)
            outcome = yield from self._model_answer(request, question, sources, view, timings, t0, t1)
            if isinstance(outcome, Answer) and not (outcome.abstained and record_answer is not None):
                yield outcome
                return
            fallback = outcome if isinstance(outcome, str) else None
        if record_answer is not None:  # the model failed, was not verified or did not find it: the record
            record_answer.fallback = fallback
            yield record_answer
            return
        quoted = sources_for(ranked, view, self.settings.sources_budget) if EXTRACTIVE_ON_SECTIONS else passages
        yield self._extractive_answer(request, question, passages, quoted, view, query_vector, timings, (t0, t1), fallback)

    def _record_answer(
        self, request: AskRequest, question: str, view: Generation, timings: dict[str, float], t0: float,
    ) -> tuple[Answer | None, list[str] | None]:
        """The answer from the deliberation records when they hold it (cited and verified), and the
        chunks they cite for this question (retrieval ranks them first otherwise)."""
        if not request.filters.is_empty():
            return None, None
        found = RecordAnswerer(view).answer(question)
        if found is None:
            return None, []
        record_hits = list(dict.fromkeys(c.chunk_id for c in found.draft.citations))
        chunks = {cid: view.chunks[cid].text for cid in record_hits}
        citations = verify_citations(found.draft.citations, chunks)
        if not citations:
            return None, record_hits
        timings["retrieve"] = 0.0
        timings["generate"] = _ms(t0)
        timings["total"] = _ms(t0)
        return Answer(
            question=request.question, standalone_question=question, answer=found.draft.answer,
            abstained=found.abstained, citations=citations, kind=found.kind, timings_ms=timings,
            outcome="none" if found.abstained else "answer",
        ), record_hits

    def _model_answer(
        self, request: AskRequest, question: str, passages: list[Passage], view: Generation,
        timings: dict[str, float], t0: float, t1: float,
    ) -> abc.Generator[AnswerDelta, None, Answer | str | None]:
        """Streams the model's verified sentences; returns its final Answer (an answer or its own
        abstention), or why the extractive answer must replace it."""
        fallback = self._llm_unavailable()
        if fallback is not None:
            return fallback
        # Only verified sentences are streamed; one that cannot be verified is skipped, never shown.
        grounder = StreamGrounder(passages, self.generator.min_support, question=question)
        rejected: str | None = None
        stream = self.generator.stream(question, passages)
        try:
            for piece in stream:
                if "first_token" not in timings:
                    timings["first_token"] = _ms(t1)
                delta, rejected = grounder.feed(piece)
                if rejected:
                    break
                if delta:
                    yield AnswerDelta(text=delta)
        except LLMError as exc:
            self._llm_failed(exc)
            return f"{exc} Voici les passages des documents à la place."
        except Exception as exc:  # a bug or an unexpected library error: never leave the user without an answer
            log.error("LLM generation failed: %s", type(exc).__name__)
            return "Le modèle de langage a rencontré une erreur : voici les passages des documents à la place."
        finally:
            stream.close()  # stops the generation (HTTP stream closed, llama.cpp lock released)
            timings["llm"] = _ms(t1)
        draft = Draft(answer="", problem=rejected) if rejected else self.generator.finish(grounder.text, passages, question)
        citations = verify_citations(draft.citations, part_texts(passages))
        timings["generate"] = _ms(t1)
        timings["total"] = _ms(t0)
        if draft.abstained:
            return self._abstention(request.question, question, view, timings, "le modèle ne trouve pas la réponse",
                                    generator=self.generator.name)
        if draft.problem is None and citations:
            if draft.answer.startswith(grounder.shown) and len(draft.answer) > len(grounder.shown):
                yield AnswerDelta(text=draft.answer[len(grounder.shown):])  # the last sentence
            return Answer(
                question=request.question, standalone_question=question, answer=draft.answer,
                abstained=False, citations=citations, kind="passages", timings_ms=timings,
                generator=self.generator.name,
                removed_sentences=[RemovedSentence(text=text, reason=reason) for text, reason in draft.removed],
            )
        problem = draft.problem or "citations inexactes"
        log.info("LLM answer rejected: %s", problem)  # a label only: the model's text may echo the user
        return ("La réponse du modèle de langage n'a pas pu être vérifiée dans les documents "
                f"({problem}) : voici les passages des documents à la place.")

    def _extractive_answer(
        self, request: AskRequest, question: str, passages: list[Passage], quoted: list[Passage], view: Generation,
        query_vector: list[float], timings: dict[str, float], started: tuple[float, float], fallback: str | None,
    ) -> Answer:
        """Quotes of the best sentences of ``quoted`` when they carry what is asked (the extractive
        evidence gate, judged on the best ``passages``, then :func:`why_not_direct`); otherwise the
        closest passages, or « je ne sais pas » when none is about the question (see
        :mod:`assistant.outcomes`). ``fallback`` says why a model's answer was replaced."""
        t0, t1 = started
        analysed = analyse(normalise_question(question))
        reason, evidence, thresholds = self.evidence(question, passages, view, hard_checked=True)
        reason = reason if evidence is None else verdict(evidence, thresholds)
        citations: list = []
        if reason is None:
            draft = self.extractive.generate(question, quoted, query_vector=query_vector, term_weights=view.idf,
                                             answer_type=analysed.answer_type,
                                             preferred=set(article_hits(view, question)),
                                             named_documents=set(named_documents(view, normalise_question(question))),
                                             sentence_vectors=view.sentence_vectors,
                                             also_quoted={p.chunk_id for p in passages})
            citations = verify_citations(draft.citations, part_texts(quoted))
            reason = ("aucun passage citable" if draft.abstained or not citations
                      else why_not_direct(analysed, citations, [_context_of(view, c.chunk_id) for c in citations],
                                          around=_document_text(view, citations[0].chunk_id) if _names_a_date(analysed)
                                          else ""))
        timings["generate"] = _ms(t1)
        timings["total"] = _ms(t0)
        if reason is not None:
            log.info("no direct answer: %s", reason.split(" : ")[0].split(" (")[0])  # the kind only
            if about_the_question(evidence):
                answer = self._closest(request, question, analysed, passages, view, timings)
            else:
                answer = self._abstention(request.question, question, view, timings, reason)
            answer.fallback = fallback
            return answer
        return Answer(
            question=request.question, standalone_question=question, answer=draft.answer, abstained=False,
            citations=citations, kind="passages", timings_ms=timings, generator=self.extractive.name,
            fallback=fallback,
        )

    def _closest(self, request: AskRequest, question: str, analysed, passages: list[Passage], view: Generation,
                 timings: dict[str, float]) -> Answer:
        """« Je n'ai pas trouvé de réponse directe… » with the closest passages (outcome ``closest``)."""
        draft = closest_passages(analysed, passages)
        citations = verify_citations(draft.citations, part_texts(passages))
        if not citations:
            return self._abstention(request.question, question, view, timings, "aucun passage citable")
        text = f"{draft.answer}\nPour une réponse, adressez-vous à {PROGRAMME_TEAM}."
        return Answer(
            question=request.question, standalone_question=question, answer=text, abstained=True,
            citations=citations, kind="abstention", outcome="closest", timings_ms=timings,
            generator=self.extractive.name,
        )

    def check_index(self, view: Generation) -> None:
        """Vectors of a question only compare with vectors of the same model: an index built with
        another one (MGP_EMBEDDING_BACKEND changed without re-ingesting) is refused, not misused."""
        built_with = (view.manifest.embedding_id or "").split("|context=")[0]
        if built_with and built_with != self.embeddings.embedding_id:
            raise IndexNotReady(
                f"L'index a été construit avec le modèle « {built_with} » et l'application utilise "
                f"« {self.embeddings.embedding_id} » : relancez `mgp-assistant ingest` pour reconstruire l'index."
            )

    # -- language model ------------------------------------------------------------------
    def _standalone(self, request: AskRequest, view: Generation, timings: dict[str, float]) -> str:
        """A follow-up rewritten by the language model when one is configured, else by rules."""
        question = request.question.strip()
        if (
            request.history and is_follow_up(question) and self.generator.streams
            and self.settings.llm_condense and self._llm_unavailable() is None
        ):
            started = time.perf_counter()
            try:
                rewritten = self.generator.condense(question, request.history, view.vocabulary)
            except LLMError as exc:
                self._llm_failed(exc)
                rewritten = None
            timings["condense"] = _ms(started)
            if rewritten:
                return rewritten
        return self.standalone_question(question, request.history, view)

    def _llm_unavailable(self) -> str | None:
        if time.monotonic() < self._llm_down_until:
            return ("Le service de modèle de langage est indisponible pour l'instant : "
                    "voici les passages des documents.")
        return None

    def _llm_failed(self, exc: LLMError) -> None:
        """An endpoint that failed is not called again for a while: users get the extractive
        answer at once instead of waiting for the same timeout question after question."""
        if exc.kind not in ("model", "request"):
            self._llm_down_until = time.monotonic() + self.settings.llm_retry_after_failure_s

    def insufficient_evidence(self, question: str, passages: list[Passage], view: Generation | None = None,
                              hard_checked: bool = False) -> str | None:
        """Why the passages do not support an extractive answer, or None when they do (see
        :mod:`assistant.abstention`); ``hard_checked`` when the caller already asked :meth:`_hard_reason`."""
        reason, evidence, thresholds = self.evidence(question, passages, view, hard_checked)
        return reason if evidence is None else verdict(evidence, thresholds)

    def _hard_reason(self, question: str, passages: list[Passage], view: Generation) -> str | None:
        """What no generator can get past (see :func:`assistant.abstention.hard_reason`), and an
        article the question names that its document does not have."""
        reason = hard_reason(analyse(normalise_question(question)), passages, lambda cid: view.chunks[cid].tokens)
        missing = missing_article(view, question) if reason is None else None
        return f"article absent des documents : {missing}" if missing else reason

    def evidence(self, question: str, passages: list[Passage], view: Generation | None = None, hard_checked: bool = False):
        """The abstention signals of these passages for this question (the calibration reads them).
        English questions, whose words cannot match the French stems, are judged on dense
        similarity alone."""
        view = view or self.index.current()
        analysed = analyse(normalise_question(question))
        analysed = replace(analysed, terms=frozenset(key_terms(question)))
        tokens = lambda cid: view.chunks[cid].tokens  # noqa: E731
        reason = None if hard_checked else self._hard_reason(question, passages, view)
        s = self.settings
        if looks_english(question):
            analysed = replace(analysed, terms=frozenset())
            thresholds = Thresholds(1.0, s.abstain_min_similarity_en)
        else:
            thresholds = Thresholds(s.abstain_min_coverage, s.abstain_min_similarity)
        if reason is not None:
            return reason, None, thresholds
        return None, gather(analysed, passages, tokens, view.vocabulary, view.vocabulary_prefixes,
                            thresholds.min_coverage), thresholds

    def _abstention(
        self, original: str, question: str, view, timings: dict[str, float], reason: str, generator: str = "extractive"
    ) -> Answer:
        titles = sorted(e.title for e in corpus_entries(view))  # an act's Markdown and PDF copies: named once
        question = re.sub(r"<[^>\n]*>|[\x00-\x1f\x7f]", " ", question)  # echoed: no markup, no control characters
        question = " ".join(question.split())[:300]
        log.info("abstention: %s", reason.split(" : ")[0])  # the kind only: the rest quotes the question
        text = (
            "Je ne sais pas : les documents du corpus ne répondent pas à cette question. "
            f"{_searched_in(question, titles)} Pour une réponse, adressez-vous à {PROGRAMME_TEAM}."
        ) if titles else (
            "Je ne sais pas : aucun document lisible n'est indexé pour l'instant, je ne peux répondre à aucune "
            f"question. Un administrateur doit ajouter les documents du programme ; en attendant, adressez-vous à "
            f"{PROGRAMME_TEAM}."
        )
        return Answer(
            question=original, standalone_question=question, answer=text, abstained=True, citations=[],
            kind="abstention", outcome="none", timings_ms=timings, generator=generator,
        )


def _names_a_date(question) -> bool:
    """Whether the question names a day or a year (only then is the quoted document read whole)."""
    return bool(question.dates) or any(s.isdigit() for s in question.specifics)


def _document_text(view: Generation, chunk_id: str) -> str:
    """The whole text of a chunk's document (a date may be written once, in its header)."""
    if chunk_id not in view.chunks:
        return ""
    return " ".join(view.chunks[c].text for c in document_chunks(view, chunk_id))


def _context_of(view: Generation, chunk_id: str) -> str:
    """Where a quoted sentence sits: its section heading, document title and metadata, and its act's
    record — what a direct answer's specifics may be named by besides the sentence itself."""
    chunk = view.chunks.get(chunk_id)
    if chunk is None:
        return ""
    meta = chunk.metadata
    fields = [str(meta.get(k, "")) for k in ("section", "title", "document", "reference", "body", "doc_type")]
    return " ".join(fields + [record_text(view.records.get(str(meta.get("doc_id", ""))))])


def record_evidence_chunks(view: Generation, citations: list) -> list[str]:
    """The chunks the records of the cited acts were read from (header, séance, officers, vote, list
    and its count), the cited ones first: a model answering about an act reads them verbatim."""
    cited = [c.chunk_id for c in citations]
    documents = {view.chunks[cid].metadata.get("doc_id") for cid in cited if cid in view.chunks}
    read_from = [e.chunk_id for r in view.records.values() if r.doc_id in documents
                 for e in r.evidence.values() if e.chunk_id]
    return [cid for cid in dict.fromkeys(cited + read_from) if cid in view.chunks]


def _first(view: Generation, chunk_ids: list[str], ranked: list[Passage]) -> list[Passage]:
    """``ranked`` with the passages of ``chunk_ids`` moved (or added) to the front, in that order."""
    front = [p for p in (view.passage(cid) for cid in chunk_ids) if p is not None]
    chosen = {p.chunk_id for p in front}
    return front + [p for p in ranked if p.chunk_id not in chosen]


def _searched_in(question: str, titles: list[str]) -> str:
    if len(titles) == 1:
        return f"J'ai cherché « {question} » dans le seul document indexé : {titles[0]}."
    return f"J'ai cherché « {question} » dans {len(titles)} documents : {' ; '.join(titles)}."


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
