"""Plain HTTP for the receiver tests: a POST that returns (status, JSON body) for 2xx and
4xx/5xx alike, GET /status, and raw bytes for requests no client library would send."""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request

TIMEOUT = 30  # seconds: bounded, and generous for a loaded CI machine


def post(url: str, body: bytes, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def post_json(url: str, body: dict, headers: dict | None = None) -> tuple[int, dict]:
    return post(url, json.dumps(body).encode(), headers)


def get_status(url: str, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url + "/status", headers=headers or {})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())


def raw_request(port: int, data: bytes) -> bytes:
    """Send bytes as they are and read the whole answer (the server closes after it)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)
