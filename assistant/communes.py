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
    "appropriation metropolitaine ia administration interne collectivites quelle quel oui non aussi "
    "sont sera ete bien y".split()
)


def normalise_name(name: str) -> str:
    text = fold(name)
    text = re.sub(r"[-‐‑'’`_/.,()]", " ", text)
    for pattern, repl in _ABBREVIATIONS:
        text = re.sub(pattern, repl, text)
    text = re.sub(r"\((?:ept)\)", "", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class NameMatch:
    name: str  # as written in the source list
    score: float
    matched_text: str  # the words of the question that matched


def match_name(candidate: str, names: list[str], threshold: float = 0.85) -> list[NameMatch]:
    """Names of the list that ``candidate`` designates: exact, unique prefix (« aulnay ») or close
    spelling (« Rueil-Malmaison » ~ « Reuil Malmaison »). Several results mean an ambiguity."""
    wanted = normalise_name(candidate)
    if len(wanted) < 3:
        return []
    normalised = {n: normalise_name(n) for n in names}
    exact = [n for n, v in normalised.items() if v == wanted]
    if exact:
        return [NameMatch(n, 1.0, candidate) for n in exact]
    prefix = [n for n, v in normalised.items() if v.startswith(wanted + " ") and len(wanted) >= 4]
    if prefix:
        return [NameMatch(n, 0.95, candidate) for n in prefix]
    scored = [(SequenceMatcher(None, wanted, v).ratio(), n) for n, v in normalised.items()]
    best = max((s for s, _ in scored), default=0.0)
    if best < threshold:
        return []
    return [NameMatch(n, s, candidate) for s, n in scored if s >= best - 0.02]


def find_names_in_text(text: str, names: list[str]) -> list[NameMatch]:
    """Names of the list mentioned anywhere in a question (windows of 1 to 5 words); overlapping
    windows keep the best match (« Clichy-sous-Bois » is not also « Clichy-la-Garenne »)."""
    words = normalise_name(text).split()
    candidates: list[tuple[float, int, int, NameMatch]] = []
    for size in range(5, 0, -1):
        for i in range(len(words) - size + 1):
            window = words[i : i + size]
            if window[0] in _QUESTION_WORDS or window[-1] in _QUESTION_WORDS:
                continue
            following = words[i + size] if i + size < len(words) else None
            for m in match_name(" ".join(window), names, threshold=0.88):
                if m.score == 0.95 and following is not None and following not in _QUESTION_WORDS:
                    continue  # « saint » of « Saint-Maur » is not a prefix of « Saint-Denis »
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


_CAPTURE_PATTERNS = [
    r"(?:est[- ]ce que|est ce qu)\s+(?:la commune de |la ville de |l'EPT |l’EPT |la commune d'|la ville d')?(?P<name>[^?]+?)\s+(?:participe|est|fait|a été|figure|sera|peut|va)\b",
    r"^(?:la commune de |la ville de |l'EPT |la commune d'|la ville d')?(?P<name>[^?]+?)\s+(?:participe|est-elle|est-il|fait-elle|fait-il|figure-t-elle|figure-t-il|a-t-elle|a-t-il|sera-t-elle|sera-t-il)\b",
    r"\b(?:commune|ville) (?:de |d')(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)(?:\s+(?:est|a|fait|participe|figure)\b|\s*\?|$)",
    r"^(?:et\s+)?(?:pour\s+)?(?:la commune de |la ville de )?(?P<name>[A-ZÉÈÂÎ][\w'’ -]+?)\s*\?*\s*$",
]


def capture_name(question: str) -> str | None:
    """The place name a membership question is about, when it is not in the list."""
    text = question.strip()
    for pattern in _CAPTURE_PATTERNS:
        m = re.search(pattern, text, re.IGNORECASE if not pattern.startswith(r"^(?:et") else 0)
        if m:
            name = m.group("name").strip(" ,'’")
            name = re.sub(r"^(?:et|pour|la|le|les|l'|l’)\s+", "", name, flags=re.IGNORECASE)
            if 2 < len(name) <= 60 and not all(w in _QUESTION_WORDS for w in normalise_name(name).split()):
                return name
    return None


EPT_TABLE = Path(__file__).parent / "data" / "ept_communes.yaml"


@lru_cache(maxsize=1)
def ept_members() -> tuple[str, dict[str, list[str]]]:
    """(source, {EPT name: member communes}) from the bundled reference table."""
    data = yaml.safe_load(EPT_TABLE.read_text(encoding="utf-8"))
    return str(data["source"]), {str(k): [str(c) for c in v] for k, v in data["epts"].items()}


def ept_of(commune: str) -> tuple[str, str] | None:
    """(EPT, official commune name) for a commune of the reference table, fuzzy-matched."""
    _, table = ept_members()
    members = {c: ept for ept, communes in table.items() for c in communes}
    matches = match_name(commune, list(members))
    if len(matches) != 1:
        return None
    return members[matches[0].name], matches[0].name
