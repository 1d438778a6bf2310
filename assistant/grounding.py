"""Checks a language model's answer against the sources it was given, before anyone reads it.

The model was asked to end every sentence with the number of its source ([1], [2]…). Each sentence
(a *claim*) must cite at least one existing source that supports it: the claim's numbers (digits or
words, with their unit), its proper names and its quotations must be in a cited source, most of its
words too, and it must not deny what the source affirms (or the reverse). A sentence without its own
marker (a list item, a line that introduces a list) is checked against the sources of the next
cited sentence, or else of the previous one. The quote shown to the user is the model's own
quotation when verbatim, otherwise the source sentence that best supports the claim — verbatim by
construction, then checked again by :func:`verify_citations`. Citation numbers are renumbered in
order of appearance. One unsupported sentence rejects the whole answer: the caller then falls back
to the extractive answer rather than show a half-verified text.

:class:`StreamGrounder` applies the same checks while the text streams, so that only verified
sentences are ever shown, and a doomed generation is stopped at its first unsupported sentence.
"""

from __future__ import annotations

import re

from assistant.generation import Draft, citation_for, find_quote, split_sentences
from assistant.query import prefixes_of, term_found, term_in
from assistant.schemas import Citation, Passage
from assistant.text import CARDINALS, fold, tokenize

_MARKER_RE = re.compile(
    r"\[\s*(?:sources?|src|doc(?:ument)?s?)?\s*(\d+(?:\s*(?:,|;|et|-|–)\s*\d+)*)\s*\]", re.IGNORECASE
)
_LEADING_MARKERS_RE = re.compile(r"^(?:\s*\[[^\]\n]{0,20}\d[^\]\n]{0,20}\])+")
_SEGMENT_RE = re.compile(r"\n+|(?<=[.!?])\s+(?=[«\"(\[A-ZÉÈÀÂÎÔÇ0-9*•-])")
_QUOTED_RE = re.compile(r"«\s*([^»]+?)\s*»|\"([^\"]+)\"|“([^”]+)”")
_ABSTAIN_RE = re.compile(
    r"\bje ne sais pas\b|les (?:documents|sources) ne (?:repondent|permettent|disent|precisent) pas"
    r"|aucune (?:des )?sources? ne (?:repond|permet|mentionne)"
)
# Markup a model could use to make the browser fetch an address or to hide text.
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:[a-z]+:|/|#)[^)]*\)", re.IGNORECASE)
_HTML_RE = re.compile(r"<[^>\n]{0,500}>")
_THOUSANDS_RE = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))")
_NUMBER_RE = re.compile(r"\d+(?:[.,/]\d+)*")
_UNIT_RE = re.compile(r"(\d+(?:[.,/]\d+)*)\s*(%|€|euros?\b|millions?\b|milliards?\b|pour ?cent\b)", re.IGNORECASE)
_NEGATION_RE = re.compile(
    r"\bn(?:e\b|['’])[^.;:]*?\b(?:pas|jamais|plus|aucune?|rien|personne|ni|nullement)\b|\baucune?\b|\bnon (?:retenue?s?|selectionnee?s?)\b"
)
_CAPITALISED_RE = re.compile(r"(?<!\w)([A-ZÉÈÀÂÎÔÇ][\w'’-]+)")
# Words a sentence may start with, or connectors, that are not names to look up in the sources.
_NOT_NAMES = frozenset(fold(w) for w in (
    "oui non selon d'après après ainsi enfin ensuite puis donc cependant toutefois également aussi par en au aux "
    "pour il elle ils elles cette ce cet ces chaque la le les l un une des du de d dans sur source sources document "
    "documents vous nous on c ceci cela à a est sont voici votre notre leur leurs son sa ses tout tous toute toutes "
    "il y mgp ia ept ni et ou mais car or si quand lorsque comme afin avant depuis pendant lors entre je"
).split())


def sanitise(text: str) -> str:
    """Model text without HTML, images or links (a link keeps its label)."""
    text = _MD_IMAGE_RE.sub("", text)
    text = _MD_LINK_RE.sub(r"\1", text)
    return _HTML_RE.sub("", text)


def _markers(text: str) -> list[int]:
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


def _quoted_spans(text: str) -> list[tuple[int, int]]:
    spans = [m.span() for m in _QUOTED_RE.finditer(text)]
    opened = text.rfind("«")
    if opened > text.rfind("»"):  # a quotation still streaming: not cut either
        spans.append((opened, len(text)))
    return spans


def _segments(text: str) -> list[tuple[int, int]]:
    """Sentence spans of the answer; a quotation is never cut, and a marker written after the full
    stop stays with its sentence."""
    quoted = _quoted_spans(text)
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


def _has_started(segment: str) -> bool:
    """Whether a streaming segment holds words (not only a marker still being written)."""
    bare = re.sub(r"\[[^\]]*$", "", _MARKER_RE.sub("", segment))
    return bool(re.search(r"[^\W\d_]", bare))


def _normalise_numbers(text: str) -> str:
    return _THOUSANDS_RE.sub("", text)


def _french_number(word: str) -> int | None:
    """« vingt-six » → 26, « quatre-vingt-dix » → 90, « trois » → 3; None if not a number word."""
    parts = [p for p in re.split(r"-|\bet\b", word) if p]
    values = [CARDINALS.get(p) for p in parts]
    if not values or any(v is None for v in values):
        return None
    total = 0
    for i, v in enumerate(values):
        if v == 20 and i > 0 and values[i - 1] == 4:  # quatre-vingt
            total += 80 - 4
        elif v in (100, 1000) and total:
            total *= v
        else:
            total += v
    return total


def _check_claim(claim: str, sources: list[Passage], min_support: float) -> str | None:
    """Why ``claim`` is not supported by ``sources`` (a French label), or None when it is."""
    source_text = " ".join(p.text + " " + str(p.metadata.get("section", "")) + " " + p.title for p in sources)
    problem = new_facts(claim, source_text, quotable=[p.text for p in sources])
    if problem:
        return problem
    bare = _normalise_numbers(_MARKER_RE.sub(" ", claim))
    tokens = set(tokenize(source_text))
    prefixes = prefixes_of(tokens)
    terms = set(tokenize(bare)) - _NOT_NAMES
    if terms and sum(term_found(t, tokens, prefixes) for t in terms) / len(terms) < min_support:
        return "affirmation non appuyée par ses sources"
    return None


def new_facts(text: str, source_text: str, quotable: list[str] | None = None, *, sentence_starts: bool = False) -> str | None:
    """What ``text`` asserts that ``source_text`` does not hold — a number (digits or words, with its
    unit), a quotation, a proper name — as a French label, or None. With ``sentence_starts``, the
    capital of a sentence's first word is not taken for a name (free prose, not one claim)."""
    bare = _normalise_numbers(_MARKER_RE.sub(" ", text))
    if sentence_starts:
        bare = re.sub(r"(^|[.!?:]\s+|\n\s*(?:[-*•]\s*)?)([A-ZÉÈÀÂÎÔÇ])", lambda m: m.group(1) + m.group(2).lower(), bare)
    source_text = _normalise_numbers(source_text)
    folded_source = fold(source_text)
    source_words = set(re.findall(r"[\w'’-]+", folded_source))
    numbers = set(_NUMBER_RE.findall(source_text))
    for n in _NUMBER_RE.findall(bare):
        if n not in numbers:
            return "chiffre absent des sources"
    for n, unit in _UNIT_RE.findall(bare):
        if not re.search(re.escape(n) + r"\s*" + re.escape(unit[:3]), source_text, re.IGNORECASE):
            return "chiffre absent des sources"
    for word in re.findall(r"[a-z]+(?:-[a-z]+)*", fold(bare)):
        value = _french_number(word)
        if value is not None and word not in source_words and str(value) not in numbers:
            return "chiffre absent des sources"
    for m in _QUOTED_RE.finditer(text):
        quoted = next(g for g in m.groups() if g)
        if len(quoted.split()) >= 2 and not any(find_quote(quoted, q) for q in (quotable or [source_text])):
            return "citation inexacte"
    tokens = set(tokenize(source_text))
    prefixes = prefixes_of(tokens)
    for name in _CAPITALISED_RE.findall(bare):
        key = fold(name).strip("'’-")
        if key in _NOT_NAMES or not tokenize(name) or key in source_words:
            continue
        if all(term_in(t, tokens, prefixes) for t in tokenize(name)):
            continue
        return "nom absent des sources"
    return None




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


def _states_absence(sentence: str) -> bool:
    """« Les documents ne précisent pas la date. »: says what the sources lack, and asserts nothing
    else (no number, no name, no quotation), so it needs no source."""
    if not _ABSTAIN_RE.search(fold(sentence)) or re.search(r"\d|«|\"", sentence):
        return False
    if any(_french_number(w) for w in re.findall(r"[a-z]+(?:-[a-z]+)*", fold(sentence))):
        return False
    names = [n for n in _CAPITALISED_RE.findall(sentence) if fold(n).strip("'’-") not in _NOT_NAMES and tokenize(n)]
    return not names


def negated(text: str) -> bool:
    return bool(_NEGATION_RE.search(fold(text)))


def ground_answer(text: str, passages: list[Passage], *, min_support: float = 0.5, partial: bool = False) -> Draft:
    """Verify ``text``. With ``partial`` (streaming), the text is a prefix: only its complete
    sentences are judged, and a sentence that cannot be judged yet ends the verified part."""
    text = sanitise(text)
    stripped = text.strip()
    if not stripped:
        return Draft() if partial else Draft(problem="réponse vide")
    segments = _segments(text)
    if partial:
        if segments and not _has_started(text[segments[-1][0]:segments[-1][1]]):
            segments = segments[:-1]
        segments = segments[:-1]  # the last sentence may still be growing
    cited = [_markers(text[s:e]) for s, e in segments]
    absence = [_states_absence(text[s:e]) for s, e in segments]
    if not partial and segments and all(absence):
        return Draft(answer=stripped, abstained=True)

    citations: list[Citation] = []
    numbering: dict[tuple[int, str], int] = {}
    pieces: list[str] = []
    cursor = 0
    for k, (s, e) in enumerate(segments):
        sentence = text[s:e]
        bare = _MARKER_RE.sub("", sentence).strip(" *•-#\t")
        if not bare:
            continue
        if absence[k]:
            if partial and not any(cited[k + 1:]):
                break  # alone, the answer is an abstention: shown only at the end
            pieces.append(text[cursor:s] + _MARKER_RE.sub("", sentence).rstrip())
            cursor = e
            continue
        own = cited[k]
        inherited = next((c for c in cited[k + 1:] if c), None)
        if not own and inherited is None:
            if partial:
                break  # its source may come with the next sentence
            inherited = next((c for c in reversed(cited[:k]) if c), None)
        sources = own or inherited or []
        if not sources:
            return Draft(problem="affirmation sans citation", detail=_short(sentence))
        valid = [i for i in sources if 0 <= i < len(passages)]
        if not valid:
            return Draft(problem="source inexistante", detail=_short(sentence))
        problem = _check_claim(sentence, [passages[i] for i in valid], min_support)
        if problem:
            return Draft(problem=problem, detail=_short(sentence))
        pieces.append(text[cursor:s])
        cursor = e
        if not own:  # an introduction or a list item: checked, shown without markers of its own
            pieces.append(_MARKER_RE.sub("", sentence).rstrip())
            continue
        numbers: list[int] = []
        reversed_polarity = False
        for i in valid:
            quote = _quote(sentence, passages[i])
            if quote is None:
                continue
            if negated(quote) != negated(sentence):
                reversed_polarity = True
                continue
            key = (i, quote)
            if key not in numbering:
                numbering[key] = len(numbering) + 1
                citations.append(citation_for(numbering[key], passages[i], quote))
            if numbering[key] not in numbers:
                numbers.append(numbering[key])
        if not numbers:
            return Draft(problem="négation contraire à la source" if reversed_polarity else "aucun passage citable",
                            detail=_short(sentence))
        body = _MARKER_RE.sub("", sentence).rstrip()
        end = ""
        if body and body[-1] in ".!?":
            body, end = body[:-1].rstrip(), body[-1]
        pieces.append(f"{body} {''.join(f'[{n}]' for n in numbers)}{end}")
    if not partial:
        pieces.append(text[cursor:])
        if not citations:
            return Draft(problem="aucune citation")
    answer = re.sub(r"[ \t]+\n", "\n", "".join(pieces)).strip()
    return Draft(answer=answer, citations=citations)


class StreamGrounder:
    """Feeds on the streamed pieces; returns the newly verified text, or the problem that makes the
    answer unshowable (then the caller stops the generation)."""

    def __init__(self, passages: list[Passage], min_support: float = 0.5) -> None:
        self.passages = passages
        self.min_support = min_support
        self.text = ""
        self.shown = ""
        self._segments = 0

    def feed(self, piece: str) -> tuple[str, str | None]:
        self.text += piece
        count = len(_segments(self.text))
        if count == self._segments and not re.search(r"[.!?\n\]]", piece):
            return "", None  # no sentence can have been completed
        self._segments = count
        grounded = ground_answer(self.text, self.passages, min_support=self.min_support, partial=True)
        if grounded.problem:
            return "", grounded.problem
        if grounded.answer.startswith(self.shown) and len(grounded.answer) > len(self.shown):
            delta = grounded.answer[len(self.shown):]
            self.shown = grounded.answer
            return delta, None
        return "", None


def _short(sentence: str, limit: int = 80) -> str:
    sentence = " ".join(sentence.split())
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
