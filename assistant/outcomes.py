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

from assistant.abstention import Evidence
from assistant.generation import Draft, citation_for, passage_sentences
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
(below, with no keyword hit, the outcome is « none »). Calibrated on the dev halves."""


def about_the_question(evidence: Evidence | None) -> bool:
    """Whether some passage is about the question at all (the relevance floor)."""
    if evidence is None:
        return False
    if not evidence.terms:
        return evidence.similarity > 0.0 and evidence.keyword_hit
    return evidence.coverage >= CLOSEST_MIN_COVERAGE


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
    first = citations[0].quote + " " + context[0]
    missing = missing_specifics(question, first, around)
    if missing:
        return f"la phrase citée ne nomme pas : {', '.join(missing)}"
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
