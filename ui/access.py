"""Users and roles for the web app, and the audit log of questions and answers.

Without ``MGP_UI_USERS`` the app serves one user on this machine only (127.0.0.1) with every tab.
With it, a login is required; "agent" users see the assistant, "admin" users see everything, and the
same rule is enforced in every handler, so Gradio's API endpoints cannot be used to bypass the page.
Passwords are stored as scrypt hashes (standard library), never in clear.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Literal

import yaml

from assistant.privacy import mask_personal_data  # re-exported: the UI imports it from here

Role = Literal["agent", "admin"]
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt$" + base64.b64encode(salt).decode() + "$" + base64.b64encode(digest).decode()


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    expected = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), dklen=32, **_SCRYPT)
    return hmac.compare_digest(expected, base64.b64decode(digest))


@dataclass(frozen=True)
class User:
    name: str
    role: Role


class UserDirectory:
    """The users file: ``users: [{name, role, password_hash}]`` (YAML)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._users: dict[str, tuple[Role, str]] = {}
        if path is not None:
            self._users = self._load(path)

    @staticmethod
    def _load(path: Path) -> dict[str, tuple[Role, str]]:
        if not path.exists():
            raise ValueError(f"MGP_UI_USERS : fichier introuvable ({path})")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        users: dict[str, tuple[Role, str]] = {}
        for i, item in enumerate(data.get("users", []), start=1):
            name, role, hashed = item.get("name"), item.get("role"), item.get("password_hash")
            if not name or role not in ("agent", "admin") or not hashed:
                raise ValueError(f"MGP_UI_USERS : utilisateur n°{i} invalide (name, role agent|admin, password_hash)")
            users[str(name)] = (role, str(hashed))
        return users

    @property
    def enabled(self) -> bool:
        return self.path is not None

    def authenticate(self, name: str, password: str) -> bool:
        entry = self._users.get(name)
        return entry is not None and verify_password(password, entry[1])

    def user(self, name: str | None) -> User:
        """The user of a request; without a users file the single local user is an admin."""
        if not self.enabled:
            return User(name="local", role="admin")
        entry = self._users.get(name or "")
        return User(name=name or "", role=entry[0]) if entry else User(name=name or "", role="agent")

    @staticmethod
    def add(path: Path, name: str, password: str, role: Role) -> None:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None
        users = [u for u in (data or {}).get("users", []) if u.get("name") != name]
        users.append({"name": name, "role": role, "password_hash": hash_password(password)})
        path.write_text(yaml.safe_dump({"users": users}, allow_unicode=True, sort_keys=False), encoding="utf-8")




class AuditLog:
    """One JSON line per question answered: who, when, what, which sources, how long."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def record(self, user: str, session: str, question: str, answer_id: str, citations: list[str], latency_ms: float,
               abstained: bool, public: Callable[[str], bool] | None = None, outcome: str = "") -> None:
        entry = {
            "time": datetime.now(timezone.utc).isoformat(),
            "user": user,
            "session": session,
            "question": mask_personal_data(question, public),
            "answer_id": answer_id,
            "abstained": abstained,
            "outcome": outcome or ("none" if abstained else "answer"),
            "citations": citations,
            "latency_ms": round(latency_ms, 1),
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(entry, ensure_ascii=False) + "\n")
