"""Simulated users against a running web app (`mgp-assistant serve`), through Gradio's Python client.

Each user is a separate browser session that asks about one beneficiary, then a follow-up about
another (resolved with the session's own history), then rates its second answer with a comment
that identifies the user. A leak is any answer or message list that belongs to another session;
the server-side check (feedback records) is done by the caller, who can read the data folder.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from gradio_client import Client
from pydantic import BaseModel, Field


class UserScript(BaseModel):
    user: int
    first: str
    follow_up: str
    first_name: str
    follow_up_name: str
    token: str


class UserResult(BaseModel):
    user: int
    token: str
    latencies_ms: list[float] = Field(default_factory=list)
    spans: list[tuple[float, float]] = Field(default_factory=list)
    """(start, end) of each request, wall-clock seconds: to see what ran at the same time."""
    errors: list[str] = Field(default_factory=list)
    leaks: list[str] = Field(default_factory=list)


class LoadReport(BaseModel):
    users: int
    distinct_names: int
    """Users beyond the number of names share a commune: a leak between two of them cannot be seen."""
    requests: int
    errors: int
    leaks: int
    wall_s: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    results: list[UserResult]

    def summary(self) -> str:
        shared = "" if self.distinct_names == self.users else (
            f" (seulement {self.distinct_names} communes différentes : fuites non détectables entre homonymes)")
        return (f"{self.users} utilisateurs simultanés{shared}, {self.requests} requêtes en {self.wall_s:.1f} s : "
                f"{self.errors} erreur(s), {self.leaks} fuite(s) entre sessions ; latence p50 "
                f"{self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, max {self.max_ms:.0f} ms")


def scripts(names: list[str], users: int) -> list[UserScript]:
    """User i asks about beneficiary i, then about beneficiary i+7 (``names``: the beneficiaries the
    index holds, read from its records: nothing about the programme is written here)."""
    out = []
    for i in range(users):
        first, other = names[i % len(names)], names[(i + 7) % len(names)]
        out.append(UserScript(
            user=i, first=f"Est-ce que {first} participe au parcours ?", follow_up=f"et {other} ?",
            first_name=first, follow_up_name=other, token=f"utilisateur-simulé-{i:03d}",
        ))
    return out


def _text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return str(content)


def _judge(result: UserResult, answer: str, name: str, others: set[str], which: str) -> None:
    """The answer must be about ``name``: it may name an EPT further on, but a commune another
    session asked about, named before (or instead of) ours, is a leak."""
    position = answer.find(name)
    foreign = sorted(n for n in others if n not in name and 0 <= answer.find(n) and (position < 0 or answer.find(n) < position))
    if foreign:
        result.leaks.append(f"{which} qui porte sur une autre commune : {foreign}")
    elif position < 0:
        result.errors.append(f"{which} sans la commune demandée")


def run_user(
    url: str, script: UserScript, names: list[str], auth: tuple[str, str] | None = None, rate: bool = True
) -> UserResult:

    result = UserResult(user=script.user, token=script.token)
    others = {n for n in names if n not in (script.first_name, script.follow_up_name)}

    def timed(call: Callable[[], object]) -> object:
        started, wall = time.perf_counter(), time.time()
        try:
            return call()
        finally:
            result.latencies_ms.append((time.perf_counter() - started) * 1000)
            result.spans.append((wall, time.time()))

    try:
        client = Client(url, auth=auth, verbose=False)
        messages, _, _ = timed(lambda: client.predict(script.first, [], api_name="/ask"))
        if [m["role"] for m in messages] != ["user", "assistant"] or _text(messages[0]) != script.first:
            result.leaks.append(f"premier échange inattendu : {len(messages)} messages")
        _judge(result, _text(messages[-1]), script.first_name, others, "première réponse")
        messages, _, _ = timed(lambda: client.predict(script.follow_up, messages, api_name="/ask"))
        asked = [_text(m) for m in messages if m["role"] == "user"]
        if asked != [script.first, script.follow_up]:
            result.leaks.append(f"questions d'une autre session dans l'historique : {asked}")
        _judge(result, _text(messages[-1]), script.follow_up_name, others, "relance")
        if rate:
            status = timed(lambda: client.predict(1, True, script.token, api_name="/feedback"))
            if "enregistré" not in str(status):
                result.errors.append(f"retour non enregistré : {status}")
    except Exception as exc:  # a failed call is counted, not raised: the run measures all users
        result.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    return result


def simulate(
    url: str,
    names: list[str],
    users: int = 20,
    auth: tuple[str, str] | None = None,
    during: Callable[[], None] | None = None,
    rate: bool = True,
) -> LoadReport:
    """All users start together; ``during`` (e.g. an ingestion) runs in parallel with them. With
    ``rate`` each user leaves a feedback record (a test server's; not a production one's)."""
    plan = scripts(names, users)
    barrier = threading.Barrier(users)

    def one(script: UserScript) -> UserResult:
        try:
            barrier.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        return run_user(url, script, names, auth, rate)

    started = time.perf_counter()
    side = threading.Thread(target=during) if during else None
    with ThreadPoolExecutor(max_workers=users) as pool:
        futures = [pool.submit(one, s) for s in plan]
        if side:
            side.start()
        results = [f.result() for f in futures]
    if side:
        side.join()
    wall = time.perf_counter() - started
    latencies = sorted(x for r in results for x in r.latencies_ms)
    p95 = statistics.quantiles(latencies, n=20, method="inclusive")[-1] if len(latencies) >= 2 else (latencies or [0.0])[0]
    return LoadReport(
        users=users, distinct_names=min(users, len(set(names))), requests=len(latencies), errors=sum(len(r.errors) for r in results),
        leaks=sum(len(r.leaks) for r in results), wall_s=round(wall, 2),
        p50_ms=round(statistics.median(latencies), 1) if latencies else 0.0, p95_ms=round(p95, 1),
        max_ms=round(latencies[-1], 1) if latencies else 0.0, results=results,
    )
