"""French text normalisation shared by indexing and querying (they must tokenise identically)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

# Official act references stay whole tokens: BM2025/06/24/12, CM2025/04/07/19-2, L.5219-1, n°2014-58.
REFERENCE_RE = re.compile(
    r"\b(?:[A-Z]{1,3}\d{4}/\d{2}/\d{2}/\d+(?:-\d+)?|[LRD]\.?\s?\d{3,4}(?:-\d+)+|n°\s?\d{2,4}-\d+)",
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"[a-z0-9]+")
_ELISION_RE = re.compile(r"\b(?:l|d|j|m|n|s|t|c|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)

# French cardinal words and their values; a compound (« vingt-six », « quatre-vingt-dix ») is read
# part by part. One table for every reader of counts: answers checked against their sources, a
# number of beneficiaries an act states, a quantity in a question.
CARDINALS = {
    "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20,
    "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "cents": 100, "mille": 1000,
}
CARDINAL_ALTERNATION = "|".join(sorted(CARDINALS, key=len, reverse=True))  # longest first, for regexes

FRENCH_STOPWORDS = frozenset(
    """a au aux avec ce ces cet cette dans de des du elle en et eux il ils je la le les leur leurs lui
    ma mais me meme mes moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te
    tes toi ton tu un une vos votre vous y est sont ete etre avoir ont a as avons avez été être été
    dont ni si sans sous vers chez entre comme ainsi car donc or cela ceci celui celle ceux celles
    quel quelle quels quelles quoi""".split()
)


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive form of a text (for comparisons, not for display)."""
    text = text.replace("’", "'").replace("‘", "'")
    return re.sub(r"\s+", " ", strip_accents(text).lower()).strip()


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("french")


def tokenize(text: str) -> list[str]:
    """Keyword tokens: folded, elisions removed, stop words dropped, French Snowball stems.

    References (BM2025/06/24/12…) are kept as whole tokens as well as split into parts, so an exact
    reference matches strongly and a partial one still matches.
    """
    references = [re.sub(r"\s+", "", fold(m.group(0))) for m in REFERENCE_RE.finditer(text)]
    folded = fold(_ELISION_RE.sub(" ", text))
    words = [w for w in _WORD_RE.findall(folded) if w not in FRENCH_STOPWORDS]
    stems = _stemmer().stemWords(words)
    # Snowball leaves some plurals (« lois », « visas »): fold a final s on longer stems.
    stems = [s[:-1] if len(s) > 3 and s.endswith("s") else s for s in stems]
    return references + [s for s in stems if s]


def dedup_key(text: str) -> str:
    """The text without case, accents or punctuation: near-identical copies (an act as PDF and as
    Markdown) share it."""
    return re.sub(r"[\W_]+", " ", fold(text)).strip()


def plain_text(value: object) -> str:
    """A metadata value as plain text: byte strings decoded when they are text (UTF-16 with its
    mark, UTF-8), else dropped (pypdf gives bytes for a string it could not read as text: binary
    junk, not a title); control characters dropped, dates and lists written out."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        data = bytes(value)
        if data.startswith((b"\xfe\xff", b"\xff\xfe")):
            value = data.decode("utf-16", errors="replace")
        else:
            value = data.decode("utf-8") if _is_utf8(data) else ""
    elif isinstance(value, (list, tuple, set)):
        value = ", ".join(plain_text(v) for v in value)
    elif isinstance(value, dict):
        return ""  # a mapping is no title or reference
    text = "".join(c for c in str(value) if unicodedata.category(c) != "Cc" or c in "\t\n")
    return text.replace("\ufffd", "")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_ELIDING = re.compile(r"^[aeiouàâäéèêëîïôöûüæœ]", re.IGNORECASE)


def est_ce_que(subject: str) -> str:
    """« Est-ce que » before ``subject``, elided before a vowel: « Est-ce qu'Antony », « Est-ce qu'Issy-
    les-Moulineaux », « Est-ce que Sceaux », « Est-ce que Yerres » (a name starting with « h » keeps « que »: aspirated or
    not cannot be told from the spelling, and « que Houilles » is the common reading)."""
    subject = subject.strip()
    return f"Est-ce qu'{subject}" if _ELIDING.match(subject) else f"Est-ce que {subject}"
