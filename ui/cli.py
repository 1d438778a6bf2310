"""Command line: ``mgp-assistant``. Messages for users are in French."""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.config import get_settings
from assistant.logs import setup_logging

app = typer.Typer(
    help="Assistant IA « Appropriation Métropolitaine » de la Métropole du Grand Paris.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True)


@app.callback()
def main() -> None:
    """Assistant IA « Appropriation Métropolitaine »."""


def load_settings(as_json: bool = False):
    """Settings, or a clear message naming the bad variable (no traceback) and exit status 1; with
    ``as_json``, that message as one JSON object on stdout."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        messages = []
        for error in exc.errors():
            where = ", ".join(f"MGP_{str(part).upper()}" for part in error["loc"]) or "configuration"
            messages.append(f"configuration invalide ({where}) : {error['msg']}")
        if as_json:
            print(json.dumps({"error": " ; ".join(messages)}, ensure_ascii=False))
        for message in messages:
            err.print(f"[red]{message[0].upper() + message[1:]}[/red]")
        raise typer.Exit(1)


def _progress_bar():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _progress_updater(bar, descriptions: dict[str, str]):
    """A callback that keeps one rich task per stage (nothing when there is no bar)."""
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int, label: str) -> None:
        if bar is None:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task(descriptions.get(stage, stage), total=total, label="")
        bar.update(tasks[stage], completed=done, total=total, label=label)

    return update


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Fichiers ou dossiers (défaut : le corpus configuré).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Repartir d'un index vide.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher un objet JSON, sans barre de progression.")] = False,
) -> None:
    """Indexer le corpus (incrémental : seuls les fichiers nouveaux ou modifiés sont traités)."""
    from assistant.components.vectorstore import StoreError
    from ingest.pipeline import FatalIngestError, Ingestor

    settings = load_settings(as_json)
    try:
        setup_logging(settings)
    except OSError as exc:
        _ingest_failed(f"dossier de données inutilisable ({settings.data_dir}) : {exc.strerror}", as_json)
    bar = None if as_json or not sys.stderr.isatty() else _progress_bar()
    update = _progress_updater(bar, {"files": "Fichiers", "pages": "Pages du PDF", "embed": "Vecteurs"})

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if as_json:  # one JSON line per step on stderr: stdout keeps the single report object
            event = {"progress": stage, "done": done, "total": total, "file": label}
            sys.stderr.write(json.dumps(event, ensure_ascii=False) + "\n")
            sys.stderr.flush()
        else:
            update(stage, done, total, label)

    try:
        if bar is not None:
            bar.start()
        report = Ingestor(settings, progress=progress).run(paths or None, rebuild=rebuild)
    except (FatalIngestError, StoreError) as exc:
        logging.getLogger("mgp.ingest").error("ingestion stopped: %s", exc)
        _ingest_failed(str(exc), as_json)
    except Exception as exc:  # a bug must still answer in French, and in JSON when asked
        logging.getLogger("mgp.ingest").exception("ingestion stopped by an unexpected error")
        _ingest_failed(f"erreur inattendue ({type(exc).__name__}) : voir le journal {settings.log_dir / 'mgp.log'}", as_json)
    finally:
        if bar is not None:
            bar.stop()

    if as_json:
        print(report.model_dump_json())
    else:
        _print_report(report)
    raise typer.Exit(2 if report.failed else 0)


def _ingest_failed(reason: str, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"error": reason}, ensure_ascii=False))
    else:
        err.print(f"[red]Erreur :[/red] {reason}")
    raise typer.Exit(1)


def _print_report(report) -> None:
    out = Console()
    if report.rebuilt:
        out.print(f"[yellow]{report.rebuilt}[/yellow]")
    table = Table(title="Ingestion du corpus", show_header=False)
    for label, value in [
        ("Documents indexés", report.documents),
        ("Passages (chunks)", report.chunks),
        ("Ajoutés / modifiés / supprimés / inchangés", f"{report.added} / {report.updated} / {report.removed} / {report.unchanged}"),
        ("Passages vectorisés / réutilisés", f"{report.chunks_embedded} / {report.chunks_reused}"),
        ("Durée", f"{report.seconds:.1f} s"),
    ]:
        table.add_row(label, str(value))
    out.print(table)
    for issue in report.skipped:
        out.print(f"[yellow]Ignoré[/yellow] {issue.path} : {issue.reason}")
    for issue in report.failed:
        out.print(f"[red]Échec[/red] {issue.path} : {issue.reason}")


def _parse_filters(values: list[str] | None):
    """``type=délibération``, ``document=NAME``, ``date>=2025-01-01``, ``date<=2025-12-31``."""
    from assistant.schemas import SearchFilters

    fields: dict[str, str] = {}
    for raw in values or []:
        m = re.match(r"^\s*(type|document|date)\s*(>=|<=|=)\s*(.+?)\s*$", raw)
        if not m:
            raise typer.BadParameter(
                f"filtre invalide « {raw} » : attendu type=…, document=…, date>=AAAA-MM-JJ ou date<=AAAA-MM-JJ",
                param_hint="--filter",
            )
        key, op, value = m.groups()
        if key == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise typer.BadParameter(f"date invalide « {value} » (AAAA-MM-JJ)", param_hint="--filter")
            fields["date_from" if op in (">=", "=") else "date_to"] = value
            if op == "=":
                fields["date_to"] = value
        else:
            fields["doc_type" if key == "type" else "document"] = value
    return SearchFilters(**fields)


def _print_answer(answer, out: Console) -> None:
    from rich.panel import Panel

    style = "yellow" if answer.abstained else "green"
    if answer.fallback:
        out.print(f"[yellow]{answer.fallback}[/yellow]")
    out.print(Panel(answer.answer, title="Réponse" if not answer.abstained else "Je ne sais pas", border_style=style))
    for c in answer.citations:
        where = f", p. {c.page}" if c.page else ""
        section = f" — {c.section}" if c.section else ""
        out.print(f"[bold][{c.n}][/bold] {c.title}{where}{section} [dim]({c.document})[/dim]")
        out.print(f"    « {' '.join(c.quote.split())} »", style="dim")


def _assistant():
    from assistant.services import build_assistant
    from assistant.prompts import PromptError

    settings = load_settings()
    setup_logging(settings)
    try:
        return build_assistant(settings)
    except PromptError as exc:
        err.print(f"[red]Prompt invalide :[/red] {exc}")
        raise typer.Exit(1)


def _answer(assistant, request, out: Console):
    """The answer; on a terminal, a language model's sentences are shown as they are verified, then
    replaced by the final answer (or the extractive fallback, with the reason)."""
    from rich.live import Live
    from rich.panel import Panel

    from assistant.schemas import Answer

    if not (out.is_terminal and assistant.generator.streams):
        return assistant.ask(request)
    text = ""
    with Live(console=out, transient=True, refresh_per_second=8) as live:
        for event in assistant.ask_stream(request):
            if isinstance(event, Answer):
                return event
            text += event.text
            live.update(Panel(text, title="Réponse en cours (phrases vérifiées)", border_style="dim"))
    raise RuntimeError("no answer")  # pragma: no cover


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="La question, ou « - » pour lire une question par ligne sur l'entrée standard.")],
    as_json: Annotated[bool, typer.Option("--json", help="Un objet JSON (schéma Answer) par question.")] = False,
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Nombre de passages retrouvés.")] = None,
    filters: Annotated[Optional[list[str]], typer.Option("--filter", help="type=délibération, document=NOM, date>=AAAA-MM-JJ…")] = None,
) -> None:
    """Poser une question sur le programme ; la réponse cite ses sources."""
    from pydantic import ValidationError

    from assistant.index import IndexNotReady
    from assistant.schemas import AskRequest

    search = _parse_filters(filters)
    assistant = _assistant()
    questions = (line.strip() for line in sys.stdin) if question == "-" else iter([question])
    out = Console()
    batch = question == "-"
    try:
        for q in questions:
            if batch and not q:
                continue
            try:
                request = AskRequest(question=q, k=k, filters=search)
            except ValidationError as exc:
                message = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
                if batch and as_json:
                    print(json.dumps({"question": q, "error": message}, ensure_ascii=False), flush=True)
                    continue
                err.print(f"[red]Question invalide :[/red] {message}")
                raise typer.Exit(2)
            answer = assistant.ask(request) if as_json else _answer(assistant, request, out)
            if as_json:
                print(answer.model_dump_json(), flush=True)
            else:
                _print_answer(answer, out)
    except IndexNotReady as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)


@app.command()
def chat() -> None:
    """Conversation dans le terminal (les questions de suivi utilisent l'historique)."""
    from assistant.index import IndexNotReady
    from assistant.schemas import AskRequest, Turn

    assistant = _assistant()
    out = Console()
    out.print("[bold]Assistant « Appropriation Métropolitaine »[/bold] — posez votre question (Ctrl-D ou « quitter » pour sortir).")
    history: list[Turn] = []
    while True:
        try:
            question = out.input("[bold cyan]Vous ›[/bold cyan] ").strip()
        except (EOFError, KeyboardInterrupt):
            out.print()
            break
        if question.lower() in {"quitter", "exit", "quit"}:
            break
        if not question:
            continue
        try:
            answer = _answer(assistant, AskRequest(question=question[:2000], history=history[-5:]), out)
        except IndexNotReady as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1)
        _print_answer(answer, out)
        history.append(Turn(question=answer.standalone_question, answer=answer.answer))


@app.command()
def draft(
    commune: Annotated[str, typer.Option("--commune", help="Commune ou EPT (le nom est rapproché de la délibération).")],
    track: Annotated[Optional[str], typer.Option(
        "--parcours", help="Parcours demandé : son nom (ou une partie, sans souci de casse ni d'accents) ou la référence "
                           "de la délibération qui l'ouvre. Par défaut : déduit des actes qui listent la collectivité.")] = None,
    answers: Annotated[Optional[Path], typer.Option("--answers", help="Réponses de l'agent : fichier YAML ou JSON {champ: valeur}.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Fichier à écrire : .docx (défaut), .md ou .json.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le résumé en JSON.")] = False,
) -> None:
    """Préparer le formulaire d'engagement d'une collectivité (pré-rempli et cité, à compléter)."""
    import yaml
    from rich.markup import escape

    from assistant.form_output import write_draft
    from assistant.forms import FormDefinitionError, FormDrafter, UnknownTrack
    from assistant.index import IndexNotReady

    given: dict = {}
    if answers is not None:
        try:
            given = yaml.safe_load(answers.read_text(encoding="utf-8")) or {}
        except Exception as exc:  # OSError, YAMLError, and PyYAML's ValueError on « 2025-02-31 »
            err.print(f"[red]Réponses illisibles[/red] ({answers}) : {exc}")
            raise typer.Exit(1)
        if not isinstance(given, dict):
            err.print(f"[red]Réponses invalides[/red] ({answers}) : attendu un objet {{champ: valeur}}")
            raise typer.Exit(1)
    assistant = _assistant()
    try:
        result = FormDrafter(assistant).draft(commune, given, track=track)
    except FormDefinitionError as exc:
        err.print(f"[red]Définition du formulaire invalide :[/red] {exc}")
        raise typer.Exit(1)
    except UnknownTrack as exc:
        err.print(f"[red]Parcours :[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2)
    except IndexNotReady as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    except ValueError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2)
    slug = re.sub(r"[^\w]+", "_", (result.matched_name or result.commune).lower()).strip("_")[:60] or "collectivite"
    target = out or assistant.settings.forms_dir / f"formulaire_engagement_{slug}.docx"
    try:
        write_draft(result, target)
    except (ValueError, OSError) as exc:
        err.print(f"[red]Écriture impossible[/red] ({target}) : {exc}")
        raise typer.Exit(1)
    if as_json:
        print(json.dumps(result.summary(target), ensure_ascii=False, default=str))
        return
    console = Console()
    for warning in result.warnings:
        console.print(f"[yellow]⚠ {escape(warning)}[/yellow]")
    for note in result.notes:
        console.print(f"ℹ {escape(note)}")
    filled = sum(v.value is not None and v.status == "ok" for v in result.values)
    console.print(f"Brouillon écrit : {target} ({filled}/{len(result.values)} champs renseignés, "
                  f"{len(result.citations)} sources citées)")
    if result.missing:
        console.print(f"À compléter : {', '.join(result.missing)}")
    for problem in result.invalid:
        console.print(f"[red]Invalide[/red] {problem['field']} : {problem['reason']}")


@app.command()
def purge(
    days: Annotated[Optional[int], typer.Option("--days", min=1, help="Âge maximal en jours (défaut : MGP_RETENTION_DAYS).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Compter sans rien supprimer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le bilan en JSON.")] = False,
) -> None:
    """Supprimer les entrées du journal d'audit, les retours et les brouillons plus anciens que la durée de conservation."""
    from assistant.privacy import purge as run_purge

    settings = load_settings()
    setup_logging(settings)
    report = run_purge(settings, days or settings.retention_days, dry_run=dry_run)
    if as_json:
        print(report.model_dump_json())
        return
    verb = "seraient supprimés" if dry_run else "supprimés"
    Console().print(
        f"Avant le {report.cutoff:%d/%m/%Y} : {report.audit_removed} entrée(s) d'audit, {report.feedback_removed} retour(s), "
        f"{report.drafts_removed} brouillon(s) {verb} ; {report.cache_files_removed} copie(s) servie(s) de plus d'un jour."
    )


@app.command()
def bench(
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le résumé en JSON.")] = False,
    out: Annotated[Optional[Path], typer.Option("--out", help="Dossier où écrire bench.json et bench.md.")] = None,
    quick: Annotated[bool, typer.Option("--quick", help="Version courte (index de 500 passages, 2 variantes) pour vérifier le banc.")] = False,
    profile: Annotated[bool, typer.Option("--profile", help="Profil pyinstrument des requêtes sur le plus grand index (HTML dans --out).")] = False,
) -> None:
    """Mesurer qualité et vitesse face à une RAG LangChain naïve, ingestion, 1k/10k/100k passages, serveur Chroma."""
    from evals.bench import run_bench, table

    target = out or load_settings().data_dir / "bench"
    sizes = (500,) if quick else (1_000, 10_000, 100_000)

    def progress(message: str) -> None:
        if not as_json:
            err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {message}")

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
    from assistant.index_store import IndexState

    settings = load_settings()
    records = IndexState(settings.index_dir).load_records()
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


users_app = typer.Typer(help="Comptes de l'application web (fichier MGP_UI_USERS).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Identifiant de connexion.")],
    role: Annotated[str, typer.Option("--role", help="agent ou admin.")] = "agent",
    file: Annotated[Optional[Path], typer.Option("--file", help="Fichier des comptes (défaut : MGP_UI_USERS).")] = None,
    password: Annotated[Optional[str], typer.Option("--password", help="Sinon demandé au clavier.", hidden=True)] = None,
) -> None:
    """Créer ou modifier un compte (mot de passe haché, jamais stocké en clair)."""
    from ui.access import UserDirectory

    if role not in ("agent", "admin"):
        raise typer.BadParameter("rôle attendu : agent ou admin", param_hint="--role")
    target = file or load_settings().ui_users
    if target is None:
        err.print("[red]Indiquez le fichier des comptes : --file CHEMIN ou MGP_UI_USERS.[/red]")
        raise typer.Exit(1)
    secret = password or typer.prompt("Mot de passe", hide_input=True, confirmation_prompt=True)
    if len(secret) < 8:
        err.print("[red]Mot de passe trop court (8 caractères au moins).[/red]")
        raise typer.Exit(2)
    UserDirectory.add(target, name, secret, role)  # type: ignore[arg-type]
    Console().print(f"Compte « {name} » ({role}) enregistré dans {target}")


corpus_app = typer.Typer(help="Documents ajoutés au corpus (comme l'onglet Corpus de l'application web).",
                         no_args_is_help=True)
app.add_typer(corpus_app, name="corpus")


@corpus_app.command("add")
def corpus_add(files: Annotated[list[Path], typer.Argument(help="Fichiers à ajouter (une nouvelle version remplace l'ancienne).")]) -> None:
    """Ajouter des fichiers : chacun est indexé ; s'il échoue, sa version précédente est conservée."""
    from ingest.admin import CorpusAdmin

    settings = load_settings()
    setup_logging(settings)
    lines = CorpusAdmin(settings).upload(files)
    for line in lines:
        Console().print(line)
    raise typer.Exit(0 if all(line.startswith("✅") for line in lines) else 2)


@corpus_app.command("list")
def corpus_list() -> None:
    """Les documents indexés, avec leur identifiant (pour « corpus remove »)."""
    from ingest.admin import CorpusAdmin

    # One line per document, the identifier first and whole (a table would cut it on a narrow terminal).
    for entry in sorted(CorpusAdmin(load_settings()).documents(), key=lambda e: e.title):
        print(f"{entry.doc_id}\t{entry.title} ({entry.doc_type}, {entry.chunks} passages)")


@corpus_app.command("remove")
def corpus_remove(doc_id: Annotated[str, typer.Argument(help="Identifiant du document (voir « corpus list »).")]) -> None:
    """Retirer un document du corpus et de l'index."""
    from ingest.admin import CorpusAdmin

    settings = load_settings()
    setup_logging(settings)
    message = CorpusAdmin(settings).delete(doc_id)
    Console().print(message)
    raise typer.Exit(1 if message.startswith("Document introuvable") else 0)


feedback_app = typer.Typer(help="Retours des utilisateurs (👍 / 👎).", no_args_is_help=True)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("export")
def feedback_export(
    out: Annotated[Path, typer.Option("--out", help="Fichier YAML à écrire (cas de test à relire).")] = Path("feedback_cases.yaml"),
) -> None:
    """Écrire les retours comme cas de test à relire (format de evals/testset.yaml)."""
    from ui.feedback import export_feedback

    settings = load_settings()
    count = export_feedback(settings.feedback_file, out)
    Console().print(f"{count} cas à relire écrits dans {out}")


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute (127.0.0.1 : ce poste seulement).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port HTTP.")] = 7860,
) -> None:
    """Ouvrir l'application web (par défaut http://127.0.0.1:7860)."""
    from assistant.index import IndexNotReady
    from assistant.prompts import PromptError
    from ui.app import serve as serve_app

    settings = load_settings()
    setup_logging(settings)
    try:
        serve_app(settings, host=host, port=port)
    except IndexNotReady as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)
    except PromptError as exc:
        err.print(f"[red]Prompt invalide :[/red] {exc}")
        raise typer.Exit(1)


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
) -> None:
    """Évaluer l'assistant sur le jeu de test et écrire le rapport HTML."""
    from assistant.index import IndexNotReady
    from assistant.prompts import PromptError
    from evals.corpora import CorpusNotFound, corpus_names
    from evals.schema import EvalSetError
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
        for name in names:
            _eval_one(settings, name, corpora=corpora, testset=testset, out=out / name if out and len(names) > 1 else out,
                      previous=previous if len(names) == 1 else None, split=split, baseline=baseline,
                      as_json=as_json, run_ablation=run_ablation)
    except (EvalSetError, CorpusNotFound) as exc:
        err.print(f"[red]{'Corpus' if isinstance(exc, CorpusNotFound) else 'Jeu de test'} invalide :[/red] {exc}")
        raise typer.Exit(1)
    except PromptError as exc:
        err.print(f"[red]Prompt invalide :[/red] {exc}")
        raise typer.Exit(1)
    except (IndexNotReady, FileNotFoundError, FatalIngestError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1)


def _eval_one(settings, name: str, *, corpora, testset, out, previous, split, baseline, as_json, run_ablation) -> None:
    """One corpus: its index brought up to date (own data folder), then the evaluation or the ablation."""
    from assistant.services import build_assistant
    from assistant.components.embeddings import build_embeddings
    from evals.corpora import prepare_corpus
    from evals.pipeline import ablation, evaluate

    bar = None if as_json or not sys.stderr.isatty() else _progress_bar()
    update = _progress_updater(bar, {"eval": f"Évaluation ({name})", "files": "Fichiers", "pages": "Pages du PDF",
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
        print(json.dumps(summary.flat(), ensure_ascii=False), flush=True)
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


if __name__ == "__main__":
    app()
