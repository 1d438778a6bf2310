"""Schema of the curated test set: a malformed case is an error that names the case."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

Category = Literal[
    "factual", "list", "membership_yes", "membership_no", "fuzzy_name", "paraphrase", "multi_hop",
    "follow_up", "out_of_corpus", "adversarial", "right_act", "rules",
]
CATEGORY_LABELS = {
    "factual": "Faits (dates, références, personnes, nombres)",
    "list": "Listes",
    "membership_yes": "Commune retenue (oui)",
    "membership_no": "Commune non retenue (non)",
    "fuzzy_name": "Noms approchés ou mal orthographiés",
    "paraphrase": "Reformulations",
    "multi_hop": "Deux passages à combiner",
    "follow_up": "Questions de suivi",
    "out_of_corpus": "Hors corpus (doit s'abstenir)",
    "adversarial": "Tentatives de détournement",
    "right_act": "Le bon acte parmi plusieurs",
    "rules": "Règlement et convention (articles, tableaux)",
}
DEFAULT_TESTSET = Path(__file__).parent / "testset.yaml"

Split = Literal["dev", "test"]
SPLIT_SEED = "mgp-eval-split-v1"
"""Never change it: the halves must stay the same across runs, or tuning on « dev » would leak into « test »."""


def case_split(case_id: str) -> Split:
    """The half a case belongs to, from its id alone: stable whatever the order or the other cases
    of the file, so a case written after tuning cannot be moved to the half that was tuned on."""
    digest = hashlib.sha256((SPLIT_SEED + case_id).encode("utf-8")).digest()
    return "dev" if int.from_bytes(digest[:8], "big") % 2 == 0 else "test"


class EvalSetError(ValueError):
    """The test set file is malformed; the message names the case and the field."""


class SourcePassage(BaseModel):
    document: str = Field(min_length=1, description="File name or stem, e.g. fiche_programme_…")
    passage: str = Field(min_length=3, description="Verbatim text of the supporting passage")


class EvalCase(BaseModel):
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    question: str = Field(min_length=1)
    category: Category
    language: Literal["fr", "en"] = "fr"
    history: list[str] = Field(default_factory=list)
    expected_facts: list[list[str]] = Field(default_factory=list)
    forbidden: list[str] = Field(default_factory=list)
    sources: list[SourcePassage] = Field(default_factory=list)
    must_abstain: bool = False

    @property
    def split(self) -> Split:
        """« dev » (what tuning may look at) or « test » (held out); computed, never written in the YAML."""
        return case_split(self.id)

    @field_validator("expected_facts", mode="before")
    @classmethod
    def _variants(cls, value: object) -> object:
        """A fact may be written as one string or a list of accepted variants."""
        if isinstance(value, list):
            return [v if isinstance(v, list) else [v] for v in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> "EvalCase":
        if self.must_abstain and (self.expected_facts or self.sources):
            raise ValueError("un cas d'abstention n'a ni faits attendus ni passages sources")
        if not self.must_abstain and not (self.expected_facts or self.forbidden):
            raise ValueError("un cas à réponse doit avoir des faits attendus (expected_facts) ou interdits (forbidden)")
        if self.expected_facts and not self.sources:
            raise ValueError("les faits attendus doivent venir d'un passage source (sources)")
        if any(not variants or not all(v.strip() for v in variants) for variants in self.expected_facts):
            raise ValueError("expected_facts contient une variante vide")
        return self


class EvalSet(BaseModel):
    cases: list[EvalCase]

    def only(self, split: str) -> "EvalSet":
        """The cases of one half (« dev », « test »), or all of them (« all »)."""
        if split == "all":
            return self
        if split not in ("dev", "test"):
            raise EvalSetError(f"moitié inconnue « {split} » : attendu dev, test ou all")
        return EvalSet.model_construct(cases=[c for c in self.cases if c.split == split])

    @model_validator(mode="after")
    def _unique(self) -> "EvalSet":
        seen: set[str] = set()
        for case in self.cases:
            if case.id in seen:
                raise ValueError(f"identifiant en double : {case.id}")
            seen.add(case.id)
        return self


def load_testset(path: Path = DEFAULT_TESTSET) -> EvalSet:
    """Load and validate; errors name the file, the case (id or position) and the field."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EvalSetError(f"{path} : lecture impossible ({exc})") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("cases"), list):
        raise EvalSetError(f"{path} : une clé « cases » contenant une liste est attendue")
    cases = []
    for position, item in enumerate(raw["cases"], start=1):
        name = item.get("id", f"n°{position}") if isinstance(item, dict) else f"n°{position}"
        try:
            cases.append(EvalCase.model_validate(item))
        except ValidationError as exc:
            details = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'cas'} : {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()
            )
            raise EvalSetError(f"{path} : cas « {name} » invalide — {details}") from exc
    try:
        return EvalSet(cases=cases)
    except ValidationError as exc:
        raise EvalSetError(f"{path} : {exc.errors()[0]['msg'].removeprefix('Value error, ')}") from exc
