"""The rules both of mlg's HTTP servers (`mlg serve-lineage`, `mlg mcp --http`) apply to
who may talk to them: which hosts are loopback-only, and the bearer API key."""

from __future__ import annotations

import hmac
import ipaddress


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip()
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bearer_matches(authorization: str, api_key: str) -> bool:
    """Whether an `Authorization` header value is `Bearer <api_key>` (compared in constant
    time; any bytes a header can carry are compared, none refused)."""
    scheme, _, token = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode("utf-8", "surrogateescape"), api_key.encode("utf-8", "surrogateescape")
    )
