"""What every tab of the web app shares: the services, the accounts, the audit log, one write lock."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import gradio as gr

from assistant.services import Services
from ui.access import AuditLog, UserDirectory


def user_error(message: str) -> gr.Error:
    """An error shown to the user in French (« Erreur », until closed), never a traceback in the
    server log: these are expected outcomes (a bad input, no index), not bugs."""
    return gr.Error(message, title="Erreur", duration=None, print_exception=False)


@dataclass
class WebContext:
    services: Services
    users: UserDirectory
    audit: AuditLog
    write_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def settings(self):
        return self.services.settings

    @property
    def assistant(self):
        return self.services.assistant

    def user_name(self, request: gr.Request | None) -> str | None:
        return self.users.user(getattr(request, "username", None)).name

    def is_admin(self, request: gr.Request | None) -> bool:
        return self.users.user(getattr(request, "username", None)).role == "admin"

    def require_admin(self, request: gr.Request | None) -> None:
        """Admin-only handlers check the role themselves: the API is as protected as the page."""
        if not self.is_admin(request):
            raise user_error("Action réservée aux administrateurs.")
