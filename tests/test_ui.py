"""The web app through Gradio's Python client against a real server on a free loopback port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_pdf

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(indexed_settings, tmp_path_factory):
    """A copy of the indexed data dir (uploads must not leak into other tests) served by `mgp-assistant serve`."""
    data = tmp_path_factory.mktemp("ui") / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    port = _free_port()
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(data)}
    log = (data.parent / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "assistant.cli", "serve", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            assert proc.poll() is None, (data.parent / "serve.log").read_text()
            time.sleep(0.3)
    yield url, data
    proc.terminate()
    proc.wait(timeout=20)


def text_of(message: dict) -> str:
    """Chatbot message content, whether a string or Gradio's list of typed parts."""
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


@pytest.fixture()
def client(server):
    from gradio_client import Client

    return Client(server[0], verbose=False)


def test_ask_shows_the_answer_and_its_sources(client) -> None:
    messages, question, sources = client.predict("Est-ce que Rueil-Malmaison participe ?", [], api_name="/ask")
    assert messages[-1]["role"] == "assistant" and "Reuil Malmaison" in text_of(messages[-1])
    assert question == ""
    assert "<mark>" in sources and "Délibération BM2025/06/24/12" in sources and "page 2" in sources


def test_history_is_kept_per_session(client, server) -> None:
    from gradio_client import Client

    client.predict("Est-ce que Vincennes participe ?", [], api_name="/ask")
    messages, _, _ = client.predict("et Sceaux ?", [], api_name="/ask")
    assert text_of(messages[-1]).startswith("Oui. Sceaux")
    other = Client(server[0], verbose=False)  # another browser: no shared history
    messages, _, _ = other.predict("et Sceaux ?", [], api_name="/ask")
    assert len(messages) == 2
    cleared = client.predict(api_name="/new_conversation")
    assert cleared[0] == []


def test_abstention_is_shown_as_such(client) -> None:
    messages, _, sources = client.predict("Quel temps fera-t-il demain ?", [], api_name="/ask")
    assert "Je ne sais pas" in text_of(messages[-1])
    assert "Pas de réponse dans les documents" in sources


def test_feedback_is_stored_with_the_answer(client, server) -> None:
    _, data = server
    client.predict("Le programme est-il gratuit ?", [], api_name="/ask")
    status = client.predict(0, True, "Très clair", api_name="/feedback")
    assert "enregistré" in status
    record = json.loads((data / "feedback" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["rating"] == "up" and record["comment"] == "Très clair"
    assert record["question"] == "Le programme est-il gratuit ?" and record["citations"]


def test_upload_lists_the_document_and_names_bad_files(client, tmp_path) -> None:
    from gradio_client import handle_file

    good = make_pdf(tmp_path / "note_synthetique.pdf", ["Note SYNTHÉTIQUE de test : le comité se réunit le mardi."],
                    title="Note synthétique de test")
    bad = tmp_path / "casse.pdf"
    bad.write_bytes(b"pas un pdf")
    result, table = client.predict([handle_file(str(good)), handle_file(str(bad))], api_name="/upload")
    assert "✅ note_synthetique.pdf" in result and "❌ casse.pdf" in result and "n'est pas un PDF" in result
    titles = [row[0] for row in table["data"]]
    assert "Note synthétique de test" in titles
    doc_id = next(row[6] for row in table["data"] if row[0] == "Note synthétique de test")
    message, table = client.predict(doc_id, api_name="/delete")
    assert "supprimé" in message and "Note synthétique de test" not in [row[0] for row in table["data"]]
