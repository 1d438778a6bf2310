"""Hybrid retrieval: dense (Chroma) + keyword (BM25 on French stems), fused by reciprocal rank
fusion, exposed as a LangChain retriever. Only chunks of the committed generation are returned, and
near-identical passages (the same act as PDF and Markdown) are shown once, preferring the one with
page numbers."""

from __future__ import annotations

import re
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.config import Settings
from assistant.doc_types import normalise_doc_type
from assistant.index import Generation
from assistant.schemas import Passage, SearchFilters
from assistant.record_answers import RecordAnswerer
from assistant.articles import article_hits
from assistant.components.reranker import rerank_order
from assistant.named_documents import chunks_of, named_documents
from assistant.question import answer_type_of, has_answer_type


def chroma_where(filters: SearchFilters) -> dict[str, Any] | None:

    clauses: list[dict[str, Any]] = []
    if filters.doc_type:
        clauses.append({"doc_type": normalise_doc_type(filters.doc_type) or filters.doc_type})
    if filters.document:
        clauses.append({"$or": [{"document": filters.document}, {"doc_id": filters.document}]})
    if filters.date_from:
        clauses.append({"date_int": {"$gte": int(filters.date_from.replace("-", ""))}})
    if filters.date_to:
        clauses.append({"date_int": {"$lte": int(filters.date_to.replace("-", ""))}})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matches_filters(metadata: dict[str, Any], filters: SearchFilters) -> bool:

    if filters.doc_type and metadata.get("doc_type") != (normalise_doc_type(filters.doc_type) or filters.doc_type):
        return False
    if filters.document and filters.document not in (metadata.get("document"), metadata.get("doc_id")):
        return False
    date_int = metadata.get("date_int")
    if filters.date_from and (date_int is None or date_int < int(filters.date_from.replace("-", ""))):
        return False
    if filters.date_to and (date_int is None or date_int > int(filters.date_to.replace("-", ""))):
        return False
    return True


_SECOND_QUESTION_RE = re.compile(
    r"\s*(?:,\s*)?\bet\s+(?=(?:qu(?:el|elle|els|elles|i|and|e|oi)|combien|o[uù]|comment|pourquoi|[àa] qui|de quoi|en quoi)\b)",
    re.IGNORECASE,
)


def split_question(question: str) -> list[str]:
    """The parts of a question that asks two things, or the question alone."""
    parts = [p.strip(" ?") for p in _SECOND_QUESTION_RE.split(question)]
    parts = [p for p in parts if len(p.split()) >= 3]
    return parts if len(parts) > 1 else [question]


def record_evidence(view: Generation, question: str) -> list[str]:
    """Chunks that the deliberation records cite for this question (none for most questions)."""

    fact = RecordAnswerer(view).answer(question)
    if fact is None:
        return []
    return list(dict.fromkeys(c.chunk_id for c in fact.draft.citations))


def _same_act(a: Passage, b: Passage) -> bool:
    """Two copies of one document (an act as PDF and as Markdown): same reference, or same title,
    or the reference of one in the title of the other. The same article in two règlements is not
    one document: the better-ranked copy is kept, not the paginated one."""
    ref_a, ref_b = a.metadata.get("reference") or "", b.metadata.get("reference") or ""
    if ref_a and ref_b:
        return ref_a == ref_b
    return a.title == b.title or bool(ref_a and ref_a in b.title) or bool(ref_b and ref_b in a.title)


class HybridRetriever(BaseRetriever):
    """Reciprocal rank fusion of dense and keyword results (weights and k are settings)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    view: Generation
    embeddings: Embeddings
    settings: Settings
    k: int = 5
    filters: SearchFilters = SearchFilters()
    query_vector: list[float] | None = None
    # The chunks the records cite for this question, when the caller has already asked the records
    # (Assistant.ask does, before retrieving): not worked out a second time.
    record_hits: list[str] | None = None
    # Model-aided search (both off without a model configured): the model's rewrites of the
    # question, each searched and fused by RRF, and a remote reranker over the fused candidates.
    extra_queries: list[str] = []
    reranker: Any = None

    def passages(self, query: str) -> list[Passage]:
        s = self.settings
        committed = self.view.chunks
        allowed = None
        if not self.filters.is_empty():
            allowed = {cid for cid, c in committed.items() if matches_filters(c.metadata, self.filters)}
        # Dense.
        vector = self.query_vector or self.embeddings.embed_query(query)
        dense: list[tuple[str, float]] = []
        if s.dense_weight > 0 and committed:
            result = self.view.store.query(vector, s.retrieval_candidates, chroma_where(self.filters),
                                           known_count=len(committed))
            dense = [(cid, 1.0 - dist) for cid, dist in result if cid in committed]
        # Keyword.
        keyword: list[tuple[str, float]] = []
        if s.keyword_weight > 0:
            keyword = self.view.keyword.search(query, s.retrieval_candidates, allowed=allowed)
            keyword = [(cid, score) for cid, score in keyword if cid in committed]
        # Records: a question about a recorded fact (who presided, is X a beneficiary…) names the
        # passage that holds it, whatever its wording (« Rueil est-elle retenue ? »).
        recorded: list[str] = []
        if s.records_weight > 0 and self.filters.is_empty():
            hits = self.record_hits if self.record_hits is not None else record_evidence(self.view, query)
            recorded = [cid for cid in hits if cid in committed]
        # Fusion.
        fused: dict[str, float] = {}
        dense_rank = {cid: r for r, (cid, _) in enumerate(dense)}
        keyword_rank = {cid: r for r, (cid, _) in enumerate(keyword)}
        for r, cid in enumerate(recorded):
            fused[cid] = fused.get(cid, 0.0) + s.records_weight / (s.rrf_k + r + 1)
        # Documents the question names (an act by its reference, a règlement by its quoted name):
        # their passages are also ranked alone, so the named act's sentence is not lost among the
        # same sentence of hundreds of acts alike (same weight as the records).
        named = named_documents(self.view, query)
        if s.records_weight > 0 and self.filters.is_empty():
            for r, cid in enumerate(self._within_named_documents(query, vector, named)):
                fused[cid] = fused.get(cid, 0.0) + s.records_weight / (s.rrf_k + r + 1)
        # Articles: « l'article 8 du règlement » names the chunks of that article (same weight).
        cited = [cid for cid in article_hits(self.view, query, within=named) if cid in committed and (allowed is None or cid in allowed)]
        for r, cid in enumerate(cited if s.records_weight > 0 else []):
            fused[cid] = fused.get(cid, 0.0) + s.records_weight / (s.rrf_k + r + 1)
        # A question that asks two things (« Quelle délibération a lancé le programme et quelle
        # délibération a sélectionné les communes ? ») is also searched part by part, so that each
        # part gets its passage among the first ones.
        parts = split_question(query)
        if len(parts) > 1:
            for part in parts:
                sub = HybridRetriever(view=self.view, embeddings=self.embeddings, settings=self.settings,
                                      k=self.k, filters=self.filters)
                for r, passage in enumerate(sub.passages(part)):
                    fused[passage.chunk_id] = fused.get(passage.chunk_id, 0.0) + 1.0 / (s.rrf_k + r + 1)
        # The model's rewrites of the question (« quel plafond pour la subvention ? » → « montant
        # maximal de l'aide »), each ranked like the question and counted as much as it (its dense
        # and keyword rankings together), as in RAG-Fusion.
        for rewrite in self.extra_queries:
            sub = HybridRetriever(view=self.view, embeddings=self.embeddings, settings=self.settings,
                                  k=max(self.k, 10), filters=self.filters)
            weight = s.dense_weight + s.keyword_weight
            for r, passage in enumerate(sub.passages(rewrite)):
                fused[passage.chunk_id] = fused.get(passage.chunk_id, 0.0) + weight / (s.rrf_k + r + 1)
        for cid, r in dense_rank.items():
            fused[cid] = fused.get(cid, 0.0) + s.dense_weight / (s.rrf_k + r + 1)
        for cid, r in keyword_rank.items():
            fused[cid] = fused.get(cid, 0.0) + s.keyword_weight / (s.rrf_k + r + 1)
        similarity = dict(dense)
        ranked = sorted(fused, key=lambda c: -fused[c])
        if self.reranker is not None:
            ranked = self._reranked(query, ranked, fused)
        # One passage per distinct text, the paginated copy preferred.
        chosen: dict[str, Passage] = {}
        for cid in ranked:
            chunk = committed[cid]
            if chunk.metadata.get("suspect_instructions"):
                continue  # instructions to an assistant inside a document: never shown, never obeyed
            passage = Passage(
                chunk_id=cid, text=chunk.text, metadata=chunk.metadata, score=fused[cid],
                dense_similarity=similarity.get(cid), dense_rank=dense_rank.get(cid), keyword_rank=keyword_rank.get(cid),
            )
            key = self.view.dedup_key(cid)
            kept = chosen.get(key)
            if kept is None:
                chosen[key] = passage
            elif kept.page is None and passage.page is not None and _same_act(kept, passage):
                passage.score = max(passage.score, kept.score)
                chosen[key] = passage
            if len(chosen) >= self.k and all(p.page is not None for p in chosen.values()):
                break
        out = sorted(chosen.values(), key=lambda p: -p.score)
        return out[: self.k]

    def _reranked(self, query: str, ranked: list[str], fused: dict[str, float]) -> list[str]:
        """The first ``MGP_RERANK_CANDIDATES`` in the remote reranker's order (their scores rewritten
        so that the order holds), or the fused order when the service fails."""
        top = [cid for cid in ranked[: self.settings.rerank_candidates]
               if not self.view.chunks[cid].metadata.get("suspect_instructions")]  # never sent anywhere
        order = rerank_order(self.reranker, query, top, lambda cid: self.view.chunks[cid].text)
        if not order:
            return ranked
        ceiling = max(fused.values()) + 1.0
        for r, cid in enumerate(order):
            fused[cid] = ceiling + 1.0 / (r + 1)
        placed = set(order)
        return order + [cid for cid in ranked if cid not in placed]

    def _within_named_documents(self, query: str, vector: list[float], docs: list[str]) -> list[str]:
        """The passages of the documents the question names, best first (dense and keyword ranks
        fused), or none when it names none."""
        if not docs:
            return []
        scope = chunks_of(self.view, docs)
        k = self.settings.retrieval_candidates
        keyword = [cid for cid, _ in self.view.keyword.search(query, k, allowed=scope)]
        dense = [cid for cid, _ in self.view.store.query(vector, min(k, len(scope)), {"doc_id": {"$in": docs}},
                                                          known_count=len(scope)) if cid in scope]
        ranks: dict[str, float] = {}
        for ranking in (dense, keyword):
            for r, cid in enumerate(ranking):
                ranks[cid] = ranks.get(cid, 0.0) + 1.0 / (self.settings.rrf_k + r + 1)
        ordered = sorted(ranks, key=lambda c: -ranks[c])
        # Inside a named document, the passage that holds what is asked (an amount for « quel
        # montant », a duration for « quel délai ») is the likely answer even when its words differ
        # (« dans la limite de 10 000 € » for « le montant maximal »): answer-type filtering, as
        # in classic question answering, ranks those passages a third time.
        expected = answer_type_of(query)  # the first cue: « le montant » asks an amount, not any number
        if expected:
            committed = self.view.chunks
            typed = [cid for cid in ordered if has_answer_type(expected, committed[cid].text)]
            for r, cid in enumerate(typed):
                ranks[cid] += 1.0 / (self.settings.rrf_k + r + 1)
            ordered = sorted(ranks, key=lambda c: -ranks[c])
        return ordered

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=p.text,
                metadata={**p.metadata, "chunk_id": p.chunk_id, "score": p.score, "dense_similarity": p.dense_similarity},
            )
            for p in self.passages(query)
        ]
