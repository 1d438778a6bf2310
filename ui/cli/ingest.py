"""``mgp-assistant ingest``: index the corpus, with progress on a terminal or JSON lines."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from assistant.components.vectorstore import StoreError
from assistant.logs import setup_logging
from ui.cli.common import app, err, load_settings, progress_bar, progress_updater

# The services are imported inside each command: `mgp-assistant --help` and the account commands
# start in about 0.6 s instead of loading the model stack (about 1.1 s) or Gradio (about 4.5 s).


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Fichiers ou dossiers (défaut : le corpus configuré).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Repartir d'un index vide.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher un objet JSON, sans barre de progression.")] = False,
) -> None:
    """Indexer le corpus (incrémental : seuls les fichiers nouveaux ou modifiés sont traités)."""
    from ingest.pipeline import FatalIngestError, Ingestor

    settings = load_settings(as_json)
    try:
        setup_logging(settings)
    except OSError as exc:
        _ingest_failed(f"dossier de données inutilisable ({settings.data_dir}) : {exc.strerror}", as_json)
    bar = None if as_json or not sys.stderr.isatty() else progress_bar()
    update = progress_updater(bar, {"files": "Fichiers", "pages": "Pages du PDF", "embed": "Vecteurs"})

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
