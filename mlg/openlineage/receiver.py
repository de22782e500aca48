"""`mlg serve-lineage`: an OpenLineage HTTP receiver in front of the graph.

    POST /api/v1/lineage          one event (JSON, optionally gzip) -> 201 once spooled
    GET  /api/v1/lineage/status   spool and applier state (JSON)

The contract: 2xx only for an event the receiver will apply. Before answering it
checks the event (limits, the spec, text Kuzu cannot store: 400 with the reasons) and,
when it can open the graph, what applying it after the events already waiting would
reject (a kind clash: 400 too; cycles are lineage and never refused); then it writes the event durably to
the spool (mlg.openlineage.spool) and answers 201. A background applier ingests
spooled events in batches, one transaction each, and deletes their files after the
commit. Whatever still fails at apply time (the graph was held by another process at
check time and changed, or applying raised) is moved to the spool's dead-letter folder
with its reason, counted in /status and `mlg serve-lineage --status`, and never blocks
the events behind it; the applier survives any exception.

Kuzu allows one writer process and no reader beside it (DESIGN §5), so the graph is
held only while events arrive or are written, and closed after `hold_seconds` of
quiet; while another process holds it, events wait in the spool.

Browsers: a web page can POST to 127.0.0.1 from the user's browser. Without an API key
requests carrying an `Origin` header are refused (unless that origin is allowed), and
every POST must declare a JSON content type (which a page cannot send without a
preflight). Listening beyond loopback requires an API key.

The HTTP side (endpoints, body limits, keys, browsers) is mlg/openlineage/http_endpoint.py;
what a new event is checked against (the events still pending) is mlg/openlineage/pending.py.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from mlg.batch import Location
from mlg.errors import GraphError, GraphLocked, IngestError, MlgError
from mlg.http_guard import is_loopback
from mlg.openlineage.events import LineageEvent, parse_event
from mlg.openlineage.http_endpoint import (
    LINEAGE_PATH,
    LineageHandler,
    LineageServer,
)
from mlg.openlineage.pending import PendingKinds, PendingLookup, lineage_signature
from mlg.openlineage.spool import Spool
from mlg.safe_load import DocumentError, load_json
from mlg.store.location import url_scheme

# A batch that fails for a reason that is not the events' (the graph unusable, a write
# refused) is retried this many times before its events are tried one by one.
MAX_BATCH_ATTEMPTS = 3
MAX_GATHER_SECONDS = 2.0  # the longest an acknowledged event waits before its batch starts
NEW_EVENT = "<request>"  # the location of the event being checked, among the pending ones


def default_spool(graph_path: Path) -> Path:
    """`<graph>.spool/`, next to the graph file."""
    return graph_path.with_name(graph_path.name + ".spool")


class LineageReceiver:
    """The HTTP server, the spool and the applier; `start()`/`stop()`, or `serve()`."""

    def __init__(
        self,
        graph_path: str | Path,
        *,
        host: str = "127.0.0.1",
        port: int = 5000,
        api_key: str | None = None,
        spool_dir: str | Path | None = None,
        batch_size: int = 500,
        linger: float = 0.25,
        retry_seconds: float = 1.0,
        hold_seconds: float = 2.0,
        read_timeout: float = 30.0,
        max_connections: int = 32,
        allowed_origins: Iterable[str] = (),
        log: Callable[[str], None] | None = None,
    ):
        self.api_key = api_key or None
        if self.api_key is None and not is_loopback(host):
            raise MlgError(
                f"refusing to listen on {host} without an API key: anyone who can reach it could "
                "write lineage. Set $MLG_API_KEY or --api-key-file, or listen on 127.0.0.1"
            )
        # A graph on a server (falkordb://...) takes writes while others read it: events
        # are ingested as they arrive, each acknowledged once committed; no spool. A file
        # admits one writer at a time: events are spooled and applied in batches.
        self.direct = isinstance(graph_path, str) and url_scheme(graph_path) is not None
        self.graph_path: str | Path = graph_path if self.direct else Path(graph_path)
        self.spool = None if self.direct else Spool(spool_dir or default_spool(self.graph_path))
        self.host, self.port = host, port
        self.batch_size = batch_size
        self.linger = linger
        self.retry_seconds = retry_seconds
        self.hold_seconds = hold_seconds
        self.read_timeout = read_timeout
        self.max_connections = max_connections
        self.allowed_origins = frozenset(o.rstrip("/") for o in allowed_origins)
        self.log = log or _silent
        self.applied = 0
        self.dead_lettered = 0  # by this process; the spool counts every run's
        self.unchecked = 0  # acknowledged while the graph could not be opened to check them
        self.state = "idle"
        self.last_error: str | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._server: LineageServer | None = None
        self._threads: list[threading.Thread] = []
        # Locks, always taken in this order: `_accept_lock` (checks and spooling of new
        # events, one at a time, so each is checked against every event acknowledged
        # before it), `_graph_lock` (opening, reading for a check, writing, closing the
        # graph), `_pending_lock` (the pending events, a leaf).
        self._accept_lock = threading.Lock()
        self._graph_lock = threading.RLock()
        self._pending_lock = threading.Lock()
        self._graph = None
        self._last_use = 0.0
        self._pending: dict[str, LineageEvent] = {}
        self._checked: set[tuple] = set()  # lineage signatures found applicable (see _would_refuse)
        self._known: PendingKinds | None = None  # the asset kinds the pending events add
        self._generation = 0  # bumped whenever _checked and _known are dropped
        self._checks_waiting = 0  # only ever 0 or 1: checks run one at a time
        self._last_accept = 0.0

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        if self.direct:
            self._start_direct()
            return
        self.spool.acquire()
        try:
            self._server = LineageServer((self.host, self.port), LineageHandler, self)
        except OSError as exc:
            self.spool.release()
            raise MlgError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        self.port = self._server.server_address[1]
        for name in self.spool.names():  # what a previous run acknowledged: checked already
            event = self._parse_spooled(name)
            if event is not None:
                self._pending[name] = event
        self._threads = [
            threading.Thread(target=self._server.serve_forever, name="mlg-http", daemon=True),
            threading.Thread(target=self._apply_loop, name="mlg-applier", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._wake.set()  # apply whatever a previous run left in the spool

    def _start_direct(self) -> None:
        try:
            self._server = LineageServer((self.host, self.port), LineageHandler, self)
        except OSError as exc:
            raise MlgError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        self.port = self._server.server_address[1]
        self._open_graph()  # a server that cannot be reached is said at start, not per event
        self._threads = [threading.Thread(target=self._server.serve_forever, name="mlg-http", daemon=True)]
        self._threads[0].start()

    def _accept_direct(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """Ingest one checked event now, in its own transaction: (HTTP status, body)."""
        from mlg.openlineage.loader import ingest_events

        with self._graph_lock:
            try:
                report = ingest_events(self._open_graph(), [(load_json(body), Location(NEW_EVENT, "event"))])
            except IngestError as exc:
                return 400, {
                    "error": "this event cannot be applied to the graph; nothing was stored",
                    "problems": [str(p) for p in exc.problems] or [str(exc)],
                }
            except MlgError as exc:
                self.last_error = str(exc)
                return 503, {"error": f"could not write the event to {self.graph_path}: {exc}"}
        self.applied += 1
        self.last_error = None
        return 201, {"status": "applied", "changed": bool(getattr(report, "changed", True))}

    def stop(self, timeout: float = 60.0) -> None:
        """Stop accepting, let the applier finish its batch; unapplied events stay spooled."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        with self._accept_lock, self._graph_lock:
            self._close_graph()
        if self.spool is not None:
            self.spool.release()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{LINEAGE_PATH}"

    def serve(self, announce: Callable[[str], None] = print) -> None:
        """Run until SIGINT or SIGTERM."""
        self.start()
        announce(
            f"listening on {self.url} (graph {self.graph_path}, "
            + ("writing each event as it arrives" if self.direct else f"spool {self.spool.directory}")
            + (", API key required" if self.api_key else "")
            + ")"
        )
        if self.log is _silent:
            self.log = announce
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        try:
            while not stop.wait(0.5):
                pass
        finally:
            if not self.direct:
                announce("stopping: unapplied events stay in the spool for the next start")
            self.stop()

    def status(self) -> dict[str, Any]:
        if self.direct:
            return {
                "pending": 0,
                "applied": self.applied,
                "dead_lettered": 0,
                "unchecked": 0,
                "state": "writing directly",
                "last_error": self.last_error,
                "graph": str(self.graph_path),
                "spool": None,
                "dead_letter": None,
            }
        applier = self._threads[1] if len(self._threads) > 1 else None
        state = self.state
        if applier is not None and not applier.is_alive() and not self._stopping.is_set():
            state = "stopped: the applier thread ended"  # cannot happen; said if it does
        return {
            "pending": self.spool.count(),
            "applied": self.applied,
            "dead_lettered": self.spool.dead_letter_count(),
            "unchecked": self.unchecked,
            "state": state,
            "last_error": self.last_error,
            "graph": str(self.graph_path),
            "spool": str(self.spool.directory),
            "dead_letter": str(self.spool.dead_letter),
        }

    def wait_until_applied(self, timeout: float = 60.0) -> bool:
        """True once the spool is empty (for tests and benchmarks)."""
        if self.direct:
            return True  # every acknowledged event is committed already
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.spool.count() == 0 and self.state != "applying":
                return True
            self._wake.set()
            time.sleep(0.02)
        return False

    # -- HTTP side ---------------------------------------------------------------------------

    def accept(self, body: bytes) -> tuple[int, dict[str, Any]]:
        """Check one event and spool it: (HTTP status, response body)."""
        try:
            event = load_json(body)
        except DocumentError as exc:
            return 400, {"error": f"the body is not a JSON event mlg will read: {exc}"}
        if isinstance(event, list):
            return 400, {"error": "send one OpenLineage event per request, not a list"}
        result = parse_event(event, Location(NEW_EVENT, "event"))
        if isinstance(result, list):
            return 400, {"error": "invalid OpenLineage event; nothing was stored", "problems": _texts(result)}
        if self.direct:
            return self._accept_direct(body)
        with self._accept_lock:
            refused = self._would_refuse(result)
            if refused:
                return 400, {
                    "error": "this event cannot be applied to the graph; nothing was stored",
                    "problems": refused,
                }
            try:
                name = self.spool.put(body)
            except OSError as exc:
                return 503, {"error": f"could not store the event durably: {exc}"}
            with self._pending_lock:
                self._pending[name] = _relocated(result, name)
            self._last_accept = time.monotonic()
        self._wake.set()
        return 201, {"status": "accepted", "id": name}

    def _would_refuse(self, event: LineageEvent) -> list[str]:
        """What applying `event` after the pending events would reject (the caller holds
        `_accept_lock`). [] when it would apply, or when the graph cannot be opened to tell.

        The event is mapped and validated alone, against the graph plus what the pending
        events add (their assets' kinds and their edges, kept from their own checks), so
        a check costs the same however many events wait."""

        # A run of a job that reads and writes what an event checked before it did adds no
        # edge and no name: the same answer. Valid while this process holds the graph
        # (nobody else writes); forgotten when it closes or an event is dead-lettered.
        signature = lineage_signature(event)
        if signature in self._checked and self._graph is not None:
            return []
        # Not while a batch is written: Kuzu's checkpoint at commit waits for every open
        # read transaction, and times out (the batch then fails) while checks keep coming.
        self._checks_waiting += 1  # the applier lets checks go first (see _apply)
        try:
            with self._graph_lock:
                graph = self._open_graph(for_check=True)
                if graph is None:
                    self.unchecked += 1
                    return []
                return self._check(graph, event, signature)
        finally:
            self._checks_waiting -= 1

    def _check(self, graph, event: LineageEvent, signature: tuple) -> list[str]:
        from mlg.openlineage.loader import check_events

        generation = self._generation
        known = self._known
        if known is None:
            with self._pending_lock:
                pending = list(self._pending.values())
            known = PendingKinds.of(graph, pending)
        problems, plan = check_events(graph, [event], PendingLookup(graph, known))
        if problems:
            return _texts(problems)
        known.add(plan)
        if generation == self._generation:  # else the applier forgot meanwhile: rebuild next time
            self._known = known
            self._checked.add(signature)
        return []

    # -- the graph ----------------------------------------------------------------------------

    def _open_graph(self, for_check: bool = False):
        """The graph, opened if needed; None while another process holds it (then
        GraphLocked is raised for the applier, which waits). Closed only by the applier
        when quiet, holding every lock, so a check never sees it closed under it."""
        from mlg.graph import Graph

        self._last_use = time.monotonic()
        with self._graph_lock:
            if self._graph is None:
                try:
                    self._graph = Graph(self.graph_path)
                except GraphError:
                    if for_check:
                        return None
                    raise
            return self._graph

    def _close_graph(self) -> None:
        self._forget()
        if self._graph is not None:
            graph, self._graph = self._graph, None
            graph.close()

    # -- applier -----------------------------------------------------------------------------

    def _apply_loop(self) -> None:
        attempts = 0
        while not self._stopping.is_set():
            self._wake.wait(self.retry_seconds)
            self._wake.clear()
            self._gather()
            try:
                while not self._stopping.is_set():
                    names = self.spool.names(self.batch_size)
                    if not names:
                        break
                    outcome = self._apply(names)
                    if outcome == "busy":
                        self._stopping.wait(self.retry_seconds)  # another process holds the graph
                        break
                    if outcome == "failed":
                        attempts += 1
                        if attempts < MAX_BATCH_ATTEMPTS:
                            self._stopping.wait(self.retry_seconds)
                            break
                        self._one_by_one(names)
                    attempts = 0
                if self.state not in ("waiting for the graph", "retrying after an error"):
                    self.state = "idle"
                if self._graph is not None and time.monotonic() - self._last_use > self.hold_seconds:
                    with self._accept_lock, self._graph_lock:
                        if time.monotonic() - self._last_use > self.hold_seconds:
                            self._close_graph()  # quiet: let explorers and notebooks open it
            except Exception as exc:  # the applier must outlive anything
                self.state = "retrying after an error"
                self.last_error = f"{type(exc).__name__}: {exc}"
                self.log(f"applier error, will retry: {self.last_error}")
                self._stopping.wait(self.retry_seconds)

    def _gather(self) -> None:
        """Let a burst of events gather into one transaction: wait `linger`, and while
        events keep arriving (and fewer than a batch wait) up to MAX_GATHER_SECONDS. Each
        batch written makes the checks of new events wait, so fewer, larger batches."""
        started = time.monotonic()
        time.sleep(self.linger)
        while (
            not self._stopping.is_set()
            and time.monotonic() - self._last_accept < self.linger
            and time.monotonic() - started < MAX_GATHER_SECONDS
            and self.spool.count() < self.batch_size
        ):
            time.sleep(self.linger / 2)

    def _apply(self, names: list[str]) -> str:
        """Apply one batch: "applied", "busy" (another process holds the graph, events
        kept) or "failed" (not the events' fault as far as can be told, events kept).
        Events the ingest refuses, or that make it raise, are dead-lettered."""
        from mlg.openlineage.loader import ingest_events

        events = []
        for name in names:
            try:
                events.append(
                    (load_json(self.spool.read(name)), Location(str(self.spool.path(name)), "event"))
                )
            except (OSError, DocumentError) as exc:
                self._dead_letter(name, f"cannot be read as JSON: {exc}")
        names = [n for n in names if (self.spool.pending / n).exists()]
        self.state = "applying"
        # A client waits on a check, nobody waits on a batch: let a waiting check go first
        # (briefly), and the events it admits join this batch next time round.
        deadline = time.monotonic() + 1.0
        while self._checks_waiting and time.monotonic() < deadline and not self._stopping.is_set():
            time.sleep(0.002)
        with self._graph_lock:
            try:
                graph = self._open_graph()
                report = ingest_events(graph, events, skip_invalid=True)
            except GraphLocked:
                if self.state != "waiting for the graph":
                    self.log(
                        f"graph {self.graph_path} is in use by another process; "
                        f"{self.spool.count()} event(s) wait in the spool"
                    )
                self.state = "waiting for the graph"
                return "busy"
            except IngestError as exc:  # a problem of no single event: find the culprit(s)
                if len(names) == 1:
                    self._dead_letter(names[0], str(exc))
                    return "applied"
                self.log(f"a batch of {len(names)} event(s) was refused; applying them one by one: {exc}")
                self._one_by_one(names)
                return "applied"
            except (GraphError, MlgError) as exc:
                self.state = "retrying after an error"
                self.last_error = str(exc)
                self.log(f"could not apply {len(events)} event(s), will retry: {exc}")
                return "failed"
            except Exception as exc:  # a poison event: isolate it, go on
                self.log(f"applying {len(names)} event(s) raised {type(exc).__name__}: {exc}")
                if len(names) == 1:
                    self._dead_letter(names[0], f"applying it raised {type(exc).__name__}: {exc}")
                else:
                    self._one_by_one(names)
                return "applied"
        # committed: only now may the spooled copies go
        reasons: dict[str, list[str]] = {}
        for problem in report.skipped:
            reasons.setdefault(problem.file, []).append(str(problem))
        applied = []
        for name in names:
            path = str(self.spool.path(name))
            if path in reasons:
                self._dead_letter(name, "\n".join(reasons[path]))
            else:
                applied.append(name)
        self.spool.remove(applied)
        with self._pending_lock:
            for name in applied:
                self._pending.pop(name, None)
        self.applied += len(applied)
        self.state = "applying"
        self.last_error = None
        return "applied"

    def _one_by_one(self, names: list[str]) -> None:
        """Apply each event alone; one that fails alone is dead-lettered with the reason."""
        for name in names:
            if not (self.spool.pending / name).exists():
                continue
            outcome = self._apply([name])
            if outcome == "failed":
                self._dead_letter(
                    name, f"could not be applied after {MAX_BATCH_ATTEMPTS} attempts: {self.last_error}"
                )
            elif outcome == "busy":
                return

    def _dead_letter(self, name: str, reason: str) -> None:
        try:
            self.spool.reject(name, reason)
        except FileNotFoundError:
            pass  # already moved
        with self._pending_lock:
            self._pending.pop(name, None)
        self._forget()
        self.dead_lettered += 1
        self.last_error = f"{name}: {reason}"
        self.log(
            f"dead-lettered {name}: {reason.splitlines()[0] if reason else ''} (see {self.spool.dead_letter})"
        )

    def _forget(self) -> None:
        """Drop what checks learnt: the graph may change (closed: another process may
        write) or an acknowledged event did not make it (dead-lettered)."""
        self._generation += 1
        self._checked.clear()
        self._known = None

    def _parse_spooled(self, name: str) -> LineageEvent | None:
        try:
            result = parse_event(load_json(self.spool.read(name)), Location(name, "event"))
        except (OSError, DocumentError):
            return None
        return None if isinstance(result, list) else result


def _texts(problems) -> list[str]:
    return [f"{p.field}: {p.message}" if p.field else p.message for p in problems]


def _relocated(event: LineageEvent, name: str) -> LineageEvent:
    from dataclasses import replace

    return replace(event, location=Location(name, "event"))


def _silent(message: str) -> None:
    pass


__all__ = [
    "LINEAGE_PATH",
    "LineageReceiver",
    "default_spool",
    "is_loopback",
]
