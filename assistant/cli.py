"""Command line: ``mgp-assistant``. Messages for users are in French."""

from __future__ import annotations

import json
import sys
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


def load_settings():
    """Settings, or a clear message naming the bad variable (no traceback) and exit status 1."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:
        for error in exc.errors():
            where = ", ".join(f"MGP_{str(part).upper()}" for part in error["loc"]) or "configuration"
            err.print(f"[red]Configuration invalide[/red] ({where}) : {error['msg']}")
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


@app.command()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Fichiers ou dossiers (défaut : le corpus configuré).")] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Repartir d'un index vide.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher un objet JSON, sans barre de progression.")] = False,
) -> None:
    """Indexer le corpus (incrémental : seuls les fichiers nouveaux ou modifiés sont traités)."""
    from assistant.components.vectorstore import StoreError
    from ingest.pipeline import FatalIngestError, Ingestor

    settings = load_settings()
    setup_logging(settings)
    bar = None if as_json or not sys.stderr.isatty() else _progress_bar()
    tasks: dict[str, int] = {}

    def progress(stage: str, done: int, total: int, label: str) -> None:
        if bar is None:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task("Fichiers" if stage == "files" else "Vecteurs", total=total, label="")
        bar.update(tasks[stage], completed=done, total=total, label=label)

    try:
        if bar is not None:
            bar.start()
        report = Ingestor(settings, progress=progress).run(paths or None, rebuild=rebuild)
    except (FatalIngestError, StoreError) as exc:
        if as_json:
            print(json.dumps({"error": str(exc)}, ensure_ascii=False))
        else:
            err.print(f"[red]Erreur :[/red] {exc}")
        raise typer.Exit(1)
    finally:
        if bar is not None:
            bar.stop()

    if as_json:
        print(report.model_dump_json())
    else:
        _print_report(report)
    raise typer.Exit(2 if report.failed else 0)


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


if __name__ == "__main__":
    app()
