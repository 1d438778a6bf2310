"""Pre-filled fields: one function per ``prefill`` key of the definition, each returning the value,
the verbatim citation that establishes it (or None) and a note for the agent. A value the
documents do not give is None: the agent fills it in. Nothing here names a word of one corpus:
what is read is the chosen act's record, its list of beneficiaries, and the sections and
sentences of the committed passages."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from assistant.acts import track_label
from assistant.communes import normalise_name
from assistant.record_answers import RecordAnswerer
from assistant.forms.definition import EPT_LABEL, PREFILLS, FieldSpec
from assistant.forms.draft_types import CommuneProfile
from assistant.forms.tracks import fold, of_act
from assistant.generation import citation_for, find_quote, split_sentences
from assistant.index import Generation
from assistant.records import ACT_REF, DeliberationRecord
from assistant.schemas import Citation

Prefilled = tuple[Any, Citation | None, str | None]
NOTHING: Prefilled = (None, None, None)
TABLE_NOTE = "d'après la table de référence des EPT fournie avec l'assistant (hors corpus), à vérifier"
# Keys about who the collectivity is: nothing is stated while the typed name is unclear.
IDENTITY = {"commune_name", "collectivity_type", "ept", "selected"}


@dataclass
class Evidence:
    """What a pre-fill reads: the field, the collectivity, the chosen act and the committed index;
    ``n`` is the number its citation takes."""

    spec: FieldSpec
    profile: CommuneProfile
    record: DeliberationRecord | None
    view: Generation
    n: int

    @cached_property
    def facts(self) -> RecordAnswerer:
        return RecordAnswerer(self.view)


def commune_name(e: Evidence) -> Prefilled:
    profile = e.profile
    if profile.matched_name:
        citation = e.facts.list_citation(e.record, e.n, profile.matched_name) if e.record else None
        name = profile.official_name or profile.matched_name
        notes = []
        if normalise_name(name) != normalise_name(profile.matched_name):
            notes.append(f"écrit « {profile.matched_name} » dans la liste de l'acte")
        if normalise_name(name) != normalise_name(profile.typed):
            notes.append(f"saisi : « {profile.typed} »")
        return name, citation, " ; ".join(notes) or None
    if profile.official_name:
        return profile.official_name, None, f"nom officiel {TABLE_NOTE}"
    if e.record is None and profile.choose:
        return profile.typed, None, "nom saisi par l'agent : choisissez le parcours pour le rapprocher de la liste de son acte"
    return profile.typed, None, "nom saisi par l'agent : absent de la liste des bénéficiaires"


def collectivity_type(e: Evidence) -> Prefilled:
    profile = e.profile
    if not (profile.matched_name or profile.official_name):
        return NOTHING  # an unknown name: nothing tells what it is
    label = EPT_LABEL if profile.kind == "EPT" else "Commune"
    value = next((c for c in e.spec.choices if normalise_name(c) == normalise_name(label)), None)
    citation = e.facts.list_citation(e.record, e.n, profile.matched_name) if e.record and profile.matched_name else None
    return value, citation, None if citation else TABLE_NOTE


def ept(e: Evidence) -> Prefilled:
    return (e.profile.ept, None, TABLE_NOTE) if e.profile.ept else NOTHING


def selected(e: Evidence) -> Prefilled:
    profile = e.profile
    if e.record is None:
        return NOTHING
    if profile.selected:
        return True, e.facts.list_citation(e.record, e.n, profile.matched_name), None
    note = "absente de la liste des bénéficiaires"
    if profile.via_ept:
        note += f" ; membre de l'EPT {profile.via_ept}, qui y figure"
    if profile.listed_by:
        note += " ; figure dans la liste de " + " et de ".join(profile.listed_by)
    return False, e.facts.list_citation(e.record, e.n), note


def act_reference(e: Evidence) -> Prefilled:
    if e.record is None or not e.record.reference:
        return NOTHING
    return e.record.reference, e.facts.cite(e.record, "reference", e.n), None


def track(e: Evidence) -> Prefilled:
    record, note = e.record, e.profile.track_note
    if record is None:
        return NOTHING
    if e.spec.choices:  # a fixed list: the choice that the chosen act names
        for choice in e.spec.choices:
            found = cite_track(record, choice, e.view, e.n)
            if found:
                return choice, found, note
        return NOTHING
    label = track_label(record)
    if label:
        found = cite_track(record, label, e.view, e.n)
        return (label, found, note) if found else NOTHING
    if record.subject:  # no track name: the act's subject, as it reads
        found = e.facts.cite(record, "subject", e.n)
        return (record.subject, found, note) if found else NOTHING
    return NOTHING


def programme_phases(e: Evidence) -> Prefilled:
    """The numbered list of the first passage whose section is about phases."""
    for chunk in e.view.chunks.values():
        section = str(chunk.metadata.get("section", ""))
        if not re.search(r"\bphases\b", section, re.IGNORECASE):
            continue
        items = [chunk.text[s:end] for s, end in split_sentences(chunk.text)]
        listed = [i for i in items if re.match(r"^\s*\d+[.)]\s", i)] or [i for i in items if "\n" in i]
        if not listed:
            continue
        block = listed[0] if len(listed) == 1 else None
        lines = [ln for ln in (block or "\n".join(listed)).splitlines() if re.match(r"^\s*\d+[.)]\s", ln)]
        quote = "\n".join(lines)
        passage = e.view.passage(chunk.chunk_id)
        if lines and passage is not None and find_quote(quote, passage.text):
            value = [re.sub(r"^\s*\d+[.)]\s*", "", ln).replace("**", "").strip() for ln in lines]
            return value, citation_for(e.n, passage, quote), str(chunk.metadata.get("title", ""))
    return NOTHING


_MODEL_APPROVED_RE = re.compile(rf"conformément au modèle approuvé par délibération\s+({ACT_REF})")


def convention_model(e: Evidence) -> Prefilled:
    """The act's own words on the convention's model, else the convention model indexed for the
    chosen track (a document of type « convention » whose title names the track, or the only one)."""
    found = cite_in_chunks(e.view, _MODEL_APPROVED_RE, e.n, e.record)
    if found:
        return f"Convention conforme au modèle approuvé par la délibération {found[0]}", found[1], None
    model = indexed_document(e.view, "convention", track_label(e.record) if e.record is not None else None)
    if model is None:
        return NOTHING
    passage = e.view.passage(model.chunk_id)
    sentences = [passage.text[a:b].strip() for a, b in split_sentences(passage.text)] if passage else []
    first = next((t for t in sentences if "convention" in fold(t)), sentences[0] if sentences else "")
    if passage is None or not first or not find_quote(first, passage.text):
        return NOTHING
    title = model.metadata.get("title") or model.metadata.get("doc_id")
    return f"Convention selon le modèle indexé : « {title} »", citation_for(e.n, passage, first), None


def indexed_document(view: Generation, doc_type: str, label: str | None):
    """The first chunk of the document of ``doc_type`` (« convention », « règlement ») for the track
    ``label``: among the indexed documents of that type, the one whose title names the track, else
    the only one (None when there are several and none names it, or none)."""
    firsts: dict[str, Any] = {}
    for chunk in sorted(view.chunks.values(), key=lambda c: (c.metadata.get("page") is None, c.metadata.get("ordinal", 0))):
        if chunk.metadata.get("doc_type") == doc_type:
            firsts.setdefault(str(chunk.metadata.get("title") or chunk.metadata.get("doc_id")), chunk)
    named = [c for title, c in firsts.items() if label and fold(label) in fold(title)]
    if named:
        return named[0]
    return next(iter(firsts.values())) if len(firsts) == 1 else None


PREFILLERS: dict[str, Callable[[Evidence], Prefilled]] = {
    "commune_name": commune_name, "collectivity_type": collectivity_type, "ept": ept, "selected": selected,
    "act_reference": act_reference, "track": track, "programme_phases": programme_phases,
    "convention_model": convention_model,
}
assert set(PREFILLERS) == set().union(*PREFILLS.values()), "every prefill key of the definition has its function"


def prefill(spec: FieldSpec, profile: CommuneProfile, record: DeliberationRecord | None, view: Generation, n: int) -> Prefilled:
    """(value, citation or None, note) for one pre-filled field; value None when no evidence."""
    if profile.unclear and spec.prefill in IDENTITY:
        return NOTHING  # which collectivity is meant is not known: nothing to state
    fill = PREFILLERS.get(spec.prefill or "")
    return fill(Evidence(spec, profile, record, view, n)) if fill else NOTHING


def cite_in_chunks(view: Generation, pattern: re.Pattern[str], n: int, record=None) -> tuple[str, Citation] | None:
    """The first match of ``pattern`` in the committed chunks (paginated copies first), cited.
    With ``record`` (the chosen track's act): that act first, and never another track's act,
    whose words are about its own track."""
    others = [r for r in RecordAnswerer(view).records() if r.beneficiaries and r is not record]
    ordered = sorted((c for c in view.chunks.values() if not any(of_act(c, r) for r in others)),
                     key=lambda c: (record is None or not of_act(c, record), c.metadata.get("page") is None, c.chunk_id))
    for chunk in ordered:
        m = pattern.search(chunk.text)
        if m:
            passage = view.passage(chunk.chunk_id)
            quote = m.group(0).strip()
            if passage is not None and find_quote(quote, passage.text):
                return m.group(m.lastindex or 0), citation_for(n, passage, quote)
    return None


def cite_track(record, label: str, view: Generation, n: int) -> Citation | None:
    """The passage of ``record`` that names its track « label » (the list's own sentence first,
    paginated copies first), or its subject when the name is read there."""
    pattern = re.compile(r"[^.:]*[«\"“]\s*" + re.escape(label) + r"\s*[»\"”][^.:]*", re.IGNORECASE)
    listed = record.evidence.get("beneficiaries")
    first = [listed.chunk_id] if listed and listed.chunk_id in view.chunks else []
    same_act = sorted((c for c in view.chunks.values() if of_act(c, record)),
                      key=lambda c: (c.metadata.get("doc_id") != record.doc_id, c.metadata.get("page") is None, c.chunk_id))
    for chunk_id in dict.fromkeys(first + [c.chunk_id for c in same_act]):
        m = pattern.search(view.chunks[chunk_id].text)
        passage = view.passage(chunk_id)
        if m and passage is not None and find_quote(m.group(0).strip(), passage.text):
            return citation_for(n, passage, m.group(0).strip())
    subject = record.evidence.get("subject")
    if subject and fold(label) in fold(subject.quote):
        return RecordAnswerer(view).cite(record, "subject", n)
    return None


def track_documents(view: Generation, label: str | None) -> dict[str, str]:
    """The règlement and convention model indexed for the track ``label``, as the form's
    placeholders name them (« règlement « Titre » (indexé) »); absent ones are not given."""
    found = {}
    for key, doc_type, kind in (("reglement", "règlement", "règlement"), ("convention", "convention", "modèle de convention")):
        chunk = indexed_document(view, doc_type, label)
        if chunk is not None:
            found[key] = f"{kind} « {chunk.metadata.get('title') or chunk.metadata.get('doc_id')} » (indexé)"
    return found
