"""Chat models behind one small interface: an OpenAI-compatible endpoint (Albert, vLLM, Ollama,
Mistral, llama.cpp's server) through LangChain, or a local GGUF file through llama-cpp-python.

Every failure becomes an :class:`LLMError` whose message is French, safe to show to a user and to
log: it never contains the API key, the prompt or the user's question.
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from assistant.config import Settings

log = logging.getLogger("mgp.llm")

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": str}


class LLMError(RuntimeError):
    """A model call that failed; ``str(exc)`` is the French message for the user."""

    def __init__(self, message: str, *, kind: str) -> None:
        super().__init__(message)
        # unreachable, timeout, auth, rate_limit, server, malformed (the service is in trouble: not
        # called again for a while); request (this request only), model (local model or its name)
        self.kind = kind


class ChatModel(ABC):
    """A chat model that streams text; ``name`` says which model answered (reports, answers)."""

    name: str = "llm"

    @abstractmethod
    def stream(self, messages: list[Message], *, max_tokens: int | None = None) -> Iterator[str]:
        """Text pieces as the model produces them; raises :class:`LLMError`."""

    def complete(self, messages: list[Message], *, max_tokens: int | None = None) -> str:
        return "".join(self.stream(messages, max_tokens=max_tokens))


def _host(url: str) -> str:
    """scheme://host[:port]/path of an endpoint, without credentials or query (safe to log)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}{f':{parts.port}' if parts.port else ''}{parts.path}"


class OpenAICompatibleChatModel(ChatModel):
    """LangChain's OpenAI chat model pointed at any OpenAI-compatible ``/v1`` endpoint. The OpenAI
    client retries 408/409/429/5xx and connection errors with exponential backoff (``max_retries``).

    ``BaseChatOpenAI`` rather than ``ChatOpenAI``: the latter renames ``max_tokens`` to OpenAI's newer
    ``max_completion_tokens``, which llama.cpp's server, Ollama and older vLLM ignore (they would fill
    the whole context); the base class sends the field every compatible server reads."""

    def __init__(self, settings: Settings) -> None:
        from langchain_openai.chat_models.base import BaseChatOpenAI

        self.model = settings.llm_model or ""
        self.base_url = settings.llm_base_url or ""
        self._host = _host(self.base_url)
        self._secret = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        self.name = f"openai:{self.model}"
        self.max_tokens = settings.llm_max_tokens
        self._chat = BaseChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            # Local servers (llama.cpp, Ollama, vLLM) take any key; the client insists on one.
            api_key=self._secret or "sans-cle",
            timeout=settings.llm_timeout,
            max_retries=settings.llm_max_retries,
            temperature=settings.llm_temperature,
            max_tokens=settings.llm_max_tokens,
            streaming=True,
        )

    def stream(self, messages: list[Message], *, max_tokens: int | None = None) -> Iterator[str]:
        chat = self._chat if max_tokens is None else self._chat.bind(max_tokens=max_tokens)
        try:
            for chunk in chat.stream([(m["role"], m["content"]) for m in messages]):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    yield text
        except LLMError:
            raise
        except Exception as exc:  # the SDK's exception tree, httpx errors, malformed JSON in the stream
            error = self._translate(exc)
            # Host and status only: an error body may echo the prompt (the user's question).
            log.warning("LLM %s at %s failed: %s (%s%s)", self.model, self._host, error.kind, type(exc).__name__,
                        f" {exc.status_code}" if hasattr(exc, "status_code") else "")
            raise error from None

    @staticmethod
    def _translate(exc: Exception) -> LLMError:
        import openai

        if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
            return LLMError("Le service de modèle de langage a refusé la clé d'accès (MGP_LLM_API_KEY).", kind="auth")
        if isinstance(exc, openai.RateLimitError):
            return LLMError("Le service de modèle de langage est saturé (trop de requêtes) ; réessayez dans un moment.",
                            kind="rate_limit")
        if isinstance(exc, openai.APITimeoutError):
            return LLMError("Le service de modèle de langage n'a pas répondu à temps.", kind="timeout")
        if isinstance(exc, openai.APIConnectionError):
            return LLMError("Le service de modèle de langage est injoignable.", kind="unreachable")
        if isinstance(exc, openai.NotFoundError):
            return LLMError("Le modèle demandé (MGP_LLM_MODEL) n'existe pas sur ce service.", kind="model")
        if isinstance(exc, openai.APIStatusError) and exc.status_code in (400, 413, 422):
            # This request only (too long a prompt, say): the service itself is up.
            return LLMError(f"Le service de modèle de langage a refusé la requête ({exc.status_code}).", kind="request")
        if isinstance(exc, openai.APIStatusError):
            return LLMError(f"Le service de modèle de langage a renvoyé une erreur ({exc.status_code}).", kind="server")
        return LLMError("Le service de modèle de langage a renvoyé une réponse illisible.", kind="malformed")


class LlamaCppChatModel(ChatModel):
    """A GGUF model in this process (llama-cpp-python, optional extra ``[local-llm]``). Loaded once,
    lazily; one generation at a time (a llama.cpp context is not thread-safe)."""

    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.llm_model_path or "")
        self.name = f"llamacpp:{self.path.stem}"
        self.settings = settings
        self._llm: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._llm is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                raise LLMError("llama-cpp-python n'est pas installé (make install-llm).", kind="model") from None
            if not self.path.is_file():
                raise LLMError(f"Fichier de modèle introuvable : {self.path.name} (MGP_LLM_MODEL_PATH).", kind="model")
            try:
                self._llm = Llama(
                    model_path=str(self.path),
                    n_ctx=self.settings.llm_context_size,
                    n_threads=self.settings.llm_threads,
                    chat_format=self.settings.llm_chat_format,
                    verbose=False,
                )
            except Exception as exc:
                log.warning("llama.cpp could not load %s: %s", self.path.name, type(exc).__name__)
                raise LLMError(f"Le modèle {self.path.name} n'a pas pu être chargé (fichier GGUF invalide ?).",
                               kind="model") from None
        return self._llm

    def stream(self, messages: list[Message], *, max_tokens: int | None = None) -> Iterator[str]:
        with self._lock:
            llm = self._load()
            try:
                for part in llm.create_chat_completion(
                    messages=messages,
                    max_tokens=max_tokens or self.settings.llm_max_tokens,
                    temperature=self.settings.llm_temperature,
                    stream=True,
                ):
                    text = part["choices"][0].get("delta", {}).get("content")
                    if text:
                        yield text
            except ValueError:  # prompt longer than the context window
                log.warning("llama.cpp generation failed: context window exceeded")
                raise LLMError("La question et ses sources dépassent la fenêtre du modèle (MGP_LLM_CONTEXT_SIZE).",
                               kind="request") from None
            except Exception as exc:  # llama_decode errors and the like
                log.warning("llama.cpp generation failed: %s", type(exc).__name__)
                raise LLMError("Le modèle local a rencontré une erreur pendant la génération.", kind="model") from None


def build_chat_model(settings: Settings) -> ChatModel | None:
    """The configured chat model, or None for the extractive backend."""
    if settings.llm_backend == "openai":
        return OpenAICompatibleChatModel(settings)
    if settings.llm_backend == "llamacpp":
        return LlamaCppChatModel(settings)
    return None
