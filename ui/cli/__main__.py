"""``python -m ui.cli``."""

from ui.cli import app

app()
