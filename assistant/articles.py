"""Questions that name an article: « que dit l'article 8 du règlement ? », « art. 3 de la
convention », « l'article premier ».

At ingestion every chunk of an article carries its number (metadata ``article``: « 1 », « 8 »,
« 8-1 »). A question that names an article number gets those chunks, restricted to the documents
whose type or title matches the kind of document the question names (« règlement », « convention »,
« délibération », « charte »…: generic French words, never titles of a given corpus), else from every
document that has that article, document by document.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, field

from assistant.text import REFERENCE_RE, fold

_NUMBER = r"(?:premier|1\s?er|\d{1,3}(?:[.-]\d{1,3})*(?:\s+(?:bis|ter|quater))?(?![\w.-]?\d)|[ivx]{1,6}(?=\W|$))"
# « article 8 », « l'article premier », « art. 8-1 », « articles 3 et 4 », « articles 3 à 5 ».
_MENTION_RE = re.compile(
    rf"\b(?:articles|article|art\.)\s*(?P<first>{_NUMBER})(?!\w)"
    rf"(?P<more>(?:\s*(?:,|\bet\b|\bou\b|\ba\b)\s*{_NUMBER}(?!\w))*)"
)
_MORE_RE = re.compile(rf"(,|\bet\b|\bou\b|\ba\b)\s*({_NUMBER})")

# Generic kinds of documents (folded, singular) → the words a document's type or title holds for it.
_KINDS: dict[str, tuple[str, ...]] = {
    "deliberation": ("deliberation",),
    "reglement": ("reglement",),
    "convention": ("convention",),
    "charte": ("charte",),
    "arrete": ("arrete",),
    "compte rendu": ("compte rendu", "compte-rendu", "proces-verbal", "proces verbal"),
    "synthese": ("synthese", "fiche"),
    "formulaire": ("formulaire",),
    "rapport": ("rapport",),
    "note": ("note",),
    "statut": ("statut",),
    "contrat": ("contrat",),
    "avenant": ("avenant",),
    "cahier des charges": ("cahier des charges",),
    "annexe": ("annexe",),
    "protocole": ("protocole",),
    "accord": ("accord",),
    # Texts a corpus of acts cites but does not hold: their articles are not articles of a document.
    "loi": ("loi",),
    "code": ("code",),
    "decret": ("decret",),
    "ordonnance": ("ordonnance",),
    "circulaire": ("circulaire",),
}
# Words that are ordinary words as well (« quelles notes ? », « d'un commun accord »): a kind only
# right after the article (« l'article 4 de la note »).
_WEAK_KINDS = {"rapport", "note", "accord", "annexe", "code", "synthese", "statut"}
KIND_RE = re.compile(
    r"\b(?P<word>deliberations?|reglements?|conventions?|chartes?|arretes?|comptes?[- ]rendus?|proces[- ]verba(?:l|ux)"
    r"|syntheses?|fiches?|formulaires?|rapports?|notes?|statuts?|contrats?|avenants?|cahiers? des charges|annexes?"
    r"|protocoles?|accords?|lois?|codes?|decrets?|ordonnances?|circulaires?)\b"
)
_AFTER_RE = re.compile(r"\s*(?:du|de la|de l'|des|de|d')\s*(?:(?:present|presente|meme)\s+)?")


def kind_of(word: str) -> str:
    word = word.replace("-", " ")
    for prefix, kind in (("compte", "compte rendu"), ("proces", "compte rendu"), ("cahier", "cahier des charges"),
                         ("fiche", "synthese")):
        if word.startswith(prefix):
            return kind
    return re.sub(r"[sx]$", "", word)


_ROMAN = {"I": 1, "V": 5, "X": 10}


def _roman_value(text: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(text):
        value = _ROMAN.get(ch)
        if value is None:
            return None
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total or None


def normalise_article_number(raw: str) -> str:
    """« premier », « 1er » → « 1 »; roman numerals in figures; « 8-1 », « 8.1 », « 8 bis » as written."""
    number = re.sub(r"\s+", " ", raw.strip()).lower()
    if number in ("premier", "1er", "1 er"):
        return "1"
    if re.fullmatch(r"[ivx]+", number):
        value = _roman_value(number.upper())
        return str(value) if value else number
    return number


def _key(number: str) -> str:
    """« 8.1 » and « 8-1 » name the same article."""
    return re.sub(r"\s+", " ", number.lower()).replace(".", "-")


@dataclass
class ArticleQuestion:
    numbers: list[str]
    named: list[str] = field(default_factory=list)
    """Kinds of documents named right after the article (« l'article 8 du règlement »): only they count."""
    mentioned: list[str] = field(default_factory=list)
    """Other kinds the question names: they narrow the documents when one matches."""
    references: list[str] = field(default_factory=list)


def parse_question(question: str) -> ArticleQuestion | None:
    """The article numbers a question names, and the kinds of documents it names."""
    folded = fold(question)
    numbers: list[str] = []
    named: list[str] = []
    for m in _MENTION_RE.finditer(folded):
        first = normalise_article_number(m.group("first"))
        found = [first]
        for sep, raw in _MORE_RE.findall(m.group("more") or ""):
            number = normalise_article_number(raw)
            if sep != "a":
                found.append(number)
            elif first.isdigit() and number.isdigit() and 0 < int(number) - int(first) <= 30:
                found.extend(str(n) for n in range(int(first) + 1, int(number) + 1))
        numbers.extend(n for n in found if n not in numbers)
        after = _AFTER_RE.match(folded, m.end())
        kind = KIND_RE.match(folded, after.end()) if after else None
        if kind:
            named.append(kind_of(kind.group("word")))
    if not numbers:
        return None
    mentioned = [
        k for k in dict.fromkeys(kind_of(m.group("word")) for m in KIND_RE.finditer(folded))
        if k not in named and k not in _WEAK_KINDS
    ]
    references = [re.sub(r"\s+", "", fold(m.group(0))) for m in REFERENCE_RE.finditer(question)]
    return ArticleQuestion(numbers=numbers, named=list(dict.fromkeys(named)), mentioned=mentioned,
                           references=references)


@dataclass
class _ArticleIndex:
    by_article: dict[str, list[tuple[str, int, str]]]
    """article key → (doc_id, ordinal, chunk_id), in document order."""
    documents: dict[str, tuple[str, str, str]]
    """doc_id → (folded type, folded title, folded reference)."""


_INDEXES: "weakref.WeakKeyDictionary[object, _ArticleIndex]" = weakref.WeakKeyDictionary()


def _index(view) -> _ArticleIndex:
    """Built once per committed generation (a view is immutable)."""
    try:
        cached = _INDEXES.get(view)
    except TypeError:
        cached = None
    if cached is not None:
        return cached
    by_article: dict[str, list[tuple[str, int, str]]] = {}
    documents: dict[str, tuple[str, str, str]] = {}
    for cid, chunk in view.chunks.items():
        meta = chunk.metadata
        number = meta.get("article")
        if number is None or meta.get("suspect_instructions"):
            continue
        doc_id = str(meta.get("doc_id", ""))
        by_article.setdefault(_key(str(number)), []).append((doc_id, int(meta.get("ordinal", 0)), cid))
        if doc_id not in documents:
            documents[doc_id] = (
                fold(str(meta.get("doc_type", ""))), fold(str(meta.get("title", ""))),
                re.sub(r"\s+", "", fold(str(meta.get("reference", "")))),
            )
    for hits in by_article.values():
        hits.sort(key=lambda h: (h[0], h[1]))
    index = _ArticleIndex(by_article, documents)
    try:
        _INDEXES[view] = index
    except TypeError:
        pass
    return index


def matches_kind(kind: str, doc: tuple[str, str, str], *, by: str) -> bool:
    doc_type, title, _ = doc
    target = doc_type if by == "type" else title
    return any(re.search(rf"\b{re.escape(form)}(?:s|x)?\b", target) for form in _KINDS.get(kind, (kind,)))


def _of_kinds(kinds: list[str], candidates: set[str], documents: dict[str, tuple[str, str, str]]) -> set[str]:
    """Documents of those kinds by type; if none, by title."""
    for by in ("type", "title"):
        found = {d for d in candidates for k in kinds if matches_kind(k, documents[d], by=by)}
        if found:
            return found
    return set()


def article_hits(view, question: str, within: list[str] | None = None) -> list[str]:
    """Chunk ids of the articles the question names (none for a question that names no article).

    A kind of document named with the article (« du règlement », « de la convention ») keeps the
    documents of that type — or, if none has it, whose title names it; when no document matches
    (« l'article 12 de la loi »), nothing is returned. Another kind the question names narrows the
    documents when some match. A question naming a document's reference keeps that document, and so
    do the documents it names otherwise (``within``: « l'article 3 du règlement du parcours « X » »
    is the article of that règlement, not of every règlement written alike).
    Documents in the order of their ids, chunks in text order; « article 8 » also finds
    « article 8-1 », « 8-2 »… in a document that has no article 8 itself."""
    parsed = parse_question(question)
    if parsed is None:
        return []
    index = _index(view)
    if not index.by_article:
        return []
    candidates = set(index.documents)
    if parsed.references:
        candidates = {d for d, (_, _, ref) in index.documents.items() if ref and ref in parsed.references} or candidates
    if within:
        candidates = candidates & set(within) or candidates
    if parsed.named:
        candidates = _of_kinds(parsed.named, candidates, index.documents)
        if not candidates:
            return []
    elif parsed.mentioned:
        candidates = _of_kinds(parsed.mentioned, candidates, index.documents) or candidates
    out: list[str] = []
    for number in parsed.numbers:
        key = _key(number)
        exact = [h for h in index.by_article.get(key, []) if h[0] in candidates]
        have = {h[0] for h in exact}
        subs = [
            h for k, hits in index.by_article.items() if k.startswith(key + "-") for h in hits
            if h[0] in candidates and h[0] not in have
        ]
        for _, _, cid in sorted(exact + subs, key=lambda h: (h[0], h[1])):
            if cid not in out:
                out.append(cid)
    return out


def missing_article(view, question: str) -> str | None:
    """« l'article 15 du règlement » when the indexed règlement has no article 15: the article the
    question names, else None (also when no indexed document is of the kind it names)."""
    parsed = parse_question(question)
    if parsed is None or not parsed.named:
        return None
    index = _index(view)
    if not index.by_article or not _of_kinds(parsed.named, set(index.documents), index.documents):
        return None
    return None if article_hits(view, question) else ", ".join(parsed.numbers)
