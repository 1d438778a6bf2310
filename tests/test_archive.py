"""The SYNTHETIC archive of evals/archive.py and the questions drawn from its facts.

Checks what the archive benchmark relies on: the same seed gives the same facts, questions and bytes;
every document says it is synthetic; the project's own loaders read every fact and every source passage
verbatim; the out-of-archive questions really ask about nothing the archive holds; and a small archive
goes through the real ingestion, the assistant and the eval runner. Every document is invented.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import lru_cache
from pathlib import Path

import pytest

from evals.archive import (
    SYNTH, WEEKDAYS_FR, _plan, archive_questions, build, date_fr, euros, expected_documents, write_archive,
)
from evals.metrics import normalise
from evals.schema import case_split, load_testset
from ingest.loaders import load_file

MARK = normalise("SYNTHÉTIQUE")


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """25 documents and their test set (10 cases of each kind at most)."""
    folder = tmp_path_factory.mktemp("archive")
    archive, evalset = build(folder, 25, per_kind=10, seed=7)
    return folder, archive, evalset


@lru_cache(maxsize=None)
def loaded(path: Path):
    return load_file(path)


def text_of(folder: Path, file: str) -> str:
    return normalise(loaded(folder / "documents" / file).text)


def test_same_seed_same_archive_questions_and_bytes(small, tmp_path):
    folder, archive, evalset = small
    again, again_set = build(tmp_path, 25, per_kind=10, seed=7)
    assert again.model_dump() == archive.model_dump()
    assert (tmp_path / "testset.yaml").read_text(encoding="utf-8") == (folder / "testset.yaml").read_text(encoding="utf-8")
    assert [c.id for c in again_set.cases] == [c.id for c in evalset.cases]
    files = sorted(p.name for p in (folder / "documents").iterdir())
    assert files == sorted(p.name for p in (tmp_path / "documents").iterdir()) == sorted(a.file for a in archive.acts)
    for name in files:
        assert (folder / "documents" / name).read_bytes() == (tmp_path / "documents" / name).read_bytes(), name
    other = write_archive(tmp_path / "other", 25, seed=8)
    assert [a.reference for a in other.acts] != [a.reference for a in archive.acts]


def test_archive_json_is_the_returned_facts(small):
    folder, archive, _ = small
    assert json.loads((folder / "archive.json").read_text(encoding="utf-8")) == json.loads(archive.model_dump_json())


def test_every_document_says_it_is_synthetic(small):
    from docx import Document
    from pypdf import PdfReader

    folder, archive, _ = small
    for act in archive.acts:
        path = folder / "documents" / act.file
        doc = loaded(path)
        assert doc.text.lstrip().split("\n", 1)[0] == SYNTH, act.file
        assert MARK in normalise(doc.title or ""), act.file
        subject = (PdfReader(str(path)).metadata or {}).get("/Subject", "") if act.format == "pdf" else Document(
            str(path)).core_properties.subject
        assert MARK in normalise(subject), act.file


def test_facts_are_read_verbatim_by_the_loaders(small):
    folder, archive, _ = small
    assert Counter(a.format for a in archive.acts)["docx"] >= 1
    for act in archive.acts:
        text = text_of(folder, act.file)
        for key, passage in act.passages.items():
            assert normalise(passage) in text, (act.file, key, passage)
        expected = [*act.beneficiaries, *(f.passage for f in act.rules)]
        if act.reference:
            seance = next(s for s in archive.seances if s.date == act.seance_date)
            assert seance.date.weekday() < 5 and act.reference in seance.references
            assert act.president == seance.president.name
            expected += [act.reference, act.president, act.secretary, act.vote.text,
                         f"{WEEKDAYS_FR[seance.date.weekday()]} {date_fr(seance.date)}", date_fr(act.convocation_date)]
        if act.kind == "subsidy":
            expected += [euros(act.amount), act.commune, act.project]
        if act.appointee:
            expected.append(act.appointee)
        for fact in expected:
            assert normalise(fact) in text, (act.file, fact)


def test_votes_add_up_to_the_members_present(small):
    _, archive, _ = small
    for act in archive.acts:
        if act.vote and not act.vote.unanimous:
            assert act.vote.pour + act.vote.contre + act.vote.abstentions == act.present <= act.councillors


def test_every_case_has_its_passage_and_facts_in_its_act(small):
    folder, archive, evalset = small
    ids = [c.id for c in evalset.cases]
    assert len(ids) == len(set(ids))
    categories = Counter(c.category for c in evalset.cases)
    for category in ("factual", "right_act", "membership_yes", "membership_no", "rules", "out_of_corpus"):
        assert categories[category] >= 2, categories
    assert {case_split(i) for i in ids} == {"dev", "test"}
    files = {a.file for a in archive.acts}
    for case in evalset.cases:
        if case.must_abstain:
            assert not case.sources and not case.expected_facts
            continue
        assert expected_documents(case) and set(expected_documents(case)) <= files
        texts = [text_of(folder, s.document) for s in case.sources]
        for source, text in zip(case.sources, texts):
            assert normalise(source.passage) in text, (case.id, source.passage)
        for variants in case.expected_facts:
            assert any(normalise(v) in t for v in variants for t in texts), (case.id, variants)
        if case.category == "membership_no":  # « Paris » is in every act's text, never in a list
            name = case.forbidden[0].removeprefix("Oui, ")
            assert all(name not in archive.act(s.document).beneficiaries for s in case.sources), case.id


def test_out_of_archive_cases_ask_about_nothing_the_archive_holds(small):
    folder, archive, evalset = small
    everything = " ".join(text_of(folder, a.file) for a in archive.acts)
    seance_dates = {s.date for s in archive.seances}
    kinds = Counter()
    for case in (c for c in evalset.cases if c.must_abstain):
        kind = case.id.split("-")[2]
        kinds[kind] += 1
        if kind == "date":
            day = dt.date.fromisoformat(case.id.removeprefix("a-ooc-date-"))
            assert day not in seance_dates and normalise(date_fr(day)) not in everything, case.id
        elif kind == "ref":
            reference = next(w for w in case.question.split() if w[:2] in ("BM", "CM"))
            assert reference not in {a.reference for a in archive.acts} and normalise(reference) not in everything
        elif kind == "track":
            track = next(t for t in archive.absent_tracks if t in case.question)
            assert track not in archive.tracks and normalise(track.removeprefix("IA-")) not in everything
        else:
            subject = next(s for s in archive.absent_subjects if s in case.question)
            assert normalise(subject.split(" ", 1)[1]) not in everything
    assert set(kinds) == {"date", "ref", "track", "subject"}


def test_testset_file_round_trips(small):
    folder, _, evalset = small
    text = (folder / "testset.yaml").read_text(encoding="utf-8")
    assert text.startswith("#") and "SYNTHETIC" in text.split("cases:")[0]
    assert load_testset(folder / "testset.yaml").model_dump() == evalset.model_dump()


def test_questions_are_not_one_template(small):
    _, _, evalset = small
    openings = Counter(" ".join(c.question.split()[:3]) for c in evalset.cases)
    assert len(openings) >= 15
    assert openings.most_common(1)[0][1] <= len(evalset.cases) // 5


def test_five_years_plan():
    """1,500 acts: five years of séances of 1 to 30 acts, references numbered in séance order, ~5 % rules."""
    _, acts, seances, _ = _plan(1500, 7)
    assert len(acts) == 1500
    assert {s.date.year for s in seances} == {2021, 2022, 2023, 2024, 2025}
    assert all(1 <= len(s.references) <= 30 and s.date.weekday() < 5 and s.convocation < s.date for s in seances)
    assert sum(len(s.references) == 1 for s in seances) >= 10  # who presided « the séance of date D »: one act holds it
    for s in seances:
        assert s.references == [f"{s.organ}{s.date:%Y/%m/%d}/{n:02d}" for n in range(1, len(s.references) + 1)]
    kinds = Counter(a.kind for a in acts)
    assert 0.02 <= (kinds["reglement"] + kinds["convention_model"]) / len(acts) <= 0.08
    assert kinds["track_wave"] >= 5 and kinds["track_opening"] >= 15
    assert len({a.file for a in acts}) == len(acts)


@pytest.mark.slow
def test_small_archive_through_the_real_pipeline(tmp_path, embeddings):
    """About 20 acts ingested and asked with the real model: the eval runs and measures (no quality bar)."""
    from assistant.config import Settings
    from assistant.services import build_assistant
    from evals.runner import run_eval
    from ingest.pipeline import Ingestor

    archive = write_archive(tmp_path / "archive", 20, seed=7)
    evalset = archive_questions(archive, per_kind=1, seed=7)
    settings = Settings(corpus_dir=tmp_path / "archive" / "documents", data_dir=tmp_path / "data", _env_file=None)
    report = Ingestor(settings, embeddings=embeddings).run()
    assert not report.failed and report.chunks > len(archive.acts)
    results, summary = run_eval(build_assistant(settings, embeddings=embeddings), evalset)
    assert len(results) == len(evalset.cases)
    for key in ("recall@5", "fact_accuracy", "abstention_recall", "pass_rate"):
        assert 0.0 <= summary.metrics[key] <= 1.0
    assert all(r.retrieval is not None for r in results if not r.must_abstain)
    assert "out_of_corpus" in summary.per_category
