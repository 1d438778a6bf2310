"""The form's definition is data (``corpus/forms/formulaire_engagement.yaml``): sections of fields,
each typed, required or not, typed by the agent (``source: user``) or pre-filled from evidence
(``source: profile`` / ``corpus`` with a ``prefill`` key). This module reads and checks it."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

FieldType = Literal["text", "long_text", "email", "phone", "date", "choice", "yes_no", "list"]
PREFILLS = {
    "profile": {"commune_name", "collectivity_type", "ept"},
    "corpus": {"selected", "act_reference", "track", "programme_phases", "convention_model"},
}
DEFAULT_FORM = Path(__file__).resolve().parents[2] / "corpus" / "forms" / "formulaire_engagement.yaml"
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


class FieldWording(BaseModel):
    """A field's label and help for one track (what is not given stays the definition's)."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    help: str | None = None


class TrackWording(BaseModel):
    """The wording of the form for the tracks whose name holds ``match`` (case and accents aside),
    or whose act has the reference ``match``."""

    model_config = ConfigDict(extra="forbid")

    match: str = Field(min_length=1)
    fields: dict[str, FieldWording] = Field(default_factory=dict)


PLACEHOLDERS = ("parcours", "deliberation", "reglement", "convention")
"""What a label, help, title or status may name in braces: the track's name, its act's reference,
and the règlement and convention model indexed for it (or « à verser au corpus »)."""


class FormDefinition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    status: str = ""
    version: int = 1
    sections: list[SectionSpec] = Field(min_length=1)
    tracks: list[TrackWording] = Field(default_factory=list)

    @model_validator(mode="after")
    def _unique_ids(self) -> "FormDefinition":
        seen: set[str] = set()
        for field in self.fields():
            if field.id in seen:
                raise ValueError(f"identifiant de champ en double : {field.id}")
            seen.add(field.id)
        for wording in self.tracks:
            unknown = sorted(set(wording.fields) - seen)
            if unknown:
                raise ValueError(f"parcours « {wording.match} » : champ inconnu {', '.join(unknown)}")
        return self

    def for_track(self, label: str | None, reference: str | None, documents: dict[str, str] | None = None) -> "FormDefinition":
        """The definition worded for one track: its ``tracks`` entry applied (the first whose
        ``match`` is in the track's name or is its act's reference), then the placeholders filled
        (``documents``: « reglement » and « convention », what is indexed for the track)."""
        folded = _fold(label or "")
        wording = next((w for w in self.tracks if (_fold(w.match) in folded and folded) or w.match == reference), None)
        words = {"parcours": label or "du programme", "deliberation": reference or "…",
                 "reglement": "règlement (à verser au corpus)", "convention": "modèle de convention (à verser au corpus)"}
        words |= {k: v for k, v in (documents or {}).items() if v}
        fill = lambda text: _fill(text, words)  # noqa: E731
        sections = []
        for section in self.sections:
            fields = []
            for spec in section.fields:
                own = wording.fields.get(spec.id) if wording else None
                fields.append(spec.model_copy(update={"label": fill(own.label if own and own.label else spec.label),
                                                      "help": fill(own.help if own and own.help is not None else spec.help)}))
            sections.append(section.model_copy(update={"title": fill(section.title), "fields": fields}))
        return self.model_copy(update={"title": fill(self.title), "status": fill(self.status), "sections": sections})

    def fields(self) -> list[FieldSpec]:
        return [f for s in self.sections for f in s.fields]

    def field(self, field_id: str) -> FieldSpec:
        return next(f for f in self.fields() if f.id == field_id)


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def _fill(text: str, words: dict[str, str]) -> str:
    """« {parcours} » and the other :data:`PLACEHOLDERS` replaced; other braces left as written."""
    return re.sub(r"\{(" + "|".join(PLACEHOLDERS) + r")\}", lambda m: words[m.group(1)], text)


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
