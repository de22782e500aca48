"""`mlg serve-lineage`: an OpenLineage HTTP receiver in front of the graph.

    POST /api/v1/lineage          one event (JSON, optionally gzip) -> 201 once spooled
    GET  /api/v1/lineage/status   spool and applier state (JSON)

The HTTP side never touches the graph: it checks each event (400 with the reasons
when invalid, nothing kept), writes it durably to the spool (mlg.openlineage.spool)
and only then answers 201. A background applier takes spooled events in batches,
opens the graph read-write, ingests the batch in one transaction, closes the graph
and then deletes the batch's files. Kuzu allows one writer process and no reader
beside it (DESIGN §5), so the graph is held only while a batch is written; while
another process holds it, events wait in the spool and the applier retries.
"""

from __future__ import annotations

import hmac
import json
import signal
import threading
import time
import zlib
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mlg.batch import Location
from mlg.errors import GraphError, GraphLocked, MlgError
from mlg.openlineage.events import parse_event
from mlg.openlineage.spool import Spool

LINEAGE_PATH = "/api/v1/lineage"
STATUS_PATHS = ("/api/v1/lineage/status", "/health")
MAX_BODY_BYTES = 32 * 1024 * 1024


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
        log: Callable[[str], None] | None = None,
    ):
        self.graph_path = Path(graph_path)
        self.spool = Spool(spool_dir or default_spool(self.graph_path))
        self.host, self.port = host, port
        self.api_key = api_key or None
        self.batch_size = batch_size
        self.linger = linger
        self.retry_seconds = retry_seconds
        self.log = log or _silent
        self.applied = 0
        self.state = "idle"
        self.last_error: str | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.spool.acquire()
        try:
            self._server = _Server((self.host, self.port), _Handler, self)
        except OSError as exc:
            self.spool.release()
            raise MlgError(f"cannot listen on {self.host}:{self.port}: {exc.strerror or exc}") from None
        self.port = self._server.server_address[1]
        self._threads = [
            threading.Thread(target=self._server.serve_forever, name="mlg-http", daemon=True),
            threading.Thread(target=self._apply_loop, name="mlg-applier", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        self._wake.set()  # apply whatever a previous run left in the spool

    def stop(self, timeout: float = 60.0) -> None:
        """Stop accepting, let the applier finish its batch; unapplied events stay spooled."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        self._stopping.set()
        self._wake.set()
        for thread in self._threads:
            thread.join(timeout)
        self.spool.release()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}{LINEAGE_PATH}"

    def serve(self, announce: Callable[[str], None] = print) -> None:
        """Run until SIGINT or SIGTERM."""
        self.start()
        announce(
            f"listening on {self.url} (graph {self.graph_path}, spool {self.spool.directory}"
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
            announce("stopping: unapplied events stay in the spool for the next start")
            self.stop()

    def status(self) -> dict[str, Any]:
        return {
            "pending": self.spool.count(),
            "applied": self.applied,
            "rejected": self.spool.rejected_count(),
            "state": self.state,
            "last_error": self.last_error,
            "graph": str(self.graph_path),
            "spool": str(self.spool.directory),
        }

    def wait_until_applied(self, timeout: float = 60.0) -> bool:
        """True once the spool is empty (for tests and benchmarks)."""
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
            event = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            return 400, {"error": f"the body is not JSON: {exc}"}
        if isinstance(event, list):
            return 400, {"error": "send one OpenLineage event per request, not a list"}
        result = parse_event(event, Location("<request>", "event"))
        if isinstance(result, list):
            return 400, {
                "error": "invalid OpenLineage event; nothing was stored",
                "problems": [f"{p.field}: {p.message}" if p.field else p.message for p in result],
            }
        try:
            name = self.spool.put(body)
        except OSError as exc:
            return 503, {"error": f"could not store the event durably: {exc}"}
        self._wake.set()
        return 201, {"status": "accepted", "id": name}

    # -- applier -----------------------------------------------------------------------------

    def _apply_loop(self) -> None:
        while not self._stopping.is_set():
            self._wake.wait(self.retry_seconds)
            self._wake.clear()
            time.sleep(self.linger)  # let a burst of events gather into one transaction
            while not self._stopping.is_set():
                names = self.spool.names(self.batch_size)
                if not names:
                    break
                if not self._apply(names):
                    self._stopping.wait(self.retry_seconds)  # the graph is busy: back off
                    break
            if self.state != "waiting for the graph":
                self.state = "idle"

    def _apply(self, names: list[str]) -> bool:
        """Apply one batch; False when the graph could not be written (events kept)."""
        from mlg.graph import Graph
        from mlg.openlineage.loader import ingest_events

        events, unreadable = [], []
        for name in names:
            try:
                events.append(
                    (json.loads(self.spool.read(name)), Location(str(self.spool.path(name)), "event"))
                )
            except (OSError, ValueError) as exc:
                unreadable.append(name)
                self.spool.reject(name, f"cannot be read as JSON: {exc}")
        self.state = "applying"
        try:
            with Graph(self.graph_path) as graph:
                report = ingest_events(graph, events, skip_invalid=True)
        except GraphLocked:
            if self.state != "waiting for the graph":
                self.log(
                    f"graph {self.graph_path} is in use by another process; "
                    f"{self.spool.count()} event(s) wait in the spool"
                )
            self.state = "waiting for the graph"
            return False
        except (GraphError, MlgError) as exc:
            self.state = "waiting for the graph"
            self.last_error = str(exc)
            self.log(f"could not apply {len(events)} event(s), will retry: {exc}")
            return False
        # committed: only now may the spooled copies go
        reasons: dict[str, list[str]] = {}
        for problem in report.skipped:
            reasons.setdefault(problem.file, []).append(str(problem))
        applied = []
        for name in names:
            if name in unreadable:
                continue
            path = str(self.spool.path(name))
            if path in reasons:
                self.spool.reject(name, "\n".join(reasons[path]))
            else:
                applied.append(name)
        self.spool.remove(applied)
        self.applied += len(applied)
        self.state = "applying"
        self.last_error = None
        if reasons:
            self.log(f"rejected {len(reasons)} event(s) the graph refused; see {self.spool.rejected}")
        return True


def _silent(message: str) -> None:
    pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, receiver: LineageReceiver):
        self.receiver = receiver
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the OpenLineage client reuses its session
    # headers and body go out in two writes; with Nagle's algorithm and the client's
    # delayed ACK each response would stall ~40 ms
    disable_nagle_algorithm = True
    server_version = "mlg-serve-lineage"
    server: _Server

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self._read_body()
        if body is None:
            return
        path = urlsplit(self.path).path.rstrip("/")
        if path != LINEAGE_PATH:
            self._send(404, {"error": f"no endpoint {path}; POST events to {LINEAGE_PATH}"})
        elif not self._authorised():
            self._send(401, {"error": "missing or wrong API key (Authorization: Bearer KEY)"})
        else:
            self._send(*self.server.receiver.accept(body))

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.rstrip("/")
        if path in STATUS_PATHS:
            if not self._authorised():
                self._send(401, {"error": "missing or wrong API key (Authorization: Bearer KEY)"})
            else:
                self._send(200, self.server.receiver.status())
        elif path == LINEAGE_PATH:
            self._send(405, {"error": f"POST events to {LINEAGE_PATH}"}, {"Allow": "POST"})
        else:
            self._send(404, {"error": f"no endpoint {path}"})

    def _read_body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send(411, {"error": "a Content-Length header is required"}, close=True)
            return None
        if int(length) > MAX_BODY_BYTES:
            self._send(413, {"error": f"events are limited to {MAX_BODY_BYTES} bytes"}, close=True)
            return None
        body = self.rfile.read(int(length))
        encoding = (self.headers.get("Content-Encoding") or "identity").strip().lower()
        if encoding == "gzip":
            inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            try:
                body = inflater.decompress(body, MAX_BODY_BYTES)
            except zlib.error as exc:
                self._send(400, {"error": f"the body is not valid gzip: {exc}"})
                return None
            if inflater.unconsumed_tail:
                self._send(413, {"error": f"events are limited to {MAX_BODY_BYTES} bytes"})
                return None
        elif encoding != "identity":
            self._send(415, {"error": f"unsupported Content-Encoding {encoding!r}; use gzip"})
            return None
        return body

    def _authorised(self) -> bool:
        key = self.server.receiver.api_key
        if key is None:
            return True
        given = self.headers.get("Authorization") or ""
        scheme, _, token = given.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), key.encode())

    def _send(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None, close: bool = False
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if status == 401:
            self.send_header("WWW-Authenticate", 'Bearer realm="mlg"')
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # one line per event would drown the applier's messages
