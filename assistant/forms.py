"""The engagement form: its definition is data (``corpus/forms/formulaire_engagement.yaml``), the
pydantic model that validates answers is built from it, and :class:`FormDrafter` prepares a draft:
values pre-filled from evidence (each with a verbatim citation), the agent's answers, optional
drafting of long texts by a language model (marked « à relire »), and the list of what is missing
or invalid. Nothing is invented: a value the corpus does not give is left to the agent.

The programme has several tracks (« parcours »), each opened by its own act with its own list of
beneficiaries: the draft is prepared for one track, chosen by the agent or, failing that, deduced
from the acts that list the collectivity (:meth:`FormDrafter.profile`). Its choices come from the
indexed acts (``choices_from: tracks`` in the definition), not from a fixed list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from assistant.answering import Assistant
from assistant.acts import track_label
from assistant.communes import ept_of, match_name, normalise_name, official_name, resolve_name
from assistant.facts import FactAnswerer
from assistant.generation import citation_for, find_quote, split_sentences
from assistant.index import IndexView
from assistant.schemas import Citation
from assistant.communes import ept_members

FieldType = Literal["text", "long_text", "email", "phone", "date", "choice", "yes_no", "list"]
PREFILLS = {
    "profile": {"commune_name", "collectivity_type", "ept"},
    "corpus": {"selected", "act_reference", "track", "programme_phases", "convention_model"},
}
DEFAULT_FORM = Path(__file__).resolve().parent.parent / "corpus" / "forms" / "formulaire_engagement.yaml"
EPT_LABEL = "Établissement public territorial (EPT)"


class FormDefinitionError(ValueError):
    pass


class FieldSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    help: str = ""
    type: FieldType
    required: bool = False
    source: Literal["user", "profile", "corpus"] = "user"
    prefill: str | None = None
    choices: list[str] = Field(default_factory=list)
    choices_from: Literal["tracks"] | None = None
    draft: bool = False

    @model_validator(mode="after")
    def _coherent(self) -> "FieldSpec":
        if self.type == "choice" and not self.choices and not self.choices_from:
            raise ValueError("un champ de type choice demande une liste choices (ou choices_from: tracks)")
        if self.choices_from and self.type != "choice":
            raise ValueError("choices_from ne vaut que pour un champ de type choice")
        if self.choices_from and self.choices:
            raise ValueError("choices et choices_from s'excluent : les valeurs viennent soit de la définition, soit du corpus")
        if self.source == "user" and self.prefill:
            raise ValueError("prefill n'a de sens que pour source profile ou corpus")
        if self.source != "user" and self.prefill not in PREFILLS[self.source]:
            raise ValueError(f"prefill attendu pour source {self.source} : {', '.join(sorted(PREFILLS[self.source]))}")
        if self.draft and self.type != "long_text":
            raise ValueError("draft: true ne vaut que pour un champ long_text")
        return self


class SectionSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    fields: list[FieldSpec] = Field(min_length=1)


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    status: str = ""
    version: int = 1
    sections: list[SectionSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> "FormDefinition":
        seen: set[str] = set()
        for field in self.fields():
            if field.id in seen:
                raise ValueError(f"identifiant de champ en double : {field.id}")
            seen.add(field.id)
        return self

    def fields(self) -> list[FieldSpec]:
        return [f for s in self.sections for f in s.fields]

    def field(self, field_id: str) -> FieldSpec:
        return next(f for f in self.fields() if f.id == field_id)


def load_form(path: Path = DEFAULT_FORM) -> FormDefinition:
    """The form definition; a malformed file is refused with the file and the field named."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FormDefinitionError(f"définition du formulaire introuvable : {path}") from None
    except yaml.YAMLError as exc:
        raise FormDefinitionError(f"{path} : YAML invalide ({exc})") from None
    try:
        return FormDefinition.model_validate(raw)
    except ValidationError as exc:
        problems = [f"{_where(raw, e['loc'])} : {e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
        raise FormDefinitionError(f"{path} : " + " ; ".join(problems)) from None


def _where(raw: Any, loc: tuple) -> str:
    """« champ referent_courriel, type » rather than « sections.2.fields.3.type »."""
    node, where = raw, []
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            where.append(str(part))
            continue
        if isinstance(node, dict) and "id" in node and isinstance(part, int):
            where.append(f"{'champ' if 'label' in node else 'section'} {node['id']}")
        elif not isinstance(part, int):
            where.append(str(part))
    return ", ".join(where) or "racine"


# -- answers: the validation model is built from the definition ---------------------------------
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$"
)
_PHONE_RE = re.compile(r"^(?:(?:\+|00)33[\s.-]{0,2}(?:\(0\)[\s.-]{0,2})?|0)[1-9](?:[\s.-]{0,2}[0-9]{2}){4}$")


_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str) -> str:
    """One kind of line break, no control characters (they break DOCX and can fake Markdown lines)."""
    value = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", value)
    return _CONTROL_RE.sub("", value).strip()


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ValueError("texte attendu")
    return clean_text(str(value))


def _email(value: Any) -> str:
    value = _text(value)
    if not _EMAIL_RE.match(value):
        raise ValueError("adresse électronique invalide")
    return value


def _phone(value: Any) -> str:
    value = unicodedata.normalize("NFKC", _text(value))
    if not _PHONE_RE.match(value):
        raise ValueError("numéro de téléphone français invalide (ex. 01 23 45 67 89 ou +33 1 23 45 67 89)")
    digits = re.sub(r"[^0-9]", "", value)
    digits = "0" + digits[-9:]
    return " ".join(digits[i:i + 2] for i in range(0, 10, 2))


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        text = _text(value)
        for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                value = datetime.strptime(text, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError("date invalide (JJ/MM/AAAA)")
    if not 2000 <= value.year <= 2100:
        raise ValueError("date hors de la période plausible (2000-2100)")
    return value


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("oui", "o", "yes", "y", "true", "vrai", "1"):
        return True
    if text in ("non", "n", "no", "false", "faux", "0"):
        return False
    raise ValueError("réponse attendue : oui ou non")


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        items = value.splitlines()
    elif isinstance(value, (list, tuple)):
        items = [_text(v) for v in value]
    else:
        raise ValueError("liste attendue (un élément par ligne)")
    items = [clean_text(str(i)) for i in items]
    return [re.sub(r"^\s*(?:[-*•]|\d+[.)])\s+", "", i).strip() for i in items if i.strip()]


def _choice(choices: list[str]):
    def check(value: Any) -> str:
        text = normalise_name(_text(value))
        for choice in choices:
            short = re.search(r"\(([^)]+)\)", choice)  # « EPT » for « Établissement public territorial (EPT) »
            if text in (normalise_name(choice), normalise_name(short.group(1)) if short else None):
                return choice
        raise ValueError("valeur attendue : " + " | ".join(choices) if choices else "aucune valeur possible dans le corpus indexé")

    return check


def answers_model(definition: FormDefinition, sources: dict[str, list[str]] | None = None) -> type[BaseModel]:
    """A pydantic model with one optional, typed field per form field; ``sources`` gives the choices
    of the fields whose choices come from the corpus (``choices_from``)."""
    converters = {"text": _text, "long_text": _text, "email": _email, "phone": _phone, "date": _date,
                  "yes_no": _yes_no, "list": _list}
    python_types: dict[str, Any] = {"date": date, "yes_no": bool, "list": list[str]}
    fields: dict[str, Any] = {}
    for spec in definition.fields():
        choices = (sources or {}).get(spec.choices_from, []) if spec.choices_from else spec.choices
        convert = _choice(choices) if spec.type == "choice" else converters[spec.type]
        annotated = Annotated[python_types.get(spec.type, str), BeforeValidator(convert)]
        fields[spec.id] = (annotated | None, None)
    return create_model("FormAnswers", __config__=ConfigDict(extra="forbid"), **fields)


# -- drafts ---------------------------------------------------------------------------------------
class FieldValue(BaseModel):
    model_config = ConfigDict(validate_assignment=True)

    id: str
    section: str
    label: str
    type: FieldType
    required: bool
    value: Any = None
    origin: Literal["corpus", "profile", "user", "llm"] | None = None
    status: Literal["ok", "missing", "invalid", "to_review"] = "ok"
    note: str | None = None
    help: str = ""
    citations: list[int] = Field(default_factory=list, description="Numbers in FormDraft.citations.")

    @field_validator("value", mode="before")
    @classmethod
    def _plain(cls, value: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


class FormDraft(BaseModel):
    form_title: str
    form_status: str
    commune: str
    matched_name: str | None
    kind: Literal["commune", "EPT"] = "commune"
    selected: bool | None = Field(description="None when no track's act could be chosen: nothing is said about selection.")
    selected_via_ept: str | None = None
    reference: str | None
    track: str | None = None
    listed_by: list[str] = Field(default_factory=list, description="Other indexed acts whose list names the collectivity.")
    warnings: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list, description="Information, not a problem (e.g. how the track was chosen).")
    values: list[FieldValue]
    citations: list[Citation] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    invalid: list[dict[str, str]] = Field(default_factory=list)
    created_at: datetime = Field(default_factory=lambda: datetime.now(timezone.utc))

    @property
    def fields(self) -> dict[str, Any]:
        return {v.id: v.value for v in self.values}

    def summary(self, output: Path | None = None) -> dict[str, Any]:
        """The object ``mgp-assistant draft --json`` prints."""
        return {"commune": self.commune, "matched_name": self.matched_name, "selected": self.selected,
                "reference": self.reference, "missing": self.missing, "invalid": self.invalid, "fields": self.fields,
                "citations": [c.model_dump() for c in self.citations], "warnings": self.warnings,
                "output": str(output) if output else None, "track": self.track, "act_reference": self.reference,
                "notes": self.notes}


class CommuneProfile(BaseModel):
    typed: str
    matched_name: str | None = None
    official_name: str | None = None
    kind: Literal["commune", "EPT"] = "commune"
    selected: bool = False
    via_ept: str | None = None
    ept: str | None = None
    ambiguous: list[str] = Field(default_factory=list)
    unclear: bool = False  # incomplete or ambiguous: which collectivity is meant is not known
    listed_by: list[str] = Field(default_factory=list)  # the other acts whose list names it (« la délibération … »)
    choose: list[str] = Field(default_factory=list)  # no act chosen: the tracks to choose from
    track_note: str | None = None  # how the act was chosen when the agent did not say


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
class _Listing:
    """How one act's list of beneficiaries answers the name typed."""

    name: str | None = None  # as the act spells it
    kind: str = "commune"
    ambiguous: tuple[str, ...] = ()
    unclear: bool = False


def _listing(commune: str, record) -> _Listing:
    kinds = {b.name: b.kind for b in record.beneficiaries}
    matches = resolve_name(commune, list(kinds))
    # « Noisy », « Saint », « Paris »: the start of several names is not a name.
    typed = normalise_name(commune)
    starts_like = [n for n in kinds if normalise_name(n).startswith(typed + " ")]
    if len(matches) > 1 or (not matches and (len(starts_like) > 0 or len(typed) < 3)):
        return _Listing(ambiguous=tuple(m.name for m in matches) or tuple(starts_like), unclear=True)
    if matches:
        return _Listing(name=matches[0].name, kind="EPT" if kinds[matches[0].name] == "EPT" else "commune")
    return _Listing()


def _of_act(chunk, record) -> bool:
    """Whether a committed chunk belongs to the act ``record`` (any copy of it)."""
    return (chunk.metadata.get("doc_id") == record.doc_id
            or bool(record.reference) and chunk.metadata.get("reference") == record.reference)


def _fold(text: str) -> str:
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
    folded = _fold(text)
    if len(folded) < 2:
        return []
    same = [t for t in tracks if _fold(t.label) == folded]
    return same or [t for t in tracks if folded in _fold(t.label)]


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


class FormDrafter:
    """Prepares drafts from the committed index (one generation per draft) and, when configured, a
    language model for long texts."""

    def __init__(self, assistant: Assistant, definition: FormDefinition | None = None) -> None:
        self.assistant = assistant
        self.definition = definition or load_form(assistant.settings.forms_file)
        self.model = answers_model(self.definition)

    # -- tracks --------------------------------------------------------------------------------
    def tracks(self, view: IndexView | None = None) -> list[Track]:
        """The tracks of the indexed acts that list beneficiaries, in séance order."""
        view = view or self.assistant.index.view()
        facts = FactAnswerer(view)
        return [Track(label=track_label(r) or r.subject or r.reference or r.doc_id, reference=r.reference,
                      value=r.reference or r.doc_id, act=facts._act(r), record=r)
                for r in facts.records() if r.beneficiaries]

    def find_track(self, wanted: str | None, view: IndexView | None = None) -> Track | None:
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
        """Names for the commune picker: the beneficiaries (of the chosen track's act first, as it
        spells them; of every act without a track), then the other communes of the EPT table."""

        view = self.assistant.index.view()
        if isinstance(track, str):
            try:
                track = self.find_track(track, view)
            except UnknownTrack:
                track = None
        records = [track.record] if track is not None else FactAnswerer(view).records()
        listed = [b.name for r in records for b in r.beneficiaries]
        others = sorted({c for members in ept_members()[1].values() for c in members}
                        - {official_name(n) or n for n in listed})
        return list(dict.fromkeys(listed)) + others

    # -- evidence ------------------------------------------------------------------------------
    def profile(self, commune: str, view: IndexView, track: Track | None = None) -> tuple[CommuneProfile, Any]:
        """The collectivity as the chosen act lists it, and that act (None when none can be chosen).
        Without a track: the only act that lists beneficiaries, else the only one that lists the
        collectivity; otherwise the agent is asked to choose and nothing is said about selection."""
        facts = FactAnswerer(view)
        records = [r for r in facts.records() if r.beneficiaries]
        profile = CommuneProfile(typed=commune)
        if not records:
            return profile, None
        listings = [(r, _listing(commune, r)) for r in records]
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
                profile.ept, profile.official_name = member
            return profile, None
        listing = next(lst for r, lst in listings if r is record) if any(r is record for r, _ in listings) \
            else _listing(commune, record)
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
        if member:
            profile.ept, profile.official_name = member
            if not profile.selected and any(match_name(member[0], [e]) for e, k in kinds.items() if k == "EPT"):
                profile.via_ept = next(e for e, k in kinds.items() if k == "EPT" and match_name(member[0], [e]))
        return profile, record

    def _cite_in_chunks(self, view: IndexView, pattern: re.Pattern[str], n: int, record=None) -> tuple[str, Citation] | None:
        """The first match of ``pattern`` in the committed chunks (paginated copies first), cited.
        With ``record`` (the chosen track's act): that act first, and never another track's act,
        whose words are about its own track."""
        others = [r for r in FactAnswerer(view).records() if r.beneficiaries and r is not record]
        ordered = sorted((c for c in view.chunks.values() if not any(_of_act(c, r) for r in others)),
                         key=lambda c: (record is None or not _of_act(c, record), c.metadata.get("page") is None, c.chunk_id))
        for chunk in ordered:
            m = pattern.search(chunk.text)
            if m:
                passage = view.passage(chunk.chunk_id)
                quote = m.group(0).strip()
                if passage is not None and find_quote(quote, passage.text):
                    return m.group(m.lastindex or 0), citation_for(n, passage, quote)
        return None

    def _cite_track(self, record, label: str, view: IndexView, n: int) -> Citation | None:
        """The passage of ``record`` that names its track « label » (the list's own sentence first,
        paginated copies first), or its subject when the name is read there."""
        pattern = re.compile(r"[^.:]*[«\"“]\s*" + re.escape(label) + r"\s*[»\"”][^.:]*", re.IGNORECASE)
        listed = record.evidence.get("beneficiaries")
        first = [listed.chunk_id] if listed and listed.chunk_id in view.chunks else []
        same_act = sorted((c for c in view.chunks.values() if _of_act(c, record)),
                          key=lambda c: (c.metadata.get("doc_id") != record.doc_id, c.metadata.get("page") is None, c.chunk_id))
        for chunk_id in dict.fromkeys(first + [c.chunk_id for c in same_act]):
            m = pattern.search(view.chunks[chunk_id].text)
            passage = view.passage(chunk_id)
            if m and passage is not None and find_quote(m.group(0).strip(), passage.text):
                return citation_for(n, passage, m.group(0).strip())
        subject = record.evidence.get("subject")
        if subject and _fold(label) in _fold(subject.quote):
            return FactAnswerer(view).cite(record, "subject", n)
        return None

    def _prefill(self, spec: FieldSpec, profile: CommuneProfile, record, view: IndexView, n: int):
        """(value, citation or None, note) for one pre-filled field; value None when no evidence."""
        facts = FactAnswerer(view)
        table_note = "d'après la table de référence des EPT fournie avec l'assistant (hors corpus), à vérifier"
        if profile.unclear and spec.prefill in ("commune_name", "collectivity_type", "ept", "selected"):
            return None, None, None  # which collectivity is meant is not known: nothing to state
        if spec.prefill == "commune_name":
            if profile.matched_name:
                citation = facts.list_citation(record, n, profile.matched_name) if record else None
                spelled = (f"orthographe de la délibération (saisi : « {profile.typed} »)"
                           if normalise_name(profile.matched_name) != normalise_name(profile.typed) else None)
                return profile.matched_name, citation, spelled
            if profile.official_name:
                return profile.official_name, None, f"nom officiel {table_note}"
            if record is None and profile.choose:
                return profile.typed, None, "nom saisi par l'agent : choisissez le parcours pour le rapprocher de la liste de son acte"
            return profile.typed, None, "nom saisi par l'agent : absent de la liste des bénéficiaires"
        if spec.prefill == "collectivity_type":
            if not (profile.matched_name or profile.official_name):
                return None, None, None  # an unknown name: nothing tells what it is
            label = EPT_LABEL if profile.kind == "EPT" else "Commune"
            value = next((c for c in spec.choices if normalise_name(c) == normalise_name(label)), None)
            citation = facts.list_citation(record, n, profile.matched_name) if record and profile.matched_name else None
            return value, citation, None if citation else table_note
        if spec.prefill == "ept":
            return (profile.ept, None, table_note) if profile.ept else (None, None, None)
        if spec.prefill == "selected":
            if record is None:
                return None, None, None
            if profile.selected:
                return True, facts.list_citation(record, n, profile.matched_name), None
            note = "absente de la liste des bénéficiaires"
            if profile.via_ept:
                note += f" ; membre de l'EPT {profile.via_ept}, qui y figure"
            if profile.listed_by:
                note += " ; figure dans la liste de " + " et de ".join(profile.listed_by)
            return False, facts.list_citation(record, n), note
        if spec.prefill == "act_reference":
            if record is None or not record.reference:
                return None, None, None
            return record.reference, facts.cite(record, "reference", n), None
        if spec.prefill == "track":
            if record is None:
                return None, None, None
            if spec.choices:  # a fixed list: the choice that the chosen act names
                for choice in spec.choices:
                    found = self._cite_track(record, choice, view, n)
                    if found:
                        return choice, found, profile.track_note
                return None, None, None
            label = track_label(record)
            if label:
                found = self._cite_track(record, label, view, n)
                return (label, found, profile.track_note) if found else (None, None, None)
            if record.subject:  # no track name: the act's subject, as it reads
                found = facts.cite(record, "subject", n)
                return (record.subject, found, profile.track_note) if found else (None, None, None)
            return None, None, None
        if spec.prefill == "programme_phases":
            for chunk in view.chunks.values():
                section = str(chunk.metadata.get("section", ""))
                if re.search(r"\bphases\b", section, re.IGNORECASE):
                    items = [chunk.text[s:e] for s, e in split_sentences(chunk.text)]
                    listed = [i for i in items if re.match(r"^\s*\d+[.)]\s", i)] or [i for i in items if "\n" in i]
                    if not listed:
                        continue
                    block = listed[0] if len(listed) == 1 else None
                    lines = [ln for ln in (block or "\n".join(listed)).splitlines() if re.match(r"^\s*\d+[.)]\s", ln)]
                    quote = "\n".join(lines)
                    passage = view.passage(chunk.chunk_id)
                    if lines and passage is not None and find_quote(quote, passage.text):
                        value = [re.sub(r"^\s*\d+[.)]\s*", "", ln).replace("**", "").strip() for ln in lines]
                        return value, citation_for(n, passage, quote), str(chunk.metadata.get("title", ""))
            return None, None, None
        if spec.prefill == "convention_model":
            found = self._cite_in_chunks(view, re.compile(r"conformément au modèle approuvé par délibération\s+([A-Z]{2}\d{4}/[\d/-]+\d)"),
                                         n, record)
            if found:
                return f"Convention conforme au modèle approuvé par la délibération {found[0]}", found[1], None
            return None, None, None
        return None, None, None

    # -- drafting -------------------------------------------------------------------------------
    def draft(self, commune: str, answers: dict[str, Any] | None = None, track: str | Track | None = None) -> FormDraft:
        """The draft for ``commune``, for the track ``track`` (its label, part of it, or its act's
        reference; :class:`UnknownTrack` when no indexed act opens it) or, without one, the track
        deduced from the acts (see :meth:`profile`)."""
        commune = clean_commune(commune)
        if not commune:
            raise ValueError("indiquez la commune ou l'EPT")
        answers = {str(k): v for k, v in (answers or {}).items() if v not in (None, "", [])}
        view = self.assistant.index.view()
        tracks = self.tracks(view)
        if isinstance(track, Track):
            track = next((t for t in tracks if t.value == track.value), None) or self.find_track(track.value, view)
        else:
            track = self.find_track(track, view)
        model = (answers_model(self.definition, {"tracks": [t.label for t in tracks]})
                 if any(f.choices_from for f in self.definition.fields()) else self.model)
        profile, record = self.profile(commune, view, track)
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
        for section in self.definition.sections:
            for spec in section.fields:
                value = FieldValue(id=spec.id, section=section.title, label=spec.label, type=spec.type,
                                   required=spec.required, help=spec.help)
                if spec.source != "user":
                    got, citation, note = self._prefill(spec, profile, record, view, len(citations) + 1)
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
        chosen = next((t for t in tracks if record is not None and t.record is record), None)
        return FormDraft(
            form_title=self.definition.title, form_status=self.definition.status, commune=commune,
            matched_name=profile.matched_name, kind=profile.kind,
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
            if profile.matched_name and normalise_name(profile.matched_name) != normalise_name(profile.typed):
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
