"""The receiver's HTTP side: the endpoints, body limits, API key and browser checks.

    POST /api/v1/lineage          one event (JSON, optionally gzip) -> the receiver's answer
    GET  /api/v1/lineage/status   the receiver's status (JSON); also GET /health

Everything here is HTTP; what an event's answer is (checked, spooled, applied) is the
receiver's (`LineageReceiver.accept`, mlg/openlineage/receiver.py).
"""

from __future__ import annotations

import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mlg.http_guard import bearer_matches

if TYPE_CHECKING:
    from mlg.openlineage.receiver import LineageReceiver

LINEAGE_PATH = "/api/v1/lineage"
STATUS_PATHS = ("/api/v1/lineage/status", "/health")
MAX_BODY_BYTES = 32 * 1024 * 1024


class LineageServer(ThreadingHTTPServer):
    """One thread per connection, but at most `max_connections` of them: beyond that a
    connection gets 503 at once and is closed, so stalled clients cannot pile up threads
    (each one is also dropped after `read_timeout` seconds of silence)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, handler, receiver: LineageReceiver):
        self.receiver = receiver
        self._slots = threading.BoundedSemaphore(receiver.max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            body = b'{"error": "too many connections; retry shortly"}'
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
                    + str(len(body)).encode()
                    + b"\r\n\r\n"
                    + body
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def handle_error(self, request, client_address) -> None:
        # one line, not socketserver's traceback: a client that went away is not news
        import sys

        exc = sys.exc_info()[1]
        self.receiver.log(f"connection from {client_address[0]}:{client_address[1]} ended: {one_line(exc)}")


class LineageHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the OpenLineage client reuses its session
    # headers and body go out in two writes; with Nagle's algorithm and the client's
    # delayed ACK each response would stall ~40 ms
    disable_nagle_algorithm = True
    server_version = "mlg-serve-lineage"
    server: LineageServer

    def setup(self) -> None:
        self.timeout = self.server.receiver.read_timeout  # socket timeout for every read
        super().setup()

    def handle_one_request(self) -> None:
        try:
            super().handle_one_request()
        except TimeoutError:
            self.close_connection = True
        except (ConnectionError, OSError) as exc:
            self.close_connection = True
            self.server.receiver.log(f"connection from {self.client_address[0]} ended: {one_line(exc)}")

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        try:
            self._post()
        except (ConnectionError, TimeoutError):
            raise
        except Exception as exc:  # answer, never drop the connection
            self.server.receiver.log(f"POST failed: {one_line(exc)}")
            self._send(500, {"error": f"the receiver failed on this request: {one_line(exc)}"}, close=True)

    def _post(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        if path != LINEAGE_PATH:
            self._send(404, {"error": f"no endpoint {path}; POST events to {LINEAGE_PATH}"}, close=True)
            return
        refusal = self._browser_refusal()
        if refusal:
            self._send(403, {"error": refusal}, close=True)
            return
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/json" and not content_type.endswith("+json"):
            self._send(
                415,
                {"error": f"Content-Type must be application/json, not {content_type or 'missing'!r}"},
                close=True,
            )
            return
        if not self._authorised():
            self._send(401, {"error": "missing or wrong API key (Authorization: Bearer KEY)"}, close=True)
            return
        body = self._read_body()
        if body is None:
            return
        self._send(*self.server.receiver.accept(body))

    def do_GET(self) -> None:  # noqa: N802
        path = urlsplit(self.path).path.rstrip("/")
        if path in STATUS_PATHS:
            refusal = self._browser_refusal()
            if refusal:
                self._send(403, {"error": refusal})
            elif not self._authorised():
                self._send(401, {"error": "missing or wrong API key (Authorization: Bearer KEY)"})
            else:
                self._send(200, self.server.receiver.status())
        elif path == LINEAGE_PATH:
            self._send(405, {"error": f"POST events to {LINEAGE_PATH}"}, {"Allow": "POST"})
        else:
            self._send(404, {"error": f"no endpoint {path}"})

    def _browser_refusal(self) -> str | None:
        """Why a request from a web page is refused: without an API key, any page open in
        the user's browser could otherwise write lineage to a receiver on 127.0.0.1."""
        origin = self.headers.get("Origin")
        receiver = self.server.receiver
        if origin is None or receiver.api_key is not None or origin.rstrip("/") in receiver.allowed_origins:
            return None
        return (
            f"requests from web pages (Origin: {origin}) are refused unless the receiver has an API "
            "key or allows that origin (--allow-origin)"
        )

    def _read_body(self) -> bytes | None:
        length = (self.headers.get("Content-Length") or "").strip()
        # str.isdigit() is true for '²' and other digits int() refuses: ASCII digits only
        if not (length.isascii() and length.isdigit()):
            self._send(411, {"error": "a Content-Length header (a number of bytes) is required"}, close=True)
            return None
        if int(length) > MAX_BODY_BYTES:
            self._send(413, {"error": f"events are limited to {MAX_BODY_BYTES} bytes"}, close=True)
            return None
        body = self.rfile.read(int(length))
        if len(body) < int(length):
            self.close_connection = True  # the client went away mid-body
            self.server.receiver.log(f"connection from {self.client_address[0]} ended mid-request")
            return None
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
        return bearer_matches(self.headers.get("Authorization") or "", key)

    def _send(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None, close: bool = False
    ) -> None:
        data = json.dumps(payload, ensure_ascii=True).encode("ascii")
        try:
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
        except (ConnectionError, TimeoutError) as exc:
            self.close_connection = True
            self.server.receiver.log(
                f"connection from {self.client_address[0]} ended before the {status} answer: {one_line(exc)}"
            )

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass  # one line per event would drown the applier's messages


def one_line(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}".rstrip(": ")
