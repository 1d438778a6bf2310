"""A remote reranker: the ``/v1/rerank`` API served by Albert API, Hugging Face TEI and Infinity
(Cohere's shape). It scores each candidate passage against the question; the caller keeps its own
(fused) order whenever the service fails, so a reranker can only improve the order, never break a
search.

Wire formats (all three are read, whichever server answers):

* request ``{"model", "query", "documents": [...]}`` (Albert, Infinity, Cohere); TEI wants ``texts``
  instead of ``documents``: sent only after the server refused ``documents`` (400/422), then kept;
* response ``{"results": [{"index", "relevance_score"}]}`` (Infinity, Cohere),
  ``{"data": [{"index", "score"}]}`` (Albert) or a bare list ``[{"index", "score"}]`` (TEI).

Failures (network, timeout, HTTP status, unreadable JSON, a score missing) give None, never an
exception, and a short warning that names the host and the failure only: never the query, the
documents, an error body (it may echo them) or the API key.
"""

from __future__ import annotations

import json
import logging
import math
import time
import urllib.error
import urllib.request
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any, TypeVar

from assistant.components.llm import _host
from assistant.config import Settings

log = logging.getLogger("mgp.rerank")

T = TypeVar("T")

_MAX_RESPONSE_BYTES = 8 * 1024 * 1024


class Reranker(ABC):
    """Relevance of documents to a query; ``name`` says which model scored them (reports)."""

    name: str = "reranker"

    @abstractmethod
    def rerank(self, query: str, documents: list[str]) -> list[float] | None:
        """One score per document, in the order of ``documents`` (higher: more relevant), or None
        when the service failed. Never raises on a service failure."""


class _Failure(Exception):
    """Why one request failed (``kind`` is logged; the message never holds user content)."""

    def __init__(self, kind: str, status: int | None = None) -> None:
        super().__init__(kind)
        self.kind = kind
        self.status = status


class HTTPReranker(Reranker):
    """A ``/rerank`` endpoint under ``base_url`` (typically ``https://host/v1``, with or without a
    trailing slash). ``timeout`` bounds the whole call, retry included. After a failure of the
    service itself (unreachable, timeout, 5xx, refused key), ``retry_after_failure_s`` seconds pass
    before it is called again: meanwhile :meth:`rerank` returns None at once instead of making every
    question wait for the same timeout. Safe to share between threads."""

    def __init__(self, base_url: str, model: str | None = None, *, api_key: str | None = None,
                 timeout: float = 10.0, retry_after_failure_s: float = 0.0,
                 max_document_chars: int = 4000) -> None:
        self.base_url = base_url.rstrip("/")
        self.url = f"{self.base_url}/rerank"
        self.model = model or ""
        self.name = f"rerank:{self.model or _host(self.base_url)}"
        self.timeout = timeout
        self.retry_after_failure_s = retry_after_failure_s
        self.max_document_chars = max_document_chars
        self._host = _host(self.url)
        self._secret = api_key or None
        self._texts_format = False  # True once the server showed it is TEI (wants "texts")
        self._down_until = 0.0

    def __repr__(self) -> str:  # never the key
        return f"HTTPReranker({self._host!r}, model={self.model!r})"

    def rerank(self, query: str, documents: list[str]) -> list[float] | None:
        if not documents:
            return []
        if time.monotonic() < self._down_until:
            return None
        deadline = time.monotonic() + self.timeout
        documents = [str(d)[: self.max_document_chars] for d in documents]
        texts_format = self._texts_format
        try:
            try:
                payload = self._post(self._body(query, documents, texts=texts_format), deadline)
            except _Failure as failure:
                if texts_format or failure.status not in (400, 422):
                    raise
                # TEI refuses the "documents" field (422: missing field `texts`): try its format.
                payload = self._post(self._body(query, documents, texts=True), deadline)
                texts_format = True
            scores = _scores(payload, len(documents))
            if texts_format and not self._texts_format:
                self._texts_format = True
                log.info("Reranker at %s speaks the TEI format (texts)", self._host)
            return scores
        except _Failure as failure:
            self._failed(failure)
        except Exception as exc:  # a bug here must not break a search: the fused order is kept
            self._failed(_Failure(f"unexpected {type(exc).__name__}"))
        return None

    def _body(self, query: str, documents: list[str], *, texts: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.model} if self.model else {}
        body["query"] = query
        if texts:
            body["texts"] = documents
            body["truncate"] = True  # TEI refuses (413) a text longer than its model's window otherwise
        else:
            body["documents"] = documents
        return body

    def _post(self, body: dict[str, Any], deadline: float) -> Any:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _Failure("timeout")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._secret:
            headers["Authorization"] = f"Bearer {self._secret}"
        request = urllib.request.Request(self.url, data=json.dumps(body).encode("utf-8"), headers=headers,
                                         method="POST")
        try:
            with urllib.request.urlopen(request, timeout=remaining) as response:
                data = _read(response, deadline)
        except urllib.error.HTTPError as exc:
            exc.close()  # the body is not read: it may echo the query or the key
            kind = "auth" if exc.code in (401, 403) else "server" if exc.code >= 500 or exc.code == 429 else "request"
            raise _Failure(kind, exc.code) from None
        except _Failure:
            raise
        except TimeoutError:
            raise _Failure("timeout") from None
        except urllib.error.URLError as exc:
            raise _Failure("timeout" if isinstance(exc.reason, TimeoutError) else "unreachable") from None
        except Exception as exc:  # OSError, http.client errors, a connection cut mid-body
            raise _Failure(f"unreachable {type(exc).__name__}") from None
        try:
            return json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise _Failure("malformed") from None

    def _failed(self, failure: _Failure) -> None:
        status = f" {failure.status}" if failure.status else ""
        log.warning("Reranker %s at %s failed: %s%s; the fused order is kept", self.model or "-", self._host,
                    failure.kind, status)
        if failure.kind.startswith(("unreachable", "timeout", "server", "auth")) and self.retry_after_failure_s:
            self._down_until = time.monotonic() + self.retry_after_failure_s


def _read(response: Any, deadline: float) -> bytes:
    """The body, read in pieces so a server that trickles bytes cannot hold the search past the
    deadline for long (each read is also bounded by the socket timeout)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = response.read(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > _MAX_RESPONSE_BYTES:
            raise _Failure("malformed")
        if time.monotonic() > deadline:
            raise _Failure("timeout")
        chunks.append(chunk)


def _scores(payload: Any, count: int) -> list[float]:
    """One score per document from any of the three response shapes; a missing, repeated or
    out-of-range index, or a score that is not a finite number, makes the whole answer unusable."""
    if isinstance(payload, dict):
        items = payload.get("results", payload.get("data"))
    else:
        items = payload
    if not isinstance(items, list):
        raise _Failure("malformed")
    scores: list[float | None] = [None] * count
    for item in items:
        if not isinstance(item, dict):
            raise _Failure("malformed")
        index = item.get("index")
        score = item.get("relevance_score", item.get("score"))
        if (isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count
                or scores[index] is not None):
            raise _Failure("malformed")
        if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
            raise _Failure("malformed")
        scores[index] = float(score)
    if any(s is None for s in scores):
        raise _Failure("incomplete")
    return [float(s) for s in scores if s is not None]


def rerank_order(reranker: Reranker | None, query: str, items: list[T], text_of: Callable[[T], str]) -> list[T] | None:
    """``items`` from most to least relevant by the reranker's scores (ties keep their order), or
    None when there is no reranker or it failed (the caller keeps its order)."""
    if reranker is None:
        return None
    if not items:
        return []
    try:
        scores = reranker.rerank(query, [text_of(item) for item in items])
    except Exception as exc:  # a Reranker that breaks its contract still must not break a search
        log.warning("Reranker %s raised %s; the fused order is kept", getattr(reranker, "name", "?"), type(exc).__name__)
        return None
    if scores is None or len(scores) != len(items):
        return None
    order = sorted(range(len(items)), key=lambda i: -scores[i])  # sorted() is stable: ties keep their rank
    return [items[i] for i in order]


def build_reranker(settings: Settings) -> Reranker | None:
    """The configured reranker, or None when ``MGP_RERANK_BASE_URL`` is not set. The key defaults
    to ``MGP_LLM_API_KEY`` (Albert serves both); after a failure the service is left alone for
    ``MGP_LLM_RETRY_AFTER_FAILURE_S``, like the chat model."""
    if not (settings.rerank_base_url or "").strip():
        return None
    key = settings.rerank_api_key or settings.llm_api_key
    return HTTPReranker(
        settings.rerank_base_url.strip(),
        settings.rerank_model,
        api_key=key.get_secret_value() if key else None,
        timeout=settings.rerank_timeout,
        retry_after_failure_s=settings.llm_retry_after_failure_s,
    )
