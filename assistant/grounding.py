"""Checks a language model's answer against the sources it was given, before anyone reads it.

The model was asked to end every sentence with the number of its source ([1], [2]…). Here, each
sentence (a *claim*) must cite at least one source that supports it: every number of the claim
appears in a cited source, and most of its words too. The quote shown to the user is the model's
own quotation when it is verbatim in the source, otherwise the source sentence that best supports
the claim — verbatim by construction, then checked again by :func:`verify_citations`. Citation
numbers are renumbered in order of appearance. An answer with an unsupported claim is rejected as a
whole: the caller falls back to the extractive answer rather than show a half-verified text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.generation import citation_for, find_quote, split_sentences
from assistant.query import prefixes_of, term_in
from assistant.schemas import Citation, Passage
from assistant.text import fold, tokenize

_MARKER_RE = re.compile(
    r"\[\s*(?:sources?|src|doc(?:ument)?s?)?\s*(\d+(?:\s*(?:,|;|et|-|–)\s*\d+)*)\s*\]", re.IGNORECASE
)
_LEADING_MARKERS_RE = re.compile(r"^(?:\s*\[[^\]\n]{0,20}\d[^\]\n]{0,20}\])+")
_SEGMENT_RE = re.compile(r"\n+|(?<=[.!?])\s+(?=[«\"(\[A-ZÉÈÀÂÎÔÇ0-9*•-])")
_QUOTED_RE = re.compile(r"«\s*([^»]+?)\s*»|\"([^\"]+)\"|“([^”]+)”")
_NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
_ABSTAIN_RE = re.compile(
    r"\bje ne sais pas\b|les (?:documents|sources) ne (?:repondent|permettent|disent|precisent) pas"
    r"|aucune (?:des )?sources? ne (?:repond|permet|mentionne)"
)


@dataclass
class Grounded:
    """The verified answer, or the reason it cannot be shown (``problem``)."""

    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    problem: str | None = None


def _markers(text: str, count: int) -> list[int]:
    """Source numbers cited in ``text`` (0-based, in order, without repeats); ranges expanded."""
    out: list[int] = []
    for m in _MARKER_RE.finditer(text):
        for part in re.split(r"\s*(?:,|;|et)\s*", m.group(1)):
            bounds = [int(x) for x in re.split(r"\s*[-–]\s*", part) if x]
            numbers = range(bounds[0], bounds[-1] + 1) if len(bounds) == 2 and bounds[1] - bounds[0] < 10 else bounds
            for n in numbers:
                if n - 1 not in out:
                    out.append(n - 1)
    return out


def _segments(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the answer; a quotation is never cut, and a marker written after the full
    stop stays with its sentence."""
    quoted = [m.span() for m in _QUOTED_RE.finditer(text)]
    spans, start = [], 0
    for m in _SEGMENT_RE.finditer(text):
        if any(qs < m.start() < qe for qs, qe in quoted):
            continue
        spans.append([start, m.start()])
        start = m.end()
    spans.append([start, len(text)])
    for i in range(1, len(spans)):
        m = _LEADING_MARKERS_RE.match(text[spans[i][0]:spans[i][1]])
        if m:
            spans[i - 1][1] = spans[i][0] + m.end()
            spans[i][0] += m.end()
    return [(s, e) for s, e in spans if text[s:e].strip()]


def _is_claim(sentence: str) -> bool:
    bare = _MARKER_RE.sub("", sentence).strip(" *•-#\t")
    return len(bare.split()) >= 3 and not bare.endswith(":")


def _support(claim: str, passages: list[Passage]) -> tuple[float, list[str]]:
    """Share of the claim's words found in the passages, and the claim's numbers they lack."""
    bare = _MARKER_RE.sub(" ", claim)
    source_text = " ".join(p.text + " " + str(p.metadata.get("section", "")) + " " + p.title for p in passages)
    tokens = set(tokenize(source_text))
    prefixes = prefixes_of(tokens)
    terms = set(tokenize(bare))
    coverage = sum(term_in(t, tokens, prefixes) for t in terms) / len(terms) if terms else 1.0
    numbers = set(_NUMBER_RE.findall(source_text))
    missing = [n for n in _NUMBER_RE.findall(bare) if n not in numbers]
    return coverage, missing


def _quote(claim: str, passage: Passage) -> str | None:
    """The model's own quotation if verbatim in the passage, else the passage's sentence closest to
    the claim (by shared words)."""
    for m in _QUOTED_RE.finditer(claim):
        quoted = next(g for g in m.groups() if g)
        span = find_quote(quoted, passage.text) if len(quoted.split()) >= 2 else None
        if span:
            return passage.text[span[0]:span[1]]
    terms = set(tokenize(_MARKER_RE.sub(" ", claim)))
    best, best_score = None, 0.0
    for s, e in split_sentences(passage.text):
        tokens = set(tokenize(passage.text[s:e]))
        score = sum(term_in(t, tokens, prefixes_of(tokens)) for t in terms)
        if score > best_score:
            best, best_score = passage.text[s:e], score
    return best


def ground_answer(text: str, passages: list[Passage], *, min_support: float = 0.5) -> Grounded:
    text = text.strip()
    if not text:
        return Grounded(problem="réponse vide")
    says_unknown = False
    citations: list[Citation] = []
    numbering: dict[tuple[int, str], int] = {}
    pieces: list[str] = []
    cursor = 0
    for s, e in _segments(text):
        sentence = text[s:e]
        pieces.append(text[cursor:s])
        cursor = e
        cited = _markers(sentence, len(passages))
        if _ABSTAIN_RE.search(fold(sentence)):
            # « Les documents ne précisent pas … » is not a claim to source; alone, it is an abstention.
            says_unknown = True
            pieces.append(_MARKER_RE.sub("", sentence).rstrip())
            continue
        if not _is_claim(sentence):
            pieces.append(_MARKER_RE.sub("", sentence).rstrip())
            continue
        valid = [i for i in cited if 0 <= i < len(passages)]
        if not valid:
            reason = "source inexistante" if cited else "sans citation"
            return Grounded(problem=f"affirmation {reason} : « {_short(sentence)} »")
        coverage, missing = _support(sentence, [passages[i] for i in valid])
        if missing:
            return Grounded(problem=f"chiffre absent des sources citées ({', '.join(missing)}) : « {_short(sentence)} »")
        if coverage < min_support:
            return Grounded(problem=f"affirmation non appuyée par ses sources : « {_short(sentence)} »")
        numbers: list[int] = []
        for i in valid:
            quote = _quote(sentence, passages[i])
            if quote is None:
                continue
            key = (i, quote)
            if key not in numbering:
                numbering[key] = len(numbering) + 1
                citations.append(citation_for(numbering[key], passages[i], quote))
            if numbering[key] not in numbers:
                numbers.append(numbering[key])
        if not numbers:
            return Grounded(problem=f"aucun passage citable pour : « {_short(sentence)} »")
        body = _MARKER_RE.sub("", sentence).rstrip()
        end = ""
        if body and body[-1] in ".!?":
            body, end = body[:-1].rstrip(), body[-1]
        pieces.append(f"{body} {''.join(f'[{n}]' for n in numbers)}{end}")
    pieces.append(text[cursor:])
    if not citations:
        return Grounded(answer=text, abstained=True) if says_unknown else Grounded(problem="aucune citation")
    answer = re.sub(r"[ \t]+\n", "\n", "".join(pieces)).strip()
    return Grounded(answer=answer, citations=citations)


def _short(sentence: str, limit: int = 80) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
