"""The offline default's three outcomes, said plainly.

- **answer**: the extractive quote, only when it carries what is asked — the answer type (a person for
  « qui », a date for « quand », a number for « combien »…; each type when the question asks two) in a
  quoted sentence, and the question's own specifics (the commune, organisation, event or year it
  names: :attr:`assistant.question.Question.specifics`) in that sentence, its section heading, its
  document's title and metadata, or the record of its act;
- **closest**: « Je n'ai pas trouvé de réponse directe… » with the 2–3 best sections and, in each, the
  sentence most related to the question — never worded as an answer, at most
  :data:`MAX_CLOSEST_CHARS` characters quoted;
- **none**: « Je ne sais pas », only when no passage is about the question (below a relevance floor
  calibrated on the dev halves) or what it names is absent from the documents.
"""

from __future__ import annotations

import re

from assistant.abstention import Evidence
from assistant.generation import Draft, citation_for, is_question_line, passage_sentences
from assistant.query import ABBREVIATIONS, prefixes_of, term_found
from assistant.question import Question, answer_types, has_answer_type, mentions_date
from assistant.records import DeliberationRecord
from assistant.schemas import Citation, Passage
from assistant.text import fold, tokenize

CLOSEST_HEADER = "Je n'ai pas trouvé de réponse directe dans les documents. Les passages les plus proches :"
CLOSEST_SECTIONS = 3
MAX_CLOSEST_CHARS = 1500
CLOSEST_MIN_COVERAGE = 0.34
"""Share of the question's content words one passage must hold for the passages to be « about » it
(below, the outcome is « none »). Calibrated on the dev halves by :func:`evals.calibrate.calibrate_floor`
(best mean balanced accuracy over fourni, multi and programme: 0.70 at 0.34, 0.60 at 0.2). Measured
there: coverage hardly separates out-of-corpus questions from answerable ones (they share the
corpus's subject): most get the closest passages, said as such, never a direct answer."""


def about_the_question(evidence: Evidence | None, floor: float = CLOSEST_MIN_COVERAGE) -> bool:
    """Whether some passage is about the question at all (the relevance ``floor``)."""
    if evidence is None:
        return False
    if not evidence.terms:
        return evidence.similarity > 0.0 and evidence.keyword_hit
    return evidence.coverage >= floor


def record_text(record: DeliberationRecord | None) -> str:
    """What an act's record says about it, as words a specific may be found in."""
    if record is None:
        return ""
    parts = [record.reference, record.body, record.subject, record.president, record.secretary,
             str(record.session_date or ""), *(b.name for b in record.beneficiaries)]
    return " ".join(p for p in parts if p)


def _holds(haystack: str, name: str) -> bool:
    tokens = set(tokenize(haystack))
    prefixes = prefixes_of(tokens)
    expansion = ABBREVIATIONS.get(fold(name))
    if expansion and all(term_found(t, tokens, prefixes) for t in tokenize(expansion)):
        return True  # « CCAS » written « centre communal d'action sociale »
    wanted = tokenize(name)
    if not wanted:
        return fold(name) in fold(haystack)
    return all(term_found(t, tokens, prefixes) for t in wanted)


def missing_specifics(question: Question, haystack: str, around: str = "") -> list[str]:
    """The question's specifics that ``haystack`` does not hold: names there; years and dates there
    or ``around`` it (the rest of its passage: « l'atelier du 20 novembre » dates a whole report)."""
    missing = [name for name in question.specifics
               if not _holds(haystack + (" " + around if name.isdigit() else ""), name)]
    for day, month, year in question.dates:
        if day is not None and not mentions_date(haystack + " " + around, day, month, year):
            missing.append(f"{day}/{month}")
    return missing


def why_not_direct(question: Question, citations: list[Citation], context: list[str], around: str = "") -> str | None:
    """Why quoted ``citations`` do not answer ``question`` directly (None when they do). ``context``:
    for each citation, its section heading, document title, metadata and act record; ``around``: the
    text of the first citation's passage."""
    if not citations:
        return "aucun passage citable"
    wanted = answer_types(question.text) or ({question.answer_type} if question.answer_type else set())
    if wanted & {"amount", "proportion", "duration", "date"}:
        wanted.discard("number")  # « combien coûte… »: the amount is the number asked
    for kind in wanted:
        if not any(has_answer_type(kind, c.quote) for c in citations):
            return f"aucune phrase citée ne donne ce qui est demandé ({kind})"
    shape = _not_an_answer(question, citations[0].quote)
    if shape:
        return shape
    counted = counted_noun(question.text)
    if counted and not any(_holds(c.quote, counted) or _labels_a_figure(c.quote, question.terms) for c in citations):
        return f"aucune phrase citée ne compte ce qui est demandé ({counted})"
    first = citations[0].quote + " " + context[0]
    missing = missing_specifics(question, first, around)
    if missing:
        return f"la phrase citée ne nomme pas : {', '.join(missing)}"
    return None


_COUNTED_RE = re.compile(r"\bcombien\s+(?:de|d')\s*([a-z][a-z-]{2,})")
_UNITS = {"temps", "fois", "jour", "jours", "semaine", "semaines", "mois", "an", "ans", "annee", "annees",
          "heure", "heures", "minute", "minutes", "euro", "euros", "argent", "places", "place"}
_VISA_RE = re.compile(r"^\W*vu\b")
_LEGAL_TEXT_RE = re.compile(r"\b(?:loi|lois|decret|code|arrete|ordonnance|reglementation|juridique|fondement|"
                            r"vise|visa|visas|texte|textes)\b")


def _holds_all(text: str, terms) -> bool:
    tokens = set(tokenize(text))
    prefixes = prefixes_of(tokens)
    # a stem of three letters (« not » of « note ») is found in too many words to count
    return bool(terms) and all(len(t) > 3 and term_found(t, tokens, prefixes) for t in terms)


def _labels_a_figure(quote: str, terms) -> bool:
    """Whether a word of the question labels a figure of ``quote`` (« Contre : 9 », « vote : 3 »)."""
    for match in re.finditer(r"([a-z]{3,})\W{0,4}\d", fold(quote)):
        if any(term_found(t, {match.group(1)}, prefixes_of({match.group(1)})) for t in terms):
            return True
    return False


def counted_noun(question: str) -> str | None:
    """What « combien de X » counts (« dossiers », « communes »), None for units a duration, an amount
    or a frequency answers (« combien de temps », « combien de jours »): the quoted sentence must name it."""
    match = _COUNTED_RE.search(fold(question))
    if match is None or match.group(1) in _UNITS:
        return None
    return match.group(1)


def _not_an_answer(question: Question, quote: str) -> str | None:
    """Sentences whose form says they answer nothing, whatever they hold: a question (an FAQ's
    question line), and an act's visa (« Vu la loi n°2015-991 du 7 août 2015… » names the texts an
    act rests on; its dates and numbers are theirs) unless the question asks for those texts."""
    if is_question_line(quote):
        return "la phrase citée est une question"
    if _VISA_RE.match(fold(quote)) and not _LEGAL_TEXT_RE.search(question.folded) and not _holds_all(quote, question.terms):
        return "la phrase citée est un visa (un texte sur lequel l'acte se fonde)"
    return None


def closest_passages(question: Question, passages: list[Passage], cite=citation_for) -> Draft:
    """The 2–3 best sections (one per document section), each with its sentence most related to the
    question, under :data:`CLOSEST_HEADER`; citations numbered in order."""
    lines: list[str] = [CLOSEST_HEADER]
    citations: list[Citation] = []
    seen: set[tuple[str, str]] = set()
    budget = MAX_CLOSEST_CHARS
    for passage in passages:
        key = (str(passage.metadata.get("doc_id", passage.title)), str(passage.metadata.get("section", "")))
        if key in seen or len(citations) == CLOSEST_SECTIONS or budget <= 80:
            continue
        sentence = _related_sentence(question, passage, limit=min(500, budget))
        if not sentence:
            continue
        seen.add(key)
        budget -= len(sentence)
        n = len(citations) + 1
        citation = cite(n, passage, sentence)
        citations.append(citation)
        where = ", ".join(x for x in (f"page {citation.page}" if citation.page else "", citation.section or "") if x)
        lines.append(f"- {passage.title}{f' ({where})' if where else ''} : « {sentence} » [{n}]")
    return Draft(answer="\n".join(lines), citations=citations, abstained=True)


def _related_sentence(question: Question, passage: Passage, limit: int) -> str:
    """The passage's sentence sharing most of the question's words (a typed one preferred), cut at a
    word boundary to ``limit`` characters (what is cut stays verbatim: a prefix of the sentence)."""
    terms = set(question.terms)
    best, best_score = "", -1.0
    for s, e in passage_sentences(passage):
        sentence = passage.text[s:e].strip()
        tokens = set(tokenize(sentence))
        prefixes = prefixes_of(tokens)
        score = sum(term_found(t, tokens, prefixes) for t in terms)
        score += 0.5 if question.answer_type and has_answer_type(question.answer_type, sentence) else 0.0
        if score > best_score and len(sentence) > 15:
            best, best_score = sentence, score
    if len(best) > limit:
        best = best[:limit].rsplit(" ", 1)[0]
    return best
