"""Turn the users' 👍 / 👎 feedback into draft test cases (the evaluation's YAML format)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

PLACEHOLDER = "À COMPLÉTER"


def feedback_to_cases(feedback_file: Path) -> list[dict]:
    """One draft case per distinct question. A liked answer keeps its cited passages as sources and
    asks the reviewer to write the expected fact; an abstention that was liked becomes an abstention
    case; a disliked answer keeps the user's comment so the reviewer can write the right answer."""
    cases: dict[str, dict] = {}
    if not feedback_file.exists():
        return []
    for line in feedback_file.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        question = record["question"].strip()
        case_id = f"feedback-{record['answer_id'][:10]}"
        if record["abstained"] and record["rating"] == "up":
            case = {"id": case_id, "question": question, "category": "out_of_corpus", "must_abstain": True}
        else:
            sources = [{"document": Path(c["document"]).stem, "passage": " ".join(c["quote"].split())[:300]}
                       for c in record.get("citations", [])] or [{"document": PLACEHOLDER, "passage": PLACEHOLDER}]
            case = {"id": case_id, "question": question, "category": "paraphrase",
                    "expected_facts": [[PLACEHOLDER]], "sources": sources}
        case["feedback"] = {"rating": record["rating"], "comment": record.get("comment", ""), "time": record["time"],
                            "answer": record["answer"][:500]}
        cases[question.lower()] = case
    return list(cases.values())


def export_feedback(feedback_file: Path, out: Path) -> int:
    cases = feedback_to_cases(feedback_file)
    header = (
        "# Draft test cases exported from user feedback. Review each one: replace « À COMPLÉTER » with the\n"
        "# expected facts (from the corpus), check the category and sources, delete the « feedback » block,\n"
        "# then move the case into evals/testset.yaml.\n"
    )
    out.write_text(header + yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return len(cases)
