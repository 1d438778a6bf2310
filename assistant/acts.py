"""The acts of the corpus (one structured record per deliberation) and which of them a question
designates: by reference, organ, séance date, or by the words of its subject (« le parcours
énergie »). With several acts and nothing to choose between them, every act is designated, and the
answer gives each act's value: an agent is never told one act's fact as if it were the only one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.communes import capture_names, ept_members, metropole_communes
from assistant.question import DAY_MONTH_RE, QUESTION_WORDS, Question, analyse, quoted_names
from assistant.query import prefixes_of, term_in
from assistant.text import CARDINAL_ALTERNATION, fold, tokenize
from assistant.records import MONTHS, DeliberationRecord

# Vocabulary that every deliberation uses to speak of itself (its séance, officers, vote, list of
# beneficiaries): such words do not say which act a question is about.
ACT_VOCABULARY = frozenset(
    tokenize(
        "séance séances délibération délibérations délibéré acte actes bureau conseil métropolitain métropole "
        "président présidente présidé présidait présider présidence secrétaire convocation convoqué conseillers "
        "conseiller exercice fonction vote voté votée votes voter adopté adoptée adopter adoption unanimité "
        "unanime majorité référence numéro objet sujet porte porter traite traiter parle parler titre "
        "liste listes commune communes collectivité collectivités ept territoire territoires ville villes "
        "bénéficiaire bénéficiaires retenu retenue retenues retenus sélection sélectionné sélectionnée "
        "sélectionnées sélectionnés désigné désignée désignées désignation lauréat lauréats participant "
        "participants participe participer participent figure figurer figurent partie inscrit inscrite "
        "voix contre pour abstention abstentions suffrages exprimés "
        "choisi choisie choisies pris prise prises membre membres parcours programme dispositif thématique date jour "
        "lieu eu ont été approuvé approuvée approuve quelles nôtre notre ma mon nous on "
        "chaired chair meeting session selected included part list municipalities communes beneficiaries"
    )
)


@dataclass
class Designation:
    """The acts a question is about; ``explicit`` when the question itself chose them."""

    records: list[DeliberationRecord]
    explicit: bool


def has_pages(record: DeliberationRecord) -> bool:
    return any(e.page is not None for e in record.evidence.values())


def unique_records(records: list[DeliberationRecord]) -> list[DeliberationRecord]:
    """One record per act reference, preferring the paginated copy (PDF) of an act; in séance order."""
    by_ref: dict[str, DeliberationRecord] = {}
    for record in records:
        key = record.reference or record.doc_id
        kept = by_ref.get(key)
        if kept is None or (has_pages(record) and not has_pages(kept)):
            by_ref[key] = record
    return sorted(by_ref.values(), key=lambda r: (r.session_date.isoformat() if r.session_date else "", r.reference or ""))


# Profiles by record object: a question about 1,500 acts tokenised every profile (≈ 0.1 s) once or
# twice. A record is never modified once read from its generation; the object is kept to check identity.
_PROFILES: dict[int, tuple[DeliberationRecord, frozenset[str], frozenset[str]]] = {}


def profile_terms(record: DeliberationRecord) -> frozenset[str]:
    """What the act is about: its subject, the name of its track and its officers. (For a question
    about its list, the decisions that make or count the list count beside them, ``act_scores``;
    the bodies it lists never do: a commune named in a list is no subject of the act.)"""
    return _profile(record)[1]


def _profile(record: DeliberationRecord) -> tuple[DeliberationRecord, frozenset[str], frozenset[str]]:
    """(record, profile terms, their five-letter prefixes), computed once per record."""
    cached = _PROFILES.get(id(record))
    if cached is not None and cached[0] is record:
        return cached
    # Its officers are part of it too (« Patrick OLLIER a-t-il présidé la séance ? »).
    text = " ".join([record.subject or "", record.reference or "", track_label(record) or "",
                     record.president or "", record.secretary or ""])
    names = {t for b in record.beneficiaries for t in tokenize(b.name)}
    terms = frozenset(tokenize(text)) - names
    if len(_PROFILES) > 100_000:
        _PROFILES.clear()
    profile = _PROFILES[id(record)] = (record, terms, frozenset(prefixes_of(terms)))
    return profile


# Month names designate an act by its date (see ``designate``), not by its subject.
_MONTH_TERMS = frozenset(tokenize(" ".join(MONTHS)))


def topic_terms(question: Question, ignore: set[str] = frozenset()) -> set[str]:
    """The question's words that could designate an act by its subject."""
    return {t for t in question.terms if t not in ACT_VOCABULARY and t not in QUESTION_WORDS and t not in ignore
            and t not in _MONTH_TERMS and "/" not in t}




def named_subject_terms(question: Question, ignore: set[str] = frozenset()) -> set[str]:
    """The stems of what the question quotes as a name (« IA-Santé »), places (``ignore``) and the
    words every act uses of itself aside. An act profile that lacks one is not the act named. (A
    capitalised word is no such name: « la Métropole du Grand Paris », « l'EPT Est Ensemble », a
    person or a département are not tracks.)"""
    spans = quoted_names(question.text)
    return {t for span in spans for t in tokenize(span)} - ignore - ACT_VOCABULARY - QUESTION_WORDS


def names_unknown_subject(records: list[DeliberationRecord], question: Question, ignore: set[str] = frozenset()) -> bool:
    """Whether the question names a subject (``named_subject_terms``) that no act's profile holds
    whole: a track the corpus has no act about."""
    named = named_subject_terms(question, ignore)
    if not named:
        return False
    for r in records:
        _, tokens, prefixes = _profile(r)
        if all(term_in(t, tokens, prefixes) for t in named):
            return False
    return True


def _date_matches(record: DeliberationRecord, day: int | None, month: int, year: int | None) -> bool:
    for d in (record.session_date, record.convocation_date):
        if d and d.month == month and (day is None or d.day == day) and (year is None or d.year == year):
            return True
    return False


# How much of the weight of a question's subject words an act's profile must hold to be the act
# the question is about (calibrated on the dev halves: see ``designate``).
MIN_SUBJECT_COVERAGE = 0.6


def designate(
    records: list[DeliberationRecord], question: Question, *, ignore: set[str] = frozenset(),
    weights: dict[str, float] | None = None, weight_prefixes: set[str] | None = None, by_topic: bool = True,
    about_list: bool = False,
) -> Designation:
    """The acts among ``records`` that the question designates. An empty list means the question
    names an act, organ, date or subject that none of them matches: it is about something else.

    By subject, each act scores the share of the question's subject words its profile holds, each
    word weighed by its rarity in the corpus (``weights``, the index's IDF): a rare word the act
    lacks (« IA-Santé ») rules it out, a function word no list names (« lors de ») hardly counts.
    For a question about an act's list (``about_list``), the words are also looked for in the
    decisions that make or count that list (``act_scores``). A word the corpus never uses
    (« biodiversité » in a corpus without it) rules out every act, unless the other words choose
    one act among several of one subject (``_one_of_a_subject``)."""
    chosen = list(records)
    explicit = False
    if question.references:
        chosen = [r for r in chosen if r.reference in question.references]
        return Designation(chosen, True)
    if question.organs:
        chosen = [r for r in chosen if (r.body or "").startswith(question.organs)]
        explicit = True
    if question.dates:
        chosen = [r for r in chosen if any(_date_matches(r, *d) for d in question.dates)]
        explicit = True
    topic = topic_terms(question, ignore) if by_topic else set()
    if topic and chosen:
        unknown = unknown_terms(topic, weights, weight_prefixes)
        known = topic - unknown
        named = written_as_names(question.text)
        if not known or unknown & named:
            # A word the corpus never uses, or none it uses: no act can be about it.
            return Designation([], True)
        # A name the question writes (« IA-Biodiversité ») is what the act must be about: its
        # subject holds it, not merely a decision (« APPROUVE l'ajout … » of another track).
        chosen = [r for r in chosen if all(term_in(t, _profile(r)[1], _profile(r)[2]) for t in named & known)]
        if not chosen:
            return Designation([], True)
        if unknown:
            one = _one_of_a_subject(chosen, known, unknown, question.tokens, weights, weight_prefixes) if about_list else None
            return Designation([one] if one else [], True)
        scores = act_scores(chosen, known, weights, weight_prefixes, about_list)
        best = max(scores)
        if best < MIN_SUBJECT_COVERAGE:
            # A word no act is about (« publiée », « le comité d'examen », « IA-Santé »): the question
            # is about something else than the act's séance; the passages answer it.
            return Designation([], True)
        if best > min(scores):
            chosen = [r for r, s in zip(chosen, scores) if s >= best - 1e-9]
            explicit = True
    return Designation(chosen, explicit)


def _one_of_a_subject(records: list[DeliberationRecord], known: set[str], unknown: set[str], question_tokens: tuple[str, ...],
                      weights: dict[str, float] | None, weight_prefixes: set[str] | None) -> DeliberationRecord | None:
    """The act a question with a word the corpus never uses is about, if any: « les bénéficiaires
    ajoutés au parcours X lors de sa deuxième vague », where « vague » is no word of the corpus. Its
    other words must name a subject several acts share (the track's opening and its additions) and
    pick one of them by what it decides (« APPROUVE l'ajout »): the unknown word then says which of
    them, not what the question is about. When they already name a single act (« la subvention à
    Colombes pour un festival de montgolfières »), the unknown word may be what that act is not
    about, and no act is designated; nor when it follows a word of their subject (« le parcours ia
    biodiversite », typed plainly): it continues that name."""
    subject = subject_scores(records, known, weights, weight_prefixes)
    top = max(subject)
    same_subject = [r for r, s in zip(records, subject) if top > 0 and s >= top - 1e-9]
    if len(same_subject) < 2 or _continues_a_name(question_tokens, unknown, same_subject):
        return None
    scores = act_scores(same_subject, known, weights, weight_prefixes, about_list=True)
    best = max(scores)
    chosen = [r for r, s in zip(same_subject, scores) if s >= best - 1e-9]
    return chosen[0] if best >= MIN_SUBJECT_COVERAGE and len(chosen) == 1 else None


def _continues_a_name(tokens: tuple[str, ...], unknown: set[str], records: list[DeliberationRecord]) -> bool:
    """Whether an unknown word may be the end of the name the question gives: it comes right after
    a word the acts' subject holds (function words aside) and the question has not written their
    track's name whole. « le parcours ia bioxylophonie » names a track no act is about; « le parcours
    IA-Prospective budgétaire pendant sa phase deux » names one whole, and says which of its acts."""
    written = set(tokens)
    if all((label := track_label(r)) and set(tokenize(label)) <= written for r in records):
        return False
    for before, word in zip(tokens, tokens[1:]):
        if word in unknown and any(term_in(before, _profile(r)[1], _profile(r)[2]) for r in records):
            return True
    return False


def unknown_terms(topic: set[str], weights: dict[str, float] | None, weight_prefixes: set[str] | None = None) -> set[str]:
    """The words of ``topic`` the corpus never uses, even by their first letters (none without ``weights``)."""
    if weights is None:
        return set()
    known_prefixes = weight_prefixes if weight_prefixes is not None else prefixes_of(weights)
    return {t for t in topic if not (t in weights or (len(t) >= 5 and t[:5] in known_prefixes))}


def written_as_names(text: str) -> set[str]:
    """Stems of the words a question writes as (part of) a name: quoted, or capitalised inside a
    sentence (« IA-Biodiversité », « le parcours Énergie »), places aside (a commune or an EPT is
    no subject an act's title must hold). A word unknown to the corpus written so is the subject
    itself, not a word describing an act in other terms than its own. A question typed in capitals
    marks nothing but its quotes."""
    stems = {t for span in quoted_names(text) for t in tokenize(span)}
    bare = re.sub(r"\s*\([^)]*\)", "", text)
    if bare.upper() == bare:
        return stems
    for sentence in re.split(r"[.?!:;]\s+", bare):
        words = re.findall(r"[\w-]+", sentence)  # « d'Ivry »: the elided article is a word of its own
        for i, word in enumerate(words):
            if i > 0 and any(part[:1].isupper() for part in word.split("-")):
                stems.update(tokenize(word))
    return stems - _place_terms() - {t for name in capture_names(text) for t in tokenize(name)}


@lru_cache(maxsize=1)
def _place_terms() -> frozenset[str]:
    """The stems of the names of the Métropole's communes and EPT."""
    _, table = ept_members()
    return frozenset(t for name in [*metropole_communes(), *table] for t in tokenize(name))


def act_scores(records: list[DeliberationRecord], topic: set[str], weights: dict[str, float] | None,
               weight_prefixes: set[str] | None = None, about_list: bool = False) -> list[float]:
    """Per act, the IDF-weighted share of ``topic`` its profile holds, or (``about_list``) the
    decisions that make or count its list: how an act makes its list is what a question about
    that list says of it (« APPROUVE l'ajout à la liste des bénéficiaires » answers « les bénéficiaires
    ajoutés au parcours X »), and it tells apart acts of one subject. Its other decisions never count:
    they mention bodies and steps (« l'avis du comité d'examen ») a question about the act's séance is
    not about. In decisions, a word counts as itself only: long texts share five first letters with
    too many words (« confondus » / « conformément »)."""
    weighted = _weighted(topic, weights)
    total = sum(weighted.values()) or 1.0
    scores = []
    for r in records:
        _, tokens, prefixes = _profile(r)
        decided = _decision_terms(r) if about_list else frozenset()
        held = sum(w for t, w in weighted.items() if term_in(t, tokens, prefixes) or t in decided)
        scores.append(held / total)
    return scores


_DECISIONS: dict[int, tuple[DeliberationRecord, frozenset[str]]] = {}


def _decision_terms(record: DeliberationRecord) -> frozenset[str]:
    """The stems of an act's decisions, the names it lists aside, computed once per record."""
    cached = _DECISIONS.get(id(record))
    if cached is not None and cached[0] is record:
        return cached[1]
    names = {t for b in record.beneficiaries for t in tokenize(b.name)}  # a list names no subject
    terms = frozenset(t for d in list_decisions(record) for t in tokenize(d)) - names
    if len(_DECISIONS) > 100_000:
        _DECISIONS.clear()
    _DECISIONS[id(record)] = (record, terms)
    return terms


def list_decisions(record: DeliberationRecord) -> list[str]:
    """The texts of the decisions that make the act's list (they name its first beneficiary) or
    count its beneficiaries (« PRÉCISE que le parcours compte désormais 36 bénéficiaires »)."""
    if not record.beneficiaries:
        return []
    first = re.compile(rf"(?<![\w-]){re.escape(record.beneficiaries[0].name)}(?![\w-])")
    return [d.text for d in record.decisions if first.search(d.text) or counts_beneficiaries(d.text)]


# A number written right before « bénéficiaires » (« compte désormais trente-six bénéficiaires »,
# « vingt et un », « 36 bénéficiaires »), not « une convention avec chaque bénéficiaire », « le budget
# 2025 » nor « les communes et bénéficiaires ».
_BENEFICIARY_COUNT_RE = re.compile(
    rf"(?:\b\d+|\b(?:{CARDINAL_ALTERNATION})(?:[\s-](?:{CARDINAL_ALTERNATION}|et|un|une))*)\s+beneficiaires\b")


def counts_beneficiaries(text: str) -> bool:
    """Whether a decision states a number of beneficiaries (the word of the record's own field)."""
    return bool(_BENEFICIARY_COUNT_RE.search(fold(text)))


def _weighted(topic: set[str], weights: dict[str, float] | None) -> dict[str, float]:
    """Each word's weight: its IDF; a word known by its first letters only (« sélectionnées » /
    « sélection ») weighs as the rarest; all alike without ``weights``."""
    if weights is None:
        return {t: 1.0 for t in topic}
    rarest = max((weights[t] for t in topic if t in weights), default=1.0)
    return {t: weights.get(t, rarest) for t in topic}


def subject_scores(records: list[DeliberationRecord], topic: set[str], weights: dict[str, float] | None,
                   weight_prefixes: set[str] | None = None) -> list[float]:
    """Per act, the IDF-weighted share of ``topic`` its profile holds; 0 for all when a word of the
    topic is unknown to the corpus (``weights`` given and without it, even by its first letters;
    ``weight_prefixes``: those first letters, when the caller keeps them)."""
    if unknown_terms(topic, weights, weight_prefixes):
        return [0.0] * len(records)
    weighted = _weighted(topic, weights)
    total = sum(weighted.values())
    scores = []
    for r in records:
        _, tokens, prefixes = _profile(r)
        scores.append(sum(w for t, w in weighted.items() if term_in(t, tokens, prefixes)) / total)
    return scores


def track_label(record: DeliberationRecord) -> str | None:
    """The name the act gives its track or theme: the first quoted name of what it approves or of its
    subject (« … du parcours « IA-Énergie » … »)."""
    texts = [d.text for d in record.decisions if "bénéficiaire" in d.text.lower()] + [record.subject or ""]
    for text in texts:
        m = re.search(r"(?:parcours|th[ée]matique|volet|appel)\s*[«\"“]\s*([^»\"”]{3,80}?)\s*[»\"”]", text, re.IGNORECASE)
        if m:
            return m.group(1).strip()
    return None


# -- follow-ups: the words that chose a question's act -------------------------------------
def _designating(question: str, act_terms: set[str]) -> set[str]:
    """Stems of the question that name an act: its reference, or words of an act's subject."""
    analysed = analyse(question)
    return (topic_terms(analysed) & act_terms) | {t for t in analysed.tokens if "/" in t}


def without_designators(question: str, act_terms: set[str]) -> str:
    """The question without the words that chose its act (a follow-up names another one)."""
    names = {t for name in capture_names(question) for t in tokenize(name)}  # « Drancy » stays
    drop = _designating(question, act_terms) - names
    words = [w for w in re.findall(r"\S+", question) if not (set(tokenize(w)) & drop)]
    return " ".join(words)


def designating_words(question: str, act_terms: set[str]) -> str:
    """The words of a question that choose an act (reference, organ, date, words of an act's
    subject in ``act_terms``), in their order: what a follow-up question inherits."""
    keep = _designating(question, act_terms)
    words = []
    for word in re.findall(r"[\w/'’-]+", question):
        stems = set(tokenize(word))
        if stems & keep or stems & {"bureau", "conseil"}:
            words.append(word)
    dates = [m.group(0) for m in DAY_MONTH_RE.finditer(fold(question))]
    return " ".join(dict.fromkeys(words + dates))
