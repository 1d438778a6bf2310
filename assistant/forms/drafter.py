"""The form drafter: for one collectivity and one track, a draft whose pre-filled values are cited
(:mod:`assistant.forms.prefill`), whose agent answers are validated
(:mod:`assistant.forms.validation`), with long texts optionally drafted by a language model
(marked « à relire ») and the list of what is missing or invalid. Nothing is invented.

The programme has several tracks (« parcours »), each opened by its own act with its own list of
beneficiaries: the draft is prepared for one track, chosen by the agent or, failing that, deduced
from the acts that list the collectivity (:meth:`FormDrafter.profile`)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.acts import track_label
from assistant.answering import Assistant
from assistant.communes import ept_members, ept_of, match_name, metropole_communes, normalise_name, official_name
from assistant.record_answers import RecordAnswerer
from assistant.forms.definition import FormDefinition, load_form
from assistant.forms.draft_types import CommuneProfile, FieldValue, FormDraft
from assistant.forms.prefill import prefill, track_documents
from assistant.forms.tracks import Track, UnknownTrack, clean_commune, listing_of, match_tracks
from assistant.forms.validation import answers_model, clean_text
from assistant.index import Generation
from assistant.schemas import Citation


class FormDrafter:
    """Prepares drafts from the committed index (one generation per draft) and, when configured, a
    language model for long texts."""

    def __init__(self, assistant: Assistant, definition: FormDefinition | None = None) -> None:
        self.assistant = assistant
        self.definition = definition or load_form(assistant.settings.forms_file)
        self.model = answers_model(self.definition)

    # -- tracks --------------------------------------------------------------------------------
    def tracks(self, view: Generation | None = None) -> list[Track]:
        """The tracks of the indexed acts that list beneficiaries, in séance order."""
        view = view or self.assistant.index.current()
        facts = RecordAnswerer(view)
        return [Track(label=track_label(r) or r.subject or r.reference or r.doc_id, reference=r.reference,
                      value=r.reference or r.doc_id, act=facts._act(r), record=r)
                for r in facts.records() if r.beneficiaries]

    def find_track(self, wanted: str | None, view: Generation | None = None) -> Track | None:
        """The track ``wanted`` designates (None when nothing is asked); an unknown or ambiguous one
        raises :class:`UnknownTrack`, whose message lists the tracks available."""
        if wanted is None or not clean_text(str(wanted)):
            return None
        tracks = self.tracks(view)
        found = match_tracks(str(wanted), tracks)
        if len(found) == 1:
            return found[0]
        if not tracks:
            raise UnknownTrack(f"parcours « {clean_text(str(wanted))} » : aucun acte indexé ne désigne de bénéficiaires.")
        available = " ; ".join(t.display for t in tracks)
        if found:
            raise UnknownTrack(f"« {clean_text(str(wanted))} » peut désigner plusieurs parcours : "
                               f"{' ; '.join(t.display for t in found)}. Précisez le parcours ou la référence de l'acte.")
        raise UnknownTrack(f"parcours inconnu : « {clean_text(str(wanted))} ». Parcours disponibles : {available}.")

    def communes(self, track: str | Track | None = None) -> list[str]:
        """Names for the commune picker: the beneficiaries (of the chosen track's act first; of every
        act without a track) under their usual name, then the other communes of the Métropole and the
        EPT of its table."""
        return [value for _, value in self.commune_choices(track)]

    def commune_choices(self, track: str | Track | None = None) -> list[tuple[str, str]]:
        """(label, value) pairs of the picker: the value is the usual name; the label adds the act's
        spelling when it differs (« Rueil-Malmaison — « Reuil Malmaison » dans l'acte »)."""
        view = self.assistant.index.current()
        if isinstance(track, str):
            try:
                track = self.find_track(track, view)
            except UnknownTrack:
                track = None
        records = [track.record] if track is not None else RecordAnswerer(view).records()
        choices: dict[str, str] = {}
        for name in (b.name for r in records for b in r.beneficiaries):
            usual = official_name(name) or name
            spelled = f" — « {name} » dans l'acte" if normalise_name(usual) != normalise_name(name) else ""
            choices.setdefault(usual, usual + spelled)
        others = sorted(set(metropole_communes()) | set(ept_members()[1]), key=normalise_name)
        known = {normalise_name(c) for c in choices}  # once each: comparing every pair cost ~150 ms per page opened
        for name in others:
            if normalise_name(name) not in known:
                choices[name] = name
                known.add(normalise_name(name))
        return [(label, value) for value, label in choices.items()]

    # -- evidence ------------------------------------------------------------------------------
    def profile(self, commune: str, view: Generation, track: Track | None = None) -> tuple[CommuneProfile, Any]:
        """The collectivity as the chosen act lists it, and that act (None when none can be chosen).
        Without a track: the only act that lists beneficiaries, else the only one that lists the
        collectivity; otherwise the agent is asked to choose and nothing is said about selection."""
        facts = RecordAnswerer(view)
        records = [r for r in facts.records() if r.beneficiaries]
        profile = CommuneProfile(typed=commune)
        if not records:
            return profile, None
        listings = [(r, listing_of(commune, r)) for r in records]
        listing_acts = [r for r, listing in listings if listing.name]
        if track is not None:
            record = track.record
        elif len(records) == 1:
            record = records[0]
        elif len(listing_acts) == 1:
            record = listing_acts[0]
            profile.track_note = (f"Parcours non précisé : « {commune} » ne figure que dans la liste de "
                                  f"{facts._act(record)}, pour laquelle le brouillon est préparé.")
        else:
            record = None
            profile.choose = [t.display for t in self.tracks(view)]
            unclear = [listing for _, listing in listings if listing.unclear]
            if unclear and not listing_acts:
                profile.unclear = True
                profile.ambiguous = list(dict.fromkeys(n for listing in unclear for n in listing.ambiguous))
                return profile, None
            member = ept_of(commune)
            if member:
                profile.ept = member[0]
            profile.official_name = official_name(commune)
            return profile, None
        listing = next(lst for r, lst in listings if r is record) if any(r is record for r, _ in listings) \
            else listing_of(commune, record)
        if listing.unclear:
            profile.ambiguous = list(listing.ambiguous)
            profile.unclear = True
            return profile, record
        profile.listed_by = [facts._act(r) for r in listing_acts if r is not record]
        kinds = {b.name: b.kind for b in record.beneficiaries}
        if listing.name:
            profile.matched_name = listing.name
            profile.kind = listing.kind
            profile.selected = True
        member = ept_of(profile.matched_name or commune) if profile.kind == "commune" else None
        if profile.kind == "commune":
            profile.official_name = official_name(profile.matched_name or commune)
        if member:
            profile.ept = member[0]
            if not profile.selected and any(match_name(member[0], [e]) for e, k in kinds.items() if k == "EPT"):
                profile.via_ept = next(e for e, k in kinds.items() if k == "EPT" and match_name(member[0], [e]))
        return profile, record

    def worded(self, track: Track | None, view=None):
        """The definition worded for ``track`` (its name, its act, the règlement and convention model
        indexed for it: :meth:`FormDefinition.for_track`)."""
        view = view or self.assistant.index.current()
        label = track.label if track else None
        return self.definition.for_track(label, track.reference if track else None, track_documents(view, label))

    # -- drafting -------------------------------------------------------------------------------
    def draft(self, commune: str, answers: dict[str, Any] | None = None, track: str | Track | None = None) -> FormDraft:
        """The draft for ``commune``, for the track ``track`` (its label, part of it, or its act's
        reference; :class:`UnknownTrack` when no indexed act opens it) or, without one, the track
        deduced from the acts (see :meth:`profile`)."""
        commune = clean_commune(commune)
        if not commune:
            raise ValueError("indiquez la commune ou l'EPT")
        answers = {str(k): v for k, v in (answers or {}).items() if v not in (None, "", [])}
        view = self.assistant.index.current()
        tracks = self.tracks(view)
        if isinstance(track, Track):
            track = next((t for t in tracks if t.value == track.value), None) or self.find_track(track.value, view)
        else:
            track = self.find_track(track, view)
        model = (answers_model(self.definition, {"tracks": [t.label for t in tracks]})
                 if any(f.choices_from for f in self.definition.fields()) else self.model)
        profile, record = self.profile(commune, view, track)
        chosen = next((t for t in tracks if record is not None and t.record is record), None)
        worded = self.worded(chosen, view)
        citations: list[Citation] = []
        values: list[FieldValue] = []
        invalid: list[dict[str, str]] = []
        known = {f.id for f in self.definition.fields() if f.source == "user"}
        prefilled = {f.id for f in self.definition.fields() if f.source != "user"}
        for key in sorted(set(answers) - known):
            reason = ("champ établi d'après les documents : il ne se saisit pas" if key in prefilled
                      else "champ inconnu du formulaire")
            invalid.append({"field": key, "reason": reason})
        validated, errors = self._validate({k: v for k, v in answers.items() if k in known}, model)
        invalid += errors
        for section in worded.sections:
            for spec in section.fields:
                value = FieldValue(id=spec.id, section=section.title, label=spec.label, type=spec.type,
                                   required=spec.required, help=spec.help)
                if spec.source != "user":
                    got, citation, note = prefill(spec, profile, record, view, len(citations) + 1)
                    if got is not None:
                        value.value, value.origin, value.note = got, spec.source, note
                        if citation is not None:
                            same = next((c for c in citations if (c.chunk_id, c.quote) == (citation.chunk_id, citation.quote)), None)
                            if same is None:
                                citations.append(citation)
                            value.citations = [(same or citation).n]
                if spec.id in validated:  # the agent's answer wins over a pre-filled value
                    value.value, value.origin, value.note, value.citations = validated[spec.id], "user", None, []
                elif spec.id in known and spec.id in answers and any(e["field"] == spec.id for e in errors):
                    value.status = "invalid"
                    value.value = clean_text(str(answers[spec.id]))[:500]
                    value.origin = "user"
                    value.citations = []
                    value.note = next(e["reason"] for e in errors if e["field"] == spec.id)
                if value.status != "invalid" and value.value is None and spec.required:
                    value.status = "missing"
                values.append(value)
        self._draft_long_texts(values, profile)
        warnings = self._warnings(profile, record)
        return FormDraft(
            form_title=worded.title, form_status=worded.status, commune=commune,
            matched_name=profile.matched_name, official_name=profile.official_name, kind=profile.kind,
            selected=None if record is None and profile.choose else profile.selected,
            selected_via_ept=profile.via_ept, reference=record.reference if record else None,
            track=chosen.label if chosen else None, listed_by=profile.listed_by, warnings=warnings,
            notes=[profile.track_note] if profile.track_note else [],
            values=values, citations=citations, missing=[v.id for v in values if v.status == "missing"],
            invalid=invalid,
        )

    def _validate(self, answers: dict[str, Any], model: type[BaseModel] | None = None) -> tuple[dict[str, Any], list[dict[str, str]]]:
        model = model or self.model
        try:
            return model.model_validate(answers).model_dump(exclude_none=True), []
        except ValidationError as exc:
            errors = [{"field": str(e["loc"][0]), "reason": e["msg"].removeprefix("Value error, ")} for e in exc.errors()]
            bad = {e["field"] for e in errors}
            good = model.model_validate({k: v for k, v in answers.items() if k not in bad})
            return good.model_dump(exclude_none=True), errors

    def _warnings(self, profile: CommuneProfile, record) -> list[str]:
        reference = record.reference if record else "de désignation"
        if record is None and profile.choose:
            choose = (f"Plusieurs parcours sont ouverts par les actes indexés : {' ; '.join(profile.choose)}. "
                      "Choisissez celui de la demande : tant qu'il ne l'est pas, le brouillon n'indique ni la "
                      "désignation de la collectivité ni la délibération de référence.")
            if profile.unclear:
                listed = f" : {', '.join(profile.ambiguous)}" if profile.ambiguous else ""
                return [f"« {profile.typed} » est incomplet ou peut désigner plusieurs bénéficiaires{listed}. "
                        "Précisez le nom complet de la collectivité.", choose]
            return [choose]
        if profile.selected:
            # A spelling brought closer is said, unless the reference table names both the same commune
            # (« Rueil-Malmaison » typed, « Reuil Malmaison » in the act: the draft notes the act's spelling).
            same_commune = profile.official_name is not None and normalise_name(
                official_name(profile.typed) or profile.typed) == normalise_name(profile.official_name)
            if profile.matched_name and normalise_name(profile.matched_name) != normalise_name(profile.typed) \
                    and not same_commune:
                return [f"« {profile.typed} » a été rapproché de « {profile.matched_name} », nom écrit dans la délibération "
                        f"{reference} : vérifiez qu'il s'agit bien de votre collectivité."]
            return []
        if profile.unclear:
            listed = f" : {', '.join(profile.ambiguous)}" if profile.ambiguous else ""
            return [f"« {profile.typed} » est incomplet ou peut désigner plusieurs bénéficiaires{listed}. "
                    "Précisez le nom complet de la collectivité."]
        text = (f"{profile.official_name or profile.typed} ne figure pas parmi les bénéficiaires désignés par la "
                f"délibération {reference}.")
        if profile.listed_by:
            which = "ce parcours si c'est celui" if len(profile.listed_by) == 1 else "celui de ces parcours qui est celui"
            text += (f" Elle figure en revanche dans la liste de {' et de '.join(profile.listed_by)} : "
                     f"choisissez {which} de la demande.")
        if profile.via_ept:
            where = f"figure dans la liste de la délibération {reference}" if profile.listed_by else "y figure"
            text += (f" Elle est membre de l'EPT {profile.via_ept}, qui {where} (appartenance d'après la table de "
                     "référence des EPT fournie avec l'assistant) : rapprochez-vous de votre EPT.")
        elif not profile.listed_by:
            text += " Le brouillon peut être préparé, mais rapprochez-vous de l'équipe du programme avant tout envoi."
        return [text]

    def _draft_long_texts(self, values: list[FieldValue], profile: CommuneProfile) -> None:
        """With a language model: the agent's short notes become formal French, checked to add no
        number, name or quotation absent from the notes, and marked « à relire »."""
        generator = self.assistant.generator
        for value in values:
            spec = self.definition.field(value.id)
            if not spec.draft or value.origin != "user" or not isinstance(value.value, str):
                continue
            text = generator.draft_field(spec.label, spec.help, value.value,
                                         profile.matched_name or profile.official_name or profile.typed)
            if text:
                value.note = f"rédigé par le modèle de langage à partir de vos notes (« {_short(value.value)} »)"
                value.value, value.origin, value.status = text, "llm", "to_review"


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
