"""The remote reranker (``assistant/components/reranker.py``) against a real HTTP server on loopback
that speaks the three ``/v1/rerank`` dialects (Infinity/Cohere ``results``, Albert ``data``, TEI's
bare list and ``texts`` field), or answers what a test scripts: errors, a slow reply, broken JSON."""

from __future__ import annotations

import json
import logging
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from assistant.components.reranker import HTTPReranker, Reranker, build_reranker, rerank_order
from assistant.config import Settings

SECRET = "sk-rerank-ne-pas-journaliser-7319"
QUERY = "Quelle délibération désigne les communes bénéficiaires du programme ?"
DOCUMENTS = [
    "Le calendrier des ateliers de formation des agents.",
    "La délibération du bureau désigne les communes bénéficiaires du programme.",
    "Les communes bénéficiaires signent une convention.",
]


def overlap(query: str, document: str) -> float:
    """Synthetic relevance: distinct query words found in the document."""
    words = set(re.findall(r"\w+", query.lower()))
    return float(len(words & set(re.findall(r"\w+", document.lower()))))


EXPECTED = [overlap(QUERY, d) for d in DOCUMENTS]
assert EXPECTED[1] > EXPECTED[2] > EXPECTED[0]


@dataclass
class Scripted:
    status: int = 200
    body: Any = None  # JSON payload
    raw: bytes | None = None  # sent as is instead of ``body``
    delay_s: float = 0.0


class RerankServer:
    """``dialect``: ``results`` (Infinity, Cohere), ``data`` (Albert) or ``tei`` (422 without ``texts``,
    bare list). Scripted replies come first; an error body echoes the request and its key, like some
    real gateways, so a client that logged it would be caught."""

    def __init__(self, dialect: str = "results", score: Callable[[str, str], float] | None = None) -> None:
        """``score(query, document)``: the relevance it answers (by default, shared words)."""
        self.dialect = dialect
        self.score = score or overlap
        self.replies: deque[Scripted] = deque()
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                auth = self.headers.get("Authorization", "")
                with server.lock:
                    server.requests.append({"path": self.path, "body": body, "authorization": auth})
                    scripted = server.replies.popleft() if server.replies else None
                try:
                    if scripted is not None:
                        time.sleep(scripted.delay_s)
                        if scripted.raw is not None:
                            return self._send(scripted.status, scripted.raw)
                        if scripted.status != 200:
                            echo = {"error": f"scripted {scripted.status} for {auth}: {json.dumps(body)}"}
                            return self._send(scripted.status, json.dumps(echo).encode())
                        return self._send(200, json.dumps(scripted.body).encode())
                    if not self.path.endswith("/v1/rerank"):
                        return self._send(404, b'{"error": "not found"}')
                    self._dialect(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout)

            def _dialect(self, body: dict[str, Any]) -> None:
                if server.dialect == "tei":
                    if "texts" not in body:
                        return self._send(422, json.dumps({
                            "error": f"Failed to deserialize the JSON body: missing field `texts` ({body.get('query')})",
                            "error_type": "validation"}).encode())
                    docs = body["texts"]
                else:
                    docs = body["documents"]
                scored = sorted(((i, server.score(body["query"], d)) for i, d in enumerate(docs)), key=lambda p: -p[1])
                if server.dialect == "tei":
                    payload: Any = [{"index": i, "score": s} for i, s in scored]
                elif server.dialect == "data":
                    payload = {"object": "list", "model": body.get("model"), "usage": {"total_tokens": 1},
                               "data": [{"object": "rerank", "index": i, "score": s} for i, s in scored]}
                else:
                    payload = {"object": "rerank", "model": body.get("model"), "usage": {"total_tokens": 1},
                               "results": [{"index": i, "relevance_score": s, "document": None} for i, s in scored]}
                self._send(200, json.dumps(payload).encode())

            def _send(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def script(self, *replies: Scripted) -> None:
        with self.lock:
            self.replies.extend(replies)

    def __enter__(self) -> "RerankServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def server(request):
    with RerankServer(getattr(request, "param", "results")) as s:
        yield s


def reranker(server: RerankServer, **kwargs: Any) -> HTTPReranker:
    return HTTPReranker(server.base_url, "bge-reranker-v2-m3", **{"timeout": 5.0, **kwargs})


@pytest.mark.parametrize("server", ["results", "data"], indirect=True)
def test_cohere_and_albert_shapes_give_scores_in_document_order(server) -> None:
    scores = reranker(server).rerank(QUERY, DOCUMENTS)
    assert scores == EXPECTED  # the server answered best first: mapped back by index
    (request,) = server.requests
    assert request["path"] == "/v1/rerank"
    assert request["body"] == {"model": "bge-reranker-v2-m3", "query": QUERY, "documents": DOCUMENTS}
    assert request["authorization"] == ""  # no key, no header


@pytest.mark.parametrize("server", ["tei"], indirect=True)
def test_tei_refusal_of_documents_is_retried_with_texts_then_remembered(server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = reranker(server)
    assert client.rerank(QUERY, DOCUMENTS) == EXPECTED
    first, retry = server.requests
    assert "documents" in first["body"] and "texts" not in first["body"]
    assert retry["body"]["texts"] == DOCUMENTS and "documents" not in retry["body"] and retry["body"]["query"] == QUERY
    assert retry["body"]["truncate"] is True
    assert client.rerank("commune convention", DOCUMENTS) == [overlap("commune convention", d) for d in DOCUMENTS]
    assert len(server.requests) == 3 and "texts" in server.requests[2]["body"]  # one request: format known
    assert QUERY not in caplog.text and "délibération" not in caplog.text


def test_a_400_for_documents_is_also_retried_with_texts(server) -> None:
    server.script(Scripted(status=400), Scripted(body=[{"index": 1, "score": 0.9}, {"index": 0, "score": 0.1}]))
    assert reranker(server).rerank(QUERY, DOCUMENTS[:2]) == [0.1, 0.9]
    assert [("texts" in r["body"]) for r in server.requests] == [False, True]


def test_refused_retry_is_not_remembered_as_tei(server) -> None:
    server.script(Scripted(status=422), Scripted(status=422))
    client = reranker(server)
    assert client.rerank(QUERY, DOCUMENTS) is None
    assert client.rerank(QUERY, DOCUMENTS) == EXPECTED  # back to "documents", which this server reads
    assert "documents" in server.requests[-1]["body"]


def test_trailing_slash_in_base_url(server) -> None:
    client = HTTPReranker(server.base_url + "/", "m", timeout=5.0)
    assert client.rerank(QUERY, DOCUMENTS) == EXPECTED
    assert server.requests[0]["path"] == "/v1/rerank"


def test_server_error_gives_none_without_retry_and_logs_no_content(server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    server.script(Scripted(status=500))
    client = reranker(server, api_key=SECRET)
    assert client.rerank(QUERY, DOCUMENTS) is None
    assert len(server.requests) == 1  # a 500 is not a format problem: no "texts" retry
    assert "500" in caplog.text and "Reranker" in caplog.text
    for secret in (SECRET, QUERY, "délibération", "calendrier"):
        assert secret not in caplog.text
    assert SECRET not in repr(client)


def test_slow_reply_beyond_the_timeout_gives_none_quickly(server) -> None:
    server.script(Scripted(body=[{"index": 0, "score": 1.0}], delay_s=3.0))
    started = time.monotonic()
    assert HTTPReranker(server.base_url, "m", timeout=0.5).rerank(QUERY, DOCUMENTS[:1]) is None
    assert time.monotonic() - started < 2.0
    assert len(server.requests) == 1


@pytest.mark.parametrize("reply", [
    Scripted(raw=b'{"results": [{"index": 0, "relevance_score": 0.5}'),  # cut JSON
    Scripted(raw=b"<html>Bad gateway</html>"),
    Scripted(raw=b"\xff\xfe\x00garbage"),
    Scripted(body={"results": [{"index": 0, "relevance_score": 0.5}, {"index": 1, "relevance_score": 0.2}]}),  # one missing
    Scripted(body={"results": [{"index": 0, "relevance_score": 0.5}, {"index": 0, "relevance_score": 0.5},
                               {"index": 1, "relevance_score": 0.2}]}),  # repeated index
    Scripted(body=[{"index": 0, "score": 0.5}, {"index": 1, "score": 0.2}, {"index": 3, "score": 0.1}]),  # out of range
    Scripted(body=[{"index": 0, "score": "0.5"}, {"index": 1, "score": 0.2}, {"index": 2, "score": 0.1}]),  # text score
    Scripted(raw=b'[{"index": 0, "score": NaN}, {"index": 1, "score": 0.2}, {"index": 2, "score": 0.1}]'),
    Scripted(body={"scores": [0.5, 0.2, 0.1]}),  # an unknown shape
    Scripted(body=["0", "1", "2"]),
])
def test_malformed_or_incomplete_replies_give_none(server, reply) -> None:
    server.script(reply)
    assert reranker(server).rerank(QUERY, DOCUMENTS) is None


def test_api_key_is_sent_as_bearer_and_never_logged(server, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    client = reranker(server, api_key=SECRET)
    assert client.rerank(QUERY, DOCUMENTS) == EXPECTED
    assert server.requests[0]["authorization"] == f"Bearer {SECRET}"
    server.script(Scripted(status=401))  # its body echoes the key
    assert client.rerank(QUERY, DOCUMENTS) is None
    assert "auth" in caplog.text and "401" in caplog.text
    assert SECRET not in caplog.text and QUERY not in caplog.text


def test_unreachable_service_gives_none() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again before the call: nothing listens
    started = time.monotonic()
    assert HTTPReranker(f"http://127.0.0.1:{port}/v1", "m", timeout=2.0).rerank(QUERY, DOCUMENTS) is None
    assert time.monotonic() - started < 2.0


def test_a_failed_service_is_left_alone_for_a_while(server) -> None:
    server.script(Scripted(status=503))
    client = reranker(server, retry_after_failure_s=60.0)
    assert client.rerank(QUERY, DOCUMENTS) is None
    assert client.rerank(QUERY, DOCUMENTS) is None
    assert len(server.requests) == 1  # the second call did not wait on the service
    server.script(Scripted(status=503))
    eager = reranker(server)  # retry_after_failure_s=0: every call tries
    assert eager.rerank(QUERY, DOCUMENTS) is None and eager.rerank(QUERY, DOCUMENTS) == EXPECTED


def test_no_documents_no_request(server) -> None:
    assert reranker(server).rerank(QUERY, []) == []
    assert server.requests == []


def test_rerank_order_sorts_by_score_and_keeps_ties_in_order(server) -> None:
    items = [{"id": n, "text": f"passage {n}"} for n in range(5)]
    server.script(Scripted(body={"results": [
        {"index": 3, "relevance_score": 0.9}, {"index": 1, "relevance_score": 0.5}, {"index": 4, "relevance_score": 0.5},
        {"index": 0, "relevance_score": 0.1}, {"index": 2, "relevance_score": 0.5}]}))
    ordered = rerank_order(reranker(server), QUERY, items, lambda item: item["text"])
    assert [item["id"] for item in ordered] == [3, 1, 2, 4, 0]
    assert server.requests[0]["body"]["documents"] == [f"passage {n}" for n in range(5)]


def test_rerank_order_gives_none_on_failure_or_without_reranker(server) -> None:
    server.script(Scripted(status=500))
    assert rerank_order(reranker(server), QUERY, DOCUMENTS, str) is None
    assert rerank_order(None, QUERY, DOCUMENTS, str) is None
    assert rerank_order(reranker(server), QUERY, [], str) == []

    class Broken(Reranker):
        def rerank(self, query: str, documents: list[str]) -> list[float] | None:
            raise RuntimeError(query)

    class Short(Reranker):
        def rerank(self, query: str, documents: list[str]) -> list[float] | None:
            return [1.0]

    assert rerank_order(Broken(), QUERY, DOCUMENTS, str) is None
    assert rerank_order(Short(), QUERY, DOCUMENTS, str) is None


def test_build_reranker_from_settings(server) -> None:
    assert build_reranker(Settings(_env_file=None)) is None
    assert build_reranker(Settings(rerank_base_url="  ", _env_file=None)) is None
    # The key defaults to the LLM's (Albert serves both)...
    settings = Settings(rerank_base_url=server.base_url, rerank_model="bge-reranker-v2-m3", rerank_timeout=3.5,
                        llm_api_key=SecretStr(SECRET), _env_file=None)
    client = build_reranker(settings)
    assert isinstance(client, HTTPReranker) and client.timeout == 3.5
    assert client.rerank(QUERY, DOCUMENTS) == EXPECTED
    assert server.requests[-1]["authorization"] == f"Bearer {SECRET}"
    assert server.requests[-1]["body"]["model"] == "bge-reranker-v2-m3"
    # ...and its own key wins.
    own = settings.model_copy(update={"rerank_api_key": SecretStr("sk-rerank-own")})
    assert build_reranker(own).rerank(QUERY, DOCUMENTS) == EXPECTED
    assert server.requests[-1]["authorization"] == "Bearer sk-rerank-own"
