"""Request and response schemas shared by the CLI, the UI and the evaluation (one contract)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator


class Turn(BaseModel):
    """One earlier exchange of a conversation."""

    question: str
    answer: str = ""


class SearchFilters(BaseModel):
    doc_type: str | None = Field(default=None, description="délibération, règlement, convention, formulaire, synthèse, autre")
    document: str | None = Field(default=None, description="file name or document id")
    date_from: str | None = Field(default=None, description="YYYY-MM-DD, inclusive")
    date_to: str | None = Field(default=None, description="YYYY-MM-DD, inclusive")

    def is_empty(self) -> bool:
        return not any([self.doc_type, self.document, self.date_from, self.date_to])


class AskRequest(BaseModel):
    question: str = Field(min_length=1, max_length=2000)
    history: list[Turn] = Field(default_factory=list)
    k: int | None = Field(default=None, ge=1, le=50)
    filters: SearchFilters = Field(default_factory=SearchFilters)

    @field_validator("question")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        value = value.replace("\x00", "").strip()
        if not value:
            raise ValueError("la question est vide")
        return value


class Citation(BaseModel):
    n: int
    document: str
    title: str
    page: int | None = None
    section: str | None = None
    chunk_id: str
    quote: str


class Passage(BaseModel):
    """A retrieved chunk, as the generator and the UI see it."""

    chunk_id: str
    text: str
    metadata: dict[str, Any]
    score: float = 0.0
    dense_similarity: float | None = None
    dense_rank: int | None = None
    keyword_rank: int | None = None

    @property
    def title(self) -> str:
        return str(self.metadata.get("title", ""))

    @property
    def page(self) -> int | None:
        page = self.metadata.get("page")
        return int(page) if page is not None else None


class RemovedSentence(BaseModel):
    """A sentence of a language model's answer that the verifier did not show, and why (French)."""

    text: str
    reason: str


class Answer(BaseModel):
    id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    question: str
    standalone_question: str
    answer: str
    abstained: bool
    citations: list[Citation] = Field(default_factory=list)
    kind: Literal["fact", "membership", "passages", "abstention"] = "passages"
    outcome: Literal["answer", "closest", "none"] = Field(
        default="answer",
        description="answer: a direct answer; closest: no direct answer, the closest passages shown (abstained "
                    "stays true); none: nothing in the documents is about the question.",
    )
    timings_ms: dict[str, float] = Field(default_factory=dict)
    generator: str = Field(default="extractive", description="The generator whose text this is.")
    fallback: str | None = Field(
        default=None,
        description="Why the configured language model's answer was replaced by the extractive one (French, for users).",
    )
    removed_sentences: list[RemovedSentence] = Field(
        default_factory=list,
        description="Sentences of the model's answer that could not be verified in the sources: removed, not shown.",
    )


class AnswerDelta(BaseModel):
    """A piece of a language model's text while it streams; the final, verified text comes with the
    :class:`Answer` that ends the stream and may differ from the streamed one."""

    text: str
