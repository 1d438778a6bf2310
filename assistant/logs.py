"""Logging to a file under the data dir; console output stays for the user-facing messages."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler

from assistant.config import Settings
from assistant.privacy import MaskingFilter

_configured = False


def setup_logging(settings: Settings, level: int = logging.INFO) -> None:
    global _configured
    if _configured:
        return
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(settings.log_dir / "mgp.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(MaskingFilter())  # no e-mail address or phone number in the log file
    root = logging.getLogger("mgp")
    root.setLevel(level)
    root.addHandler(handler)
    root.propagate = False
    # Libraries' warnings (pypdf repairing a file, chromadb…) go to the same file, not to the terminal
    # through Python's last-resort handler: the user reads our reasons, the log keeps theirs.
    library = logging.getLogger()
    if not library.handlers:
        library.setLevel(logging.WARNING)
        library.addHandler(handler)
    _configured = True
