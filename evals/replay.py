"""Record a model's prompts, replay its recorded answers: the model path re-scored without the model.

A loopback HTTP server speaks the OpenAI chat protocol (``/v1/chat/completions``, streamed or not).
Each chat request is keyed by a hash of its messages (:func:`prompt_key`):

- **record**: the messages of every prompt are appended to a JSONL file (one line per distinct
  prompt), so that a capable model — or a person acting as one — can answer them offline;
- **replay**: a JSONL file of ``{"key", "answer"}`` lines is served back, word by word, to the
  product's own OpenAI-compatible client. A prompt the recording does not hold (the prompt template,
  the sources or the question changed) is answered by an HTTP 400 — the product then falls back as it
  would for any refused request — and counted: :attr:`ReplayServer.unknown`.

``mgp-assistant eval --replay answers.jsonl`` and ``--record prompts.jsonl`` use it; the recordings of
the development corpora live in ``evals/recordings/``.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

MODEL_NAME = "modele-rejoue"


def prompt_key(messages: Iterable[dict[str, Any]]) -> str:
    """A stable key of a chat prompt: its roles and contents, nothing else (not the model's name,
    the temperature or the token limit)."""
    canonical = json.dumps([[m.get("role", ""), m.get("content", "")] for m in messages], ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def load_answers(path: Path) -> dict[str, str]:
    """``{"key": …, "answer": …}`` per line; a line that is not such an object is a clear error."""
    answers: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            answers[str(row["key"])] = str(row["answer"])
        except (ValueError, KeyError, TypeError):
            raise ValueError(f"{path.name}, ligne {number} : attendu un objet JSON avec « key » et « answer »") from None
    return answers


def sse_chunks(text: str, model: str = MODEL_NAME) -> Iterable[bytes]:
    """``text`` as OpenAI server-sent events, one word per chunk, then ``[DONE]``."""
    words = re.findall(r"\S+\s*|\s+", text) or [""]
    for i, word in enumerate(words):
        delta = ({"role": "assistant"} if i == 0 else {}) | {"content": word}
        chunk = {"id": "chatcmpl-replay", "object": "chat.completion.chunk", "created": 0, "model": model,
                 "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        yield f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode()
    end = {"id": "chatcmpl-replay", "object": "chat.completion.chunk", "created": 0, "model": model,
           "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
    yield f"data: {json.dumps(end)}\n\ndata: [DONE]\n\n".encode()


class ReplayServer:
    """Serves ``answers`` by prompt key and, with ``record_to``, appends each new prompt to that file.
    Use as a context manager; :attr:`base_url` is the ``/v1`` endpoint to configure."""

    def __init__(self, answers: dict[str, str] | None = None, record_to: Path | None = None) -> None:
        self.answers = dict(answers or {})
        self.record_to = record_to
        self.served = 0
        self.unknown = 0
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        if record_to is not None and record_to.exists():
            self._seen = {json.loads(line)["key"] for line in record_to.read_text(encoding="utf-8").splitlines() if line.strip()}
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def counts(self) -> dict[str, int]:
        return {"replay_served": self.served, "replay_unknown_prompts": self.unknown}

    def reply_for(self, messages: list[dict[str, Any]]) -> str | None:
        """The recorded answer of this prompt (None when unknown); records the prompt if asked to."""
        key = prompt_key(messages)
        with self._lock:
            if self.record_to is not None and key not in self._seen:
                self._seen.add(key)
                with self.record_to.open("a", encoding="utf-8") as f:
                    f.write(json.dumps({"key": key, "messages": messages}, ensure_ascii=False) + "\n")
            answer = self.answers.get(key)
            if answer is None:
                self.unknown += 1
            else:
                self.served += 1
            return answer

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # prompts hold the agents' questions: never logged
                pass

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    return self._json(404, {"error": {"message": "chemin inconnu", "type": "replay"}})
                answer = server.reply_for(body.get("messages", []))
                if answer is None:
                    return self._json(400, {"error": {"message": "prompt absent de l'enregistrement", "type": "replay"}})
                if body.get("stream"):
                    return self._stream(answer)
                self._json(200, {"id": "chatcmpl-replay", "object": "chat.completion", "created": 0,
                                 "model": MODEL_NAME, "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": answer}}]})

            def _json(self, status: int, payload: dict) -> None:
                data = json.dumps(payload, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, answer: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for chunk in sse_chunks(answer):
                        self.wfile.write(chunk)
                    self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the product stopped reading: a rejected sentence ends the generation
                self.close_connection = True

        return Handler

    def __enter__(self) -> "ReplayServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
