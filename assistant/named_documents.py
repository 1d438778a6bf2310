"""The documents a question names: an act by its reference (« la délibération BM2025/12/08/17 »),
or a document by its kind and its name, quoted (« selon le règlement du parcours « IA-Petite
enfance » ») or not (« selon le règlement du Fonds de soutien aux tiers-lieux numériques »). Among
hundreds of acts written alike, the words of the question match the same sentence in every act; retrieval therefore also ranks the passages of the named documents alone
(see ``HybridRetriever``), so the named document's passage is among the first ones."""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from assistant.articles import KIND_RE, kind_of, matches_kind
from assistant.question import quoted_names
from assistant.text import REFERENCE_RE, fold, tokenize



MAX_NAMED = 5


@dataclass
class _Documents:
    chunks: dict[str, list[str]]
    """doc_id → its chunk ids."""
    described: dict[str, tuple[str, str, str]]
    """doc_id → (folded type, folded title, folded reference)."""
    title_terms: dict[str, set[str]]
    postings: dict[str, set[str]]
    """title term → the documents whose title holds it."""
    recent: dict[str, list[str]] = field(default_factory=dict)
    """question → its named documents: retrieval and the extractive answer both ask."""


_INDEXES: "weakref.WeakKeyDictionary[object, _Documents]" = weakref.WeakKeyDictionary()


def _documents(view) -> _Documents:
    """Built once per committed generation (a view is immutable)."""
    cached = _INDEXES.get(view)
    if cached is not None:
        return cached
    chunks: dict[str, list[str]] = {}
    described: dict[str, tuple[str, str, str]] = {}
    for cid, chunk in view.chunks.items():
        meta = chunk.metadata
        doc_id = str(meta.get("doc_id", ""))
        chunks.setdefault(doc_id, []).append(cid)
        if doc_id not in described:
            described[doc_id] = (fold(str(meta.get("doc_type", ""))), fold(str(meta.get("title", ""))),
                                 re.sub(r"\s+", "", fold(str(meta.get("reference", "")))))
    title_terms = {d: set(tokenize(title)) for d, (_, title, _) in described.items()}
    postings: dict[str, set[str]] = {}
    for doc_id, terms in title_terms.items():
        for term in terms:
            postings.setdefault(term, set()).add(doc_id)
    found = _Documents(chunks, described, title_terms, postings)
    _INDEXES[view] = found
    return found


def named_documents(view, question: str) -> list[str]:
    """Ids of the documents the question names, in id order (none for most questions)."""
    docs = _documents(view)
    found = docs.recent.get(question)
    if found is None:
        if len(docs.recent) > 256:
            docs.recent.clear()
        found = docs.recent[question] = _named(docs, question)
    return list(found)


def _named(docs: _Documents, question: str) -> list[str]:
    references = {re.sub(r"\s+", "", fold(m.group(0))) for m in REFERENCE_RE.finditer(question)}
    if references:
        by_reference = sorted(d for d, (_, _, ref) in docs.described.items() if ref and ref in references)
        if by_reference:
            return by_reference
    # Our abbreviation expansions (« IA (intelligence artificielle)-Santé ») are in no title.
    folded = re.sub(r"\s*\([^)]*\)", "", fold(question))
    kinds = {kind_of(m.group("word")) for m in KIND_RE.finditer(folded)}
    if not kinds:
        return []
    quoted = {t for name in quoted_names(question) for t in tokenize(name)}
    found = _titled(docs, kinds, quoted) if quoted else []
    return found or _named_after_kind(docs, folded)


def _titled(docs: _Documents, kinds: set[str], terms: set[str]) -> list[str]:
    """The documents of one of ``kinds`` whose title holds every term; none when more than
    ``MAX_NAMED`` do (a name that many titles share, the programme's, names no document)."""
    holding = set.intersection(*(docs.postings.get(t, set()) for t in terms)) if terms else set()
    found = sorted(
        d for d in holding
        if any(matches_kind(k, docs.described[d], by="type") or matches_kind(k, docs.described[d], by="title") for k in kinds)
    )
    return found if len(found) <= MAX_NAMED else []


_CLAUSE_END_RE = re.compile(r"[?!.;,:()«»\"]")
_MAX_NAME_WORDS = 12


def _named_after_kind(docs: _Documents, folded: str) -> list[str]:
    """A document named without quotes, by its kind and the words after it (« selon le règlement du
    Fonds de soutien aux tiers-lieux numériques, … »): the longest run of those words that some
    titles of that kind hold whole (the words after the name, « … prévoit-il une indemnité », are in
    no title), over every kind word of the question. A run names a document only with two words or
    more, one of them in few titles (« du Bureau de la Métropole » is in every Bureau act's title)."""
    best: tuple[int, list[str]] = (0, [])
    for m in KIND_RE.finditer(folded):
        kind = kind_of(m.group("word"))
        words = _CLAUSE_END_RE.split(folded[m.end():], maxsplit=1)[0].split()[:_MAX_NAME_WORDS]
        for n in range(len(words), 0, -1):
            terms = set(tokenize(" ".join(words[:n])))
            if len(terms) < 2 or len(terms) <= best[0]:
                break
            if not any(len(docs.postings.get(t, ())) <= MAX_NAMED for t in terms):
                continue
            found = _titled(docs, {kind}, terms)
            if found:
                best = (len(terms), found)
                break
    return best[1]


def chunks_of(view, doc_ids: list[str]) -> set[str]:
    docs = _documents(view)
    return {cid for d in doc_ids for cid in docs.chunks.get(d, [])}


def document_chunks(view, chunk_id: str) -> list[str]:
    """The chunks of ``chunk_id``'s document, in their order in the document."""
    doc_id = str(view.chunks[chunk_id].metadata.get("doc_id", ""))
    return sorted(_documents(view).chunks.get(doc_id, []), key=lambda c: view.chunks[c].metadata.get("ordinal", 0))
