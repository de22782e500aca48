"""A password-protected server: the password from the URL or $MLG_FALKORDB_PASSWORD; a
missing or wrong one is a clear error that never shows it. TLS: the wheel's redis-server
is built without TLS, so a TLS client meeting a plain server must fail clearly."""

from __future__ import annotations

import pytest

from mlg.errors import GraphError
from mlg.store.falkordb import open_falkordb
from mlg.store.falkordb.url import PASSWORD_VAR
from tests import falkordb_server as servers


@pytest.fixture(scope="module")
def locked_server():
    try:
        server = servers.start("--requirepass", "s3cret-pass")
    except servers.NoServer as exc:
        if servers.required():
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    yield server
    server.stop()


def test_the_password_opens_the_graph_from_the_url_or_the_environment(locked_server, monkeypatch):
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    with open_falkordb(f"falkordb://:s3cret-pass@{locked_server.address}/auth_url") as store:
        assert store.is_empty()
        assert "s3cret" not in store.location
    monkeypatch.setenv(PASSWORD_VAR, "s3cret-pass")
    with open_falkordb(f"falkordb://{locked_server.address}/auth_url", read_only=True) as store:
        assert store.state().generation == 0


@pytest.mark.parametrize("password", [None, "wrong"])
def test_no_or_a_wrong_password_is_a_clear_error(locked_server, monkeypatch, password):
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    auth = f":{password}@" if password else ""
    with pytest.raises(GraphError, match="password") as caught:
        open_falkordb(f"falkordb://{auth}{locked_server.address}/auth_bad")
    assert "wrong" not in str(caught.value)


def test_tls_against_a_plain_server_fails_clearly(falkordb_server):
    with pytest.raises(GraphError, match="cannot reach the FalkorDB server at falkordbs://"):
        open_falkordb(f"falkordbs://{falkordb_server.address}/tls_probe")


def test_a_missing_graph_opened_read_only_is_an_error_not_a_new_graph(falkordb_url):
    with pytest.raises(GraphError, match="no graph at falkordb://"):
        open_falkordb(falkordb_url, read_only=True)
