"""Evaluation: schema, metrics, report, comparison, and the quality gate on the bundled corpus."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evals.metrics import fact_found, forbidden_found, retrieval_scores
from evals.schema import DEFAULT_TESTSET, SourcePassage, EvalSetError, case_split, load_testset

# Quality gate: just below the figures measured on the bundled corpus (see README), never below the
# floors the programme team asked for (recall@5 0.9, fact accuracy 0.85, quote fidelity 1.0,
# abstention recall 0.9).
GATE = {
    "recall@5": 0.97,  # measured 0.994 (test half 0.990)
    "fact_accuracy": 0.92,  # measured 0.951 (test half 0.922), without the word lists fitted to our files
    "quote_fidelity": 1.0,  # measured 1.0
    "abstention_recall": 0.95,  # measured 1.0 (21 cases: one miss fails the gate)
    "abstention_precision": 0.78,  # measured 0.895
    "citation_precision": 0.90,  # measured 0.912
}
# Gate on the evaluation corpora of evals/corpora/ (bundled documents + the corpus's own), checked on
# all cases and on the held-out « test » half: just below the figures measured after the answer-path
# rewrite (a regression guard, far from the targets of issue 14: see its closing note), and at least
# 1.5 times the naive LangChain baseline's fact accuracy in the same run.
CORPUS_GATE = {
    # measured all / test: fact accuracy 0.686 / 0.672, recall@5 0.833 / 0.840, abstention 0.576 / 0.353
    "multi": {"fact_accuracy": 0.64, "recall@5": 0.80, "abstention_recall": 0.33},
}
VS_BASELINE = 1.5  # measured: 2.69 on the bundled corpus, 1.88 on multi


def halves_line(summary) -> str:
    """The key figures on all cases, each half and the baseline, for the test log."""
    keys = ("fact_accuracy", "answerable_correct", "recall@5", "abstention_recall", "abstention_precision", "pass_rate")
    parts = [f"{name}: " + ", ".join(f"{k} {m[k]:.3f}" for k in keys if k in m) + f" ({int(m['cases'])} cas)"
             for name, m in (("tous", summary.metrics), *summary.per_split.items())]
    if summary.baseline:
        base = summary.baseline
        parts.append("référence naïve: " + ", ".join(f"{h} {m['fact_accuracy']:.3f} / {m['recall@5']:.3f}"
                                                    for h, m in (("tous", base), *base["per_split"].items()))
                     + " (fact_accuracy / recall@5)")
    return "\n".join(parts)


def test_the_curated_set_is_valid_and_covers_every_category() -> None:
    testset = load_testset()
    assert len(testset.cases) >= 80
    categories = {c.category for c in testset.cases}
    assert categories == {"factual", "list", "membership_yes", "membership_no", "fuzzy_name", "paraphrase",
                          "multi_hop", "follow_up", "out_of_corpus", "adversarial"}
    assert sum(c.language == "en" for c in testset.cases) >= 3
    assert all(c.history for c in testset.cases if c.category == "follow_up")


def test_the_halves_are_fixed_by_the_case_id_and_balanced() -> None:
    # Computed once with the fixed seed: a change of seed or hash would move cases between halves.
    known = {"fact-president": "test", "fact-secretary": "dev", "fact-session-date": "test", "oc-weather": "dev",
             "p1": "test", "p2": "dev"}
    assert {i: case_split(i) for i in known} == known
    cases = load_testset().cases
    assert all(c.split == case_split(c.id) for c in cases)
    share = sum(c.split == "dev" for c in cases) / len(cases)
    assert 0.4 <= share <= 0.6, share
    assert "split" not in cases[0].model_dump()  # computed, never a YAML field
    testset = load_testset()
    dev, test = testset.only("dev").cases, testset.only("test").cases
    assert len(dev) + len(test) == len(cases) and {c.split for c in dev} == {"dev"} and {c.split for c in test} == {"test"}
    with pytest.raises(EvalSetError, match="moitié"):
        testset.only("train")


def test_every_source_passage_is_in_the_corpus() -> None:
    from evals.metrics import normalise

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    texts = {p.stem: normalise(p.read_text(encoding="utf-8")) for p in corpus.glob("*.md")}
    for case in load_testset().cases:
        for source in case.sources:
            assert normalise(source.passage) in texts[source.document], (case.id, source.passage)


@pytest.mark.parametrize(
    "case, message",
    [
        ("{id: a, question: q, category: nope, expected_facts: [x], sources: [{document: d, passage: ppp}]}", "category"),
        ("{id: b, question: q, category: factual, must_abstain: true, expected_facts: [x]}", "abstention"),
        ("{id: c, question: q, category: factual, expected_facts: [x]}", "sources"),
        ("{id: d, question: q, category: factual}", "expected_facts"),
    ],
)
def test_a_malformed_case_is_named(tmp_path, case, message) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(f"cases:\n  - {case}\n", encoding="utf-8")
    with pytest.raises(EvalSetError) as error:
        load_testset(path)
    text = str(error.value)
    assert f"« {case[5]} »" in text and message in text and str(path) in text


def test_duplicate_ids_are_refused(tmp_path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text("cases:\n" + "  - {id: x, question: q, category: out_of_corpus, must_abstain: true}\n" * 2, encoding="utf-8")
    with pytest.raises(EvalSetError, match="double"):
        load_testset(path)


def test_retrieval_metrics_on_a_known_ranking() -> None:
    sources = [SourcePassage(document="doc", passage="alpha beta"), SourcePassage(document="doc", passage="gamma")]
    ranked = [("doc.md", "rien"), ("doc.pdf", "… Alpha  BÉTA …"), ("autre.md", "gamma"), ("doc.md", "gamma delta")]
    scores = retrieval_scores(ranked, sources)
    assert scores["recall@1"] == 0.0 and scores["recall@3"] == 0.5 and scores["recall@5"] == 1.0
    assert scores["rr"] == 0.5
    assert 0.0 < scores["ndcg@10"] < 1.0


def test_context_recall_checks_literal_facts_and_the_gold_passage_of_yes_no_cases() -> None:
    from evals.metrics import context_hit, normalise
    from evals.schema import EvalCase

    corpus = normalise("Présidente de séance : Sylvie DARRIEUX-MOREL. Les communes retenues : Bobigny, Pantin.")
    factual = EvalCase(id="f", question="Qui présidait ?", category="factual", expected_facts=[["DARRIEUX-MOREL"]],
                       sources=[SourcePassage(document="acte", passage="Présidente de séance")])
    assert context_hit([("acte.pdf", "… Sylvie DARRIEUX-MOREL …")], factual, corpus)
    assert not context_hit([("acte.pdf", "Présidente de séance :")], factual, corpus)  # the name is not there
    yes = EvalCase(id="y", question="Pantin est-elle retenue ?", category="membership_yes", expected_facts=[["oui"]],
                   sources=[SourcePassage(document="acte", passage="Les communes retenues : Bobigny, Pantin")])
    assert context_hit([("acte.md", "x. Les communes retenues : Bobigny, Pantin.")], yes, corpus)
    assert not context_hit([("acte.md", "oui, oui")], yes, corpus)  # « oui » says nothing of the evidence
    assert not context_hit([("autre.md", "Les communes retenues : Bobigny, Pantin.")], yes, corpus)  # another document


def test_fact_matching_ignores_case_and_accents_but_not_words() -> None:
    assert fact_found("Présidée par Patrick OLLIER.", ["patrick ollier"])
    assert fact_found("le 24 juin 2025", ["24 JUIN 2025", "2025-06-24"])
    assert not fact_found("le 24 juillet 2025", ["24 juin 2025"])
    assert forbidden_found("Oui. Bobigny figure", ["Oui"]) == ["Oui"]
    assert forbidden_found("Louis n'apparaît pas", ["Oui"]) == []


@pytest.fixture(scope="module")
def evaluation(indexed_settings, assistant, tmp_path_factory):
    from evals.pipeline import evaluate

    out = tmp_path_factory.mktemp("eval")
    return evaluate(indexed_settings, out=out, assistant=assistant, baseline=True)


def test_quality_gate(evaluation) -> None:
    summary, results, _, _ = evaluation
    print(f"\ncorpus fourni\n{halves_line(summary)}")
    failures = {k: summary.metrics[k] for k, floor in GATE.items() if summary.metrics[k] < floor}
    assert not failures, f"quality below the gate: {failures}; failed cases: {summary.failed}"
    assert summary.flat()["vs_baseline"] >= VS_BASELINE, summary.flat()["vs_baseline"]
    assert summary.metrics["cases"] == len(load_testset(DEFAULT_TESTSET).cases) == len(results)


def test_report_and_files(evaluation) -> None:
    summary, results, folder, _ = evaluation
    page = (folder / "report.html").read_text(encoding="utf-8")
    for heading in ("En bref", "Par type de question", "Temps de réponse", "Cas échoués", "<svg",
                    "Par moitié du jeu de test", "Référence naïve LangChain", "Ce que couvre l'évaluation",
                    "Jeu de test evals/testset.yaml (99 cas) sur l'index « fourni » de 3 document(s)"):
        assert heading in page, heading
    for document in summary.corpus["documents"]:
        assert document["title"] in page
    assert len(summary.corpus["documents"]) == 3 and set(summary.per_split) == {"dev", "test"}
    # Each case names the documents it is about: every bundled document is covered.
    assert all(d["cases"] > 0 for d in summary.corpus["documents"]), summary.corpus["documents"]
    assert summary.baseline["per_split"]["dev"]["cases"] == summary.per_split["dev"]["cases"]
    for failed in summary.failed:
        assert failed in page
    assert "http://" not in page and "https://" not in page  # self-contained
    stored = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert len(stored) == len(results)
    assert json.loads((folder / "summary.json").read_text(encoding="utf-8"))["run_id"] == summary.run_id


def test_compare_reports_better_and_worse_cases(evaluation, indexed_settings, tmp_path) -> None:
    from evals.pipeline import compare, load_run

    summary, results, folder, _ = evaluation
    previous_summary, previous_results = load_run(folder)
    flipped = [r.model_copy(update={"passed": not r.passed}) for r in previous_results]
    comparison = compare((previous_summary, flipped), summary, results)
    assert set(comparison["better"]) == {r.id for r in results if r.passed}
    assert set(comparison["worse"]) == {r.id for r in results if not r.passed}
    assert comparison["metrics"]["fact_accuracy"]["delta"] == 0


def test_eval_cli_json_and_history(indexed_settings, tmp_path) -> None:
    env = {**os.environ, "MGP_CORPUS_DIR": str(indexed_settings.corpus_dir), "MGP_DATA_DIR": str(indexed_settings.data_dir)}
    subset = tmp_path / "petit.yaml"
    subset.write_text(
        "cases:\n"
        "  - {id: p1, question: 'Qui a présidé la séance ?', category: factual, expected_facts: [[Patrick OLLIER]],"
        " sources: [{document: BM2025-06-24-12_deliberation_bureau, passage: 'PRÉSIDENT DE SÉANCE'}]}\n"
        "  - {id: p2, question: 'Quel temps fera-t-il demain ?', category: out_of_corpus, must_abstain: true}\n",
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "ui.cli", "eval", "--testset", str(subset), "--json"]
    first = subprocess.run(cmd + ["--out", str(tmp_path / "r1")], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    for key in ("recall@1", "recall@3", "recall@5", "recall@10", "mrr", "ndcg@10", "fact_accuracy", "citation_precision",
                "quote_fidelity", "abstention_precision", "abstention_recall", "latency_p50_ms", "latency_p95_ms", "cases"):
        assert key in summary
    assert summary["cases"] == 2 and summary["fact_accuracy"] == 1.0
    for key in ("answerable_correct", "out_of_corpus_abstained", "dev_fact_accuracy", "test_fact_accuracy",
                "dev_recall@5", "test_abstention_recall", "dev_pass_rate", "test_answerable_correct",
                "dev_out_of_corpus_abstained", "baseline_fact_accuracy", "baseline_recall@5", "vs_baseline"):
        assert key in summary, key
    assert summary["corpus"] == "fourni" and summary["split"] == "all"
    # What the generator is handed: p1's evidence (« Patrick OLLIER ») at every budget, ours and the baseline's.
    for budget in (4000, 6000, 12000):
        assert summary[f"context_recall@{budget}"] == 1.0, budget
        assert 0 < summary[f"context_chars@{budget}"] <= budget + 1000
        assert summary[f"baseline_context_recall@{budget}"] is not None
    assert "rappel du contexte" in (tmp_path / "r1" / "report.html").read_text(encoding="utf-8")
    assert summary["test_fact_accuracy"] == 1.0 and summary["dev_abstention_recall"] == 1.0  # p1 is « test », p2 « dev »
    assert summary["baseline_fact_accuracy"] is not None
    assert summary["vs_baseline"] == (round(1.0 / summary["baseline_fact_accuracy"], 2) if summary["baseline_fact_accuracy"] else None)
    only_dev = subprocess.run(cmd + ["--split", "dev", "--no-baseline", "--out", str(tmp_path / "dev")],
                              capture_output=True, text=True, env=env, timeout=300)
    assert only_dev.returncode == 0, only_dev.stderr
    dev = json.loads(only_dev.stdout)
    assert dev["cases"] == 1 and dev["failed"] in ([], ["p2"]) and dev["test_fact_accuracy"] is None
    assert dev["baseline_fact_accuracy"] is None
    second = subprocess.run(cmd + ["--out", str(tmp_path / "r2"), "--compare", str(tmp_path / "r1")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "r2" / "comparison.json").exists()
    history = (indexed_settings.data_dir / "evals" / "history.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(history) >= 2
    bad = subprocess.run([sys.executable, "-m", "ui.cli", "eval", "--testset", str(tmp_path / "absent.yaml")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 1 and "absent.yaml" in bad.stderr


def test_ablation_table_orders_configurations_by_quality() -> None:
    from evals.pipeline import ablation_table

    row = {"embedding": "e", "chunk_size": 600, "k": 3, "fusion": "hybride", "abstain_min_coverage": 0.6,
           "fact_accuracy": 0.5, "recall@5": 0.5, "mrr": 0.5, "abstention_recall": 1.0, "abstention_precision": 1.0,
           "pass_rate": 0.5, "latency_p95_ms": 10.0}
    better = {**row, "embedding": "f", "pass_rate": 0.9}
    table = ablation_table([row, better]).splitlines()
    assert table[2].startswith("| f |") and table[3].startswith("| e |")


@pytest.mark.parametrize("name", sorted(CORPUS_GATE))
def test_corpus_gate(name, indexed_settings, embeddings, tmp_path_factory) -> None:
    """The gate on a corpus nobody tuned for; skipped while its folder is not written yet."""
    from assistant.services import build_assistant
    from evals.corpora import available_corpora, prepare_corpus
    from evals.pipeline import evaluate

    if name not in available_corpora():
        pytest.skip(f"evals/corpora/{name}/ (documents/ et testset.yaml) n'existe pas encore")
    prepared = prepare_corpus(name, indexed_settings, embeddings=embeddings)
    assert prepared.report.failed == [], prepared.report.failed
    summary, _, _, _ = evaluate(prepared.settings, testset=prepared.testset, out=tmp_path_factory.mktemp(name),
                                assistant=build_assistant(prepared.settings, embeddings=embeddings), baseline=True,
                                record_history=False, corpus=name)
    print(f"\ncorpus {name}\n{halves_line(summary)}")
    failures = {f"{half}:{k}": m[k] for half, m in (("tous", summary.metrics), ("test", summary.per_split.get("test", {})))
                for k, floor in CORPUS_GATE[name].items() if k in m and m[k] < floor}
    assert not failures, f"quality below the gate on {name}: {failures}; failed cases: {summary.failed}"
    assert summary.flat()["vs_baseline"] >= VS_BASELINE, summary.flat()["vs_baseline"]


def test_cases_added_by_the_team_are_checked_against_the_documents(assistant, tmp_path) -> None:
    from assistant.config import Settings
    from evals.local_cases import add_case, local_cases
    from evals.schema import EvalSetError

    settings = Settings(corpus_dir=tmp_path, data_dir=tmp_path / "data", _env_file=None)
    view = assistant.index.current()
    act = "BM2025-06-24-12_deliberation_bureau.md"
    with pytest.raises(EvalSetError, match="Passage"):
        add_case(settings, view, "Qui présidait la séance ?", "Patrick OLLIER", act, "Patrick OLLIER présidait tout")
    with pytest.raises(EvalSetError, match="Faits attendus.*QUENTIN"):
        add_case(settings, view, "Qui présidait la séance ?", "QUENTIN GESELL", act, "PRÉSIDENT DE SÉANCE : Patrick OLLIER")
    with pytest.raises(EvalSetError, match="Document"):
        add_case(settings, view, "Qui présidait la séance ?", "Patrick OLLIER", "absent.pdf", "Patrick OLLIER")
    case = add_case(settings, view, "Qui présidait la séance ?", "Patrick OLLIER | P. OLLIER", act,
                    "PRÉSIDENT DE SÉANCE : Patrick OLLIER")
    assert case.expected_facts == [["Patrick OLLIER", "P. OLLIER"]] and case.sources[0].document == act[:-3]
    add_case(settings, view, "Quel temps fera-t-il demain ?", "", "", "", outside=True)
    assert [c.must_abstain for c in local_cases(settings)] == [False, True]
    with pytest.raises(EvalSetError, match="déjà"):
        add_case(settings, view, "Qui présidait la séance ?", "Patrick OLLIER", act, "PRÉSIDENT DE SÉANCE : Patrick OLLIER")
