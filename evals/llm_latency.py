"""Time to first token and answer time of the configured language-model backend, through the public
API, on questions that go to the model (passage questions of the test set, not facts nor
abstentions). Prints the figures; ``python -m evals.llm_latency [--questions N]``.

The first question pays the model load (llama.cpp) or the connection; it is reported apart.
"""

from __future__ import annotations

import argparse
import json
import time

from assistant.services import build_assistant
from assistant.config import get_settings
from assistant.schemas import Answer, AskRequest
from evals.metrics import percentile
from evals.schema import DEFAULT_TESTSET, load_testset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args()
    settings = get_settings()
    started = time.perf_counter()
    assistant = build_assistant(settings)
    setup = time.perf_counter() - started
    cases = [c for c in load_testset(DEFAULT_TESTSET).cases if not c.must_abstain and not c.history]
    rows = []
    for case in cases:
        if len(rows) >= args.questions:
            break
        t0 = time.perf_counter()
        first = None
        answer = None
        for event in assistant.ask_stream(AskRequest(question=case.question)):
            if isinstance(event, Answer):
                answer = event
            elif first is None:
                first = time.perf_counter() - t0
        if answer is None or first is None:  # answered from the records, or abstained: no model call
            continue
        rows.append({"id": case.id, "first_token_s": round(first, 3), "answer_s": round(time.perf_counter() - t0, 3),
                     "generator": answer.generator, "fallback": answer.fallback is not None})
    if not rows:
        print("Aucune question n'a appelé le modèle (MGP_LLM_BACKEND=extractive ?).")
        return
    cold, warm = rows[0], rows[1:] or rows
    summary = {
        "backend": settings.llm_backend, "model": assistant.generator.name, "questions": len(rows),
        "setup_s": round(setup, 3),
        "cold_first_token_s": cold["first_token_s"],
        "first_token_p50_s": round(percentile([r["first_token_s"] for r in warm], 0.5), 3),
        "first_token_p95_s": round(percentile([r["first_token_s"] for r in warm], 0.95), 3),
        "answer_p50_s": round(percentile([r["answer_s"] for r in warm], 0.5), 3),
        "answer_p95_s": round(percentile([r["answer_s"] for r in warm], 0.95), 3),
        "fallback_rate": round(sum(r["fallback"] for r in rows) / len(rows), 3),
        "max_tokens": settings.llm_max_tokens, "threads": settings.llm_threads,
    }
    print(json.dumps({"summary": summary, "questions": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
