"""What every command shares: the Typer app, the error console, settings loading, progress bars."""

from __future__ import annotations

import json

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

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


def progress_bar():

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[label]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def progress_updater(bar, descriptions: dict[str, str]):
    """A callback that keeps one rich task per stage (nothing when there is no bar)."""
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int, label: str) -> None:
        if bar is None:
            return
        if stage not in tasks:
            tasks[stage] = bar.add_task(descriptions.get(stage, stage), total=total, label="")
        bar.update(tasks[stage], completed=done, total=total, label=label)

    return update


def cli_assistant():
    """The configured assistant, or a French message and exit status 1 (a bad prompt file)."""
    from assistant.prompts import PromptError
    from assistant.services import build_assistant

    settings = load_settings()
    setup_logging(settings)
    try:
        return build_assistant(settings)
    except PromptError as exc:
        err.print(f"[red]Prompt invalide :[/red] {exc}")
        raise typer.Exit(1)
