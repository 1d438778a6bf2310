"""Recording a model's prompts and replaying its answers (``evals/replay.py``) through the product's
own OpenAI client, over a real loopback HTTP server. The replayed answers are synthetic: written by
the test from the bundled corpus's sources."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from assistant.schemas import AskRequest
from evals.replay import ReplayServer, load_answers, prompt_key
from tests.test_llm import QUESTION, first_sentence, llm_assistant
from ui.cli import app


def test_a_recorded_prompt_is_answered_when_replayed(indexed_settings, embeddings, assistant, tmp_path) -> None:
    prompts = tmp_path / "prompts.jsonl"
    with ReplayServer(record_to=prompts) as recorder:
        unknown = llm_assistant(indexed_settings, embeddings, recorder).ask(QUESTION)
        assert recorder.counts() == {"replay_served": 0, "replay_unknown_prompts": 1}
    assert unknown.generator == "extractive" and unknown.fallback  # refused like any rejected request
    [recorded] = [json.loads(line) for line in prompts.read_text(encoding="utf-8").splitlines()]
    assert recorded["key"] == prompt_key(recorded["messages"]) and QUESTION in recorded["messages"][1]["content"]

    quote = first_sentence(assistant)
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"key": recorded["key"], "answer": f"Selon le programme, « {quote} » [1]."},
                                  ensure_ascii=False) + "\n", encoding="utf-8")
    with ReplayServer(load_answers(answers)) as replayer:
        answer = llm_assistant(indexed_settings, embeddings, replayer).ask(AskRequest(question=QUESTION))
        assert replayer.counts() == {"replay_served": 1, "replay_unknown_prompts": 0}
    assert answer.fallback is None and answer.generator.endswith("modele-test")
    assert answer.citations[0].quote == quote


def test_the_key_ignores_everything_but_the_messages() -> None:
    messages = [{"role": "system", "content": "Règles"}, {"role": "user", "content": "Question ?"}]
    assert prompt_key(messages) == prompt_key([dict(m, name="x") for m in messages])
    assert prompt_key(messages) != prompt_key([messages[0], {"role": "user", "content": "Question ?!"}])


def test_an_unreadable_recording_names_its_file_and_line(tmp_path) -> None:
    bad = tmp_path / "reponses.jsonl"
    bad.write_text('{"key": "a", "answer": "x"}\n{"cle": "b"}\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["eval", "--replay", str(bad), "--no-baseline"])
    assert result.exit_code == 1
    assert "reponses.jsonl, ligne 2" in " ".join(result.output.split())
