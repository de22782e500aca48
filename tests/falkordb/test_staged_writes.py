"""A large write on FalkorDB is staged (mlg.store.falkordb.writes, module doc): built on a
private copy of the graph in bounded batches, then renamed over the graph under WATCH.
Forced here with a threshold of 0, it must give the graph the one-MULTI path gives, leave
the old graph to a writer killed with kill -9, and plan again when another writer commits
first."""

from __future__ import annotations

from datetime import datetime

import pytest
import redis

from mlg.store.falkordb import open_falkordb, writes
from mlg.synthetic import synthetic_batch
from tests.falkordb.ingest_child import ingest, kill_while_writing
from tests.falkordb.test_atomic_writes import _content


def _client(url: str) -> redis.Redis:
    host, port = url.removeprefix("falkordb://").split("/")[0].split(":")
    return redis.Redis(host=host, port=int(port))


def _staging_keys(url: str) -> list[bytes]:
    """The staging copies of the graph at `url`, and FalkorDB's statistics of them."""
    name = url.rsplit("/", 1)[1]
    client = _client(url)
    return client.keys(f"{name}{writes.STAGING_MARK}*") + client.keys(
        f"telemetry{{{name}{writes.STAGING_MARK}*"
    )


def _timeless(content: tuple) -> tuple:
    """The graph's content without the instants of the write (created_at, valid_from...):
    two ingests of one input differ only in those."""

    def strip(value):
        if isinstance(value, datetime):
            return None
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(strip(v) for v in value)
        return value

    return strip(content)


@pytest.fixture
def second_url(falkordb_url):
    url = falkordb_url + "_b"
    yield url
    client = _client(url)
    name = url.rsplit("/", 1)[1]
    if client.exists(name):
        client.execute_command("GRAPH.DELETE", name)


def _two_ingests(url: str) -> None:
    with open_falkordb(url) as store:
        ingest(store, synthetic_batch(600, seed=1))
        ingest(store, synthetic_batch(3000, seed=7))  # onto a graph that is not empty


def test_a_staged_write_gives_the_graph_one_multi_exec_gives(falkordb_url, second_url, monkeypatch):
    _two_ingests(falkordb_url)
    batches = []
    run_on = writes._run_on
    monkeypatch.setattr(writes, "STAGED_ABOVE", 0)
    monkeypatch.setattr(writes, "STAGING_BATCH", 100_000)  # several round trips
    monkeypatch.setattr(
        writes, "_run_on", lambda store, key, texts: batches.append(key) or run_on(store, key, texts)
    )
    _two_ingests(second_url)
    assert len(set(batches)) >= 2 and len(batches) > len(set(batches)), "the staged path was not taken"
    one_multi, staged = _content(falkordb_url), _content(second_url)
    assert one_multi[0] == staged[0] > 3000
    assert _timeless(one_multi) == _timeless(staged)
    assert _staging_keys(second_url) == []
    assert _client(second_url).ttl(second_url.rsplit("/", 1)[1]) == -1, "the graph kept the copy's expiry"


def test_a_writer_killed_during_a_staged_write_leaves_the_old_graph(falkordb_url):
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(600, seed=1))
    before = _content(falkordb_url)
    outcomes = []
    for delay in (0.0, 0.2, 0.5, 1.0, 2.0):
        kill_while_writing(falkordb_url, delay, "3000", "7", "staged")
        now = _content(falkordb_url)
        if now == before:
            outcomes.append("old")
            # a copy the killed writer left is no graph anyone reads, and it expires
            for key in _staging_keys(falkordb_url):
                if not key.startswith(b"telemetry"):
                    assert 0 < _client(falkordb_url).ttl(key) <= writes.STAGING_TTL
            continue
        assert now[-1] == before[-1] + 1, f"killed after {delay} s: generation {now[-1]}, was {before[-1]}"
        outcomes.append("new")
        break
    print("outcomes by delay:", outcomes)
    assert "old" in outcomes
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(3000, seed=7))
    complete = _content(falkordb_url)
    if outcomes[-1] == "new":
        assert _timeless(now[:-1]) == _timeless(complete[:-1]), "a killed writer left a partial graph"
    assert complete[0] > before[0]


def test_a_writer_that_commits_during_a_staged_write_makes_it_plan_again(falkordb_url, monkeypatch):
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(300, seed=1))
    generation = _content(falkordb_url)[-1]
    other = synthetic_batch(200, seed=3)
    plans = []
    run_on = writes._run_on

    def meanwhile(store, key, texts):
        if key not in plans:
            plans.append(key)
            if len(plans) == 1:  # another process's ingest commits while the copy is built
                monkeypatch.setattr(writes, "STAGED_ABOVE", 64 * 2**20)
                with open_falkordb(falkordb_url) as rival:
                    ingest(rival, other)
                monkeypatch.setattr(writes, "STAGED_ABOVE", 0)
        return run_on(store, key, texts)

    monkeypatch.setattr(writes, "STAGED_ABOVE", 0)
    monkeypatch.setattr(writes, "_run_on", meanwhile)
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(2000, seed=7))
    assert len(plans) == 2, "the staged write did not plan again after the other commit"
    count, assets, _, _, now = _content(falkordb_url)
    assert now == generation + 2
    ids = {a["id"] for a in assets}
    assert {r["id"] for r, _ in other.assets} <= ids
    assert {r["id"] for r, _ in synthetic_batch(2000, seed=7).assets} <= ids
    assert _staging_keys(falkordb_url) == []


HOSTILE = [
    "",
    'double " quote',
    "single ' quote",
    "back\\slash \\\\ two \\n not a newline \\u0041 not an A",
    "ends with a backslash \\",
    '\\"',
    "new\nline\r\nand\ttab",
    "back\bspace form\ffeed",
    "control \x01\x02\x1f\x7f chars",
    "unicode é ß 漢字 😀 \u2028 \u00a0",
    "`backtick` and {braces} and [brackets], commas: colons",
    '"key": {"json": "inside"}',
    "CYPHER x=1 RETURN 1 //",
]


def test_hostile_strings_round_trip_through_the_parameter_header(falkordb_url):
    from falkordb.helpers import stringify_param_value

    from mlg.store.falkordb.params import header, value_text

    client = _client(falkordb_url)
    name = falkordb_url.rsplit("/", 1)[1]
    client.execute_command("GRAPH.QUERY", name, "RETURN 1")
    # one parameter per string: each is encoded on its own, most by the JSON path
    params = {
        f"p{i}": {"s": s, "tags": [s, s[::-1]], "n": i, "f": 0.5, "b": True, "z": None}
        for i, s in enumerate(HOSTILE)
    }
    fast = [p for p, v in params.items() if value_text(v) != stringify_param_value(v)]
    assert len(fast) >= len(HOSTILE) // 2, "the JSON path was hardly taken"
    returned = ", ".join(f"${p}.s, ${p}.tags, ${p}.n, ${p}.f, ${p}.b, ${p}.z" for p in params)
    reply = client.execute_command("GRAPH.RO_QUERY", name, header(params) + f"RETURN {returned}", "--compact")
    # --compact: each cell is [type, value]; strings and floats come back as bytes
    cells = [cell[1] for cell in reply[1][0]]
    for i, s in enumerate(HOSTILE):
        text, tags, n, f, b, z = cells[6 * i : 6 * i + 6]
        assert text.decode() == s
        assert [t.decode() for _, t in tags] == [s, s[::-1]]
        assert (n, f, b, z) == (i, b"0.5", b"true", None)


def test_hostile_strings_round_trip_through_an_ingest(falkordb_url, second_url, monkeypatch):
    import mlg
    from mlg.batch import Batch

    records = [
        {
            "id": f"hostile-{i}",
            "kind": "dataset",
            "name": f"hostile {i}",
            "description": s,
            "tags": [s or "t"],
        }
        for i, s in enumerate(HOSTILE)
    ]
    for url, staged_above in ((falkordb_url, 64 * 2**20), (second_url, 0)):
        monkeypatch.setattr(writes, "STAGED_ABOVE", staged_above)
        with mlg.open(url) as g:
            g.ingest_batch(Batch.from_records(assets=records))
            got = [g.get(f"hostile-{i}") for i in range(len(HOSTILE))]
        assert [a.description or "" for a in got] == HOSTILE, f"through {url}"
        assert [list(a.tags) for a in got] == [[s or "t"] for s in HOSTILE], f"through {url}"
