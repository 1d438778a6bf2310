"""Test cases the metropolitan team adds from the Évaluations tab for documents the test set does
not cover yet: a question, its expected facts and the passage of an indexed document that holds
them (or a question the documents must not answer). Kept in the data folder
(``evals/cas_ajoutes.yaml``, the test set's format), run with the test set by the tab."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import ValidationError

from assistant.config import Settings
from assistant.generation import find_quote
from assistant.index import Generation
from evals.schema import EvalCase, EvalSetError, load_testset

FILE_NAME = "cas_ajoutes.yaml"


def local_cases_file(settings: Settings) -> Path:
    return settings.data_dir / "evals" / FILE_NAME


def local_cases(settings: Settings) -> list[EvalCase]:
    """The cases added so far (none when the file does not exist)."""
    path = local_cases_file(settings)
    return load_testset(path).cases if path.is_file() else []


def _facts(text: str) -> list[list[str]]:
    """One fact per line, its accepted variants separated by « | »."""
    facts = []
    for line in (text or "").splitlines():
        variants = [v.strip() for v in line.split("|") if v.strip()]
        if variants:
            facts.append(variants)
    return facts


def _document_text(view: Generation, file_name: str) -> str | None:
    """The indexed text of the document whose file is ``file_name`` (its chunks, in order)."""
    chunks = sorted((c for c in view.chunks.values() if Path(str(c.metadata.get("doc_id", ""))).name == file_name),
                    key=lambda c: c.metadata.get("ordinal", 0))
    return "\n".join(c.text for c in chunks) if chunks else None


def add_case(settings: Settings, view: Generation, question: str, facts: str, document: str, passage: str,
             outside: bool = False) -> EvalCase:
    """Check and append one case; :class:`EvalSetError` names the field that is wrong, in French."""
    question = " ".join((question or "").split())
    if len(question) < 5:
        raise EvalSetError("Question : écrivez la question telle qu'un agent la poserait.")
    expected = _facts(facts)
    if outside:
        if expected or (passage or "").strip():
            raise EvalSetError("Hors corpus : une question à laquelle les documents ne répondent pas n'a ni faits "
                               "attendus ni passage.")
        fields = {"category": "out_of_corpus", "must_abstain": True}
    else:
        if not expected:
            raise EvalSetError("Faits attendus : au moins un, un par ligne (variantes séparées par « | »).")
        text = _document_text(view, document or "")
        if text is None:
            raise EvalSetError("Document : choisissez un document indexé.")
        passage = " ".join((passage or "").split())
        if len(passage) < 3 or find_quote(passage, text) is None:
            raise EvalSetError(f"Passage : à copier mot pour mot depuis « {document} » (introuvable tel quel).")
        missing = [variants[0] for variants in expected if not any(v.casefold() in passage.casefold() for v in variants)]
        if missing:
            raise EvalSetError(f"Faits attendus : absents du passage cité ({', '.join(missing)}).")
        fields = {"category": "factual", "expected_facts": expected,
                  "sources": [{"document": Path(document).stem, "passage": passage}]}
    existing = local_cases(settings)
    digest = hashlib.sha256(question.casefold().encode()).hexdigest()[:8]
    try:
        case = EvalCase.model_validate({"id": f"ajout-{digest}", "question": question, **fields})
    except ValidationError as exc:
        raise EvalSetError("Cas invalide : " + exc.errors()[0]["msg"].removeprefix("Value error, ")) from None
    if any(c.id == case.id for c in existing):
        raise EvalSetError("Question : ce cas a déjà été ajouté.")
    path = local_cases_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    cases = [c.model_dump(mode="json", exclude_defaults=True) for c in [*existing, case]]
    header = "# Cas de test ajoutés depuis l'onglet Évaluations (format de evals/testset.yaml).\n"
    path.write_text(header + yaml.safe_dump({"cases": cases}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return case
