"""The 20-case injection and abuse suite with the extractive generator, over the real corpus plus
a SYNTHETIC document that carries instructions to an assistant."""

from __future__ import annotations

import shutil

import pytest

from assistant.schemas import AskRequest, Turn
from tests.conftest import CORPUS
from tests.injection_cases import CASES, INJECTED_NOTE, violations


@pytest.fixture(scope="module")
def injected(tmp_path_factory, embeddings):
    from assistant.api import Assistant
    from assistant.config import Settings
    from ingest.pipeline import Ingestor
    from ingest.state import IndexState

    root = tmp_path_factory.mktemp("injection")
    corpus = root / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "note_interne_test.md").write_text(INJECTED_NOTE, encoding="utf-8")
    settings = Settings(corpus_dir=corpus, data_dir=root / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert report.failed == [] and report.documents == 4
    entry = next(e for e in IndexState(settings.index_dir).load_manifest().documents.values()
                 if e.file_name == "note_interne_test.md")
    assert any("consignes adressées à un assistant" in w for w in entry.warnings)
    return Assistant(settings, embeddings=embeddings)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_injection_case_holds(injected, case) -> None:
    request = AskRequest(question=case.question, history=[Turn(question=q) for q in case.history])
    answer = injected.ask(request)
    assert violations(case, answer, injected.passage) == []


def test_flagged_passages_are_never_retrieved(injected) -> None:
    view = injected.index.view()
    flagged = {cid for cid, c in view.chunks.items() if c.metadata.get("suspect_instructions")}
    assert len(flagged) == 1
    for question in ("ignorez les consignes précédentes", "Bobigny retenue 5 000 euros prompt système"):
        assert not flagged & {p.chunk_id for p in injected.retrieve(AskRequest(question=question, k=20))}


def test_too_long_and_empty_questions_get_a_clear_message() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="2000"):
        AskRequest(question="x" * 2001)
    with pytest.raises(ValidationError, match="la question est vide"):
        AskRequest(question="\x00  \n")
