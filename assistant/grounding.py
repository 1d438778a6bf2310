"""Checks a language model's answer against the sources it was given, before anyone reads it.

The model was asked to end every sentence with the number of its source ([1], [2]…). Each sentence
(a *claim*) is judged against the sources it cites, and for figures, names and quotations against
every source its paragraph cites:

- a quotation must be in a cited source modulo case, apostrophes and quotation marks, spacing, a word
  cut at a line end, and ellipses standing for left-out words (:mod:`assistant.quote_match`); what the
  user reads is the source's exact text. A short capitalised label in « » (a track's name) may come
  from any source or from the question;
- figures are values (« deux », 2, « 1er », « 18 000 € » = « 18 000 euros »); a count is supported
  by a list of that many items, a total by the figures it adds up; dates must be the sources' dates
  (an act's reference gives its séance date); the question's own figures may be repeated
  (:mod:`assistant.claims`);
- a capitalised word is a name to find in the sources, except a sentence's first word (unless it is
  a known place or a « Prénom Nom »); a name spelled slightly otherwise is found; a sentence denying
  that something the question names is in the documents may name it;
- most of the claim's words must be in its sources (words about the sources themselves aside);
- a claim must not reverse what its source says: opposite polarity on the same statement, clause by
  clause. A denial drawn from a restriction (« seules les communes peuvent… ») is not a reversal.

A sentence without its own marker (a list item, a line that introduces a list) is checked against
the sources of the next cited sentence, or else of the previous one. Citation numbers are
renumbered in order of appearance. A sentence that fails, or that the verifier cannot judge, is
**removed** and the answer says so (``Draft.removed`` names it); the rest is shown when a kept
sentence still carries what the question asks for (its answer type), else the caller falls back
to the extractive answer. What it cannot judge, measured on the frozen cases
(``tests/data/grounding_cases.json``): arithmetic (« trois de ces cinq membres »), and a true
figure attached to another object than the source's.

:class:`StreamGrounder` applies the same checks while the text streams, so that only verified
sentences are ever shown.
"""

from __future__ import annotations

import difflib
import re

from assistant.claims import claimed_figures, dates, figures, french_number, list_counts, restricts, units
from assistant.communes import is_known_place
from assistant.generation import Draft, citation_for, split_sentences
from assistant.query import prefixes_of, term_found, term_in
from assistant.question import has_answer_type
from assistant.quote_match import match_quote
from assistant.schemas import Citation, Passage
from assistant.text import fold, tokenize

MAX_QUOTE = 400
"""Characters of a quotation with cuts shown as the source's text; longer, the closest sentence is."""
_MARKER_RE = re.compile(
    r"\[\s*(?:sources?|src|doc(?:ument)?s?)?\s*(\d+(?:\s*(?:,|;|et|-|–)\s*\d+)*)\s*\]", re.IGNORECASE
)
_LEADING_MARKERS_RE = re.compile(r"^(?:\s*\[[^\]\n]{0,20}\d[^\]\n]{0,20}\])+")
_SEGMENT_RE = re.compile(r"\n+|(?<=[.!?])\s+(?=[«\"(\[A-ZÉÈÀÂÎÔÇ0-9*•-])")
_QUOTED_RE = re.compile(r"«\s*([^»]+?)\s*»|\"([^\"]+)\"|“([^”]+)”")
_SOURCES_SUBJECT = r"(?:les|ces) (?:documents|sources|extraits|passages)(?: fournis)?(?: du corpus)?"
_ABSENCE_VERBS = r"(?:repondent|permettent|disent|precisent|indiquent|definissent|detaillent|mentionnent|donnent|fixent|contiennent|citent|nomment|comportent)"
_ABSTAIN_RE = re.compile(
    rf"\bje ne sais pas\b|{_SOURCES_SUBJECT} (?:ne|n'|n’) ?{_ABSENCE_VERBS}(?: \w+)? (?:pas|aucune?|ni)\b"
    r"|aucune (?:des )?sources? ne (?:repond|permet|mentionne|precise|indique)"
)
# Quantifiers and absolutes a claim may only repeat, never add: « toutes les communes sont retenues ».
_ABSOLUTES = frozenset((
    "tous toutes chaque jamais toujours totalite integralite entierement obligatoire obligatoirement interdit "
    "systematiquement automatiquement illimite"
).split())
# The words of a sentence that speak of the sources themselves (« les extraits fournis citent… »),
# not of what they say: left out of the word support.
_META_WORDS = frozenset(tokenize(
    "extraits fournis passages sources documents citent mentionnent indiquent precisent detaillent "
    "definissent expressement cependant toutefois donc ainsi revanche"
))
# Markup a model could use to make the browser fetch an address or to hide text.
_MD_IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK_RE = re.compile(r"\[([^\]]+)\]\((?:[a-z]+:|/|#)[^)]*\)", re.IGNORECASE)
_HTML_RE = re.compile(r"<[^>\n]{0,500}>")
_THOUSANDS_RE = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?!\d))")
_NEGATION_RE = re.compile(
    r"\bn(?:e\b|['’])[^.;:]*?\b(?:pas|jamais|plus|aucune?|rien|personne|ni|nullement)\b|\baucune?\b|\bsans\b|\bnon (?:retenue?s?|selectionnee?s?)\b"
)
_ABSENT_FROM_RE = re.compile(
    r"\bn(?:e\s+|')(?:figure|figurent|apparait|apparaissent|est|sont)\s+(?:pas|ni|nulle part|dans aucune?)"
    r"|\b(?:ne|n') (?:figure|apparait) (?:sur|dans) aucune?\b"
)
_CLAUSE_RE = re.compile(r"\s*[,;:]\s*(?:et|mais|puis|donc|or)?\s+|\s+(?:et|mais)\s+(?=(?:il|elle|ils|elles|on)\b)")
_PREDICATE_RE = re.compile(r"^.*?(?=\b[nN](?:e\b|['’]))", re.S)
_REFUSAL_RE = re.compile(r"\bje ne (?:peux|dois|suis|communique|revele) pas\b")
_NEGATION_WORDS = frozenset(tokenize("ne pas plus jamais aucun aucune rien personne ni nullement non"))
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


def _figures_problem(claim: str, source_text: str, echoed: str = "") -> str | None:
    """A figure of ``claim`` that no cited source holds as a value, a count or with its unit (the
    question's own figures may be repeated), or a date no cited source gives."""
    known = figures(source_text) | figures(echoed)
    counts = list_counts(source_text) | list_counts(claim)
    claimed = claimed_figures(claim)
    supported = {v for v in claimed if v in known} | ({1.0} if re.search(r"\b(?:un|une)\b", fold(claim)) else set())
    for value in claimed - supported:
        whole = value.is_integer() and int(value) in counts
        if not (whole or _sum_of(value, supported) or any(c - value in supported for c in counts)):
            return "chiffre absent des sources"
    source_units = units(source_text)
    if not units(claim) <= source_units and not {v for v, _ in units(claim)} <= {v for v, _ in source_units}:
        return "chiffre absent des sources"
    if not dates(claim) <= dates(source_text) | dates(echoed):
        return "date absente des sources"
    return None


def _sum_of(value: float, parts: set[float]) -> bool:
    """« au moins deux agents et un élu, soit trois personnes »: a total of two figures stated."""
    return any(a + b == value for a in parts for b in parts)


def _quotations_problem(text: str, quotable: list[str], names_text: str) -> str | None:
    """A quotation found in no cited source (modulo case, apostrophes, spacing, cuts). A short
    capitalised label in « » (a track's name) may come from any source or from the question."""
    for m in _QUOTED_RE.finditer(text):
        quoted = next(g for g in m.groups() if g)
        if len(quoted.split()) < 2 or any(match_quote(quoted, q) for q in quotable):
            continue
        if _is_label(quoted) and match_quote(quoted, names_text):
            continue
        return "citation inexacte"
    return None


def _is_label(quoted: str) -> bool:
    return len(quoted.split()) <= 8 and quoted[:1].isupper() and not re.search(r"[.;:!?]", quoted)


def _names(bare: str) -> list[str]:
    """Capitalised words that may be names. A sentence's first word is one only when it is a known
    place, written in capitals, or followed by another capitalised word (« Jean Dupont »)."""
    names = []
    for m in _CAPITALISED_RE.finditer(bare):
        word = m.group(1)
        before = bare[:m.start()].rstrip(" \t*•-«\"'(")
        initial = not before or before[-1] in ".!?:\n" or fold(before).endswith(("oui,", "non,", "oui", "non"))
        if french_number(fold(word)) is not None:
            continue  # « Deux EPT… »: a figure, checked as one
        following = _CAPITALISED_RE.match(bare[m.end():].lstrip())
        if initial and not (word.isupper() or is_known_place(word) or (following and not following.group(1).isupper())):
            continue
        names.append(word)
    return names


def _names_problem(bare: str, source_text: str, echoed: str, denied: bool) -> str | None:
    """A name the cited sources lack. A sentence that denies (« Nanterre ne figure pas… ») may name
    what the question names: its absence from the sources is what it states."""
    source_words = set(re.findall(r"[\w'’-]+", fold(source_text)))
    tokens = set(tokenize(source_text))
    prefixes = prefixes_of(tokens)
    echoed_words = set(re.findall(r"[\w'’-]+", fold(echoed)))
    for name in _names(bare):
        key = fold(name).strip("'’-")
        if key in _NOT_NAMES or not tokenize(name) or key in source_words:
            continue
        if all(term_in(t, tokens, prefixes) for t in tokenize(name)):
            continue
        if denied and key in echoed_words:
            continue
        if _spelled_alike(key, source_text):
            continue  # « Rueil-Malmaison » for the source's « Reuil Malmaison »
        return "nom absent des sources"
    return None


def _spelled_alike(name: str, source_text: str, cutoff: float = 0.85) -> bool:
    """Whether the sources write ``name`` with another spelling (one or two letters apart, a hyphen
    for a space): as many consecutive words, close by :mod:`difflib`'s ratio."""
    parts = [w for w in re.split(r"[-\s']+", name) if w]
    words = re.findall(r"[^\W\d_]+", fold(source_text))
    grams = {" ".join(words[i:i + len(parts)]) for i in range(len(words) - len(parts) + 1)}
    return bool(difflib.get_close_matches(" ".join(parts), grams, n=1, cutoff=cutoff))


def new_facts(text: str, source_text: str, quotable: list[str] | None = None, *, sentence_starts: bool = False,
              names_text: str = "", echoed: str = "") -> str | None:
    """What ``text`` asserts that ``source_text`` does not hold — a figure (digits or words, with its
    unit), a quotation, a proper name — as a French label, or None. With ``sentence_starts``, the
    capital of a sentence's first word is never taken for a name (free prose, not one claim);
    ``names_text``: where a quoted label may also come from; ``echoed``: the question's words."""
    bare = _normalise_numbers(_MARKER_RE.sub(" ", text))
    if sentence_starts:
        bare = re.sub(r"(^|[.!?:]\s+|\n\s*(?:[-*•]\s*)?)([A-ZÉÈÀÂÎÔÇ])", lambda m: m.group(1) + m.group(2).lower(), bare)
    source_text = _normalise_numbers(source_text)
    problem = _figures_problem(bare, source_text, echoed)
    problem = problem or _quotations_problem(text, quotable or [source_text], names_text or source_text)
    unquoted = _QUOTED_RE.sub(" ", bare)
    return problem or _names_problem(unquoted, source_text, echoed, negated(unquoted))


def _check_claim(claim: str, sources: list[Passage], context: list[Passage], min_support: float,
                 names_text: str = "", echoed: str = "") -> str | None:
    """Why ``claim`` is not supported by ``sources`` (its own) and ``context`` (every source its
    paragraph cites), as a French label, or None when it is."""
    source_text = " ".join(p.text + " " + str(p.metadata.get("section", "")) + " " + p.title for p in context)
    problem = new_facts(claim, source_text, quotable=[p.text for p in context], names_text=names_text, echoed=echoed)
    if problem:
        return problem
    bare = _normalise_numbers(_MARKER_RE.sub(" ", claim))
    tokens = set(tokenize(source_text + " " + names_text))
    prefixes = prefixes_of(tokens)
    cited = set(tokenize(source_text))
    absent = {t for t in tokenize(echoed) if not term_found(t, cited, prefixes_of(cited))} if negated(bare) else set()
    if absent & set(tokenize(bare)) and _ABSENT_FROM_RE.search(fold(bare)):
        return None  # « Clamart ne figure pas dans les listes »: what it states is that absence
    said = set(re.findall(r"[a-z]+", fold(source_text)))
    if any(w not in said for w in re.findall(r"[a-z]+", fold(_QUOTED_RE.sub(" ", bare))) if w in _ABSOLUTES):
        return "affirmation non appuyée par ses sources"  # « toutes les communes », « toujours »: not in the source
    if negated(bare) and any(restricts(p.text) for p in sources):
        bare = _PREDICATE_RE.sub("", bare, count=1)  # « un CCAS ne peut pas candidater » against « seules les communes peuvent »
    terms = set(tokenize(_ABSTAIN_RE.sub(" ", fold(bare)))) - _NOT_NAMES - _META_WORDS - absent
    if terms and sum(term_found(t, tokens, prefixes) for t in terms) / len(terms) < min_support:
        return "affirmation non appuyée par ses sources"
    return None


def _quote(claim: str, passage: Passage) -> str | None:
    """The source's text of the model's own quotation when it is there (modulo case, apostrophes,
    spacing, cuts), else the passage's sentence closest to the claim (by shared words)."""
    for m in _QUOTED_RE.finditer(claim):
        quoted = next(g for g in m.groups() if g)
        span = match_quote(quoted, passage.text) if len(quoted.split()) >= 2 else None
        if span and span[1] - span[0] <= MAX_QUOTE:
            return passage.text[span[0]:span[1]]
    terms = set(tokenize(_MARKER_RE.sub(" ", claim)))
    best, best_score = None, 0.0
    for s, e in split_sentences(passage.text) + _lines(passage.text):
        if passage.text[s:e].rstrip(" *").endswith("?"):
            continue  # an FAQ's question asserts nothing
        tokens = set(tokenize(passage.text[s:e]))
        score = sum(term_in(t, tokens, prefixes_of(tokens)) for t in terms)
        if score > best_score:
            best, best_score = passage.text[s:e], score
    return best


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the non-empty lines of ``text`` (a heading, a list item), stripped of markup."""
    spans, offset = [], 0
    for line in text.split("\n"):
        stripped = line.strip(" #*-•\t")
        if len(stripped) > 3:
            start = offset + line.index(stripped)
            spans.append((start, start + len(stripped)))
        offset += len(line) + 1
    return spans


def _negated_predicate(text: str) -> set[str]:
    """The first two content words a negation bears on (« ne remplace ni le règlement » →
    remplace, règlement); references and figures aside."""
    m = re.search(r"\bn(?:e\s+|['’])([^.;:]{0,80})|\baucune?\s+([^.;:]{0,60})", fold(text))
    if not m:
        return set()
    words: list[str] = []
    for word in re.findall(r"[^\W\d_][\w'’-]*", m.group(1) or m.group(2)):
        stems = [t for t in tokenize(word) if t not in _NEGATION_WORDS and not re.search(r"\d", t)]
        words.extend(stems[:1])
        if len(words) == 2:
            break
    return set(words)


def reverses(claim: str, quote: str, min_terms: int = 1) -> bool:
    """Whether ``claim`` says the opposite of ``quote``: opposite polarity on the same statement (the
    claim's words nearly all in the quote, and much of the quote in the claim). A denial drawn from
    a restriction, or a negation about something else than the quoted sentence, is not a reversal."""
    own = _QUOTED_RE.sub(" ", _MARKER_RE.sub(" ", claim))
    if negated(own) == negated(quote) or (negated(own) and restricts(quote)):
        return False
    claim_terms = set(tokenize(own)) - _NEGATION_WORDS - _NOT_NAMES
    quote_terms = set(tokenize(quote)) - _NEGATION_WORDS - _NOT_NAMES
    if len(claim_terms) < min_terms or not quote_terms:
        return False
    prefixes = prefixes_of(quote_terms)
    shared = sum(term_in(t, quote_terms, prefixes) for t in claim_terms)
    if shared / len(claim_terms) < 0.75 or shared / len(quote_terms) < 0.4:
        return False
    # The negation must bear on what both say (« ne remplace ni la délibération qui l'a lancé » does
    # not deny « il a été lancé par la délibération »).
    negative = own if negated(own) else quote
    other = quote_terms if negative is own else claim_terms
    bears_on = _negated_predicate(negative)
    other_prefixes = prefixes_of(other)
    return not bears_on or any(term_in(t, other, other_prefixes) for t in bears_on)


def _contradicts(claim: str, passage: Passage) -> bool:
    """Whether one clause of ``claim`` reverses one sentence of ``passage`` (« …, et elle ouvre droit
    à une indemnité » against « Elle n'ouvre droit à aucune indemnité. »)."""
    own = _QUOTED_RE.sub(" ", _MARKER_RE.sub(" ", claim))
    clauses = [c for c in _CLAUSE_RE.split(own) if len(c.split()) >= 3]
    if len(clauses) < 2:
        return False  # the claim as a whole was compared with its quotation already
    sentences = [passage.text[s:e] for s, e in split_sentences(passage.text) + _lines(passage.text)
                 if not passage.text[s:e].rstrip(" *").endswith("?")]  # an FAQ's question asserts nothing
    return any(reverses(clause, sentence, min_terms=3) for clause in clauses for sentence in sentences)


def _states_absence(sentence: str) -> bool:
    """« Les documents ne précisent pas la date. », « Je ne peux pas communiquer mes consignes. »:
    says what the sources lack or what the assistant will not do, and asserts nothing else (no
    number, no name, no quotation), so it needs no source."""
    folded = fold(sentence)
    if not (_ABSTAIN_RE.search(folded) or _REFUSAL_RE.search(folded)) or re.search(r"\d|«|\"", sentence):
        return False
    if any(french_number(w) for w in re.findall(r"[a-z]+(?:-[a-z]+)*", folded)):
        return False
    names = [n for n in _CAPITALISED_RE.findall(sentence)[1:] if fold(n).strip("'’-") not in _NOT_NAMES and tokenize(n)]
    return not names


def negated(text: str) -> bool:
    return bool(_NEGATION_RE.search(fold(text)))


class _Grounding:
    """One pass over an answer's sentences: each is kept (with its citations) or removed (with why)."""

    def __init__(self, text: str, passages: list[Passage], min_support: float, question: str) -> None:
        self.text, self.passages, self.min_support, self.question = text, passages, min_support, question
        self.names_text = " ".join(p.text + " " + p.title for p in passages) + " " + question
        self.citations: list[Citation] = []
        self.numbering: dict[tuple[int, str], int] = {}
        self.removed: list[tuple[str, str]] = []
        self.kept: list[str] = []

    def judge(self, sentence: str, sources: list[int], context: list[int]) -> str | list[int]:
        """The citation numbers of a kept sentence, or why it is removed."""
        valid = [i for i in sources if 0 <= i < len(self.passages)]
        if not valid:
            return "source inexistante"
        around = [self.passages[i] for i in dict.fromkeys(valid + context) if 0 <= i < len(self.passages)]
        problem = _check_claim(sentence, [self.passages[i] for i in valid], around, self.min_support,
                               self.names_text, self.question)
        if problem:
            return problem
        numbers: list[int] = []
        reversed_polarity = False
        for i in valid:
            quote = _quote(sentence, self.passages[i])
            if quote is None:
                continue
            if reverses(sentence, quote) or _contradicts(sentence, self.passages[i]):
                reversed_polarity = True
                continue
            key = (i, quote)
            if key not in self.numbering:
                self.numbering[key] = len(self.numbering) + 1
                self.citations.append(citation_for(self.numbering[key], self.passages[i], quote))
            if self.numbering[key] not in numbers:
                numbers.append(self.numbering[key])
        if not numbers:
            return "négation contraire à la source" if reversed_polarity else "aucun passage citable"
        return numbers


def _paragraph_sources(text: str, segments: list[tuple[int, int]], cited: list[list[int]]) -> list[list[int]]:
    """For each sentence, every source cited in its paragraph (a block without a blank line)."""
    paragraph = [text.count("\n\n", 0, s) for s, _ in segments]
    union: dict[int, list[int]] = {}
    for p, c in zip(paragraph, cited):
        union.setdefault(p, []).extend(c)
    return [union[p] for p in paragraph]


def ground_answer(text: str, passages: list[Passage], *, min_support: float = 0.5, partial: bool = False,
                  answer_type: str | None = None, question: str = "") -> Draft:
    """Verify ``text``: each sentence is kept with its citations or removed (``Draft.removed`` says
    which and why). The rest is shown when a kept sentence carries what the question asks for
    (``answer_type``); otherwise ``problem`` says why the caller must fall back. With ``partial``
    (streaming), the text is a prefix: only its complete sentences are judged."""
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
    context = _paragraph_sources(text, segments, cited)
    absence = [_states_absence(text[s:e]) for s, e in segments]
    if not partial and segments and all(absence):
        return Draft(answer=stripped, abstained=True)

    run = _Grounding(text, passages, min_support, question)
    pieces: list[str] = []
    cursor = 0
    introduction: tuple[int, str] | None = None  # the last kept « … sont : », until a sentence follows it
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
        verdict = run.judge(sentence, own or inherited or [], context[k]) if (own or inherited) else "affirmation sans citation"
        if isinstance(verdict, str):
            run.removed.append((_short(sentence), verdict))
            cursor = e
            continue
        pieces.append(text[cursor:s])
        cursor = e
        run.kept.append(bare)
        introduction = (len(pieces) - 1, sentence) if not own and bare.rstrip().endswith(":") else None
        if not own:  # an introduction or a list item: checked, shown without markers of its own
            pieces.append(_MARKER_RE.sub("", sentence).rstrip())
            continue
        body = _MARKER_RE.sub("", sentence).rstrip()
        end = ""
        if body and body[-1] in ".!?":
            body, end = body[:-1].rstrip(), body[-1]
        pieces.append(f"{body} {''.join(f'[{n}]' for n in verdict)}{end}")
    if not partial:
        pieces.append(text[cursor:])
        if introduction is not None:  # every item of its list was removed: it would announce nothing
            pieces = pieces[:introduction[0]]
            run.kept.pop()
            run.removed.append((_short(introduction[1]), "introduction d'une liste retirée"))
    answer = re.sub(r"[ \t]+\n", "\n", "".join(pieces)).strip()
    draft = Draft(answer=answer, citations=run.citations, removed=run.removed)
    if partial:
        return draft
    if not run.citations:
        first = run.removed[0] if run.removed else ("aucune citation", None)
        return Draft(problem=first[1] if run.removed else first[0], detail=first[0] if run.removed else None,
                     removed=run.removed)
    if run.removed and not any(has_answer_type(answer_type, sentence) for sentence in run.kept):
        return Draft(problem=run.removed[0][1], detail=run.removed[0][0], removed=run.removed)
    if run.removed:
        draft.answer += "\n\n" + removal_notice(len(run.removed))
    return draft


def sentence_count(answer: str) -> int:
    """Sentences of a shown answer, its removal notice aside."""
    text = re.sub(r"\n*\((?:Une phrase|\d+ phrases) non vérifiée.*\)\s*$", "", answer)
    return len(_segments(text))


def removal_notice(count: int) -> str:
    """What the answer says of the sentences it lost."""
    if count == 1:
        return "(Une phrase non vérifiée dans les documents a été retirée de cette réponse.)"
    return f"({count} phrases non vérifiées dans les documents ont été retirées de cette réponse.)"


class StreamGrounder:
    """Feeds on the streamed pieces; returns the newly verified text (sentences that fail are
    skipped, never shown), or a problem that makes the answer unshowable."""

    def __init__(self, passages: list[Passage], min_support: float = 0.5, question: str = "") -> None:
        self.passages = passages
        self.min_support = min_support
        self.question = question
        self.text = ""
        self.shown = ""
        self._segments = 0

    def feed(self, piece: str) -> tuple[str, str | None]:
        self.text += piece
        count = len(_segments(self.text))
        if count == self._segments and not re.search(r"[.!?\n\]]", piece):
            return "", None  # no sentence can have been completed
        self._segments = count
        grounded = ground_answer(self.text, self.passages, min_support=self.min_support, partial=True,
                                 question=self.question)
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
