"""``mgp-assistant draft``: the engagement form of a commune, pre-filled and cited, written as DOCX/MD/JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer
import yaml
from rich.console import Console
from rich.markup import escape

from assistant.index import IndexNotReady
from ui.cli.common import app, cli_assistant, err

# The services are imported inside each command: `mgp-assistant --help` and the account commands
# start in about 0.6 s instead of loading the model stack (about 1.1 s) or Gradio (about 4.5 s).


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
    from assistant.forms.output import write_draft
    from assistant.forms import FormDefinitionError, FormDrafter, UnknownTrack

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
    assistant = cli_assistant()
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
    target = out or assistant.settings.forms_dir / f"formulaire_engagement_{result.file_slug}.docx"
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
