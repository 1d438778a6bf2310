"""`mgp-assistant ask` as users and scripts call it: JSON contract, batch mode, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

CLI = [sys.executable, "-m", "ui.cli"]
QUESTIONS = ["Qui a présidé la séance ?", "Est-ce que Sceaux participe ?", "Quel temps fera-t-il demain ?", "Le programme est-il gratuit ?"]


def run(args, settings, stdin=None):
    env = {**os.environ, "MGP_CORPUS_DIR": str(settings.corpus_dir), "MGP_DATA_DIR": str(settings.data_dir)}
    return subprocess.run(CLI + args, input=stdin, capture_output=True, text=True, env=env, timeout=300)


def _stable(obj: dict) -> dict:
    return {k: v for k, v in obj.items() if k not in ("id", "timings_ms")}


def test_ask_json_is_one_answer_object(indexed_settings) -> None:
    result = run(["ask", "--json", QUESTIONS[0]], indexed_settings)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().split("\n")
    assert len(lines) == 1
    answer = json.loads(lines[0])
    assert {"answer", "abstained", "citations", "timings_ms"} <= set(answer)
    assert set(answer["citations"][0]) >= {"n", "document", "title", "page", "section", "chunk_id", "quote"}
    assert set(answer["timings_ms"]) == {"retrieve", "generate", "total"}


def test_batch_mode_matches_single_mode(indexed_settings) -> None:
    batch = run(["ask", "--json", "-"], indexed_settings, stdin="\n".join(QUESTIONS) + "\n")
    assert batch.returncode == 0, batch.stderr
    answers = [json.loads(line) for line in batch.stdout.strip().split("\n")]
    assert [a["question"] for a in answers] == QUESTIONS
    for question, answer in zip(QUESTIONS, answers):
        single = json.loads(run(["ask", "--json", question], indexed_settings).stdout)
        assert _stable(single) == _stable(answer)
    assert answers[2]["abstained"] is True


def test_human_output_and_filter_errors(indexed_settings) -> None:
    result = run(["ask", "Est-ce que Rueil-Malmaison participe ?"], indexed_settings)
    assert result.returncode == 0 and "Reuil Malmaison" in result.stdout and "[1]" in result.stdout
    bad = run(["ask", "x", "--filter", "couleur=bleu"], indexed_settings)
    assert bad.returncode == 2 and "filtre invalide" in bad.stderr


def test_empty_question_is_refused(indexed_settings) -> None:
    result = run(["ask", "  "], indexed_settings)
    assert result.returncode == 2 and "vide" in result.stderr


def test_ask_without_index_says_what_to_do(tmp_path) -> None:
    env = {**os.environ, "MGP_DATA_DIR": str(tmp_path / "vide")}
    result = subprocess.run(CLI + ["ask", "Bonjour ?"], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 1 and "mgp-assistant ingest" in result.stderr


def test_chat_keeps_the_conversation(indexed_settings) -> None:
    result = run(["chat"], indexed_settings, stdin="Est-ce que Vincennes participe ?\net Sceaux ?\nquitter\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Oui") >= 2 and "Sceaux" in result.stdout
