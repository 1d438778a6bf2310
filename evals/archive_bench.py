"""The archive benchmark: years of SYNTHETIC acts (``evals/archive.py``) rendered as PDF and DOCX,
ingested through the real pipeline with the **real** default embedding model, then asked questions
drawn from the archive's own facts. It measures what the 100k synthetic-vector index cannot:
whether the right act is still found among thousands of similar ones.

Measured in one run: ingestion end-to-end (passages/s) against the model's own throughput on the
same texts (the seconds spent inside the model's calls during that ingestion), recall@5, fact
accuracy, abstention, wrong-act answers, answer latency, and the time to commit one new act into
the archive and answer about it.

``python -m evals.archive_bench --acts 1500 --dir D`` prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.components.embeddings import MGPEmbeddings, build_embeddings
from assistant.config import Settings
from assistant.index_store import GenerationStore
from assistant.services import build_assistant
from evals.archive import archive_questions, expected_documents, write_archive, write_testset
from evals.ports import free_port, wait_for_port
from evals.metrics import percentile
from evals.runner import CaseResult, run_eval
from evals.schema import EvalSet
from ingest.pipeline import Ingestor

Progress = Callable[[str], None]
REPO = Path(__file__).resolve().parent.parent


class TimedEmbeddings(MGPEmbeddings):
    """The real model, with the time spent inside its calls counted (same identity, same vectors)."""

    def __init__(self, model: MGPEmbeddings) -> None:
        self.model = model
        self.seconds = 0.0
        self.texts = 0
        self._lock = threading.Lock()

    @property
    def embedding_id(self) -> str:
        return self.model.embedding_id

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        started = time.perf_counter()
        vectors = self.model.embed_documents(texts)
        with self._lock:
            self.seconds += time.perf_counter() - started
            self.texts += len(texts)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed_query(text)


def wrong_act(result: CaseResult, expected: list[str]) -> bool:
    """An answer (not an abstention) whose first citation is another act than the one asked about,
    or that cites none of the expected acts."""
    if result.must_abstain or result.abstained or not result.citations or not expected:
        return False
    cited = [c.document for c in result.citations]
    return cited[0] not in expected or not set(cited) & set(expected)


def ingest_archive(settings: Settings, progress: Progress) -> dict[str, Any]:
    model = TimedEmbeddings(build_embeddings(settings))
    model.embed_documents(["mise en route du modèle"])  # loaded before the clock starts
    model.seconds, model.texts = 0.0, 0

    def step(stage: str, done: int, total: int, label: str) -> None:
        if stage == "files" and total and (done % 100 == 0 or done == total):
            progress(f"archive : ingestion {done}/{total} fichiers")

    ingestor = Ingestor(settings, embeddings=model, progress=step)
    started = time.perf_counter()
    report = ingestor.run()
    seconds = time.perf_counter() - started
    return {
        "archive_files": report.documents, "archive_chunks": report.chunks, "archive_failed": len(report.failed),
        "archive_pages": report.pages_processed, "archive_ingest_s": round(seconds, 1),
        "archive_sentences_embedded": report.sentences_embedded,
        # Texts embedded (passages and their sentences) per second: end to end, then inside the model.
        "ingest_passages_per_s": round(model.texts / seconds, 2) if seconds else 0.0,
        "archive_chunks_per_s": round(report.chunks / seconds, 2) if seconds else 0.0,
        "model_passages_per_s": round(model.texts / model.seconds, 2) if model.seconds else 0.0,
        "model_share_of_ingest": round(model.seconds / seconds, 3) if seconds else 0.0,
    }


def ask_archive(settings: Settings, cases: EvalSet, progress: Progress) -> dict[str, Any]:
    assistant = build_assistant(settings)
    assistant.ask("mise en route")  # model and index loaded before the clock starts

    def step(done: int, total: int, label: str) -> None:
        if done % 25 == 0 or done == total:
            progress(f"archive : question {done}/{total}")

    results, summary = run_eval(assistant, cases, progress=step)
    expected = {c.id: expected_documents(c) for c in cases.cases}
    wrong = [r.id for r in results if wrong_act(r, expected[r.id])]
    latencies = [r.latency_ms for r in results]
    m = summary.metrics
    out = {
        "archive_cases": len(results),
        "archive_recall@5": m.get("recall@5"), "archive_fact_accuracy": m.get("fact_accuracy"),
        "archive_abstention_recall": m.get("abstention_recall"), "archive_abstention_precision": m.get("abstention_precision"),
        "archive_pass_rate": m.get("pass_rate"), "archive_wrong_act_answers": len(wrong),
        "archive_answer_p50_ms": round(percentile(latencies, 0.5), 1), "archive_answer_p95_ms": round(percentile(latencies, 0.95), 1),
        "archive_wrong_act_cases": wrong,
        "archive_per_category": summary.per_category,
        "archive_failed_cases": summary.failed,
        **{f"archive_{key}": m.get(key) for key in m if key.startswith("context_")},
    }
    for half, metrics in summary.per_split.items():
        for key in ("recall@5", "fact_accuracy", "abstention_recall", "pass_rate", "context_recall@6000"):
            if key in metrics:
                out[f"archive_{half}_{key}"] = metrics[key]
    return out


def run(acts: int, workdir: Path, per_kind: int = 25, seed: int = 7, progress: Progress = print) -> dict[str, Any]:
    folder = workdir / f"archive-{acts}"
    started = time.perf_counter()
    archive = write_archive(folder, acts, seed=seed)
    cases = archive_questions(archive, per_kind=per_kind, seed=seed)
    write_testset(cases, folder / "testset.yaml", archive)
    out: dict[str, Any] = {"archive_acts": len(archive.acts), "archive_generate_s": round(time.perf_counter() - started, 1)}
    progress(f"archive : {len(archive.acts)} actes écrits, {len(cases.cases)} questions")
    settings = Settings(corpus_dir=folder / "documents", data_dir=folder / "data", _env_file=None)
    out |= ingest_archive(settings, progress)
    out |= ask_archive(settings, cases, progress)
    return out


def web_load(corpus_dir: Path, data_dir: Path, users: int = 20, progress: Progress = print) -> dict[str, Any]:
    """``users`` simulated agents against one ``mgp-assistant serve`` on the bundled corpus."""
    from evals.load import simulate  # the load client (httpx) is only needed here

    settings = Settings(corpus_dir=corpus_dir, data_dir=data_dir, _env_file=None)
    Ingestor(settings).run()
    names = list(dict.fromkeys(b.name for r in GenerationStore(settings.index_dir).load_records().values()
                               for b in r.beneficiaries))
    port = free_port()
    env = {**os.environ, "MGP_CORPUS_DIR": str(corpus_dir), "MGP_DATA_DIR": str(data_dir)}
    env.pop("MGP_UI_USERS", None)
    log = data_dir.parent / "serve.log"
    with log.open("w") as sink:
        proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "serve", "--port", str(port)], env=env,
                                stdout=sink, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, proc, log)
        url = f"http://127.0.0.1:{port}/"
        simulate(url, names, users=2, rate=False)  # warm: the first page build, the model
        progress(f"application web : {users} agents simultanés")
        report = simulate(url, names, users=users, rate=False)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return {f"web_p50_ms_{users}_users": report.p50_ms, f"web_p95_ms_{users}_users": report.p95_ms,
            "web_errors": report.errors, "web_leaks": report.leaks, "web_requests": report.requests}


def _subprocess_json(args: list[str], timeout: float) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=timeout, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_archive_part(
    *, acts: int = 1500, per_kind: int = 25, incremental_size: int = 100_000, users: int = 20,
    out: Path | None = None, progress: Progress = print,
) -> dict[str, Any]:
    """``mgp-assistant bench --archive``: the archive, one document into the large synthetic index,
    the web app under ``users`` agents. Flat keys first; the details under ``details``."""
    workdir = Path(tempfile.mkdtemp(prefix="mgp-archive-bench-"))
    started = time.perf_counter()
    try:
        progress(f"Archive synthétique de {acts} actes : écriture, ingestion (modèle réel), questions")
        archive = run(acts, workdir, per_kind=per_kind, progress=progress)
        progress(f"Un document de plus dans un index de {incremental_size:,} passages".replace(",", " "))
        folder = workdir / f"scale-{incremental_size}"
        built = _subprocess_json(["evals.scale", "build", "--size", str(incremental_size), "--dir", str(folder)], timeout=3600)
        added = _subprocess_json(["evals.scale", "add-one", "--size", str(incremental_size), "--dir", str(folder)], timeout=600)
        shutil.rmtree(folder, ignore_errors=True)
        web = web_load(REPO / "corpus", workdir / "web" / "data", users=users, progress=progress)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    tag = f"{incremental_size // 1000}k" if incremental_size >= 1000 else str(incremental_size)
    flat = {key: archive[key] for key in FLAT_KEYS if key in archive}
    flat |= {f"incremental_commit_s_{tag}": added["commit_s"], f"incremental_answerable_s_{tag}": added["answerable_s"],
             f"incremental_answered_{tag}": added["answered"]}
    flat |= web
    flat["archive_bench_s"] = round(time.perf_counter() - started, 1)
    result = {**flat, "details": {"archive": archive, "incremental": {**built, **added}, "web": web}}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench-archive.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        (out / "bench-archive.md").write_text(archive_table(result) + "\n", encoding="utf-8")
    return result


FLAT_KEYS = (
    "archive_acts", "archive_chunks", "archive_cases", "archive_recall@5", "archive_fact_accuracy",
    "archive_abstention_recall", "archive_wrong_act_answers", "archive_answer_p50_ms", "archive_answer_p95_ms",
    "archive_test_recall@5", "archive_test_fact_accuracy", "archive_test_abstention_recall",
    "ingest_passages_per_s", "model_passages_per_s", "model_share_of_ingest", "archive_ingest_s",
)


def archive_table(r: dict[str, Any]) -> str:
    """The archive part as the Markdown table of docs/bench.md (French)."""
    def pct(key: str) -> str:
        value = r.get(key)
        return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")

    size = next((k.rsplit("_", 1)[1] for k in r if k.startswith("incremental_commit_s_")), "")
    rows = [
        ("Actes de l'archive / passages", f"{r['archive_acts']} / {r['archive_chunks']}"),
        ("Questions (toutes / moitié test)", f"{r.get('archive_cases')}"),
        ("Rappel@5 (toutes / test)", f"{pct('archive_recall@5')} / {pct('archive_test_recall@5')}"),
        ("Exactitude des faits (toutes / test)", f"{pct('archive_fact_accuracy')} / {pct('archive_test_fact_accuracy')}"),
        ("Abstention hors archive (toutes / test)", f"{pct('archive_abstention_recall')} / {pct('archive_test_abstention_recall')}"),
        ("Réponses citant un autre acte", str(r.get("archive_wrong_act_answers"))),
        ("Réponse p50 / p95", f"{r.get('archive_answer_p50_ms')} / {r.get('archive_answer_p95_ms')} ms"),
        ("Ingestion : textes/s de bout en bout / du modèle seul", f"{r.get('ingest_passages_per_s')} / {r.get('model_passages_per_s')} ({pct('model_share_of_ingest')} du temps dans le modèle)"),
        (f"Un document de plus dans {size} passages : validé / répondu", f"{r.get('incremental_commit_s_' + size)} s / {r.get('incremental_answerable_s_' + size)} s"),
    ]
    users = next((k.split("_")[3] for k in r if k.startswith("web_p95_ms_")), "")
    if users:
        rows.append((f"Application web, {users} agents : p50 / p95", f"{r.get('web_p50_ms_' + users + '_users')} / {r.get('web_p95_ms_' + users + '_users')} ms, {r.get('web_errors')} erreur(s), {r.get('web_leaks')} fuite(s)"))
    lines = ["| Mesure (archive SYNTHÉTIQUE, modèle réel) | Valeur |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    lines.append(f"\nDurée : {r.get('archive_bench_s')} s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--acts", type=int, default=1500)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--per-kind", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    result = run(args.acts, args.dir, args.per_kind, args.seed, progress=lambda m: print(m, flush=True, file=sys.stderr))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
