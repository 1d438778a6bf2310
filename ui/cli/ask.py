"""``mgp-assistant ask`` and ``chat``: questions answered with their sources in the terminal."""

from __future__ import annotations

import json
import re
import sys
from contextlib import closing
from typing import Annotated, Optional

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.live import Live
from rich.panel import Panel

from assistant.index import IndexNotReady
from assistant.schemas import Answer, AskRequest, SearchFilters, Turn
from ui.cli.common import app, cli_assistant, err


def _parse_filters(values: list[str] | None):
    """``type=délibération``, ``document=NAME``, ``date>=2025-01-01``, ``date<=2025-12-31``."""
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

    style = "yellow" if answer.abstained else "green"
    if answer.fallback:
        out.print(f"[yellow]{answer.fallback}[/yellow]")
    title = {"answer": "Réponse", "closest": "Pas de réponse directe : passages les plus proches"}.get(answer.outcome, "Je ne sais pas")
    out.print(Panel(answer.answer, title=title, border_style=style))
    for c in answer.citations:
        where = f", p. {c.page}" if c.page else ""
        section = f" — {c.section}" if c.section else ""
        out.print(f"[bold][{c.n}][/bold] {c.title}{where}{section} [dim]({c.document})[/dim]")
        out.print(f"    « {' '.join(c.quote.split())} »", style="dim")


def _answer(assistant, request, out: Console):
    """The answer; on a terminal, a language model's sentences are shown as they are verified, then
    replaced by the final answer (or the extractive fallback, with the reason)."""
    if not (out.is_terminal and assistant.generator.streams):
        return assistant.ask(request)
    text = ""
    with Live(console=out, transient=True, refresh_per_second=8) as live:
        with closing(assistant.ask_stream(request)) as events:  # closed: the index generation is let go at once
            for event in events:
                if isinstance(event, Answer):
                    return event
                text += event.text
                live.update(Panel(text, title="Réponse en cours (phrases vérifiées)", border_style="dim"))
    raise RuntimeError("no answer")  # pragma: no cover


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="La question, ou « - » pour lire une question par ligne sur l'entrée standard.")],
    as_json: Annotated[bool, typer.Option("--json", help="Un objet JSON (schéma Answer) par question.")] = False,
    k: Annotated[Optional[int], typer.Option("--k", min=1, max=50, help="Nombre de passages classés retenus (leurs sections vont au modèle ; défaut : MGP_RETRIEVAL_K).")] = None,
    filters: Annotated[Optional[list[str]], typer.Option("--filter", help="type=délibération, document=NOM, date>=AAAA-MM-JJ…")] = None,
) -> None:
    """Poser une question sur le programme ; la réponse cite ses sources."""
    search = _parse_filters(filters)
    assistant = cli_assistant()
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
    assistant = cli_assistant()
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
