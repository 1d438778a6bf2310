"""A real HTTP server on loopback that speaks the OpenAI wire protocol (SSE chat streaming,
``/v1/embeddings`` in float or base64), scripted by the test: what it answers is chosen by the test,
so the client's retries, timeouts and error handling meet real sockets and real HTTP.

Synthetic: its embeddings are hashed bags of words, not a model.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from evals.replay import sse_chunks


@dataclass
class Reply:
    """One scripted reply: a status with an error body, a streamed text, or a broken stream."""

    status: int = 200
    text: str = ""
    delay_s: float = 0.0  # before the first byte
    malformed: bool = False  # a stream whose data lines are not JSON
    word_delay_s: float = 0.0  # between streamed words
    headers: dict[str, str] = field(default_factory=dict)


def hashed_vector(text: str, dim: int = 64) -> list[float]:
    """Deterministic unit vector from the words of ``text`` (shared words → close vectors)."""
    vector = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()):
        digest = hashlib.sha1(word.encode()).digest()
        vector[digest[0] % dim] += 1.0 if digest[1] % 2 else -1.0
    norm = math.sqrt(sum(v * v for v in vector)) or 1.0
    return [v / norm for v in vector]


class ScriptedOpenAIServer:
    def __init__(self) -> None:
        self.replies: deque[Reply] = deque()
        self.default = Reply(text="Je ne sais pas : les documents ne répondent pas à cette question.")
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with server.lock:
                    server.requests.append({"path": self.path, "body": body,
                                            "authorization": self.headers.get("Authorization", "")})
                    reply = server.replies.popleft() if server.replies else server.default
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                if self.path.endswith("/embeddings"):
                    return self._embeddings(body)
                if reply.status != 200:
                    # Like some real gateways, the error echoes the request (key included).
                    echo = f"scripted {reply.status} for {self.headers.get('Authorization', '')}: {json.dumps(body)[:300]}"
                    return self._json(reply.status, {"error": {"message": echo,
                                                               "type": "test", "code": reply.status}}, reply.headers)
                try:
                    self._stream(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what a rejected answer does

            def _json(self, status: int, payload: dict, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, reply: Reply) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                if reply.malformed:
                    self.wfile.write(b"data: {\"id\": \"x\", \"choices\": [{\"delta\": {\"content\": \"Le\"\n\n")
                    self.wfile.write(b"data: ceci n'est pas du JSON\n\n")
                    self.wfile.flush()
                    self.close_connection = True
                    return
                for chunk in sse_chunks(reply.text, model="test"):
                    self.wfile.write(chunk)
                    self.wfile.flush()
                    if reply.word_delay_s:
                        time.sleep(reply.word_delay_s)
                self.close_connection = True

            def _embeddings(self, body: dict) -> None:
                inputs = body.get("input", [])
                inputs = [inputs] if isinstance(inputs, str) else inputs
                data = []
                for i, text in enumerate(inputs):
                    vector = hashed_vector(str(text))
                    if body.get("encoding_format") == "base64":
                        encoded: Any = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
                    else:
                        encoded = vector
                    data.append({"object": "embedding", "index": i, "embedding": encoded})
                self._json(200, {"object": "list", "data": data, "model": body.get("model", "test"),
                                 "usage": {"prompt_tokens": 0, "total_tokens": 0}})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def chat_requests(self) -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"].endswith("/chat/completions")]

    def __enter__(self) -> "ScriptedOpenAIServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
