"""The FalkorDB URL: host, port, graph, password (URL or environment) and TLS."""

from __future__ import annotations

import pytest

from mlg.errors import GraphError
from mlg.store.falkordb.url import PASSWORD_VAR, parse_target


def test_the_parts_of_a_url(monkeypatch):
    monkeypatch.delenv(PASSWORD_VAR, raising=False)
    target = parse_target("falkordb://db.example:6380/team-graph")
    assert (target.host, target.port, target.graph, target.password, target.tls) == (
        "db.example",
        6380,
        "team-graph",
        None,
        False,
    )
    assert target.location == "falkordb://db.example:6380/team-graph"


def test_the_password_comes_from_the_url_else_the_environment_and_is_never_shown(monkeypatch):
    monkeypatch.setenv(PASSWORD_VAR, "from-env")
    assert parse_target("falkordb://h:1/g").password == "from-env"
    target = parse_target("falkordb://:s%40cret@h:1/g")
    assert target.password == "s@cret"
    assert "cret" not in target.location and "cret" not in repr(target)


@pytest.mark.parametrize("url", ["falkordbs://h:1/g", "falkordb://h:1/g?tls=true"])
def test_tls_by_scheme_or_option(url):
    target = parse_target(url)
    assert target.tls and target.tls_verify
    assert target.location.startswith("falkordbs://")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("falkordb://h:1", "names no graph"),
        ("falkordb:///g", "has no host"),
        ("falkordb://h:port/g", "bad port"),
        ("falkordb://h:1/g?tls=maybe", "must be true or false"),
        ("falkordb://h:1/g?colour=red", "unknown option 'colour'"),
        ("falkordb://h:1/has space", "is not allowed"),
    ],
)
def test_a_bad_url_says_what_is_wrong(url, says):
    with pytest.raises(GraphError, match=says):
        parse_target(url)
