"""The structured record of a deliberation (reference, organ, dates, officers, decisions,
beneficiaries, vote), each field with the evidence it was read from. Extracted at ingestion
(:mod:`ingest.records`), stored with the index generation, read by the answering code."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, Field

MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "février": 2, "fevr": 2, "févr": 2, "fev": 2, "fév": 2,
    "feb": 2, "mars": 3, "mar": 3, "avril": 4, "avr": 4, "apr": 4, "mai": 5, "may": 5, "juin": 6, "jun": 6,
    "juillet": 7, "juil": 7, "jul": 7, "aout": 8, "août": 8, "aug": 8, "septembre": 9, "sept": 9, "sep": 9,
    "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "décembre": 12, "dec": 12, "déc": 12,
}
_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_RE = re.compile(rf"\b(\d{{1,2}})(?:er)?\s+({_MONTH_ALT})\.?\s+(\d{{4}})\b", re.IGNORECASE)
# An act's reference: the organ's letters, the séance date and the act's number (« BM2025/06/24/12 »,
# « CM2025/04/07/19-2 », « CT2024/11/05/3 »). The one pattern of the project: import it, never rewrite it.
ACT_REF = r"[A-Z]{1,3}\d{4}/\d{2}/\d{2}/\d+(?:-\d+)?"
ACT_REF_RE = re.compile(r"\b([A-Z]{1,3}(\d{4})/(\d{2})/(\d{2})/\d+(?:-\d+)?)\b")
LAW_REF_RE = re.compile(
    r"\b(?:loi|décret|decret|ordonnance|arrêté|arrete)\s+n°\s?\d[\d-]*|\barticles?\s+[LRD]\.?\s?\d+(?:-\d+)*",
    re.IGNORECASE,
)


class Evidence(BaseModel):
    quote: str
    char_start: int
    char_end: int
    page: int | None = None
    chunk_id: str | None = None


class Visa(BaseModel):
    text: str
    references: list[str] = Field(default_factory=list)


class Decision(BaseModel):
    verb: str
    text: str


class Beneficiary(BaseModel):
    name: str
    kind: str = "commune"  # "commune" or "EPT"


class DeliberationRecord(BaseModel):
    doc_id: str
    reference: str | None = None
    body: str | None = None
    session_date: date | None = None
    convocation_date: date | None = None
    president: str | None = None
    secretary: str | None = None
    councillors_in_office: int | None = None
    subject: str | None = None
    visas: list[Visa] = Field(default_factory=list)
    considerants: list[str] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    beneficiaries: list[Beneficiary] = Field(default_factory=list)
    vote: str | None = None
    evidence: dict[str, Evidence] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


def parse_french_date(text: str) -> date | None:
    m = DATE_RE.search(text)
    if not m:
        return None
    try:
        return date(int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1)))
    except ValueError:
        return None
