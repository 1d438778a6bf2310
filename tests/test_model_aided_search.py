"""Model-aided search wired into the answer path, against real HTTP servers on loopback: a remote
``/v1/rerank`` service reorders the fused candidates (and a failing one leaves the order as it was),
and the chat model's rewrites of a question are searched beside it (never shown as the answer)."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from assistant.schemas import AskRequest
from assistant.services import build_assistant
from tests.openai_server import Reply, ScriptedOpenAIServer
from tests.test_reranker import RerankServer, Scripted

MARKER = "SECRÉTAIRE DE SÉANCE"


def marker_first(query: str, document: str) -> float:
    """A reranker's verdict in the test: the documents holding ``MARKER`` first."""
    return 1.0 if MARKER.lower() in document.lower() else 0.0


QUESTION = "Quelles communes ont été retenues pour le parcours ?"


def test_a_remote_reranker_reorders_the_candidates(indexed_settings, embeddings, assistant) -> None:
    plain = [p.chunk_id for p in assistant.retrieve(AskRequest(question=QUESTION))]
    marked = [cid for cid, c in assistant.index.current().chunks.items() if MARKER.lower() in c.text.lower()]
    assert marked and plain[0] not in marked  # without the reranker, another passage comes first
    with RerankServer(score=marker_first) as service:
        settings = indexed_settings.model_copy(update={"rerank_base_url": service.base_url, "rerank_model": "bge-reranker",
                                                       "rerank_api_key": SecretStr("sk-rerank-test")})
        reranked = build_assistant(settings, embeddings=embeddings)
        passages = reranked.retrieve(AskRequest(question=QUESTION))
        assert passages[0].chunk_id in marked
        sent = service.requests[-1]["body"]
        assert sent["model"] == "bge-reranker" and sent["query"]
        assert 2 <= len(sent["documents"]) <= settings.rerank_candidates
        answer = reranked.ask(QUESTION)
        assert not answer.abstained  # the answer path runs with the reranker


def test_a_failing_reranker_keeps_the_fused_order(indexed_settings, embeddings, assistant) -> None:
    plain = [p.chunk_id for p in assistant.retrieve(AskRequest(question=QUESTION))]
    with RerankServer() as service:
        service.script(Scripted(status=503))  # then the client's cool-down: no second request
        settings = indexed_settings.model_copy(update={"rerank_base_url": service.base_url, "rerank_timeout": 2.0})
        failing = build_assistant(settings, embeddings=embeddings)
        assert [p.chunk_id for p in failing.retrieve(AskRequest(question=QUESTION))] == plain
        assert service.requests  # it was asked, and its failure did not reach the user


VAGUE = "Le type qui prenait les notes, c'était qui ?"
REWRITES = "secrétaire de séance de la délibération du bureau\nagent chargé du procès-verbal de la séance\n"


@pytest.fixture()
def llm_server():
    with ScriptedOpenAIServer() as server:
        yield server


def _llm_settings(indexed_settings, server, **extra):
    return indexed_settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": server.base_url, "llm_model": "modele-test",
        "llm_max_retries": 0, "llm_timeout": 5.0, **extra})


def test_rewrites_are_searched_beside_the_question(indexed_settings, embeddings, assistant, llm_server) -> None:
    marked = {cid for cid, c in assistant.index.current().chunks.items() if MARKER.lower() in c.text.lower()}
    alone = [p.chunk_id for p in assistant.retrieve(AskRequest(question=VAGUE, k=10))]
    assert not marked & set(alone)  # the agent's own words do not find the passage
    llm_server.script(Reply(text=REWRITES))
    rewriting = build_assistant(_llm_settings(indexed_settings, llm_server, query_rewrite=True), embeddings=embeddings)
    found = [p.chunk_id for p in rewriting.retrieve(AskRequest(question=VAGUE, k=10))]
    assert marked & set(found)  # the rewrites, in the documents' words, do
    prompt = llm_server.chat_requests()[-1]["body"]["messages"][-1]["content"]
    assert VAGUE in prompt and "requêtes de recherche" in prompt
    # Asked again: the rewrite is kept, not asked a second time.
    calls = len(llm_server.chat_requests())
    rewriting.retrieve(AskRequest(question=VAGUE, k=10))
    assert len(llm_server.chat_requests()) == calls


def test_rewriting_is_off_by_default_and_a_failed_rewrite_searches_the_question(
        indexed_settings, embeddings, assistant, llm_server) -> None:
    alone = [p.chunk_id for p in assistant.retrieve(AskRequest(question=VAGUE))]
    model_only = build_assistant(_llm_settings(indexed_settings, llm_server), embeddings=embeddings)
    assert model_only.rewriter is None
    assert [p.chunk_id for p in model_only.retrieve(AskRequest(question=VAGUE))] == alone
    assert not llm_server.chat_requests()
    llm_server.script(Reply(status=500))
    failing = build_assistant(_llm_settings(indexed_settings, llm_server, query_rewrite=True), embeddings=embeddings)
    assert [p.chunk_id for p in failing.retrieve(AskRequest(question=VAGUE))] == alone
