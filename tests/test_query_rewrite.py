"""Query rewriting (``assistant/query_rewrite.py``) through the project's real OpenAI-compatible chat
client, against the scripted OpenAI server on loopback (``tests/openai_server.py``); and the
``rewrite.md`` prompt it reads."""

from __future__ import annotations

import logging
import shutil
import time

import pytest
from pydantic import SecretStr

from assistant.components.llm import LLMError, OpenAICompatibleChatModel
from assistant.config import Settings
from assistant.prompts import PromptError, load_prompts
from assistant.query_rewrite import QueryRewriter, build_query_rewriter
from tests.openai_server import Reply, ScriptedOpenAIServer

SECRET = "sk-test-reecriture-ne-pas-journaliser-5151"
QUESTION = "Quelles communes participent au programme ?"


@pytest.fixture()
def llm_server():
    with ScriptedOpenAIServer() as server:
        yield server


@pytest.fixture(scope="module")
def prompts():
    return load_prompts(Settings(_env_file=None).prompts_dir)


def chat_settings(server: ScriptedOpenAIServer, **overrides) -> Settings:
    values = {"llm_backend": "openai", "llm_base_url": server.base_url, "llm_model": "modele-test",
              "llm_api_key": SecretStr(SECRET), "llm_max_retries": 0, "llm_timeout": 5.0, **overrides}
    return Settings(_env_file=None, **values)


def rewriter(server: ScriptedOpenAIServer, prompts, **kwargs) -> QueryRewriter:
    return QueryRewriter(OpenAICompatibleChatModel(chat_settings(server)), prompts.rewrite, **kwargs)


def test_numbered_output_is_cleaned(llm_server, prompts) -> None:
    llm_server.script(Reply(text=(
        "Voici trois requêtes :\n"
        "1. Délibération désignant les communes bénéficiaires du programme\n"
        "2) « Convention de partenariat avec les communes lauréates »\n"
        "- **Règlement du programme Appropriation Métropolitaine**\n"
    )))
    assert rewriter(llm_server, prompts).rewrite(QUESTION) == [
        "Délibération désignant les communes bénéficiaires du programme",
        "Convention de partenariat avec les communes lauréates",
        "Règlement du programme Appropriation Métropolitaine",
    ]
    (request,) = llm_server.chat_requests()
    prompt = request["body"]["messages"][0]["content"]
    assert QUESTION in prompt and "délibération" in prompt and "{question}" not in prompt
    assert request["body"]["max_tokens"] == 160
    assert request["authorization"] == f"Bearer {SECRET}"


def test_a_line_with_an_invented_number_is_dropped(llm_server, prompts) -> None:
    llm_server.script(Reply(text=(
        "Délibération de 2024 désignant les communes bénéficiaires\n"
        "Subvention de 3 millions d'euros versée aux communes\n"
        "Liste des deux communes lauréates du programme\n"
        "Calendrier de mars du programme métropolitain\n"
        "Communes signataires de la convention du programme\n"
    )))
    assert rewriter(llm_server, prompts).rewrite(QUESTION) == ["Communes signataires de la convention du programme"]


def test_numbers_of_the_question_may_stay(llm_server, prompts) -> None:
    question = "Quelles communes ont été retenues en 2025 par la délibération BM2025/06/24/12 ?"
    llm_server.script(Reply(text=(
        "Délibération BM2025/06/24/12 désignant les communes bénéficiaires\n"
        "Communes lauréates de l'appel à candidatures 2025\n"
        "Communes lauréates de l'appel à candidatures 2026\n"
    )))
    assert rewriter(llm_server, prompts).rewrite(question) == [
        "Délibération BM2025/06/24/12 désignant les communes bénéficiaires",
        "Communes lauréates de l'appel à candidatures 2025",
    ]


def test_duplicates_short_long_and_the_question_itself_are_dropped_and_three_at_most(llm_server, prompts) -> None:
    llm_server.script(Reply(text=(
        "quelles communes participent au programme\n"  # the question again (case, punctuation)
        "Communes bénéficiaires du programme\n"
        "COMMUNES BENEFICIAIRES DU PROGRAMME !\n"  # a duplicate, without accents
        "Communes\n"  # too short
        "Bénéficiaires\n"
        + "Liste " + "très " * 60 + "longue des communes\n"  # over 250 characters
        "Délibération désignant les communes\n"
        "Convention signée par les communes\n"
        "Règlement d'intervention du programme\n"  # a fourth valid line: one too many
    )))
    assert rewriter(llm_server, prompts).rewrite(QUESTION) == [
        "Communes bénéficiaires du programme",
        "Délibération désignant les communes",
        "Convention signée par les communes",
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "???\n...\n- \n1.\n«»", "Voici les requêtes :\nOui.\n"])
def test_empty_or_garbage_output_gives_nothing(llm_server, prompts, text) -> None:
    llm_server.script(Reply(text=text))
    assert rewriter(llm_server, prompts).rewrite(QUESTION) == []
    assert len(llm_server.chat_requests()) == 1


def test_server_error_gives_nothing_and_reports_the_error(llm_server, prompts, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    errors: list[LLMError] = []
    llm_server.script(Reply(status=500))  # its body echoes the request and the key
    assert rewriter(llm_server, prompts, on_error=errors.append).rewrite(QUESTION) == []
    assert [e.kind for e in errors] == ["server"]
    assert "failed: server" in caplog.text
    assert SECRET not in caplog.text and QUESTION not in caplog.text


def test_timeout_gives_nothing(llm_server, prompts) -> None:
    llm_server.script(Reply(text="Délibération désignant les communes bénéficiaires", delay_s=3))
    model = OpenAICompatibleChatModel(chat_settings(llm_server, llm_timeout=0.5))
    errors: list[LLMError] = []
    started = time.monotonic()
    assert QueryRewriter(model, prompts.rewrite, on_error=errors.append).rewrite(QUESTION) == []
    assert time.monotonic() - started < 2.5 and [e.kind for e in errors] == ["timeout"]


def test_a_failing_error_callback_does_not_raise(llm_server, prompts) -> None:
    def callback(exc: LLMError) -> None:
        raise RuntimeError("breaker")

    llm_server.script(Reply(status=503))
    assert rewriter(llm_server, prompts, on_error=callback).rewrite(QUESTION) == []


def test_empty_question_calls_nothing(llm_server, prompts) -> None:
    assert rewriter(llm_server, prompts).rewrite("  \n ") == []
    assert llm_server.chat_requests() == []


def test_build_query_rewriter(llm_server, prompts) -> None:
    model = OpenAICompatibleChatModel(chat_settings(llm_server))
    on = chat_settings(llm_server, query_rewrite=True)
    assert build_query_rewriter(chat_settings(llm_server), model, prompts) is None  # MGP_QUERY_REWRITE off
    assert build_query_rewriter(on, None, prompts) is None  # no chat model
    assert build_query_rewriter(on, model, None) is None
    assert build_query_rewriter(on, model, load_prompts_without_rewrite(prompts)) is None
    built = build_query_rewriter(on, model, prompts)
    llm_server.script(Reply(text="Délibération désignant les communes bénéficiaires"))
    assert built.rewrite(QUESTION) == ["Délibération désignant les communes bénéficiaires"]


def load_prompts_without_rewrite(prompts):
    from dataclasses import replace

    return replace(prompts, rewrite=None)


def test_template_must_have_the_question_variable(llm_server) -> None:
    model = OpenAICompatibleChatModel(chat_settings(llm_server))
    with pytest.raises(ValueError, match="question"):
        QueryRewriter(model, "Réécris : {history}")
    assert QueryRewriter(model, "Réécris en requêtes : {question}").messages("Q ?")[0]["content"] == "Réécris en requêtes : Q ?"


def test_shipped_rewrite_prompt_loads_and_is_optional(tmp_path, prompts) -> None:
    assert prompts.rewrite is not None and prompts.rewrite.input_variables == ["question"]
    text = prompts.rewrite.format(question=QUESTION)
    assert QUESTION in text and "une requête par ligne" in text and "chiffre" in text
    folder = tmp_path / "prompts"
    shutil.copytree(Settings(_env_file=None).prompts_dir, folder)
    (folder / "rewrite.md").unlink()
    loaded = load_prompts(folder)
    assert loaded.rewrite is None and loaded.condense is not None  # absent: only rewriting is off
    (folder / "rewrite.md").write_text("Requêtes pour : {question} et {sources}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="rewrite.md"):
        load_prompts(folder)
    (folder / "rewrite.md").write_text("Requêtes pour : {question\n", encoding="utf-8")
    with pytest.raises(PromptError, match="rewrite.md"):
        load_prompts(folder)
