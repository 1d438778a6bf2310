"""Follow-ups that switch what the previous question designates, without a model: « Et pour l'autre
parcours ? » after a question on one track asks the same of the other track; « et dans le
règlement ? » after a question on the convention asks the same of the règlement. What was asked is
kept; only what it designates changes. Rules on French articles and the acts' own records, no word
of one corpus."""

from __future__ import annotations

import re

from assistant.acts import designate, track_label, unique_records, without_designators
from assistant.doc_types import DOC_TYPES
from assistant.question import analyse
from assistant.records import DeliberationRecord
from assistant.text import fold, tokenize

_OTHER_RE = re.compile(r"\b(?:l['’]\s*)?autre\s+(parcours|d[ée]lib[ée]ration|acte|th[ée]matique|appel)\b", re.IGNORECASE)
_KINDS = "|".join(sorted((re.escape(k) for k in DOC_TYPES if k != "autre"), key=len, reverse=True))
# The kind with its article, and an elided complement that qualifies it (« la convention d'engagement »).
_NAMED_KIND_RE = re.compile(rf"(?:\b(le|la|du|de la|au|à la)\s+|\b(l|de l|à l)['’]\s*|\b)({_KINDS})\b(?:\s+d['’]\w+)?",
                            re.IGNORECASE)
_FEMININE = {"délibération", "convention", "synthèse", "charte", "note"}
_VOWEL = re.compile(r"^[aeiouéèêàâîôûh]", re.IGNORECASE)


def asks_the_other_act(fragment: str) -> bool:
    return bool(_OTHER_RE.search(fragment))


def _label_stems(record: DeliberationRecord) -> set[str]:
    return set(tokenize(track_label(record) or record.subject or "")) - {"parcours", "ia"}


def the_other_act(previous: str, records: list[DeliberationRecord], weights=None) -> tuple[DeliberationRecord, DeliberationRecord] | None:
    """(the act the previous question designates, the other one): with exactly two acts opening a
    track, « l'autre » is the one the previous question did not name — by its reference, else by the
    words of its track's name, else as :func:`assistant.acts.designate` reads it (None when that
    cannot be told)."""
    tracks = [r for r in unique_records(list(records)) if r.beneficiaries]
    if len(tracks) != 2:
        return None
    by_reference = [r for r in tracks if r.reference and r.reference in previous]
    words = set(tokenize(previous))
    scores = [len(_label_stems(r) & words) for r in tracks]
    if len(by_reference) == 1:
        chosen = by_reference[0]
    elif max(scores) > 0 and scores[0] != scores[1]:
        chosen = tracks[scores.index(max(scores))]
    else:
        designated = designate(tracks, analyse(previous), weights=weights).records
        if len(designated) != 1:
            return None
        chosen = designated[0]
    return chosen, next(r for r in tracks if r is not chosen)


_SMALL = {"aux", "des", "de", "du", "la", "le", "les", "et", "l", "d", "à"}


def _track_span(previous: str, start: int, stems: set[str]) -> int:
    """Where the words naming a track end, from ``start`` (just after « parcours »): quotes, words of
    its name, and small words between two of them."""
    tokens = list(re.finditer(r"[«»\"“”]|[\w’'-]+", previous[start:]))
    end = start
    for i, token in enumerate(tokens):
        word = token.group(0)
        named = word in "«»\"“”" or (set(tokenize(word)) and set(tokenize(word)) <= stems | {"ia"})
        bridge = fold(word.strip("’'")) in _SMALL and i + 1 < len(tokens) and set(tokenize(tokens[i + 1].group(0))) & stems
        if not (named or bridge):
            break
        end = start + token.end()
    return end


def ask_of_the_other_act(previous: str, chosen: DeliberationRecord, other: DeliberationRecord, act_terms: set[str]) -> str:
    """The previous question about the other act: its reference, or the words naming its track after
    « parcours », replaced by the other's; else the other's track added."""
    label = track_label(other)
    if chosen.reference and other.reference and chosen.reference in previous:
        return previous.replace(chosen.reference, other.reference)
    m = re.search(r"\bparcours\b", previous, re.IGNORECASE)
    if m and label:
        end = _track_span(previous, m.end(), _label_stems(chosen))
        if end > m.end():
            return f"{previous[: m.end()]} « {label} »{previous[end:]}"
    named = f"pour le parcours « {label} »" if label else f"selon la délibération {other.reference}"
    return f"{without_designators(previous, act_terms).rstrip(' ?')} {named} ?"


def _forms(kind: str) -> tuple[str, str, str]:
    """(definite, « de » form, « à » form) of a kind of document, by its gender and first letter."""
    if _VOWEL.match(kind):
        return f"l'{kind}", f"de l'{kind}", f"à l'{kind}"
    if kind in _FEMININE:
        return f"la {kind}", f"de la {kind}", f"à la {kind}"
    return f"le {kind}", f"du {kind}", f"au {kind}"


def switch_document(previous: str, fragment: str) -> str | None:
    """« Quel est le préavis de la convention ? » + « et dans le règlement ? » → « Quel est le préavis
    du règlement ? »: the kind of document the fragment names replaces the one the previous question
    named, with the article its gender takes (None when either names none, or the same)."""
    new = _NAMED_KIND_RE.search(fragment)
    old = _NAMED_KIND_RE.search(previous)
    if new is None or old is None or new.group(3).lower() == old.group(3).lower():
        return None
    definite, of, to = _forms(new.group(3).lower())
    before = (old.group(1) or old.group(2) or "").lower()
    phrase = of if before in ("du", "de la", "de l") else to if before in ("au", "à la", "à l") else definite
    if not before:
        phrase = new.group(3).lower()
    return previous[: old.start()] + phrase + previous[old.end():]


def switch_track(previous: str, fragment: str, act_terms: set[str]) -> str | None:
    """« … du parcours énergie ? » + « et pour le parcours mobilités ? » → « … du parcours
    mobilités ? »: the words naming the previous track (words of the acts' subjects after
    « parcours ») replaced by the fragment's (None when either names no « parcours … »)."""
    named = re.search(r"\bparcours\s+(.+)$", fragment, re.IGNORECASE)
    before = re.search(r"\bparcours\b", previous, re.IGNORECASE)
    if named is None or before is None:
        return None
    end = _track_span(previous, before.end(), set(act_terms))
    if end == before.end():
        return None
    return f"{previous[: before.end()]} {named.group(1).strip(' ?')}{previous[end:]}"
