"""The form's definition is data (``corpus/forms/formulaire_engagement.yaml``): sections of fields,
each typed, required or not, typed by the agent (``source: user``) or pre-filled from evidence
(``source: profile`` / ``corpus`` with a ``prefill`` key). This module reads and checks it."""

from __future__ import annotations

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
