"""One FalkorDB graph over the wire: queries with parameters, errors as MlgError.

Every value mlg stores keeps its Python shape except timestamps, which FalkorDB holds
as integers (microseconds since the epoch, UTC) so that they sort, compare and come
back exactly; `to_micros`/`from_micros` convert.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from mlg.errors import GraphError
from mlg.store.falkordb.params import header as params_header
from mlg.store.falkordb.url import Target

_EPOCH = datetime(1970, 1, 1)


def to_micros(value: datetime | None) -> int | None:
    """A naive-UTC (or aware) datetime as microseconds since the epoch; None stays None."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    delta = value - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int | None) -> datetime | None:
    """The naive-UTC datetime `to_micros` gave `value` for."""
    return None if value is None else _EPOCH + timedelta(microseconds=int(value))


class Connection:
    """A client on one graph of one server, shared by threads (the client pools sockets)."""

    def __init__(self, target: Target):
        try:
            import falkordb
            import redis
        except ImportError as exc:  # the extra is not installed
            raise GraphError(
                f"the FalkorDB backend needs the falkordb client ({exc}); pip install 'mlg[falkordb]'"
            ) from None
        self.target = target
        self._redis_errors = (redis.RedisError,)
        self._watch_error = redis.WatchError
        kwargs: dict[str, Any] = {
            "host": target.host,
            "port": target.port,
            "password": target.password,
            "socket_connect_timeout": 10,
        }
        if target.username:
            kwargs["username"] = target.username
        if target.tls:
            kwargs.update(
                ssl=True,
                ssl_cert_reqs="required" if target.tls_verify else "none",
                ssl_ca_certs=target.ca_file,
                ssl_check_hostname=target.tls_verify,
            )
        try:
            # A first ping with a short timeout: a server that never answers (a TLS client
            # meeting a plain server waits for a handshake forever) fails here, quickly.
            # The client proper has no read timeout: a long closure may take minutes.
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            probe = redis.Redis(
                **{**kwargs, "socket_connect_timeout": 5}, socket_timeout=5, retry=Retry(NoBackoff(), 0)
            )
            try:
                probe.ping()
            finally:
                probe.close()
            self.db = falkordb.FalkorDB(**kwargs)
            self.graph = self.db.select_graph(target.graph)
            self.redis = self.db.connection
            self.redis.ping()
        except redis.AuthenticationError:
            raise GraphError(
                f"the FalkorDB server at {target.location} refused the password "
                "(set it in the URL or $MLG_FALKORDB_PASSWORD)"
            ) from None
        except redis.ResponseError as exc:
            if "NOAUTH" in str(exc) or "auth" in str(exc).lower():
                raise GraphError(
                    f"the FalkorDB server at {target.location} needs a password "
                    "(in the URL or $MLG_FALKORDB_PASSWORD)"
                ) from None
            raise GraphError(f"the FalkorDB server at {target.location} answered: {exc}") from None
        except redis.RedisError as exc:
            raise GraphError(f"cannot reach the FalkorDB server at {target.location}: {exc}") from None
        self.lock = threading.Lock()
        self._kwargs = kwargs
        self._single_shot = None

    def single_shot(self):
        """A client that sends each command once: no retry after a dropped connection or
        a timeout (the default client retries, which would run GRAPH.COPY or a batch of
        CREATEs twice). Kept for this Connection."""
        if self._single_shot is None:
            import redis
            from redis.backoff import NoBackoff
            from redis.retry import Retry

            self._single_shot = redis.Redis(**self._kwargs, retry=Retry(NoBackoff(), 0))
        return self._single_shot

    def rows(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False) -> list[list]:
        """The result rows of one query (read-only unless `write`)."""
        return self.result(query, params, write=write).result_set

    def result(self, query: str, params: dict[str, Any] | None = None, *, write: bool = False):
        """The client's QueryResult of one query; MlgError on any failure."""
        try:
            if write:
                return self.graph.query(query, params or {})
            return self.graph.ro_query(query, params or {})
        except self._redis_errors as exc:
            raise GraphError(f"FalkorDB at {self.target.location}: {exc}") from None

    def header(self, params: dict[str, Any]) -> str:
        """The `CYPHER k=v ...` prefix that binds `params` in a raw GRAPH.QUERY."""
        return params_header(params)

    def exists(self) -> bool:
        """Whether the graph key exists on the server."""
        try:
            return bool(self.redis.exists(self.target.graph))
        except self._redis_errors as exc:
            raise GraphError(f"FalkorDB at {self.target.location}: {exc}") from None

    def close(self) -> None:
        try:
            self.redis.close()
            if self._single_shot is not None:
                self._single_shot.close()
        except Exception:  # noqa: BLE001 - closing a socket that is already gone
            pass


__all__ = ["Connection", "from_micros", "to_micros"]
