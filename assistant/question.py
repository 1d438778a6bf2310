"""What a question asks, in terms that hold for any corpus: its content words, the type of answer it
expects (a date for « quand », a number for « combien », a duration for « combien de temps »…), and
the act it designates (reference, organ, date).

Everything hand-written here is general French: question words, answer-type cues and the units
that express them. Nothing names a word of a particular document; what is frequent or rare in the
corpus is measured on the index (IDF), not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.text import CARDINAL_ALTERNATION, fold, tokenize
from assistant.communes import find_names_in_text, metropole_communes, normalise_name
from assistant.records import ACT_REF_RE, MONTHS

# Words that only shape a question or a request (interrogatives, auxiliaries, politeness): they
# never tell whether the corpus answers it.
QUESTION_WORDS = frozenset(
    tokenize(
        "quel quelle quels quelles comment combien pourquoi quand qui où est-ce peut-on faut-il lequel laquelle "
        "lesquels lesquelles dire savoir donner indiquer expliquer préciser connaître rappeler résumer "
        "cela ceci chose choses faire fait avoir être il elle ils elles y a-t-il peut peuvent pourra pourront "
        "doit doivent faut falloir veut voudrais souhaite merci bonjour svp stp pouvait pouvaient pouvez pouvons "
        "pourrait pourraient devait devaient dois devez devons sait savez connait passe passent "
        "sera seront serait étaient était suis es sommes êtes existe-t-il exactement bien alors "
        "svp bonjour ok oui non aussi également encore vrai vraiment bien déjà toujours seulement juste "
        "actuellement maintenant effectivement officiellement finalement donc ici là possible question "
        "demande information informations renseignement renseignements concernant propos cas "
        "parmi puisque lorsque selon depuis afin via sauf hormis tout tous toute toutes autre autres même "
        "mêmes chaque plusieurs certains certaines quelques aucun aucune celui-ci celle-ci actuel actuelle "
        "ça ca quoi dit dis prévoit prévu concerne concernant mettre faut-il c'est qu'est-ce "
        "what which who whom when where why how does do did is are was were the of for to in a an"
    )
)

# French function words (closed classes: prepositions, conjunctions, adverbs of time, degree and
# place, indefinite pronouns) that the short stop-word list of the index keeps: they shape a
# sentence and never say what it is about (« lors de l'ouverture du parcours »). Words whose stem
# is a content word's (« notamment » → « not » as « note », « suivant » → « suiv » as « suivi »,
# « environ » as « environnement », « pendant » as « pendante », « durant », « tard ») are left out.
FUNCTION_WORDS = frozenset(
    tokenize(
        "lors avant après jusque envers outre malgré auprès dessus dessous derrière près loin hors "
        "quoique tandis cependant pourtant toutefois néanmoins soit sinon ensuite enfin puis aussitôt désormais "
        "dorénavant très trop peu plus moins assez tant tellement plutôt presque surtout mal beaucoup "
        "davantage jamais souvent parfois ailleurs partout autrefois auparavant aujourd'hui demain hier bientôt "
        "tôt longtemps chacun chacune duquel auquel rien autrui divers diverses quant"
    )
)
QUESTION_WORDS = QUESTION_WORDS | FUNCTION_WORDS

# Cue → expected answer type. Checked in this order (« combien de temps » is a duration, not a number).
_TYPE_CUES: list[tuple[str, re.Pattern[str]]] = [
    ("duration", re.compile(
        r"combien de (?:temps|jours?|semaines?|mois|ann[ee]es?|ans|heures?)\b|pendant combien|\bduree\b|\bdelais?\b|"
        r"\bdure(?:nt|ra|ront)?\b|how long", re.I)),
    ("date", re.compile(
        r"\bquand\b|quelle date|a quelle date|quel jour|\bdate\b|depuis quand|jusqu'a quand|en quelle annee|"
        r"quelle annee|\bwhen\b|what date", re.I)),
    # A share of something (« quelle part du coût », « quel pourcentage ») before the amount its noun names.
    ("proportion", re.compile(
        r"\bquelle (?:part|proportion|fraction|quote-part)\b|\bpourcentage\b|\bproportion\b|\btaux\b|"
        r"\bquote-part\b|what (?:share|percentage|proportion)", re.I)),
    ("amount", re.compile(
        r"\bbudget\b|\bco[uû]t(?:e|ent|era|s)?\b|\bprix\b|\btarif|\bmontant\b|quelle somme|combien .*\b(?:payer|verser|co[uû]t)", re.I)),
    ("name", re.compile(r"\bnoms?\b (?:de|du|des|d')|comment s'appelle", re.I)),
    ("number", re.compile(
        r"\bcombien\b|\bnombre\b|how many|how much|\bmontant\b|quelle somme", re.I)),
    ("contact", re.compile(
        r"(?<!s')\badresse\b|e-?mail|\bcourriel|\bmail\b|telephone|\bjoindre\b|\bcontacter\b|\bcontact\b|"
        r"\bou (?:envoyer|deposer|adresser|ecrire|transmettre|s'adresser)", re.I)),
    ("agent", re.compile(
        r"^\W*qui\b|\bpar qui\b|\ba qui s'adresse\b|\bqui (?:a|est|etait|sont|preside|presidait|signe|decide|examine|choisit|selectionne)\b|"
        r"\bwho\b|quel(?:le)? (?:elu|organe|instance|autorite|personne)", re.I)),
]
# Words of the cues themselves: documents express them otherwise (a « délai » is « deux mois »).
CUE_TERMS = frozenset(tokenize("date délai délais durée nombre combien temps quand montant taux pourcentage proportion adresse nom noms "
                                "mail e-mail email courriel téléphone dure durent durera organe instance autorité"))

# Every French act writes its visas « Vu … »: a question about what an act « vise » means those.
VISA_TERMS = {t: "vu" for t in tokenize("vise visa visas visée visées visés")}

_NUMBER_WORDS = rf"{CARDINAL_ALTERNATION}|une|un|premiere|premier|seconde|second|demi"
_ORDINAL = r"[a-z]+iemes?"  # every French ordinal: « au terme du quatrième mois » says when
_NUMBER_RE = re.compile(rf"\d|\b(?:{_NUMBER_WORDS})\b", re.I)
_DURATION_RE = re.compile(
    rf"(?:\d+(?:e|er|eme|ieme)?|\b(?:{_NUMBER_WORDS}|{_ORDINAL}))(?:[\s-]+\w+)?\s+(?:jours?|semaines?|mois|ans|annees?|heures?|trimestres?|semestres?)\b"
    r"|\bjusqu'(?:au|a)\b|\b(?:annuel|mensuel|hebdomadaire)", re.I)
_MONTH_ALT = "|".join(sorted((fold(m) for m in MONTHS), key=len, reverse=True))
_DATE_RE = re.compile(
    rf"\b\d{{1,2}}(?:er)?\s+(?:{_MONTH_ALT})\b|\b(?:en|d'|de|au mois d'|au mois de|fin|debut|mi-)\s*(?:{_MONTH_ALT})\b|"
    rf"\b(?:{_MONTH_ALT})\s+\d{{4}}\b|\b\d{{1,2}}/\d{{1,2}}/\d{{2,4}}\b|\b(?:19|20)\d{{2}}\b|"
    r"\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)s?\b",
    re.I)
_CONTACT_RE = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?:\+33|\b0)\s?[1-9](?:[\s.-]?\d{2}){4}\b|https?://|www\.|"
    r"\b\d{1,4},?\s+(?:rue|avenue|boulevard|bd|place|quai|allee|impasse|cours)\b", re.I)
# Who: a person's name (two capitalised words, or a name in capitals) or a body that decides.
_AGENT_RE = re.compile(
    r"\b[A-ZÉÈ][a-zéèêëîïôûç]+(?:[- ][A-ZÉÈ][a-zéèêëîïôûç]+)*\s+[A-ZÉÈ]{2,}\b|\b[A-ZÉÈ][a-zéèêëîïôûç]+\s+[A-ZÉÈ][a-zéèêëîïôûç]{2,}\b"
    r"|(?i:\b(?:comit[ée]|commission|conseil|bureau|jury|pr[ée]sidente?|maire|pr[ée]fet|m[ée]tropole|commune|service|"
    r"direction|[ée]quipe|secr[ée]taire|assembl[ée]e|tribunal|[ée]lus?|agents?|r[ée]f[ée]rent|directeur|directrice)\b)")
# An amount: a sum of money, or an explicit « free / no cost » (« gratuitement », « aucune dépense »).
_AMOUNT_RE = re.compile(
    r"\d[\d\s.,]*\s*(?:€|euros?\b|k€|m€|millions? d'euros)|\bgratui|a titre gratuit|"
    r"\baucun(?:e)? (?:frais|cout|depense|contrepartie)|\bsans (?:frais|cout)", re.I)
# A share: a percentage, a fraction written in words (« la moitié », « deux tiers », never « tiers-lieux »
# or « un quart d'heure »), or any number: a rate may be « 25 € de l'heure » or « un adulte pour huit ».
_PROPORTION_RE = re.compile(
    r"\d|%|\bpour ?cent\b|\bmoitie\b|\b(?:un|deux|le|du|au|des) tiers\b(?!-)|\b(?:un|trois|le|du|au) quarts?\b(?! d'heure)|"
    r"\bintegralite\b|\btotalite\b", re.I)
# A person's name: « Prénom NOM » or two capitalised words not at the start of a sentence.
_PARTICLES = frozenset("de du des la le les sur sous en et d l".split())
_NAME_RE = re.compile(r"\b[A-ZÉÈ][a-zéèêëîïôûç]+(?:-[A-ZÉÈ][a-zéèêëîïôûç]+)?\s+[A-ZÉÈ][A-ZÉÈ-]{2,}\b")
_TYPE_PRESENT = {
    "amount": lambda text: bool(_AMOUNT_RE.search(fold(text))),
    "proportion": lambda text: bool(_PROPORTION_RE.search(fold(text))),
    "name": lambda text: bool(_NAME_RE.search(text)),
    # « quand » may be answered by a date or by a time relative to something (« deux mois après… »).
    "date": lambda text: bool(_DATE_RE.search(fold(text))) or bool(_DURATION_RE.search(fold(text))),
    "number": lambda text: bool(_NUMBER_RE.search(fold(text))),
    "duration": lambda text: bool(_DURATION_RE.search(fold(text))),
    "contact": lambda text: bool(_CONTACT_RE.search(fold(text))),
    "agent": lambda text: bool(_AGENT_RE.search(text)),
}

ORGANS = {"bureau": "Bureau", "conseil": "Conseil"}
DAY_MONTH_RE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH_ALT})\b(?:\s+(\d{{4}}))?", re.I)
_MONTH_ONLY_RE = re.compile(rf"\b(?:d'|de |en |du mois d'|du mois de )({_MONTH_ALT})\b(?:\s+(\d{{4}}))?", re.I)


@dataclass(frozen=True)
class Question:
    text: str
    folded: str
    terms: frozenset[str]  # content stems (question words and answer-type cues removed)
    answer_type: str | None
    references: frozenset[str] = frozenset()
    organs: tuple[str, ...] = ()
    dates: tuple[tuple[int | None, int, int | None], ...] = ()  # (day, month, year) the question names
    tokens: tuple[str, ...] = field(default=())
    specifics: tuple[str, ...] = ()
    """What the question is about and a direct answer must name too: the names it writes (« Nanterre »,
    « Est Ensemble », « CCAS », what it quotes) and the years it gives."""


def answer_type_of(question: str) -> str | None:
    folded = fold(question)
    for name, pattern in _TYPE_CUES:
        if pattern.search(folded):
            return name
    return None


_QUOTED_RE = re.compile(r"[«\"“]\s*([^»\"”]{2,80}?)\s*[»\"”]")


def quoted_names(question: str) -> list[str]:
    """What the question quotes (« IA-Santé », "Quartiers d'innovation"): names it expects verbatim.
    A parenthesis is left out: the question may have been given our abbreviation expansions
    (« IA (intelligence artificielle)-Santé »), which no title writes."""
    names = (re.sub(r"\s*\([^)]*\)", "", m.group(1)).strip() for m in _QUOTED_RE.finditer(question))
    return [name for name in names if name]


def answer_types(question: str) -> set[str]:
    """Every answer type the question's cues ask for: « quand le Bureau a sélectionné les communes,
    qui présidait ? » asks who (and says when), « quand la subvention a-t-elle été votée ? » asks
    when only."""
    folded = fold(question)
    return {name for name, pattern in _TYPE_CUES if pattern.search(folded)}


def has_answer_type(answer_type: str | None, text: str) -> bool:
    """Whether ``text`` holds something of the expected type (always true when none is expected)."""
    check = _TYPE_PRESENT.get(answer_type or "")
    return True if check is None else check(text)


# « 16/02/2021 », « 16/02/21 », « 16-02-2021 », « 16.02.2021 »; never inside a reference (« CM2025-12-10-04 »)
# or a numbering (« l'article 2.1.10 », « version 3.2.2024 »).
_NUMERIC_DATE_RE = re.compile(r"(?<![\w/.-])(\d{1,2})(?:/(\d{1,2})/(\d{4}|\d{2})|([.-])(\d{1,2})\4(\d{4}))(?![\w/.-])")
_NUMBERING_RE = re.compile(r"(?:\barticles?|\bart\.|n°|\bno|\bversion|\bv)\s*$")


def named_dates(question: str) -> tuple[tuple[int | None, int, int | None], ...]:
    folded = fold(question)
    months = {fold(k): v for k, v in MONTHS.items()}
    found = [(int(m.group(1)), months[m.group(2).lower()], int(m.group(3)) if m.group(3) else None)
             for m in DAY_MONTH_RE.finditer(folded)]
    # « du 16/02/2021 », « 16/02/21 », « 16-02-2021 », « 16.02.2021 »
    for m in _NUMERIC_DATE_RE.finditer(folded):
        if _NUMBERING_RE.search(folded[: m.start()]):
            continue
        day = int(m.group(1))
        month, year = (int(m.group(2)), int(m.group(3))) if m.group(2) else (int(m.group(5)), int(m.group(6)))
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((day, month, year + 2000 if year < 100 else year))
    if not found:
        found = [(None, months[m.group(1).lower()], int(m.group(2)) if m.group(2) else None)
                 for m in _MONTH_ONLY_RE.finditer(folded)]
    return tuple(found)


def mentions_date(text: str, day: int | None, month: int, year: int | None = None) -> bool:
    """Whether ``text`` writes this day and month (« 15 octobre », « 13 et 14 janvier », « 15 oct.
    2025 », « 15/10/2025 »), or the month alone when no day is given."""
    folded = fold(text)
    names = "|".join(sorted((fold(k) for k, v in MONTHS.items() if v == month), key=len, reverse=True))
    if year is not None and str(year) not in folded:
        return False  # « le 15 octobre 2024 » is not the 15 October 2025 of the act
    if day is None:
        return bool(re.search(rf"\b(?:{names})\b", folded))
    spelled = rf"\b0?{day}(?:er)?\b(?:\s*(?:et|au|a|,|-)\s*\d{{1,2}}(?:er)?)*\s+(?:{names})\b"
    earlier = rf"\b\d{{1,2}}(?:er)?\s*(?:et|au|a|,|-)\s*0?{day}\s+(?:{names})\b"
    numeric = rf"\b0?{day}/0?{month}/(?:\d{{2}}|\d{{4}})\b"
    return any(re.search(p, folded) for p in (spelled, earlier, numeric))


# Names every question of the programme may write without being about them.
_GENERIC_NAMES = frozenset(fold(w) for w in (
    "Métropole Grand Paris MGP IA Appropriation Métropolitaine Bureau Conseil Président Présidente France "
    "République Etat État Monsieur Madame Mme M"
).split())
_PARTICLES = frozenset("de du des la le les sur sous en et d l".split())
_NAME_RE = re.compile(r"[A-ZÉÈÀÂÎÔÇ][\w'’-]*(?:\s+(?:de|du|des|la|le|les|sur|sous|en|et|d'|l')?\s*[A-ZÉÈÀÂÎÔÇ][\w'’-]*)*")


def specifics_of(question: str) -> tuple[str, ...]:
    """The names a question writes (not its first word, nor the programme's own names), the
    communes it names, what it quotes, and the years it gives: what a direct answer must also name.
    Act references are not among them (the act's own metadata answers for them)."""
    bare = ACT_REF_RE.sub(" ", question)
    names = list(quoted_names(bare))
    communes = [m for m in find_names_in_text(bare, list(metropole_communes()))
                if not m.is_prefix and fold(m.name) not in _GENERIC_NAMES]
    names += [m.name for m in communes]
    named = set(normalise_name(" ".join(m.matched_text for m in communes)).split())
    for m in _NAME_RE.finditer(bare):
        before = bare[:m.start()].rstrip()
        phrase = m.group(0)
        if not before or before[-1] in ".!?:«\"(":
            first, _, rest = phrase.partition(" ")
            if not re.match(r"[A-ZÉÈÀÂÎÔÇ]", rest.strip()):
                continue  # the sentence's first word alone (« Quand », « Combien »)
            phrase = rest.strip()
        words = [w for w in re.split(r"[\s'’-]+", fold(phrase)) if w and w not in _PARTICLES]
        if words and set(normalise_name(phrase).split()) <= named:
            continue  # part of a commune's name already found (« Villeneuve St Georges »)
        if all(w in _GENERIC_NAMES or len(w) <= 1 for w in words) or fold(phrase) in QUESTION_WORDS:
            continue
        names.append(phrase)
    names += re.findall(r"\b(?:19|20)\d{2}\b", bare)
    return tuple(dict.fromkeys(names))


def analyse(question: str) -> Question:
    tokens = tokenize(question)
    terms = frozenset(VISA_TERMS.get(t, t) for t in tokens
                      if t not in QUESTION_WORDS and t not in CUE_TERMS and len(t) > 1 and not t.isdigit())
    folded = fold(question)
    # Every organ named (« la séance du Bureau du 15 octobre et celle du Conseil du 10 décembre »).
    organs = tuple(dict.fromkeys(ORGANS[w] for w in re.findall(r"\b(bureau|conseil)\b", folded)))
    return Question(
        text=question, folded=folded, terms=terms, answer_type=answer_type_of(question),
        references=frozenset(m.group(1) for m in ACT_REF_RE.finditer(question)),
        organs=organs, dates=named_dates(question), tokens=tuple(tokens), specifics=specifics_of(question),
    )
