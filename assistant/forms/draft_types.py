"""What a draft is made of: each field's value with its origin and citations, the draft itself, and
the collectivity as the chosen act lists it."""

from __future__ import annotations

import re
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.communes import normalise_name
from assistant.forms.definition import FieldType
from assistant.schemas import Citation

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
    matched_name: str | None = Field(description="The name as the chosen act's list writes it.")
    official_name: str | None = Field(default=None, description="The commune's usual name (reference table of the Métropole).")
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
    def display_name(self) -> str:
        """The name the draft shows: the commune's usual name, else the act's, else what was typed."""
        return self.official_name or self.matched_name or self.commune

    @property
    def file_slug(self) -> str:
        """« rueil_malmaison »: the collectivity in a draft's file name (letters, digits and _ only)."""
        return re.sub(r"[^\w]+", "_", self.display_name.lower()).strip("_")[:60] or "collectivite"

    @property
    def spelled_in_act(self) -> str | None:
        """The act's spelling when it differs from the usual name (« Reuil Malmaison »)."""
        if self.matched_name and self.official_name and normalise_name(self.matched_name) != normalise_name(self.official_name):
            return self.matched_name
        return None

    @property
    def fields(self) -> dict[str, Any]:
        return {v.id: v.value for v in self.values}

    def summary(self, output: Path | None = None) -> dict[str, Any]:
        """The object ``mgp-assistant draft --json`` prints."""
        return {"commune": self.commune, "matched_name": self.matched_name, "official_name": self.official_name,
                "selected": self.selected,
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
