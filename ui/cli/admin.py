"""Administration commands: retention purge, web accounts, corpus documents, user feedback."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from assistant.logs import setup_logging
from assistant.privacy import purge as run_purge
from ui.access import UserDirectory
from ui.cli.common import app, err, load_settings
from ui.feedback import export_feedback

# The services are imported inside each command: `mgp-assistant --help` and the account commands
# start in about 0.6 s instead of loading the model stack (about 1.1 s) or Gradio (about 4.5 s).


@app.command()
def purge(
    days: Annotated[Optional[int], typer.Option("--days", min=1, help="Âge maximal en jours (défaut : MGP_RETENTION_DAYS).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Compter sans rien supprimer.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Afficher le bilan en JSON.")] = False,
) -> None:
    """Supprimer les entrées du journal d'audit, les retours et les brouillons plus anciens que la durée de conservation."""
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
    if role not in ("agent", "admin"):
        raise typer.BadParameter("rôle attendu : agent ou admin", param_hint="--role")
    target = file or load_settings().ui_users
    if target is None:
        err.print("[red]Indiquez le fichier des comptes : --file CHEMIN ou MGP_UI_USERS.[/red]")
        raise typer.Exit(1)
    secret = password or _new_password()
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
    settings = load_settings()
    count = export_feedback(settings.feedback_file, out)
    Console().print(f"{count} cas à relire écrits dans {out}")


def _new_password() -> str:
    """Asked twice at the keyboard, in French (Click's own confirmation is English), until both agree."""
    for _ in range(3):
        first = typer.prompt("Mot de passe", hide_input=True)
        if typer.prompt("Confirmez le mot de passe", hide_input=True) == first:
            return first
        err.print("[red]Les deux saisies diffèrent : recommencez.[/red]")
    err.print("[red]Trois essais sans saisies identiques : compte non modifié.[/red]")
    raise typer.Exit(2)
