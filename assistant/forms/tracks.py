"""Tracks (« parcours »): each is opened by an indexed act with its list of beneficiaries. How the
agent designates one (label, part of it, act reference) and how a typed name is found in a list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from assistant.communes import normalise_name, resolve_name
from assistant.forms.validation import clean_text

class UnknownTrack(ValueError):
    """A track the indexed acts do not open; the message lists those they do."""


@dataclass(frozen=True)
class Track:
    """A track (« parcours ») as one indexed act opens it, with its list of beneficiaries."""

    label: str  # the name the act gives its track, or failing that the act's subject
    reference: str | None
    value: str  # what designates it: the act reference (the document id for an act without one)
    act: str  # « la délibération REF du Bureau du … (parcours « … ») »
    record: Any  # the act's DeliberationRecord

    @property
    def display(self) -> str:
        return f"{self.label} ({self.reference})" if self.reference else self.label


@dataclass
class Listing:
    """How one act's list of beneficiaries answers the name typed."""

    name: str | None = None  # as the act spells it
    kind: str = "commune"
    ambiguous: tuple[str, ...] = ()
    unclear: bool = False


def listing_of(commune: str, record) -> Listing:
    kinds = {b.name: b.kind for b in record.beneficiaries}
    matches = resolve_name(commune, list(kinds))
    # « Noisy », « Saint », « Paris »: the start of several names is not a name.
    typed = normalise_name(commune)
    starts_like = [n for n in kinds if normalise_name(n).startswith(typed + " ")]
    if len(matches) > 1 or (not matches and (len(starts_like) > 0 or len(typed) < 3)):
        return Listing(ambiguous=tuple(m.name for m in matches) or tuple(starts_like), unclear=True)
    if matches:
        return Listing(name=matches[0].name, kind="EPT" if kinds[matches[0].name] == "EPT" else "commune")
    return Listing()


def of_act(chunk, record) -> bool:
    """Whether a committed chunk belongs to the act ``record`` (any copy of it)."""
    return (chunk.metadata.get("doc_id") == record.doc_id
            or bool(record.reference) and chunk.metadata.get("reference") == record.reference)


def fold(text: str) -> str:
    return " ".join(normalise_name(text or "").split())


def match_tracks(wanted: str, tracks: list[Track]) -> list[Track]:
    """The tracks ``wanted`` designates: the act reference (or the value), a reference written in it
    (« IA-Énergie (BM2025/10/14/07) »), or a case- and accent-insensitive part of the track's label."""
    text = " ".join(clean_text(wanted or "").split())
    if not text:
        return []
    exact = [t for t in tracks if text.lower() in (t.value.lower(), (t.reference or "").lower())]
    if exact:
        return exact
    cited = [t for t in tracks if t.reference and t.reference.lower() in text.lower()]
    if cited:
        return cited
    folded = fold(text)
    if len(folded) < 2:
        return []
    same = [t for t in tracks if fold(t.label) == folded]
    return same or [t for t in tracks if folded in fold(t.label)]


_PREFIX_RE = re.compile(r"^(?:(?:la |l')?(?:commune|ville|mairie|municipalit[ée])\s+(?:de\s+|d'|du\s+)?)", re.IGNORECASE)


def clean_commune(text: str) -> str:
    """« Commune de Sceaux », « Antony 92160 », « Argenteuil (Val-d'Oise) » → the bare name."""
    text = " ".join(clean_text(text or "").split())
    if len(text) > 200:
        raise ValueError("nom de collectivité trop long (200 caractères au plus)")
    text = re.sub(r"\([^)]*\)", " ", text)
    text = re.sub(r"\b\d{5}\b", " ", text)
    text = _PREFIX_RE.sub("", text.strip())
    return " ".join(text.split()).strip(" ,;-")
