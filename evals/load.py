"""Simulated users against a running web app (`mgp-assistant serve`), speaking Gradio's queue protocol.

Each user is a separate browser session (its own ``session_hash``, cookies and heartbeat, as a tab
has) that opens the page (its load events), asks about one beneficiary, then a follow-up about
another (resolved with the session's own history), then rates its second answer with a comment that
identifies the user; the events the page chains after a question (``.then``) run too. A leak is any
answer or message list that belongs to another session; the server-side check (feedback records)
is done by the caller, who can read the data folder.

The users are coroutines on one event loop, each with its own small connection pool (a shared pool
of 40 connections cost ~20 % more client CPU: httpcore scans every connection at each request), not
``gradio_client`` clients: with 20 of those (a thread, a config fetch, polling loops each) the load
generator spent more CPU than the server and its own cost dominated the latency it measured on a
2-core machine.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
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
    """Join request to the completed message: what the agent waits."""
    queued_ms: list[float] = Field(default_factory=list)
    """Join request to the start message: the wait in Gradio's queue (plus the join round trip)."""
    spans: list[tuple[float, float]] = Field(default_factory=list)
    """(start, end) of each request, wall-clock seconds: to see what ran at the same time."""
    opened_ms: float = 0.0
    """Opening the page (login, load events), before the users start together: not in the latencies."""
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
    queued_p50_ms: float = 0.0
    queued_p95_ms: float = 0.0
    """Part of the latency spent before the handler started (Gradio's queue, the join request)."""
    open_p95_ms: float = 0.0
    """Opening the page, all users at once (before they ask)."""
    client_cpu_s: float = 0.0
    """CPU the load generator's process used during the run: it must stay small beside the latency."""
    results: list[UserResult]

    def summary(self) -> str:
        shared = "" if self.distinct_names == self.users else (
            f" (seulement {self.distinct_names} communes différentes : fuites non détectables entre homonymes)")
        return (f"{self.users} utilisateurs simultanés{shared}, {self.requests} requêtes en {self.wall_s:.1f} s : "
                f"{self.errors} erreur(s), {self.leaks} fuite(s) entre sessions ; latence p50 "
                f"{self.p50_ms:.0f} ms, p95 {self.p95_ms:.0f} ms, max {self.max_ms:.0f} ms (dont file d'attente "
                f"p95 {self.queued_p95_ms:.0f} ms) ; CPU du simulateur {self.client_cpu_s:.2f} s")


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


# -- Gradio's queue protocol -------------------------------------------------------------


class AppError(Exception):
    """The server ran the event and reported an error (``gr.Error``, a crash, a stopped queue)."""


@dataclass(frozen=True)
class Endpoint:
    """One event of the app, as its config describes it: the browser sends every input (a
    ``gr.State`` as null: the server keeps its value per session) and gets every output back (a
    state as null, dropped here as ``gradio_client`` does)."""

    fn_index: int
    trigger_id: int | None
    defaults: tuple[Any, ...]
    """What a freshly opened page sends for each input (its initial value; null for a state)."""
    state_inputs: tuple[bool, ...]
    state_outputs: tuple[bool, ...]
    then: tuple[int, ...] = ()
    """Events the page runs once this one is done (``.then``: e.g. the conversation kept in the browser)."""
    queued: bool = True
    """False: the page posts it directly (``queue=False``), outside the queue and its event stream."""

    def payload(self, args: tuple | None) -> list:
        if args is None:
            return list(self.defaults)
        values = iter(args)
        return [None if is_state else next(values) for is_state in self.state_inputs]

    def visible(self, data: list) -> tuple:
        return tuple(v for v, is_state in zip(data, self.state_outputs) if not is_state)


@dataclass(frozen=True)
class App:
    root: str
    api: str
    heartbeat: bool
    events: dict[int, Endpoint]
    named: dict[str, int]
    """``/ask`` → fn_index, for the events that have an API name."""
    on_load: tuple[int, ...]
    """The events a page runs when it opens (``demo.load``)."""


def read_app(config: dict, root: str) -> App:
    """The events, from the config the page itself loads (``GET /config``)."""
    components = {c["id"]: c for c in config["components"]}

    def kind(i: int) -> str | None:
        return components.get(i, {}).get("type")

    def initial(i: int) -> Any:
        props = components.get(i, {}).get("props", {})
        return None if kind(i) == "state" else props.get("default_value") if kind(i) == "browserstate" else props.get("value")

    deps = [d for d in config["dependencies"] if d.get("backend_fn", True)]  # js-only events never reach the server
    ids = {id(d): d.get("id", n) for n, d in enumerate(config["dependencies"])}
    events, named, on_load = {}, {}, []
    for dep in deps:
        fn = ids[id(dep)]
        targets = dep.get("targets") or []
        events[fn] = Endpoint(
            fn_index=fn, trigger_id=targets[0][0] if targets else None,
            defaults=tuple(initial(i) for i in dep["inputs"]),
            state_inputs=tuple(kind(i) == "state" for i in dep["inputs"]),
            state_outputs=tuple(kind(o) == "state" for o in dep["outputs"]),
            then=tuple(ids[id(d)] for d in deps if d.get("trigger_after") == fn and not d.get("trigger_only_on_failure")),
            queued=dep.get("queue") is not False,
        )
        if isinstance(dep.get("api_name"), str):
            named["/" + dep["api_name"]] = fn
        if any(t[1] == "load" for t in targets):
            on_load.append(fn)
    return App(root=root, api=root + config.get("api_prefix", "/gradio_api"), heartbeat=bool(config.get("connect_heartbeat")),
               events=events, named=named, on_load=tuple(on_load))


class Session:
    """One browser tab: its own session hash, cookies (a login of its own) and connections."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.hash = secrets.token_hex(6)
        # Timeouts: the server writes to the event stream at least every heartbeat (15 s by default).
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(30.0, read=60.0))
        self._heartbeat: asyncio.Task | None = None
        self.opened_ms = 0.0

    async def open(self, auth: tuple[str, str] | None) -> None:
        """What a browser does when it opens the page: log in, keep a heartbeat (the server forgets
        the session's state when it closes), run the page's load events — the server builds the
        session's state then, not at the first question."""
        started = time.perf_counter()
        if auth:
            await login(self.http, self.app.root, auth)
        if self.app.heartbeat:
            self._heartbeat = asyncio.create_task(self._beat())
        for fn in self.app.on_load:
            await self._chain(fn, None)
        self.opened_ms = (time.perf_counter() - started) * 1000

    async def _beat(self) -> None:
        async with self.http.stream("GET", f"{self.app.api}/heartbeat/{self.hash}", timeout=None) as response:
            async for _ in response.aiter_bytes():
                pass

    async def close(self) -> None:
        if self._heartbeat:
            self._heartbeat.cancel()
            await asyncio.gather(self._heartbeat, return_exceptions=True)
        await self.http.aclose()

    async def call(self, api_name: str, *args: Any, result: UserResult | None = None) -> tuple:
        """One event, timed into ``result``; the events the page chains after it (not timed: the
        agent already sees the answer) run before the next call, as in the browser."""
        fn = self.app.named.get(api_name)
        if fn is None:
            raise AppError(f"point d'accès {api_name} absent de l'application")
        started, wall = time.perf_counter(), time.time()
        waited: list[float] = []
        try:
            data = await self._run(self.app.events[fn], args, waited)
        finally:
            if result is not None:
                elapsed = time.perf_counter() - started
                result.latencies_ms.append(elapsed * 1000)
                result.queued_ms.append((waited[0] if waited else elapsed) * 1000)
                result.spans.append((wall, time.time()))
        for then in self.app.events[fn].then:
            await self._chain(then, None)
        return self.app.events[fn].visible(data)

    async def _chain(self, fn: int, args: tuple | None) -> None:
        await self._run(self.app.events[fn], args)
        for then in self.app.events[fn].then:
            await self._chain(then, None)

    async def _run(self, endpoint: Endpoint, args: tuple | None, waited: list[float] | None = None) -> list:
        """Join the queue, then read this session's event stream until the event completes (or post
        a non-queued event directly). A generator's intermediate outputs (``process_generating``,
        diffs after the first) are not rebuilt: ``process_completed`` carries the final values whole.
        The stream is left at that message (its close follows): reading on to keep the connection
        changed nothing measurable."""
        started = time.perf_counter()
        body = {"data": endpoint.payload(args), "fn_index": endpoint.fn_index, "session_hash": self.hash,
                "event_data": None, "trigger_id": endpoint.trigger_id}
        if not endpoint.queued:
            response = await self.http.post(f"{self.app.api}/run/predict", json=body)
            if response.status_code == 500:
                raise AppError(response.json().get("error") or "erreur sans message")
            response.raise_for_status()
            return response.json()["data"]
        joined = await self.http.post(f"{self.app.api}/queue/join", json=body)
        if joined.status_code == 503:
            raise AppError("file d'attente pleine")
        joined.raise_for_status()
        event_id = joined.json()["event_id"]
        async with self.http.stream("GET", f"{self.app.api}/queue/data", params={"session_hash": self.hash}) as stream:
            stream.raise_for_status()
            async for line in stream.aiter_lines():
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                kind = message.get("msg")
                if message.get("event_id") not in (None, event_id):
                    continue
                if kind == "process_starts" and waited is not None:
                    waited.append(time.perf_counter() - started)
                elif kind == "process_completed":
                    output = message.get("output") or {}
                    if not message.get("success", False):
                        raise AppError(output.get("error") or message.get("title") or "erreur sans message")
                    return output["data"]
                elif kind == "unexpected_error":
                    raise AppError(message.get("message") or "erreur inattendue")
                elif kind in ("close_stream", "server_stopped"):
                    break
                # estimation, heartbeat, log (gr.Warning), process_generating: nothing to do
        raise AppError("flux d'événements fermé avant la fin de l'événement")


async def login(http: httpx.AsyncClient, root: str, auth: tuple[str, str]) -> None:
    """Gradio's login form (``POST /login``): it sets the session cookie this client then sends."""
    response = await http.post(f"{root}/login", data={"username": auth[0], "password": auth[1]})
    if response.status_code != 200:
        raise AppError(f"connexion refusée ({response.status_code})")


async def fetch_app(url: str, auth: tuple[str, str] | None = None) -> App:
    root = url.rstrip("/")
    async with httpx.AsyncClient(timeout=30.0) as http:
        if auth:
            await login(http, root, auth)
        response = await http.get(f"{root}/config")
        if response.status_code == 401:
            raise AppError("l'application demande une connexion : indiquez un compte")
        response.raise_for_status()
        return read_app(response.json(), root)


# -- the simulation ----------------------------------------------------------------------


async def run_user(session: Session, script: UserScript, names: list[str], rate: bool = True) -> UserResult:
    result = UserResult(user=script.user, token=script.token)
    others = {n for n in names if n not in (script.first_name, script.follow_up_name)}
    try:
        messages, _, _ = await session.call("/ask", script.first, [], result=result)
        if [m["role"] for m in messages] != ["user", "assistant"] or _text(messages[0]) != script.first:
            result.leaks.append(f"premier échange inattendu : {len(messages)} messages")
        _judge(result, _text(messages[-1]), script.first_name, others, "première réponse")
        messages, _, _ = await session.call("/ask", script.follow_up, messages, result=result)
        asked = [_text(m) for m in messages if m["role"] == "user"]
        if asked != [script.first, script.follow_up]:
            result.leaks.append(f"questions d'une autre session dans l'historique : {asked}")
        _judge(result, _text(messages[-1]), script.follow_up_name, others, "relance")
        if rate:
            (status,) = await session.call("/feedback", 1, True, script.token, result=result)
            if "enregistré" not in str(status):
                result.errors.append(f"retour non enregistré : {status}")
    except Exception as exc:  # a failed call is counted, not raised: the run measures all users
        result.errors.append(f"{type(exc).__name__}: {str(exc)[:200]}")
    return result


def _failed(script: UserScript, exc: BaseException) -> UserResult:
    return UserResult(user=script.user, token=script.token, errors=[f"{type(exc).__name__}: {str(exc)[:200]}"])


async def _simulate(url: str, plan: list[UserScript], names: list[str], auth, rate: bool,
                    during: Callable[[], None] | None) -> tuple[list[UserResult], float, float]:
    try:
        app = await fetch_app(url, auth)
    except Exception as exc:  # no app (down, wrong account): every user fails, as each would alone
        return [_failed(p, exc) for p in plan], 0.0, 0.0
    sessions = [Session(app) for _ in plan]
    side = threading.Thread(target=during) if during else None
    try:
        opened = await asyncio.gather(*(s.open(auth) for s in sessions), return_exceptions=True)
        cpu, started = time.process_time(), time.perf_counter()
        if side:
            side.start()

        async def one(session: Session, script: UserScript, failure: BaseException | None) -> UserResult:
            if failure is not None:
                return _failed(script, failure)
            result = await run_user(session, script, names, rate)
            result.opened_ms = round(session.opened_ms, 1)
            return result

        # All users start together (a browser tab each, already open), as a barrier would.
        results = await asyncio.gather(*(one(s, p, f if isinstance(f, BaseException) else None)
                                         for s, p, f in zip(sessions, plan, opened)))
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)
    if side:
        await asyncio.to_thread(side.join)
    return list(results), wall, cpu


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) >= 2 else (values or [0.0])[0]


def simulate(
    url: str,
    names: list[str],
    users: int = 20,
    auth: tuple[str, str] | None = None,
    during: Callable[[], None] | None = None,
    rate: bool = True,
) -> LoadReport:
    """All users start together; ``during`` (e.g. an ingestion) runs in a thread in parallel with
    them. With ``rate`` each user leaves a feedback record (a test server's; not a production one's)."""
    plan = scripts(names, users)
    results, wall, cpu = asyncio.run(_simulate(url, plan, names, auth, rate, during))
    latencies = sorted(x for r in results for x in r.latencies_ms)
    queued = [x for r in results for x in r.queued_ms]
    return LoadReport(
        users=users, distinct_names=min(users, len(set(names))), requests=len(latencies), errors=sum(len(r.errors) for r in results),
        leaks=sum(len(r.leaks) for r in results), wall_s=round(wall, 2),
        p50_ms=round(statistics.median(latencies), 1) if latencies else 0.0, p95_ms=round(_p95(latencies), 1),
        max_ms=round(latencies[-1], 1) if latencies else 0.0,
        queued_p50_ms=round(statistics.median(queued), 1) if queued else 0.0, queued_p95_ms=round(_p95(queued), 1),
        open_p95_ms=round(_p95([r.opened_ms for r in results]), 1), client_cpu_s=round(cpu, 3), results=results,
    )
