"""Fuzzy, accent-insensitive matching of commune and EPT names against a deliberation's list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml

from assistant.text import fold

_ABBREVIATIONS = [(r"\bste\b", "sainte"), (r"\bst\b", "saint"), (r"\bs/\s*", "sur ")]
_QUESTION_WORDS = frozenset(
    "est ce que qu la le les l de du des d ville commune communes ept mon ma notre nos et pour a t il elle "
    "participe participer retenue retenu retenues retenus selectionnee selectionne fait partie figure "
    "beneficiaire beneficiaires parmi liste dans laureate laureat eligible choisie choisi programme parcours "
    "dispositif thematique quelle quel oui non aussi sont sera ete bien y".split()
)


@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Kept for the names seen last: the reference table and an act's list are normalised again at
    every question (a commune the act does not list cost ~25 ms of CPU per question, ~3.5 ms cached)."""
    text = fold(name)
    text = re.sub(r"[-‐‑'’`_/.,()]", " ", text)
    for pattern, repl in _ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    text = re.sub(r"\((?:ept)\)", "", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class NameMatch:
    name: str  # as written in the source list
    score: float  # 1.0 exact, 0.95 unique prefix (« aulnay »), below: close spelling
    matched_text: str  # the words of the question that matched

    @property
    def is_prefix(self) -> bool:
        return self.score == 0.95


# A lone word that starts many place names is never taken for a whole name (« Paris » is not
# « Paris Ouest La Défense », « Saint » not « Saint-Denis »).
_GENERIC_FIRST_WORDS = frozenset(
    "paris saint sainte le la les l grand vallee boucle nord sud est ouest seine marne neuilly noisy villeneuve "
    "bois sur sous".split()
)


def match_name(candidate: str, names: list[str], threshold: float = 0.85) -> list[NameMatch]:
    """Names of the list that ``candidate`` designates: exact, unique prefix (« aulnay ») or close
    spelling (« Rueil-Malmaison » ~ « Reuil Malmaison »). Several results mean an ambiguity."""
    wanted = _without_article(normalise_name(candidate))
    if len(wanted) < 3:
        return []
    # « Blanc-Mesnil » is the list's « Le Blanc-Mesnil »: a leading article never tells two towns apart.
    normalised = {n: _without_article(normalise_name(n)) for n in names}
    exact = [n for n, v in normalised.items() if v == wanted]
    if exact:
        return [NameMatch(n, 1.0, candidate) for n in exact]
    if len(wanted) >= 4 and wanted not in _GENERIC_FIRST_WORDS:
        prefix = [n for n, v in normalised.items() if v.startswith(wanted + " ")]
        if prefix:
            return [NameMatch(n, 0.95, candidate) for n in prefix]
    # A close spelling must be close word by word: « Rueil-Malmaison » is the list's « Reuil
    # Malmaison », but « Bonneuil-sur-Marne » is not « Neuilly-sur-Marne » (another town).
    scored = [(SequenceMatcher(None, wanted, v).ratio(), n) for n, v in normalised.items() if _same_words(wanted, v)]
    best = max((s for s, _ in scored), default=0.0)
    if best < threshold:
        return []
    return [NameMatch(n, min(s, 0.94), candidate) for s, n in scored if s >= best - 0.02]


def _without_article(normalised: str) -> str:
    return re.sub(r"^(?:le|la|les|l) (?=\S{3})", "", normalised)


def _same_words(a: str, b: str, threshold: float = 0.8) -> bool:
    wa, wb = a.split(), b.split()
    return len(wa) == len(wb) and all(x == y or SequenceMatcher(None, x, y).ratio() >= threshold for x, y in zip(wa, wb))


def _units(text: str) -> list[tuple[int, int, bool]]:
    """Word spans (in normalised words) of each whitespace-separated unit of the text, and whether
    the unit is capitalised: a hyphenated name such as « Noisy-le-Sec » is one unit that must be
    matched whole."""
    spans = []
    position = 0
    for raw in re.split(r"[\s,;:!?«»\"]+", text):
        words = normalise_name(raw).split()
        if words:
            spans.append((position, position + len(words), raw[:1].isupper()))
            position += len(words)
    return spans


def find_names_in_text(text: str, names: list[str]) -> list[NameMatch]:
    """Names of the list mentioned anywhere in a question. A match covers whole units (never part
    of « Noisy-le-Sec » or « L'Île-Saint-Denis »); overlapping windows keep the best match."""
    words = normalise_name(text).split()
    units = _units(text)
    starts = {a for a, _, _ in units}
    ends = {b for _, b, _ in units}
    capitalised = {a for a, _, upper in units if upper}
    compounds = {(a, b) for a, b, _ in units if b - a > 1}  # « Ville-d'Avray », « L'Haÿ-les-Roses »: one written name
    candidates: list[tuple[float, int, int, NameMatch]] = []
    for size in range(6, 0, -1):
        for i in range(len(words) - size + 1):
            if i not in starts or i + size not in ends:
                continue
            window = words[i : i + size]
            # A question word at an edge is no part of a name, unless the window is one hyphenated unit.
            if (window[0] in _QUESTION_WORDS or window[-1] in _QUESTION_WORDS) and (i, i + size) not in compounds:
                continue
            for m in match_name(" ".join(window), names, threshold=0.88):
                # A close spelling counts for a capitalised name only: « pris » is a word, not « Paris ».
                if m.score < 0.95 and i not in capitalised:
                    continue
                candidates.append((m.score, size, i, m))
    taken: list[tuple[int, int]] = []
    found: dict[str, NameMatch] = {}
    best_by_window: dict[tuple[int, int], float] = {}
    for score, size, start, m in sorted(candidates, key=lambda c: (-c[0], -c[1], c[2])):
        span = (start, start + size)
        if span in best_by_window and best_by_window[span] - score < 0.03:
            found.setdefault(m.name, m)  # an ambiguity on the same words: keep both
            continue
        if any(span[0] < end and start_ < span[1] for start_, end in taken):
            continue
        taken.append(span)
        best_by_window[span] = score
        found.setdefault(m.name, m)
    return list(found.values())


_NOT_A_NAME = frozenset(
    "qui que quoi comment quand ou pourquoi quel quelle quels quelles combien est ce la le les l une un cette "
    "metropole mgp commune communes ville villes programme parcours ept etat prefet president presidente "
    "bureau conseil je nous vous on elle il ils elles cela ca tout tous what who which when how is are does do "
    "my our the city town municipality faut peut doit dois puis peux existe merci bonjour ok oui non super "
    "parfait accord pourquoi toutes toute chaque aucune".split()
)
# Words that may sit inside a place name without a capital (« Neuilly-sur-Marne », « Bois-le-Roi »).
_NAME_PARTICLES = frozenset("de du des la le les sur sous en l d aux lès les-bains et".split())
_CAPTURE_PATTERNS = [
    r"(?:s[ée]lectionn\w*|retenu\w*|choisi\w*|d[ée]sign\w*)\s+(?:la commune de |la ville de |l'EPT )?(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)\s*\?",
    r"vrai que\s+(?:la commune de |la ville de |l'EPT )?(?P<name>[^?]+?)\s+(?:a été|est|fait|participe\w*|figure)\b",
    r"\bque\s+(?:la commune de |la ville de |l'EPT )?(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)\s+(?:a été|est|fait|participe\w*|figure)\b",
    r"(?:est[- ]ce que|est ce qu)\s+(?:la commune de |la ville de |l'EPT |l’EPT |la commune d'|la ville d')?(?P<name>[^?]+?)\s+(?:participe\w*|est|fait|font|a été|ont été|figurent|figure|sera|sont|peut|va)\b",
    r"^(?:la commune de |la ville de |l'EPT |la commune d'|la ville d'|les communes de |les villes de )?(?P<name>[^?]+?)\s+(?:participe\w*|est-elle|est-il|sont-elles|sont-ils|fait-elle|fait-il|font-elles|figure-t-elle|figure-t-il|a-t-elle|a-t-il|ont-elles|sera-t-elle|sera-t-il)\b",
    r"^(?:la commune de |la ville de |l'EPT |la commune d'|la ville d')?(?P<name>[^?]+?)\s+(?:fait partie|font partie|figure|figurent|est (?:retenue?|s[ée]lectionn[ée]e?|choisie?|dans|bien|sur|parmi|b[ée]n[ée]ficiaire|inscrite?|pris[e]?)|a été|ont été|sera)\b",
    r"\b(?:commune|ville) (?:de |d')(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)(?:\s+(?:est|a|fait|participe|figure)\b|\s*\?|$)",
    r"^(?:is|was|are|were|does|did)\s+(?:the (?:city|town|municipality) of )?(?P<name>[A-Z][\w'’ -]+?)\s+(?:selected|participat\w*|included|part of|a beneficiary|eligible|chosen|in the list)\b",
    r"^(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)\s*\?*\s*$",
]


def _valid_name(name: str) -> bool:
    """A place name as typed: capitalised words, joined by particles (« Saint-Maur-des-Fossés »)."""
    words = normalise_name(name).split()
    while words and words[0] in ("l", "la", "le", "les"):
        words = words[1:]
    if not words or len(name) > 60 or not name[:1].isupper():
        return False
    raw_words = [w for w in re.split(r"[\s\-‐‑'’]+", name) if w]
    if not all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in raw_words):
        return False
    if is_known_place(name):  # « Ville-d'Avray » starts with a word that is no name elsewhere
        return True
    return words[0] not in _NOT_A_NAME and not all(w in _QUESTION_WORDS or w in _NOT_A_NAME for w in words)


def capture_names(question: str) -> list[str]:
    """The place names a membership question is about (« Saint-Denis, Bobigny et Créteil »), as
    typed, whether or not they are in the list. Only capitalised names count."""
    text = question.strip()
    for pattern in _CAPTURE_PATTERNS:
        m = re.search(pattern, text, re.IGNORECASE)
        if not m:
            continue
        raw = m.group("name").strip(" ,'’")
        raw = re.sub(r"^(?:et|pour|la|le|les|l'|l’)\s+", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"^(?:commune|ville)s? (?:de |d')", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"\s+(?:ne|n'|n’)$", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"\s+(?:(?:elle|lui|il) )?(?:aussi|également|egalement|encore)$", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"^(?:aussi|également|egalement)\s+", "", raw, flags=re.IGNORECASE)
        raw = re.sub(r"^(?:toutes|tous)\s+les\s+(?:communes|villes)\s+(?:de\s+|d')", "", raw, flags=re.IGNORECASE)
        names = [n.strip(" ,'’") for n in re.split(r",\s*|\s+et\s+|\s+and\s+", raw) if n.strip(" ,'’")]
        names = [re.sub(r"^(?:l'EPT|l’EPT|EPT)\s+", "", n) for n in names]
        if names and all(_valid_name(n) for n in names):
            return names
    return []


MGP_TABLE = Path(__file__).parent / "data" / "mgp_communes.yaml"


@lru_cache(maxsize=1)
def _table() -> dict:
    return yaml.safe_load(MGP_TABLE.read_text(encoding="utf-8"))


def ept_members() -> tuple[str, dict[str, list[str]]]:
    """(source, {EPT name: member communes}) from the bundled reference table of the Métropole."""
    data = _table()
    return str(data["source"]), {str(k): [str(c) for c in v] for k, v in data["epts"].items()}


@lru_cache(maxsize=1)
def metropole_communes() -> tuple[str, ...]:
    """The communes of the Métropole du Grand Paris (those of the EPT, and Paris), usual names."""
    _, table = ept_members()
    return tuple(sorted({c for members in table.values() for c in members} | {str(c) for c in _table()["outside_epts"]},
                        key=lambda c: normalise_name(_without_article_name(c))))


def is_known_place(name: str) -> bool:
    """Whether ``name`` is written as a commune or an EPT of the Métropole's table (article- and
    accent-insensitive, exact)."""
    _, table = ept_members()
    return any(m.score == 1.0 for m in match_name(name, [*metropole_communes(), *table]))


def _without_article_name(name: str) -> str:
    return re.sub(r"^(?:L'|L’|Le |La |Les )", "", name)


def ept_of(commune: str) -> tuple[str, str] | None:
    """(EPT, official commune name) for a commune of the reference table, fuzzy-matched (Paris
    belongs to no EPT)."""
    official = official_name(commune)
    if official is None:
        return None
    _, table = ept_members()
    return next(((ept, official) for ept, members in table.items() if official in members), None)


@lru_cache(maxsize=8192)
def official_name(name: str) -> str | None:
    """The commune's usual full name for a short or variant one (« Rueil » → « Rueil-Malmaison »,
    « st maur » → « Saint-Maur-des-Fossés »), when the table of the Métropole knows exactly one.
    Memoised (the table is fixed): a membership question checks every name of every act's list,
    ≈ 0.9 s per question over the 250 lists of the 100k benchmark index without it."""
    aliases = {str(k): str(v) for k, v in (_table().get("aliases") or {}).items()}
    alias = match_name(name, list(aliases))
    if len(alias) == 1 and alias[0].score >= 0.95:
        return aliases[alias[0].name]
    matches = match_name(name, list(metropole_communes()))
    return matches[0].name if len(matches) == 1 else None


def resolve_name(typed: str, names: list[str]) -> list[NameMatch]:
    """The names of ``names`` an agent's spelling designates, through the official name when the list
    writes that one (« Rueil » → « Rueil-Malmaison »): the one resolver of the facts and the forms."""
    matches = match_name(typed, names)
    if not matches:
        official = official_name(typed)
        if official and normalise_name(official) != normalise_name(typed):
            matches = match_name(official, names)
        if not matches and official:  # the list writes a shorter or older name (« Saint-Ouen », « Pierrefitte »)
            matches = [NameMatch(n, 0.9, typed) for n in names if official_name(n) == official]
    return matches
