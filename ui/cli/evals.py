"""``mgp-assistant eval``, ``bench`` and ``load``: evaluation report, benchmark, simulated agents."""

from __future__ import annotations

import json
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.index import IndexNotReady
from assistant.index_store import GenerationStore
from assistant.logs import setup_logging
from evals.corpora import CorpusNotFound, corpus_names, prepare_corpus
from evals.replay import MODEL_NAME, ReplayServer, load_answers
from evals.schema import EvalSetError
from ui.cli.common import app, err, load_settings, progress_bar, progress_updater

# The services are imported inside each command: `mgp-assistant --help` and the account commands
# start in about 0.6 s instead of loading the model stack (about 1.1 s) or Gradio (about 4.5 s).


def _exit_on_sigterm() -> None:
    """A bench stopped by ``timeout`` or ``kill`` still removes its working folders (gigabytes of
    indexes in the temporary folder) and the processes it started: SIGTERM ends it as Ctrl-C would."""
    def stop(signum: int, frame: object) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second SIGTERM (``timeout`` signals the group) must not cut the cleanup short
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le résumé en JSON.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Dossier où écrire bench.json et bench.md.")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Version courte (index de 500 passages, 2 variantes) pour vérifier le banc.")] = False,
    profile: Annotated[bool, typer.Option("--profile", help="Profil pyinstrument des requêtes sur le plus grand index (HTML dans --out).")] = False,
    archive: Annotated[bool, typer.Option("--archive", help="Seulement l'archive : années d'actes synthétiques (modèle réel), un document dans 100k passages, 20 agents sur l'application web.")] = False,
    archive_acts: Annotated[int, typer.Option("--archive-acts", min=10, help="Nombre d'actes de l'archive (1 500 ≈ 5 ans).")] = 1500,
) -> None:
    """Mesurer qualité et vitesse face à une RAG LangChain naïve, ingestion, 1k/10k/100k passages, serveur Chroma."""
    target = out or load_settings().data_dir / "bench"
    sizes = (500,) if quick else (1_000, 10_000, 100_000)

    def progress(message: str) -> None:  # on stderr, so that --json keeps stdout to the summary
        err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")

    _exit_on_sigterm()

    if archive:
        from evals.archive_bench import archive_table, run_archive_part

        result = run_archive_part(acts=40 if quick else archive_acts, per_kind=3 if quick else 25,
                                  incremental_size=500 if quick else 100_000, users=5 if quick else 20,
                                  out=target, progress=progress)
        if as_json:
            print(json.dumps({k: v for k, v in result.items() if k != "details"}, ensure_ascii=False))
            return
        Console().print(archive_table(result))
        Console().print(f"Résultats : {target / 'bench-archive.json'}")
        return
    from evals.bench import run_bench, table

    result = run_bench(sizes=sizes, variants=2 if quick else 60, out=target, profile=profile, progress=progress,
                       server_replicas=2 if quick else 3, long_pdf_pages=200 if quick else 3000)
    if as_json:
        print(json.dumps(result["summary"], ensure_ascii=False))
        return
    Console().print(table(result))
    Console().print(f"Résultats : {target / 'bench.json'} et {target / 'bench.md'}")


@app.command()
def load(
    url: Annotated[str, typer.Option("--url", help="Adresse de l'application web (mgp-assistant serve).")] = "http://127.0.0.1:7860/",
    users: Annotated[int, typer.Option("--users", min=1, max=200, help="Utilisateurs simultanés.")] = 20,
    user: Annotated[Optional[str], typer.Option("--user", help="Compte, si l'application demande une connexion.")] = None,
    with_feedback: Annotated[bool, typer.Option("--with-feedback", help="Chaque utilisateur laisse aussi un avis (serveur de test seulement).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le rapport en JSON.")] = False,
) -> None:
    """Simuler des utilisateurs simultanés : erreurs, fuites entre sessions, latence p50/p95."""
    from evals.load import simulate

    settings = load_settings()
    records = GenerationStore(settings.index_dir).load_records()
    names = list(dict.fromkeys(b.name for r in records.values() for b in r.beneficiaries))
    if not names:
        err.print("[red]Erreur :[/red] aucune liste de bénéficiaires dans l'index local (lancez `mgp-assistant ingest`).")
        raise typer.Exit(1)
    auth = None
    if user:
        auth = (user, typer.prompt(f"Mot de passe de {user}", hide_input=True))
    report = simulate(url, names, users=users, auth=auth, rate=with_feedback)
    if as_json:
        print(report.model_dump_json())
    else:
        Console().print(report.summary())
        for result in report.results:
            for problem in result.errors + result.leaks:
                Console().print(f"[red]utilisateur {result.user}[/red] : {problem}")
    raise typer.Exit(0 if report.errors == report.leaks == 0 else 2)


@app.command("eval")
def eval_command(
    testset: Annotated[Optional[Path], typer.Option("--testset", help="Jeu de test YAML (défaut : celui du corpus évalué).")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Dossier du rapport (défaut : sous le dossier de données).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le résumé en JSON (une ligne par corpus).")] = False,
    previous: Annotated[Optional[Path], typer.Option("--compare", help="Dossier (ou results.json) d'une évaluation précédente.")] = None,
    run_ablation: Annotated[bool, typer.Option("--ablation", help="Comparer les réglages (modèle, taille, k, fusion).")] = False,
    backend: Annotated[Optional[str], typer.Option(
        "--backend", help="Générateur évalué : extractive, openai ou llamacpp (défaut : MGP_LLM_BACKEND).")] = None,
    split: Annotated[str, typer.Option("--split", help="Moitié évaluée : dev, test ou all (les deux).")] = "all",
    corpus: Annotated[str, typer.Option(
        "--corpus", help="Corpus évalué : fourni (défaut), un dossier de evals/corpora/, ou all (tous, l'un après l'autre).")] = "fourni",
    corpora: Annotated[Optional[Path], typer.Option("--corpora", help="Dossier des corpus d'évaluation (défaut : evals/corpora).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Mesurer aussi la RAG LangChain naïve sur les mêmes cas.")] = True,
    replay: Annotated[Optional[Path], typer.Option(
        "--replay", help="Réponses enregistrées d'un modèle (JSONL clé → réponse) rejouées par un serveur local.")] = None,
    record: Annotated[Optional[Path], typer.Option(
        "--record", help="Écrire les prompts envoyés au modèle (JSONL), pour les faire répondre puis les rejouer.")] = None,
) -> None:
    """Évaluer l'assistant sur le jeu de test et écrire le rapport HTML."""
    from assistant.prompts import PromptError
    from ingest.pipeline import FatalIngestError

    if backend is not None:
        if backend not in ("extractive", "openai", "llamacpp"):
            raise typer.BadParameter("attendu : extractive, openai ou llamacpp", param_hint="--backend")
    if split not in ("dev", "test", "all"):
        raise typer.BadParameter("attendu : dev, test ou all", param_hint="--split")
    names = corpus_names(corpus, corpora)
    if run_ablation and len(names) > 1:
        raise typer.BadParameter("l'ablation porte sur un seul corpus", param_hint="--corpus")
    settings = load_settings()
    if backend is not None:  # a settings copy for this run: the environment stays as the user set it
        settings = settings.model_copy(update={"llm_backend": backend})
        try:
            settings._check_llm()  # the check loading the settings would have made
        except ValueError as exc:
            err.print(f"[red]Configuration invalide[/red] (--backend) : {exc}")
            raise typer.Exit(1)
    setup_logging(settings)
    try:
        with _replay_server(replay, record) as server:
            if server is not None:
                settings = settings.model_copy(update={
                    "llm_backend": "openai", "llm_base_url": server.base_url, "llm_model": MODEL_NAME, "llm_max_retries": 0})
            for name in names:
                _eval_one(settings, name, corpora=corpora, testset=testset, out=out / name if out and len(names) > 1 else out,
                          previous=previous if len(names) == 1 else None, split=split, baseline=baseline,
                          as_json=as_json, run_ablation=run_ablation, server=server)
    except (EvalSetError, CorpusNotFound) as exc:
        err.print(f"[red]{'Corpus' if isinstance(exc, CorpusNotFound) else 'Jeu de test'} invalide :[/red] {exc}")
        raise typer.Exit(1)
    except PromptError as exc:
        err.print(f"[red]Prompt invalide :[/red] {exc}")
        raise typer.Exit(1)
    except (IndexNotReady, FileNotFoundError, FatalIngestError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)


@contextmanager
def _replay_server(replay: Path | None, record: Path | None):
    """The recorded model's server for ``--replay`` / ``--record`` (None without either)."""
    if replay is None and record is None:
        yield None
        return
    try:
        answers = load_answers(replay) if replay is not None else {}
    except (OSError, ValueError) as exc:
        err.print(f"[red]Enregistrement illisible[/red] (--replay) : {exc}")
        raise typer.Exit(1)
    with ReplayServer(answers, record_to=record) as server:
        yield server
    if replay is not None:
        err.print(f"Rejeu : {server.served} réponses enregistrées servies, {server.unknown} prompts inconnus de "
                  f"l'enregistrement (prompt, sources ou question changés).")


def _eval_one(settings, name: str, *, corpora, testset, out, previous, split, baseline, as_json, run_ablation,
              server=None) -> None:
    """One corpus: its index brought up to date (own data folder), then the evaluation or the ablation."""
    from assistant.components.embeddings import build_embeddings
    from assistant.services import build_assistant
    from evals.pipeline import ablation, evaluate

    replayed_before = server.counts() if server is not None else {}
    bar = None if as_json or not sys.stderr.isatty() else progress_bar()
    update = progress_updater(bar, {"eval": f"Évaluation ({name})", "files": "Fichiers", "pages": "Pages du PDF",
                                     "embed": "Vecteurs"})
    try:
        if bar is not None:
            bar.start()
        embeddings = build_embeddings(settings)
        prepared = prepare_corpus(name, settings, root=corpora, embeddings=embeddings, progress=update)
        if prepared.report is not None and not as_json:
            r = prepared.report
            err.print(f"Index du corpus « {name} » ({prepared.settings.data_dir}) : {r.documents} documents, "
                      f"{r.chunks_embedded} passages vectorisés, {r.chunks_reused} réutilisés, {r.unchanged} inchangés")
            for issue in r.failed:
                err.print(f"[yellow]Échec d'indexation[/yellow] {issue.path} : {issue.reason}")
        if run_ablation:
            target = out or prepared.settings.data_dir / "evals" / "ablation"
            rows = ablation(prepared.settings, testset=testset or prepared.testset, out=target,
                            progress=lambda d, t, label: update("eval", d, t, label))
            if bar is not None:
                bar.stop()
                bar = None
            if as_json:
                print(json.dumps(rows, ensure_ascii=False))
            else:
                Console().print((target / "ablation.md").read_text(encoding="utf-8"))
                Console().print(f"Tableau : {target / 'ablation.md'}")
            return
        assistant = build_assistant(prepared.settings, embeddings=embeddings)
        summary, _, folder, comparison = evaluate(
            prepared.settings, testset=testset or prepared.testset, out=out, previous=previous, assistant=assistant,
            progress=lambda d, t, label: update("eval", d, t, label), split=split, baseline=baseline, corpus=name,
        )
    finally:
        if bar is not None:
            bar.stop()
    if as_json:
        flat = summary.flat() | {k: v - replayed_before[k] for k, v in (server.counts() if server is not None else {}).items()}
        print(json.dumps(flat, ensure_ascii=False), flush=True)
        return
    _print_summary(summary, folder, comparison)


def _print_summary(summary, folder: Path, comparison) -> None:
    """Every metric on all cases, on each half, and the naive baseline where it was measured."""
    from evals.report import METRIC_LABELS

    out = Console()
    corpus = (summary.corpus or {}).get("name", "fourni")
    table = Table(title=f"Évaluation {summary.run_id} — corpus « {corpus} »")
    halves = [h for h in ("dev", "test") if h in summary.per_split]
    base = summary.baseline
    for column in ["Mesure", "Tous", *halves, *(["Référence naïve LangChain"] if base else [])]:
        table.add_column(column)

    def pct(metrics, key) -> str:
        return "—" if not metrics or metrics.get(key) is None else f"{metrics[key] * 100:.1f} %"

    for key, label in METRIC_LABELS.items():
        row = [label, pct(summary.metrics, key), *(pct(summary.per_split[h], key) for h in halves)]
        table.add_row(*row, *([pct(base, key)] if base else []))
    latency = [f"{m['latency_p50_ms']:.0f} / {m['latency_p95_ms']:.0f} ms" for m in (summary.metrics, *(summary.per_split[h] for h in halves))]
    table.add_row("Latence p50 / p95", *latency, *([f"{base['answer_p50_ms']:.0f} / {base['answer_p95_ms']:.0f} ms"] if base else []))
    table.add_row("Cas", *(str(int(m["cases"])) for m in (summary.metrics, *(summary.per_split[h] for h in halves))),
                  *([str(int(base["cases"]))] if base else []))
    out.print(table)
    if base and base.get("fact_accuracy"):
        out.print(f"Exactitude des faits : {summary.metrics['fact_accuracy'] / base['fact_accuracy']:.2f} × la référence naïve")
    if comparison:
        out.print(f"Améliorés : {', '.join(comparison['better']) or 'aucun'} — dégradés : {', '.join(comparison['worse']) or 'aucun'}")
    out.print(f"Cas échoués : {', '.join(summary.failed) or 'aucun'}")
    out.print(f"Rapport : {folder / 'report.html'}")
