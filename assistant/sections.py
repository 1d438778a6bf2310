"""Small to big: the ranked passages are small units; the generator is handed the structural unit
each belongs to — the article or heading section, the whole list or table, a deliberation's decision
block — merged when two hits share one, trimmed around the hits when it is long, within a character
budget (``MGP_SOURCES_BUDGET``).

A section here is a run of consecutive chunks of one document that carry the same section label
(the chunker gives every chunk of an article, heading section or act's part the same label). The
merged text is the document's own text (overlaps of chunks cut inside a long paragraph are removed),
so quotations taken from it stay verbatim; ``metadata["parts"]`` records where each chunk lies in
it, and :func:`locate_quote` gives a quotation back the chunk, page and section it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from assistant.schemas import Passage

if TYPE_CHECKING:
    from assistant.index import Generation

SECTION_SHARE = 0.4
"""The most of the budget one section may take (a longer section is trimmed around its hits):
sections of 6,000 characters would otherwise leave one source for the whole question."""
GAP = "\n"
SEPARATOR_COST = len(f"{GAP}[…]{GAP}")
"""What each chunk is counted beside its text (the widest separator between two chunks)."""


@dataclass
class _Window:
    """The chunks of one section chosen so far (positions in their document), with their hits."""

    doc_file: str
    lo: int  # the section's first position in the document
    hi: int  # its last
    chosen: set[int] = field(default_factory=set)
    hits: list[Passage] = field(default_factory=list)


def sources_for(passages: list[Passage], view: Generation, budget: int) -> list[Passage]:
    """The sections of ``passages`` (best first), within ``budget`` characters in all — the best
    passage is always handed over, even alone over budget; a passage whose chunk the view does not
    know (tests, records) is kept as it is."""
    windows: list[_Window | Passage] = []
    by_section: dict[tuple[str, int], _Window] = {}
    used = 0
    for passage in passages:
        where = view.position(passage.chunk_id)
        if where is None:
            if used + len(passage.text) <= budget or not windows:
                windows.append(passage)
                used += len(passage.text)
            continue
        doc_file, index = where
        lo, hi = _section_bounds(view, doc_file, index)
        window = by_section.get((doc_file, lo))
        if window is not None and index in window.chosen:
            window.hits.append(passage)
            continue
        own = len(view.document_files[doc_file].chunks[index].text) + SEPARATOR_COST
        if used + own > budget and windows:
            continue  # this hit does not fit; a shorter one further down may
        if window is None:
            window = by_section[(doc_file, lo)] = _Window(doc_file, lo, hi)
            windows.append(window)
        window.chosen.add(index)
        window.hits.append(passage)
        used += own
    # Then each section grows around its hits, best section first, while the budget allows.
    cap = max(int(budget * SECTION_SHARE), 1)
    for item in windows:
        if isinstance(item, _Window):
            used += _grow(item, view, min(cap, budget - used + _size(item, view)) - _size(item, view))
    return [item if isinstance(item, Passage) else _as_passage(item, view) for item in windows]


def _section_bounds(view: Generation, doc_file: str, index: int) -> tuple[int, int]:
    """The run of chunks around ``index`` with its section label; a chunk flagged as holding
    instructions to an assistant ends the run (it is never handed to a model, nor what lies past it)."""
    chunks = view.document_files[doc_file].chunks
    label = chunks[index].metadata.get("section")

    def same(i: int) -> bool:
        return chunks[i].metadata.get("section") == label and not chunks[i].metadata.get("suspect_instructions")

    lo = hi = index
    while lo > 0 and same(lo - 1):
        lo -= 1
    while hi + 1 < len(chunks) and same(hi + 1):
        hi += 1
    return lo, hi


def _size(window: _Window, view: Generation) -> int:
    chunks = view.document_files[window.doc_file].chunks
    return sum(len(chunks[i].text) + SEPARATOR_COST for i in window.chosen)


def _grow(window: _Window, view: Generation, room: int) -> int:
    """Adds the section's chunks nearest to what is chosen (the next one, then the one before:
    what follows a hit is more often its continuation) while they fit in ``room``; returns the
    characters added."""
    chunks = view.document_files[window.doc_file].chunks
    added = 0
    while True:
        first, last = min(window.chosen), max(window.chosen)
        gaps = [i for i in range(first, last) if i not in window.chosen]
        candidates = gaps + [i for i in (last + 1, first - 1) if window.lo <= i <= window.hi]
        grown = False
        for i in candidates:
            cost = len(chunks[i].text) + SEPARATOR_COST
            if added + cost <= room:
                window.chosen.add(i)
                added += cost
                grown = True
                break
        if not grown:
            return added


def _as_passage(window: _Window, view: Generation) -> Passage:
    """One source: the chosen chunks' text in document order (« […] » where chunks were left out),
    with the best hit's scores and metadata, the pages it spans and where each chunk lies."""
    chunks = view.document_files[window.doc_file].chunks
    text, parts, previous = "", [], None
    for i in sorted(window.chosen):
        chunk = chunks[i]
        body = chunk.text
        if previous is not None:
            if i == previous + 1 and _overlap(chunks[previous], chunk) > 0:
                body = body[_overlap(chunks[previous], chunk):]
                text += "" if body[:1].isspace() or text[-1:].isspace() else " "
            else:
                text += GAP if i == previous + 1 else f"{GAP}[…]{GAP}"
        parts.append([chunk.chunk_id, len(text), len(text) + len(body), chunk.metadata.get("page"),
                      chunk.metadata.get("section")])
        text += body
        previous = i
    best = window.hits[0]
    first, last = chunks[min(window.chosen)].metadata, chunks[max(window.chosen)].metadata
    metadata = {**best.metadata, "parts": parts, "hits": [p.chunk_id for p in window.hits]}
    if first.get("page") is not None:
        metadata["page"] = first["page"]
        metadata["page_end"] = last.get("page_end", last.get("page"))
    return best.model_copy(update={"text": text, "metadata": metadata})


def _overlap(before, after) -> int:
    """Characters of ``after`` that repeat the end of ``before`` (a paragraph cut with overlap)."""
    end, start = before.metadata.get("char_end"), after.metadata.get("char_start")
    if end is None or start is None or start >= end:
        return 0
    return min(end - start, len(after.text))


class Located(NamedTuple):
    """Where a quotation of a source lies: the chunk, its page and section, and the quotation cut to
    that chunk (a quotation across two chunks keeps the part in the chunk holding most of it)."""

    chunk_id: str
    quote: str
    page: Any
    section: Any


def locate_quote(passage: Passage, start: int, end: int) -> Located | None:
    """The chunk of a merged source that holds most of ``passage.text[start:end]``; None for a
    source that is one chunk (nothing to locate)."""
    best, overlap = None, 0
    for chunk_id, p_start, p_end, page, section in passage.metadata.get("parts") or []:
        shared = min(end, p_end) - max(start, p_start)
        if shared > overlap:
            quote = passage.text[max(start, p_start):min(end, p_end)].strip()
            best, overlap = Located(chunk_id, quote, page, section), shared
    return best


def part_texts(passages: list[Passage]) -> dict[str, str]:
    """Every chunk's text as it lies in the sources (for checking that a citation is verbatim in
    the chunk it names), plus each source's own text under its id."""
    texts: dict[str, str] = {}
    for passage in passages:
        texts.setdefault(passage.chunk_id, passage.text)
        for chunk_id, start, end, _page, _section in passage.metadata.get("parts") or []:
            texts[chunk_id] = passage.text[start:end]
    return texts
