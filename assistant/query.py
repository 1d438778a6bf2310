"""Question normalisation, key terms and follow-up resolution (French)."""

from __future__ import annotations

import re
from assistant.question import analyse
from assistant.communes import capture_names
from assistant.text import tokenize


ABBREVIATIONS = {
    "mgp": "Métropole du Grand Paris",
    "ept": "établissement public territorial",
    "cgct": "code général des collectivités territoriales",
    "rgpd": "règlement général sur la protection des données",
    "ia": "intelligence artificielle",
    "ccas": "centre communal d'action sociale",
    "epci": "établissement public de coopération intercommunale",
    "dgs": "directeur général des services",
    "dpo": "délégué à la protection des données",
}
_FOLLOW_UP_RE = re.compile(r"^\s*(?:et|mais|aussi|puis|ensuite|pareil|même question)\b", re.IGNORECASE)


# An abbreviation is found where it is written (« IA-Santé ») or where its expansion is.
EXPANSION_TERMS = {abbr: frozenset(tokenize(full)) for abbr, full in ABBREVIATIONS.items()}


def clean_question(question: str) -> str:
    """Typographic clean-up only (apostrophes, spaces)."""
    text = question.replace("’", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def normalise_question(question: str) -> str:
    """Typographic clean-up and expansion of known abbreviations (for retrieval: the dense model
    reads either form), keeping act references such as BM2025/06/24/12 or CM2025/04/07/19-2 intact."""
    text = clean_question(question)

    def expand(match: re.Match[str]) -> str:
        word = match.group(0)
        full = ABBREVIATIONS.get(word.lower())
        return f"{word} ({full})" if full else word

    return re.sub(r"\b[A-Za-z]{2,5}\b(?![/\d])", expand, text)


def key_terms(question: str) -> set[str]:
    """Content terms that the evidence must contain for the corpus to answer the question:
    question words and answer-type cues removed (:mod:`assistant.question`). An abbreviation stays
    one term, found as itself or as its expansion (:func:`term_found`): requiring both words of
    « intelligence artificielle » failed every document that only writes « IA-… »."""
    return set(analyse(clean_question(question)).terms)


_ENGLISH = frozenset("the is are was were who what which when how does do did of for to in municipalities meeting programme program".split())


def looks_english(question: str) -> bool:
    words = re.findall(r"[a-z]+", question.lower())
    return len(words) >= 3 and sum(w in _ENGLISH for w in words) / len(words) >= 0.3


def term_in(term: str, tokens: set[str], prefixes: set[str]) -> bool:
    """A key term is found when a token is the same word or shares its first five letters
    (« sélectionnées » / « sélection »): Snowball stems inflections unevenly."""
    return term in tokens or (len(term) >= 5 and term[:5] in prefixes)


def term_found(term: str, tokens: set[str], prefixes: set[str]) -> bool:
    """:func:`term_in`, an abbreviation also found where all the words of its expansion are."""
    if term_in(term, tokens, prefixes):
        return True
    expansion = EXPANSION_TERMS.get(term)
    return bool(expansion) and all(term_in(t, tokens, prefixes) for t in expansion)


def prefixes_of(tokens: set[str] | list[str]) -> set[str]:
    return {t[:5] for t in tokens if len(t) >= 5}


def is_follow_up(question: str) -> bool:
    """« et Sceaux ? », « Et pour la convocation ? », « aussi Vanves ? », or a bare place name."""

    if _FOLLOW_UP_RE.match(question):
        return True
    names = capture_names(question)
    return bool(names) and len(re.findall(r"\w+", question)) <= 2 * len(names) + 1


def has_words(question: str) -> bool:
    """At least one real word (3 letters or more): « ? », « 12 » or emoji are not questions."""
    return bool(re.search(r"[^\W\d_]{3,}", question))


def strip_follow_up(question: str) -> str:
    text = _FOLLOW_UP_RE.sub("", question).strip(" ,?!.")
    text = re.sub(r"^(?:pour|la commune de|la ville de|l'EPT|de|du|des|la|le|les)\s+", "", text, flags=re.IGNORECASE)
    return text.strip(" ,?!.")

