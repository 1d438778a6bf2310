"""``mgp-assistant serve``: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from assistant.index import IndexNotReady
from assistant.logs import setup_logging
from ui.cli.common import app, err, load_settings

# The services are imported inside each command: `mgp-assistant --help` and the account commands
# start in about 0.6 s instead of loading the model stack (about 1.1 s) or Gradio (about 4.5 s).


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Adresse d'écoute (127.0.0.1 : ce poste seulement).")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port HTTP.")] = 7860,
) -> None:
    """Ouvrir l'application web (par défaut http://127.0.0.1:7860)."""
    from assistant.prompts import PromptError
    from ui.web import serve as serve_app

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
