"""Command line: ``mgp-assistant``, one module per command group. Messages for users are in French."""

# isort: off  (the import order is the order of the commands in --help)
from ui.cli import ingest, ask, draft, serve, evals, admin  # noqa: F401  (each module registers its commands)
from ui.cli.common import app

# isort: on

__all__ = ["app"]
