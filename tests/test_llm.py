"""The language-model path against a real HTTP server on loopback (``tests/openai_server.py``) that
speaks the OpenAI protocol and answers what each test scripts: grounding, fallbacks, errors, retries.
The scripted answers are synthetic; the sources they quote are the real bundled corpus."""

from __future__ import annotations

import logging
import time

import pytest
from pydantic import SecretStr

from assistant.answering import Assistant
from assistant.services import build_assistant
from assistant.components.llm import LLMError, OpenAICompatibleChatModel
from assistant.config import Settings
from assistant.generation import find_quote, split_sentences
from assistant.schemas import Answer, AnswerDelta, AskRequest, Turn
from tests.openai_server import Reply, ScriptedOpenAIServer

QUESTION = "Quelles sont les trois phases du programme ?"
SECRET = "sk-test-ne-pas-journaliser-4242"


@pytest.fixture()
def llm_server():
    with ScriptedOpenAIServer() as server:
        yield server


def llm_assistant(indexed_settings, embeddings, server, **overrides) -> Assistant:
    settings = indexed_settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": server.base_url, "llm_model": "modele-test",
        "llm_api_key": SecretStr(SECRET), "llm_max_retries": 0, "llm_timeout": 5.0, **overrides,
    })
    return build_assistant(settings, embeddings=embeddings)


def first_sentence(assistant: Assistant, question: str = QUESTION, n: int = 0) -> str:
    passage = assistant.sources(AskRequest(question=question))[n]  # the model's source n+1
    s, e = split_sentences(passage.text)[0]
    return passage.text[s:e]


def test_streamed_answer_with_verified_citation_is_kept(indexed_settings, embeddings, assistant, llm_server) -> None:
    quote = first_sentence(assistant)
    reply = (f"Le programme se déroule en trois phases : « {quote} » [1].\n"
             "Le programme est ouvert gratuitement aux 130 communes de la Métropole [3].")
    llm_server.script(Reply(text=reply))
    events = list(llm_assistant(indexed_settings, embeddings, llm_server).ask_stream(AskRequest(question=QUESTION)))
    deltas, answer = events[:-1], events[-1]
    assert isinstance(answer, Answer) and all(isinstance(d, AnswerDelta) for d in deltas)
    assert answer.generator == "openai:modele-test" and answer.fallback is None and not answer.abstained
    # Sentence by sentence, each once verified, and together exactly the final answer ([3] → [2]).
    assert len(deltas) == 2 and "".join(d.text for d in deltas) == answer.answer
    assert deltas[0].text.endswith("[1].") and "[2]." in deltas[1].text
    assert answer.citations[0].quote == quote and len(answer.citations) == 2
    assert answer.timings_ms["first_token"] <= answer.timings_ms["llm"]
    # The model saw the numbered, delimited sources and the French rules.
    sent = llm_server.chat_requests()[-1]["body"]["messages"]
    assert sent[0]["role"] == "system" and "Réponds uniquement à partir des sources numérotées" in sent[0]["content"]
    assert '<source numéro="1"' in sent[1]["content"] and QUESTION in sent[1]["content"]
    body = llm_server.chat_requests()[-1]["body"]
    assert body["max_tokens"] == indexed_settings.llm_max_tokens and "max_completion_tokens" not in body


def test_citations_are_renumbered_and_paraphrase_gets_a_verbatim_quote(indexed_settings, embeddings, assistant, llm_server) -> None:
    passages = assistant.sources(AskRequest(question=QUESTION))  # what the model is handed
    second = passages[1]
    s, e = split_sentences(second.text)[0]
    # The model cites source 2 only, without quoting: the quote is the sentence of source 2 that
    # shares the claim's words, and [2] becomes [1].
    claim = " ".join(second.text[s:e].split()[:12])
    llm_server.script(Reply(text=f"{claim}. [2]"))
    answer = llm_assistant(indexed_settings, embeddings, llm_server).ask(QUESTION)
    assert answer.fallback is None, answer.fallback
    assert len(answer.citations) == 1 and answer.citations[0].n == 1
    chunks = {part[0] for part in second.metadata.get("parts", [])} | {second.chunk_id}
    assert answer.citations[0].chunk_id in chunks  # the chunk of the section that holds the quote
    assert find_quote(answer.citations[0].quote, second.text) is not None
    assert "[1]" in answer.answer and "[2]" not in answer.answer


def test_quotations_written_as_real_models_write_them_are_kept_and_an_invented_figure_never_shown(
        indexed_settings, embeddings, assistant, llm_server) -> None:
    """A lowercased first letter, a typographic apostrophe and a « […] » cut in the quotations, then a
    sentence with an invented figure: the true sentences stream and stay, verified, each citation
    the source's exact text; the invented one is never shown, and the answer says one was removed."""
    quote = first_sentence(assistant)  # the first sentence of source 1, verbatim
    words = quote.rstrip(".").split()
    assert len(words) >= 6, quote
    lowered = (words[0][0].lower() + words[0][1:] + " " + " ".join(words[1:])).replace("'", "’")
    cut = f"{' '.join(words[:2])} […] {' '.join(words[-2:])}"
    llm_server.script(Reply(text=f"Selon la fiche, « {lowered} » [1]. En résumé : « {cut} » [1]. "
                                 "Le programme a coûté 4 242 euros par agent formé [1]."))
    events = list(llm_assistant(indexed_settings, embeddings, llm_server).ask_stream(AskRequest(question=QUESTION)))
    answer = events[-1]
    assert answer.fallback is None and answer.generator == "openai:modele-test", answer.fallback
    streamed = "".join(e.text for e in events[:-1])
    assert "4 242" not in streamed and "4 242" not in answer.answer
    assert [r.reason for r in answer.removed_sentences] == ["chiffre absent des sources"]
    assert "Une phrase non vérifiée" in answer.answer and answer.answer.startswith(streamed.strip()[:40])
    assert answer.citations and all(c.quote in assistant.passage(c.chunk_id).text for c in answer.citations)
    assert any(c.quote.startswith(words[0]) for c in answer.citations)  # the source's capital, not the model's


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("Le programme est gratuit et dure dix ans.", "sans citation"),
        ("Le programme comporte trois phases [99].", "source inexistante"),  # more sources than k allows
        ("Le programme concerne 99 communes et 12 territoires [1].", "chiffre absent"),
        ("Les candidats doivent envoyer leur dossier par pigeon voyageur [1].", "non appuyée"),
        ("Le programme comporte trois phases, et Bobigny en est exclue [1].", "nom absent"),
    ],
)
def test_unverifiable_answers_fall_back_to_the_extractive_one(
    indexed_settings, embeddings, llm_server, reply, reason
) -> None:
    llm_server.script(Reply(text=reply))
    events = list(llm_assistant(indexed_settings, embeddings, llm_server).ask_stream(AskRequest(question=QUESTION)))
    answer = events[-1]
    assert answer.generator == "extractive" and reason in (answer.fallback or "")
    assert answer.citations and reply not in answer.answer
    assert not any(isinstance(e, AnswerDelta) for e in events)  # nothing unverified was streamed
    assert reply[:30] not in answer.fallback  # the notice names the problem, never the rejected text
    for c in answer.citations:  # the fallback is itself verified
        passage = llm_assistant(indexed_settings, embeddings, llm_server).passage(c.chunk_id)
        assert passage is not None and find_quote(c.quote, passage.text) is not None


def test_model_saying_it_does_not_know_is_an_abstention(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="Je ne sais pas : les documents ne répondent pas à cette question."))
    answer = llm_assistant(indexed_settings, embeddings, llm_server).ask(QUESTION)
    assert answer.abstained and answer.citations == [] and answer.kind == "abstention"


def test_act_questions_reach_the_model_with_the_passages_the_record_was_read_from(
        indexed_settings, embeddings, assistant, llm_server) -> None:
    """A compound question on an act (president and secretary): a configured model reads the act's
    own passages (its header first) and answers both parts, verified."""
    question = "Qui présidait la séance du Bureau du 24 juin 2025 et qui en était le secrétaire ?"
    offline = assistant.ask(question)
    assert offline.kind == "fact" and len(offline.citations) == 2  # each part from the act's record
    header = assistant.passage(offline.citations[-1].chunk_id).text
    president = next(line for line in header.splitlines() if "PRÉSID" in line.upper() and ":" in line)
    secretary = next(line for line in header.splitlines() if "SECRÉTAIRE" in line.upper())
    llm_server.script(Reply(text=f"La séance était présidée ainsi : « {president.strip()} » [1]. "
                                 f"Le secrétaire de séance figure aussi dans l'acte : « {secretary.strip()} » [1]."))
    answer = llm_assistant(indexed_settings, embeddings, llm_server).ask(question)
    assert answer.generator == "openai:modele-test" and answer.fallback is None, answer.fallback
    assert {c.quote for c in answer.citations} == {president.strip(), secretary.strip()}
    prompt = llm_server.chat_requests()[-1]["body"]["messages"][1]["content"]
    first_source = prompt.split('<source numéro="2"')[0]
    assert " ".join(secretary.split()) in " ".join(first_source.split())  # verbatim, first


def test_a_rejected_model_answer_on_an_act_gives_the_records_answer(indexed_settings, embeddings, llm_server) -> None:
    assistant = llm_assistant(indexed_settings, embeddings, llm_server)
    llm_server.script(Reply(text="Oui, Sceaux participe depuis 2019 avec 12 agents formés [1]."))  # invented figures
    membership = assistant.ask("Est-ce que Sceaux participe au parcours ?")
    assert membership.kind == "membership" and "chiffre" in (membership.fallback or "")
    assert len(llm_server.chat_requests()) == 1
    # The model saying it does not know does not hide what the records hold.
    said_no = assistant.ask("Est-ce que Sceaux participe au parcours ?")  # default reply: « Je ne sais pas »
    assert said_no.kind == "membership" and not said_no.abstained
    unknown_act = assistant.ask("La délibération BM2025/06/24/13 porte sur quoi ?")
    assert unknown_act.abstained


def test_the_extractive_gate_does_not_stop_the_model(indexed_settings, embeddings, assistant, llm_server) -> None:
    """A question whose words are not the document's (« de l'argent » for « gratuitement »): the
    extractive path abstains, a configured model sees the passages and answers, verified."""
    question = "La Métropole nous verse-t-elle de l'argent ?"
    assert assistant.ask(question).abstained  # the extractive gate alone
    llm = llm_assistant(indexed_settings, embeddings, llm_server)
    passages = llm.sources(AskRequest(question=question))
    gratuit = next(n for n, p in enumerate(passages, start=1) if "gratuitement" in p.text)
    llm_server.script(Reply(text=f"Le programme est ouvert gratuitement aux 130 communes de la Métropole [{gratuit}]."))
    answer = llm.ask(question)
    assert len(llm_server.chat_requests()) == 1
    assert not answer.abstained and answer.generator == "openai:modele-test", answer.fallback
    assert "gratuitement" in answer.answer and "gratuitement" in answer.citations[0].quote


def test_off_topic_question_reaches_the_model_which_abstains(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="Je ne sais pas : les sources ne donnent pas le salaire du maire."))
    answer = llm_assistant(indexed_settings, embeddings, llm_server).ask("Quel est le salaire du maire de Bobigny ?")
    assert len(llm_server.chat_requests()) == 1
    assert answer.abstained and answer.citations == []


def test_a_failing_model_leaves_the_extractive_gate_in_place(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(status=503, text="indisponible"))
    answer = llm_assistant(indexed_settings, embeddings, llm_server).ask("Quel est le salaire du maire de Bobigny ?")
    assert answer.abstained and answer.fallback and answer.citations == []


def test_retry_after_429_then_success(indexed_settings, embeddings, assistant, llm_server) -> None:
    quote = first_sentence(assistant)
    llm_server.script(Reply(status=429, headers={"Retry-After": "0"}), Reply(status=503), Reply(text=f"« {quote} » [1]"))
    answer = llm_assistant(indexed_settings, embeddings, llm_server, llm_max_retries=2).ask(QUESTION)
    assert answer.generator == "openai:modele-test" and answer.fallback is None
    assert len(llm_server.chat_requests()) == 3


@pytest.mark.parametrize(
    ("replies", "message", "calls"),
    [
        ([Reply(status=500)] * 2, "erreur (500)", 2),  # retried once (llm_max_retries=1), then given up
        ([Reply(status=401)], "refusé la clé", 1),  # never retried
        ([Reply(status=429)] * 2, "saturé", 2),
        ([Reply(text="trop tard", delay_s=3)] * 2, "pas répondu à temps", 2),
        ([Reply(malformed=True)], "illisible", 1),
    ],
)
def test_endpoint_errors_give_a_french_message_and_the_extractive_answer(
    indexed_settings, embeddings, llm_server, caplog, replies, message, calls
) -> None:
    llm_server.script(*replies)
    assistant = llm_assistant(indexed_settings, embeddings, llm_server, llm_max_retries=1, llm_timeout=1.0)
    with caplog.at_level(logging.INFO):
        answer = assistant.ask(QUESTION)
    assert message in (answer.fallback or "") and answer.generator == "extractive"
    assert answer.citations and not answer.abstained
    assert len(llm_server.chat_requests()) == calls
    assert SECRET not in caplog.text and SECRET not in (answer.fallback or "")
    assert QUESTION not in caplog.text  # error bodies (which echo the prompt) are not logged
    assert any("LLM" in r.getMessage() for r in caplog.records)
    # The failing endpoint is left alone for a while: the next answer does not wait for it.
    started = time.perf_counter()
    again = assistant.ask(QUESTION)
    assert len(llm_server.chat_requests()) == calls
    assert "indisponible" in (again.fallback or "") and time.perf_counter() - started < 5


def test_unreachable_endpoint(indexed_settings, embeddings) -> None:
    from tests.conftest import free_port

    settings = indexed_settings.model_copy(update={
        "llm_backend": "openai", "llm_base_url": f"http://127.0.0.1:{free_port()}/v1", "llm_model": "m",
        "llm_max_retries": 0, "llm_timeout": 2.0,
    })
    answer = build_assistant(settings, embeddings=embeddings).ask(QUESTION)
    assert "injoignable" in (answer.fallback or "") and answer.citations


def test_chat_model_raises_llm_error_with_kind(llm_server) -> None:
    llm_server.script(Reply(status=404))
    settings = Settings(llm_backend="openai", llm_base_url=llm_server.base_url, llm_model="absent", llm_max_retries=0,
                        _env_file=None)
    with pytest.raises(LLMError) as exc:
        list(OpenAICompatibleChatModel(settings).stream([{"role": "user", "content": "Bonjour"}]))
    assert exc.value.kind == "model" and "MGP_LLM_MODEL" in str(exc.value)


def test_follow_up_is_condensed_by_the_model(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="La commune de Sceaux participe-t-elle ?"))  # not what the rules would write
    assistant = llm_assistant(indexed_settings, embeddings, llm_server)
    answer = assistant.ask(AskRequest(question="et Sceaux ?", history=[Turn(question="Est-ce que Vincennes participe ?")]))
    assert answer.standalone_question == "La commune de Sceaux participe-t-elle ?" and answer.kind == "membership"
    condense = llm_server.chat_requests()[0]["body"]["messages"][0]["content"]
    assert "Vincennes" in condense and "et Sceaux ?" in condense


def test_condensation_that_adds_facts_is_refused(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="La subvention de 3 millions d'euros est-elle versée par le préfet à Sceaux ?"))
    assistant = llm_assistant(indexed_settings, embeddings, llm_server)
    answer = assistant.ask(AskRequest(question="et Sceaux ?", history=[Turn(question="Est-ce que Vincennes participe ?")]))
    assert "subvention" not in answer.standalone_question and "Sceaux" in answer.standalone_question


def test_failing_condensation_trips_the_breaker(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="trop tard", delay_s=3))
    assistant = llm_assistant(indexed_settings, embeddings, llm_server, llm_timeout=1.0)
    history = [Turn(question="Est-ce que Vincennes participe ?")]
    for follow_up in ("et Sceaux ?", "et Vanves ?", "et Bobigny ?"):
        answer = assistant.ask(AskRequest(question=follow_up, history=history))
        assert answer.kind == "membership"
    assert len(llm_server.chat_requests()) == 1  # the endpoint was left alone after its timeout


def test_unexpected_model_error_mid_stream_falls_back(indexed_settings, embeddings) -> None:
    from assistant.components.llm import ChatModel
    from assistant.llm_generator import LLMGenerator
    from assistant.prompts import load_prompts

    class Crashing(ChatModel):
        """Writes half a sentence, then fails as llama.cpp's decoder can (RuntimeError)."""

        name = "crashing"
        closed = False

        def stream(self, messages, *, max_tokens=None):
            try:
                yield "Le programme "
                raise RuntimeError("llama_decode returned 1")
            finally:
                Crashing.closed = True

    generator = LLMGenerator(Crashing(), load_prompts(indexed_settings.prompts_dir))
    answer = build_assistant(indexed_settings, embeddings=embeddings, generator=generator).ask(QUESTION)
    assert answer.generator == "extractive" and "erreur" in (answer.fallback or "") and answer.citations
    assert Crashing.closed


def test_unusable_condensation_falls_back_to_rules(indexed_settings, embeddings, llm_server) -> None:
    llm_server.script(Reply(text="Voici la réponse : Sceaux est une commune des Hauts-de-Seine"))  # not a question
    assistant = llm_assistant(indexed_settings, embeddings, llm_server)
    answer = assistant.ask(AskRequest(question="et Sceaux ?", history=[Turn(question="Est-ce que Vincennes participe ?")]))
    assert "Sceaux" in answer.standalone_question and answer.standalone_question.endswith("?")
    assert answer.kind == "membership"


def test_openai_compatible_embeddings_over_http(llm_server, tmp_path) -> None:
    """The third embedding backend ingests and answers through a real /v1/embeddings endpoint."""
    from ingest.pipeline import Ingestor
    from tests.conftest import CORPUS

    settings = Settings(corpus_dir=CORPUS, data_dir=tmp_path / "data", embedding_backend="openai",
                        embedding_base_url=llm_server.base_url, embedding_model="bge-m3-test", _env_file=None)
    report = Ingestor(settings).run()
    assert report.failed == [] and report.chunks > 40
    embedded = [r for r in llm_server.requests if r["path"].endswith("/embeddings")]
    assert embedded and all(r["body"]["model"] == "bge-m3-test" for r in embedded)
    answer = build_assistant(settings).ask(QUESTION)
    assert not answer.abstained and "Comprendre et former" in answer.answer


def test_settings_name_the_missing_variables() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="MGP_LLM_BASE_URL"):
        Settings(llm_backend="openai", _env_file=None)
    with pytest.raises(ValidationError, match="MGP_LLM_MODEL_PATH"):
        Settings(llm_backend="llamacpp", _env_file=None)
    with pytest.raises(ValidationError, match="MGP_EMBEDDING_MODEL"):
        Settings(embedding_backend="openai", _env_file=None)


def test_bad_prompt_template_is_named(tmp_path) -> None:
    import shutil

    from assistant.prompts import PromptError, load_prompts

    folder = tmp_path / "prompts"
    shutil.copytree(Settings(_env_file=None).prompts_dir, folder)
    assert load_prompts(folder).user.input_variables
    (folder / "user.md").write_text("Question : {question}\n", encoding="utf-8")  # {sources} missing
    with pytest.raises(PromptError, match="user.md"):
        load_prompts(folder)
    (folder / "user.md").unlink()
    with pytest.raises(PromptError, match="introuvable"):
        load_prompts(folder)


def _env(indexed_settings, server, data=None) -> dict[str, str]:
    import os

    return {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir),
            "MGP_DATA_DIR": str(data or indexed_settings.data_dir), "MGP_LLM_BACKEND": "openai",
            "MGP_LLM_BASE_URL": server.base_url, "MGP_LLM_MODEL": "modele-test", "MGP_LLM_API_KEY": SECRET,
            "MGP_LLM_MAX_RETRIES": "0"}


def test_cli_ask_with_the_openai_backend(indexed_settings, assistant, llm_server) -> None:
    import subprocess
    import sys

    quote = first_sentence(assistant)
    llm_server.script(Reply(text=f"Selon la fiche, « {quote} » [1]."), Reply(status=500))
    run = lambda: subprocess.run([sys.executable, "-m", "ui.cli", "ask", "--json", QUESTION],  # noqa: E731
                                 env=_env(indexed_settings, llm_server), capture_output=True, text=True, timeout=120)
    first, second = run(), run()
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    good, failed = Answer.model_validate_json(first.stdout), Answer.model_validate_json(second.stdout)
    assert good.generator == "openai:modele-test" and good.citations[0].quote == quote
    assert failed.generator == "extractive" and "erreur (500)" in failed.fallback and failed.citations
    assert SECRET not in first.stderr + second.stderr


@pytest.mark.slow
def test_web_app_streams_then_shows_the_verified_answer(indexed_settings, assistant, llm_server, tmp_path) -> None:
    import shutil
    import subprocess
    import sys

    from gradio_client import Client

    from tests.conftest import free_port, wait_for_port

    quote = first_sentence(assistant)
    llm_server.script(Reply(text=f"Le programme comporte trois phases : « {quote} » [1].\n"
                                 "Le programme est ouvert gratuitement aux 130 communes de la Métropole [3].\n"
                                 "La Métropole affiche trois principes pour l'usage de l'IA [2].", word_delay_s=0.05))
    data = tmp_path / "data"
    shutil.copytree(indexed_settings.data_dir, data)
    port = free_port()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)],
                            env=_env(indexed_settings, llm_server, data), stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        job = Client(f"http://127.0.0.1:{port}/", verbose=False).submit(QUESTION, [], api_name="/ask")
        messages, _, sources = job.result(timeout=120)
        updates = job.outputs()
        assert len(updates) > 2  # partial texts came before the final answer
        partial = updates[1][0][-1]["content"]
        partial = partial if isinstance(partial, str) else " ".join(p.get("text", "") for p in partial)
        assert partial.endswith("▌") and "Rédaction en cours" in updates[1][2] and "[1]" in partial
        final = messages[-1]["content"]
        final = final if isinstance(final, str) else " ".join(p.get("text", "") for p in final)
        assert "[1]" in final and "▌" not in final
        assert "modele-test" in sources and "<mark>" in sources
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert SECRET not in log.read_text(encoding="utf-8")
