"""Generators turn retrieved passages into a cited answer. The extractive generator (offline
default) quotes the best sentences verbatim; the language-model generator (``llm_generator``)
implements the same interface and goes through the same quote verification."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from langchain_core.embeddings import Embeddings

from assistant.query import key_terms, prefixes_of, term_found
from assistant.question import has_answer_type
from assistant.schemas import Citation, Passage, Turn
from assistant.sections import locate_quote
from assistant.text import tokenize

_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+(?=[«\"(]?[A-ZÉÈÀÂÎÔÇ0-9])|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)])\s)")
_HEADING_RE = re.compile(r"^\s*#{1,6}\s")
_LIST_ITEM_RE = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s")


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def quotable_sentences(text: str) -> list[str]:
    """The sentences of a chunk as the extractive answer quotes and embeds them."""
    return [_squash(text[s:e]) for s, e in split_sentences(text)]


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` appears in ``text``, ignoring differences of whitespace only."""
    if not quote.strip():
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    words = quote.split()
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None


def verify_citations(citations: list[Citation], chunks: dict[str, str]) -> list[Citation]:
    """Keep the citations whose quote is verbatim in the chunk they cite (whitespace aside)."""
    return [c for c in citations if c.chunk_id in chunks and find_quote(c.quote, chunks[c.chunk_id]) is not None]


_TABLE_ROW_RE = re.compile(r"^[^:\n;]{1,80} : [^\n]*?;\s*[^:\n;]{1,80} : ")


def _table_rows(text: str) -> list[tuple[int, int]]:
    """Lines written « En-tête : valeur ; En-tête : valeur » (a table row with its headers)."""
    rows, offset = [], 0
    for line in text.split("\n"):
        if _TABLE_ROW_RE.match(line.strip()):
            rows.append((offset, offset + len(line)))
        offset += len(line) + 1
    return rows


def _is_title(segment: str) -> bool:
    """A heading line: short, on one line, without the punctuation that ends a sentence."""
    segment = segment.strip()
    return (0 < len(segment) <= 100 and "\n" not in segment and not segment.endswith((".", ";", ",", "!", "?", ":"))
            and not _LIST_ITEM_RE.match(segment) and any(c.isalpha() for c in segment))


FAQ_ANSWER_SENTENCES = 2
"""How many sentences after an FAQ's question line are read with the question's words."""


def is_question_line(sentence: str) -> bool:
    """Whether a sentence asks (ends with « ? »): an FAQ's question, a heading worded as a question."""
    return sentence.rstrip(" \n»\"*").endswith("?")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a chunk. A table row stays whole; a list, the rows of a table, or whatever
    follows a colon, is quoted whole with the sentence or the heading that announces it (« … trois
    principes : »); a heading is quoted with what follows it, never alone."""
    rows = _table_rows(text)
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END_RE.finditer(text):
        if any(rs <= m.start() < re_ for rs, re_ in rows) and "\n" not in m.group(0):
            continue  # « ; » inside a table row
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e - s >= 3 and not _HEADING_RE.match(text[s:e]):
            out.append((s, e))
    merged: list[list] = []  # [start, end, holds a list or table, is a title]
    for s, e in out:
        segment = text[s:e]
        item = bool(_LIST_ITEM_RE.match(segment)) or bool(_TABLE_ROW_RE.match(segment.strip()))
        if merged:
            ps, pe, is_list, is_title = merged[-1]
            # What a sentence ending with a colon announces is quoted with it, a list item or not
            # (« … des quatre communes suivantes : » then the paragraph that names them); never a
            # heading (the next article), and a form label (« Nom : ») announces nothing.
            previous = text[ps:pe]
            announces = (previous.rstrip().endswith(":") and len(previous.split()) >= 4
                         and not _is_title(segment) and not re.search(r"\w", text[pe:s]))  # no heading between
            if is_title or (item and (is_list or previous.rstrip().endswith(":"))) or announces:
                merged[-1] = [ps, e, item or is_list, False]
                continue
        merged.append([s, e, item, _is_title(segment)])
    return [(s, e) for s, e, _, _ in merged]


def passage_sentences(passage: Passage) -> list[tuple[int, int]]:
    """The sentences of a passage; in a source made of a whole section, those of each chunk (the
    sentences embedded at ingestion, so none is embedded again at question time)."""
    parts = passage.metadata.get("parts")
    if not parts:
        return split_sentences(passage.text)
    return [(start + s, start + e) for _cid, start, end, _page, _section in parts
            for s, e in split_sentences(passage.text[start:end])]


def in_passages(passage: Passage, span: tuple[int, int], chunk_ids: set[str] | None) -> bool:
    """Whether a span of a source lies in one of ``chunk_ids`` (the best passages retrieval found)
    rather than in the section around them; always True without ``chunk_ids`` or for a source that
    is one passage."""
    parts = passage.metadata.get("parts")
    if chunk_ids is None or not parts:
        return True
    return any(cid in chunk_ids and start <= span[0] < end for cid, start, end, _page, _section in parts)


def citation_for(n: int, passage: Passage, quote: str) -> Citation:
    """The citation of ``quote`` in ``passage``; in a source made of a whole section, the chunk, page
    and section of the quotation itself (see :mod:`assistant.sections`)."""
    meta = passage.metadata
    citation = Citation(
        n=n,
        document=str(meta.get("document", "")),
        title=str(meta.get("title", "")),
        page=passage.page,
        section=meta.get("section"),
        chunk_id=passage.chunk_id,
        quote=quote,
    )
    span = find_quote(quote, passage.text) if meta.get("parts") else None
    located = locate_quote(passage, *span) if span else None
    if located is not None and located.quote:
        citation.chunk_id, citation.quote = located.chunk_id, located.quote
        citation.page = int(located.page) if located.page is not None else None
        citation.section = located.section
    return citation


def quoted_page(passage: Passage, quote: str) -> int | None:
    """The page a quotation of ``passage`` is on (a section may span pages)."""
    return citation_for(0, passage, quote).page


def source_label(passage: Passage, quote: str | None = None) -> str:
    label = passage.title or passage.metadata.get("document", "")
    page = quoted_page(passage, quote) if quote else passage.page
    return f"{label}, p. {page}" if page else str(label)


# The lift of a sentence of a document the question names: an article it names gets 1.0, the expected
# answer type 0.25. 0, 0.25 and 1.0 gave the same dev halves; the smaller lift is kept.
NAMED_DOCUMENT_BONUS = 0.25


@dataclass
class Draft:
    """A generator's answer before it is shown, or why it cannot be: ``problem`` is a short French
    label, safe to show and to log; ``detail`` quotes the faulty sentence (tests, never logged)."""

    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    problem: str | None = None  # then the caller falls back to the extractive answer
    detail: str | None = None
    removed: list[tuple[str, str]] = field(default_factory=list)  # (sentence, why): sentences not shown


class Generator(ABC):
    """What the answering code, the CLI and the form drafter use of a generator. A generator that
    cannot do something refuses it in its own way: ``streams`` is False and ``stream`` raises,
    ``condense`` and ``draft_field`` return None (the callers then use their rule-based path)."""

    name: str = "generator"
    streams: bool = False  # True when ``stream``/``finish`` write the answer as it comes
    min_support: float = 0.5  # share of a streamed sentence's words its cited passage must hold

    @abstractmethod
    def generate(self, question: str, passages: list[Passage]) -> Draft:
        """An answer from the passages only; every quote verbatim from a passage."""

    def stream(self, question: str, passages: list[Passage]) -> Iterator[str]:
        """The answer's text as it is written (only when ``streams``)."""
        raise NotImplementedError(f"le générateur {self.name} n'écrit pas sa réponse au fil de l'eau")

    def finish(self, text: str, passages: list[Passage]) -> Draft:
        """The streamed text, grounded in the passages (only when ``streams``)."""
        raise NotImplementedError(f"le générateur {self.name} n'écrit pas sa réponse au fil de l'eau")

    def condense(self, question: str, history: list[Turn], vocabulary: frozenset[str] | set[str] = frozenset()) -> str | None:
        """A follow-up rewritten as a standalone question, or None (the rule-based rewrite is used)."""
        return None

    def draft_field(self, label: str, help: str, notes: str, collectivity: str) -> str | None:
        """A form field written from the agent's notes, or None (the notes are kept as typed)."""
        return None


class _VectorCache:
    """Sentence vectors by text: the same sentences come back question after question."""

    def __init__(self, embeddings: Embeddings, size: int = 4096) -> None:
        self.embeddings = embeddings
        self.size = size
        self._cache: OrderedDict[str, list[float]] = OrderedDict()

    def get(self, texts: list[str], known: Mapping[str, Sequence[float]] | None = None) -> list[list[float]]:
        """``known``: vectors computed at ingestion (used as they are, never cached twice)."""
        known = known or {}
        if all(t in known for t in texts):
            return [list(map(float, known[t])) for t in texts]
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache and t not in known]
        if missing:
            for text, vector in zip(missing, self.embeddings.embed_documents(missing)):
                self._cache[text] = vector
        out = []
        for t in texts:
            if t in known:
                out.append(list(map(float, known[t])))
                continue
            self._cache.move_to_end(t)
            out.append(self._cache[t])
        while len(self._cache) > self.size:
            self._cache.popitem(last=False)
        return out


class ExtractiveGenerator(Generator):
    """Scores the sentences of the passages (key-term overlap, then the same embeddings for the best
    candidates) and quotes the best few, each with its citation marker."""

    name = "extractive"

    def __init__(self, embeddings: Embeddings, max_quotes: int = 3, embed_candidates: int = 8,
                 embed_margin: float = 0.5) -> None:
        self.embeddings = embeddings
        self.max_quotes = max_quotes
        self.embed_candidates = embed_candidates
        self.embed_margin = embed_margin
        self.vectors = _VectorCache(embeddings)

    def generate(
        self,
        question: str,
        passages: list[Passage],
        query_vector: list[float] | None = None,
        term_weights: dict[str, float] | None = None,
        answer_type: str | None = None,
        preferred: set[str] | None = None,
        sentence_vectors: Mapping[str, Sequence[float]] | None = None,
        named_documents: set[str] | None = None,
        also_quoted: set[str] | None = None,
    ) -> Draft:
        """``term_weights`` (IDF over the corpus) make a rare word of the question count more than
        a word every passage shares; a sentence holding the expected ``answer_type`` (a date for
        « quand »…) is preferred to one that only shares words, and so is a sentence of the
        ``preferred`` passages (the article the question names), less so one of the
        ``named_documents`` (« selon le règlement du Fonds X » names whose sentence to quote, when the
        same words are in another document's). ``sentence_vectors``: the
        vectors computed at ingestion, by sentence text (a sentence missing there is embedded now).
        ``also_quoted``: the chunks whose sentences may be quoted after the first (« À lire aussi »):
        the best passages found, not the whole sections around them (all when None)."""
        terms = key_terms(question) or set(tokenize(question))
        weights = {t: (term_weights or {}).get(t, 1.0) for t in terms}
        total = sum(weights.values())
        candidates: list[tuple[float, int, tuple[int, int], str]] = []
        for rank, passage in enumerate(passages):
            # A sentence is read under its heading (« Les trois phases » names the list below it) and,
            # at half weight, under its document's title: « le modèle de convention du parcours X »
            # names the document, and its sentence need only hold what is asked (« préavis »).
            section = set(tokenize(str(passage.metadata.get("section", ""))))
            title = set(tokenize(passage.title))
            title_prefixes = prefixes_of(title)
            asked: set[str] = set()  # an FAQ's question: its words belong to the answer after it
            asked_for = 0
            for s, e in passage_sentences(passage):
                sentence = passage.text[s:e]
                if is_question_line(sentence):
                    asked, asked_for = set(tokenize(sentence)), FAQ_ANSWER_SENTENCES
                    continue  # a question is never an answer
                tokens = set(tokenize(sentence)) | section | (asked if asked_for > 0 else set())
                asked_for -= 1
                prefixes = prefixes_of(tokens)
                found = sum(w if term_found(t, tokens, prefixes) else 0.5 * w if term_found(t, title, title_prefixes) else 0.0
                            for t, w in weights.items())
                overlap = found / total if total else 0.0
                prior = 1.0 / (rank + 2)
                typed = 0.25 if answer_type and has_answer_type(answer_type, sentence) else 0.0
                named = 1.0 if preferred and passage.chunk_id in preferred else 0.0
                if not named and named_documents and passage.metadata.get("doc_id") in named_documents:
                    named = NAMED_DOCUMENT_BONUS
                candidates.append((overlap + 0.3 * prior + typed + named, rank, (s, e), sentence))
        if not candidates:
            return Draft(answer="", abstained=True)
        candidates.sort(key=lambda c: -c[0])
        # Only sentences that the similarity could still lift to the top are embedded (embedding
        # them is most of an answer's time): at most ``embed_candidates``, within reach of the best.
        reach = candidates[0][0] - self.embed_margin
        top = [c for c in candidates[: self.embed_candidates] if c[0] >= reach]
        qv = query_vector or self.embeddings.embed_query(question)
        vectors = self.vectors.get([_squash(c[3]) for c in top], known=sentence_vectors)
        rescored = []
        for (lexical, rank, span, sentence), vector in zip(top, vectors):
            similarity = sum(a * b for a, b in zip(qv, vector))
            rescored.append((lexical + 2.0 * similarity, rank, span, sentence))
        rescored.sort(key=lambda c: -c[0])
        best = rescored[0][0]
        chosen: list[tuple[int, tuple[int, int], str]] = []
        seen_text: set[str] = set()
        for score, rank, span, sentence in rescored:
            key = _squash(sentence).lower()
            if score < best - 0.35 or key in seen_text:
                continue
            if chosen and not in_passages(passages[rank], span, also_quoted):
                continue  # « À lire aussi » quotes the passages found, not the context around them
            seen_text.add(key)
            chosen.append((rank, span, sentence))
            if len(chosen) >= self.max_quotes:
                break
        citations: list[Citation] = []
        lines: list[str] = []
        for n, (rank, span, sentence) in enumerate(chosen, start=1):
            passage = passages[rank]
            citations.append(citation_for(n, passage, sentence))
            if n == 1:
                lines.append(f"D'après « {source_label(passage, sentence)} » : « {_squash(sentence)} » [{n}]")
            else:
                lines.append(f"« {_squash(sentence)} » ({source_label(passage, sentence)}) [{n}]")
        answer = lines[0] + ("\n\nÀ lire aussi :\n- " + "\n- ".join(lines[1:]) if len(lines) > 1 else "")
        return Draft(answer=answer, citations=citations)
