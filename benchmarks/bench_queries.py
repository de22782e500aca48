"""Query benchmark: mlg's public API beside networkx, SQLite and DuckDB on one synthetic estate.

    python benchmarks/bench_queries.py                         # 1M assets / ~3M relations
    python benchmarks/bench_queries.py --db /tmp/mlg-bench/estate-1000000-seed0.kuzu
    python benchmarks/bench_queries.py --assets 100000 --repeat 3

Without `--db`, the estate is generated (`mlg.synthetic.synthetic_estate`) and ingested
(`Graph.ingest_batch`, timed) into /tmp/mlg-bench/estate-N-seedS.kuzu, and its landmarks
and ingest timings are saved beside it (`<db>.bench.json`). With `--db PATH` of a graph
built that way, generation and ingest are skipped (the recorded ingest time is shown);
with `--db PATH` of a path that does not exist yet, the graph is built there.

Questions, each through mlg's public API (`Graph` methods) and answered on the same
edges (exported from the graph) by the peers:

- look-up of an asset by id, 1-hop neighbours up and down (medians over `--sample`
  random assets, each call timed once);
- upstream of the typical model, downstream of the hub dataset, impact, path between
  the deep chain's ends, search (one warm-up run, then the median of `--repeat` runs;
  a run slower than `--slow` seconds is measured once).

Peers: networkx (a DiGraph built once; nx.descendants / ancestors / shortest_path and a
BFS), SQLite (in memory, indexes on both edge columns, recursive CTEs with UNION) and
DuckDB (in memory, recursive CTEs with UNION or USING KEY). Every peer returns the
answer's asset records to Python; mlg's answers are richer (Subgraphs carry the edges
between the assets and their owners), which is part of what is measured. Each peer's
result count is checked against mlg's; a mismatch is printed as a bug.

Speed is measured here, never asserted in tests (DESIGN §7).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import shutil
import sqlite3
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import mlg
from mlg.errors import MlgError

DEFAULT_DIR = Path("/tmp/mlg-bench")
TOP = 50  # results a search returns (Graph.search's default limit)

# question -> target median in seconds (issue 3, item 7), None when there is none
TARGETS: dict[str, float | None] = {
    "look-up by id": 0.002,
    "1-hop up": 0.005,
    "1-hop down": 0.005,
    "upstream typical model": 0.050,
    "downstream hub": 1.0,
    "impact": None,
    "path chain top->bottom": None,
    "search": 0.100,
}
SEARCH_TERMS = (
    "churn",
    "fraud-score",
    "ctr_7d",
    "impressions",
    "ranker",
    "payments_daily",
    "embedding",
    "gateway",
    "sessions",
    "eta",
)


def loadavg() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# -- the graph: build (generate + ingest) or reuse --------------------------------------------


def sidecar(db: Path) -> Path:
    return db.with_name(db.name + ".bench.json")


def build(db: Path, n_assets: int, seed: int) -> dict[str, Any]:
    from mlg.synthetic import synthetic_estate

    info: dict[str, Any] = {"assets": n_assets, "seed": seed, "loadavg_before": loadavg()}
    print(f"generating {n_assets:,} assets (seed {seed}) ...", flush=True)
    t0 = time.perf_counter()
    estate = synthetic_estate(n_assets, seed)
    info["generation_s"] = time.perf_counter() - t0
    info["relations"] = estate.n_relations
    info["landmarks"] = asdict(estate.landmarks)
    print(
        f"  {info['generation_s']:.1f} s: {len(estate.batch.assets):,} assets, "
        f"{estate.n_relations:,} relations; ingesting into {db} ...",
        flush=True,
    )
    db.parent.mkdir(parents=True, exist_ok=True)
    with mlg.open(db) as graph:
        t0 = time.perf_counter()
        report = graph.ingest_batch(estate.batch)
        info["ingest_s"] = time.perf_counter() - t0
    info["ingested"] = {
        "assets": report.assets_added,
        "relations": report.relations_added,
        "owners": report.owners_added,
        "ownerships": report.ownerships_added,
    }
    info["loadavg_after"] = loadavg()
    info["built_at"] = time.strftime("%Y-%m-%d %H:%M:%S")
    lm = estate.landmarks
    t0 = time.perf_counter()
    info["reference_counts"] = {  # the generator's own in-memory BFS, an independent check
        "upstream typical model": estate.upstream_count(lm.typical_model),
        "downstream hub": estate.downstream_count(lm.hub_dataset),
    }
    info["reference_s"] = time.perf_counter() - t0
    del estate, report
    gc.collect()
    sidecar(db).write_text(json.dumps(info, indent=2))
    print(f"  ingest {info['ingest_s']:.1f} s (load average {info['loadavg_after']})", flush=True)
    return info


# -- measuring ---------------------------------------------------------------------------------


@dataclass
class Cell:
    seconds: float | None = None  # median
    runs: int = 0
    check: Any = None  # what is compared across systems (a count, hops, ...)
    error: str | None = None


@dataclass
class Question:
    name: str
    subject: str  # what it is asked about, for the table
    args: list[tuple]  # one tuple per sampled input (fast questions) or a single one
    sampled: bool  # True: one timed call per input; False: warm-up + repeats on args[0]
    cells: dict[str, Cell] = field(default_factory=dict)
    loadavg: str = ""  # when the question started


def measure(system, method: str, q: Question, repeat: int, slow: float) -> Cell:
    """Time `system.<method>` on the question's input(s). The clock covers the call only:
    the answer's comparable value (`system.check`) is taken, and the answer freed,
    outside it."""
    fn = getattr(system, method)
    cell = Cell()
    try:
        if q.sampled:
            for a in q.args[:3]:
                fn(*a)  # warm-up
            times, checks = [], []
            for a in q.args:
                t0 = time.perf_counter()
                out = fn(*a)
                times.append(time.perf_counter() - t0)
                checks.append(system.check(method, out))
                out = None
            cell.seconds, cell.runs = statistics.median(times), len(times)
            cell.check = checks
        else:
            times = []
            for run in range(1 + repeat):  # the first run is the warm-up
                gc.collect()
                t0 = time.perf_counter()
                out = fn(*q.args[0])
                seconds = time.perf_counter() - t0
                if run == 0:
                    cell.check = system.check(method, out)
                    if seconds > slow:  # too slow to repeat: the only run
                        times.append(seconds)
                        break
                else:
                    times.append(seconds)
                out = None  # freeing the last answer is not part of the next one
            cell.seconds, cell.runs = statistics.median(times), len(times)
    except Exception as exc:  # noqa: BLE001 - a failing peer is reported, not fatal
        cell.error = f"{type(exc).__name__}: {exc}"[:200]
    return cell


def impact_check(count: int, by_kind: Counter, owners: int) -> str:
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(by_kind.items()))
    return f"{count} ({kinds}); {owners} owners"


# -- mlg ---------------------------------------------------------------------------------------


class MlgSystem:
    """The questions through mlg's public API; each returns what the API returns."""

    name = "mlg"

    def __init__(self, graph: mlg.Graph):
        self.g = graph

    def lookup(self, asset_id):
        return self.g.get(asset_id)

    def hop_up(self, asset_id):
        return self.g.neighbours(asset_id, "up")

    def hop_down(self, asset_id):
        return self.g.neighbours(asset_id, "down")

    def upstream(self, asset_id):
        return self.g.upstream(asset_id)

    def downstream(self, asset_id):
        found = self.g.downstream(asset_id)
        assert len(found.nodes) == len(found)  # issue 12's target: to a Subgraph whose .nodes is a DataFrame
        return found

    def impact(self, asset_id):
        return self.g.impact(asset_id)

    def path(self, a, b):
        return self.g.path_between(a, b)

    def search(self, text):
        if hasattr(self.g, "search"):
            return self.g.search(text, limit=TOP)
        # Graph.search has not landed: the CONTAINS search it will rank, through query()
        return self.g.query(
            "MATCH (a:Asset) WHERE lower(a.name) CONTAINS $q RETURN a.id AS id, "
            "a.kind AS kind, a.name AS name LIMIT $k",
            {"q": text.lower(), "k": TOP},
        )

    def check(self, method: str, out) -> Any:
        if method == "lookup":
            return int(out is not None)
        if method in ("upstream", "downstream"):
            return len(out) - 1
        if method == "impact":
            return impact_check(len(out.affected), Counter(out.affected.kind_counts()), len(out.notify))
        if method == "path":
            return out.hops
        return len(out)


# -- peers -------------------------------------------------------------------------------------


class Export:
    """The graph's assets, edges and ownerships as Arrow tables (what the peers load)."""

    def __init__(self, graph: mlg.Graph):
        t0 = time.perf_counter()
        self.assets = graph.store.arrow(  # noqa: SLF001 - the benchmark reads the whole graph
            "MATCH (a:Asset) RETURN a.id AS id, a.kind AS kind, a.name AS name, "
            "a.namespace AS namespace, a.family AS family, a.version AS version, "
            "a.description AS description, a.domain AS domain, a.tags AS tags, "
            "a.props AS props"
        )
        self.edges = graph.store.arrow(  # noqa: SLF001
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS src, b.id AS dst, e.type AS type"
        )
        self.owned = graph.store.arrow(  # noqa: SLF001
            "MATCH (a:Asset)-[r:OWNED_BY]->(o:Owner) RETURN a.id AS asset, o.id AS owner, "
            "o.kind AS kind, o.name AS name, o.email AS email, r.role AS role"
        )
        self.seconds = time.perf_counter() - t0


class NetworkxSystem:
    """A DiGraph built once; node attributes are the asset's columns. Answers are the
    assets' attribute dicts (closures), (id, type, attributes) (1-hop), a path (list)."""

    name = "networkx"

    def __init__(self, ex: Export):
        import networkx as nx

        self.nx = nx
        g = nx.DiGraph()
        cols = ex.assets.column_names
        data = [ex.assets.column(c).to_pylist() for c in cols]
        g.add_nodes_from((row[0], dict(zip(cols[1:], row[1:]))) for row in zip(*data))
        src, dst, types = (ex.edges.column(c).to_pylist() for c in ("src", "dst", "type"))
        g.add_edges_from((s, d, {"type": t}) for s, d, t in zip(src, dst, types))
        self.parallel = len(src) - g.number_of_edges()  # a DiGraph keeps one edge per pair
        self.g = g
        self.names = [(i, (n or "").lower()) for i, n in zip(data[0], data[cols.index("name")])]
        self.owners: dict[str, list[str]] = {}
        for a, o in zip(ex.owned.column("asset").to_pylist(), ex.owned.column("owner").to_pylist()):
            self.owners.setdefault(a, []).append(o)

    def lookup(self, asset_id):
        return self.g.nodes.get(asset_id)

    def hop_up(self, asset_id):
        g = self.g
        return [(v, d["type"], g.nodes[v]) for v, d in g.succ[asset_id].items()]

    def hop_down(self, asset_id):
        g = self.g
        return [(v, d["type"], g.nodes[v]) for v, d in g.pred[asset_id].items()]

    def upstream(self, asset_id):
        nodes = self.g.nodes
        return {v: nodes[v] for v in self.nx.descendants(self.g, asset_id)}

    def downstream(self, asset_id):
        nodes = self.g.nodes
        return {v: nodes[v] for v in self.nx.ancestors(self.g, asset_id)}

    def impact(self, asset_id):
        # breadth-first over the reversed graph: each dependent's distance and parent
        dist, parent = {asset_id: 0}, {}
        for u, v in self.nx.bfs_edges(self.g, asset_id, reverse=True):
            dist[v] = dist[u] + 1
            parent[v] = u
        del dist[asset_id]
        nodes = self.g.nodes
        owners: dict[str, list[str]] = {}
        for v in dist:
            for o in self.owners.get(v, ()):
                owners.setdefault(o, []).append(v)
        return {v: nodes[v] for v in dist}, dist, parent, owners

    def path(self, a, b):
        return self.nx.shortest_path(self.g, a, b)

    def search(self, text):
        nodes = self.g.nodes
        return [nodes[i] for i in rank_matches(self.names, text)]

    def check(self, method: str, out) -> Any:
        if method == "lookup":
            return int(out is not None)
        if method == "impact":
            affected, _, _, owners = out
            return impact_check(len(affected), Counter(a["kind"] for a in affected.values()), len(owners))
        if method == "path":
            return len(out) - 1
        return len(out)


def rank_matches(names: list[tuple[str, str]], text: str) -> list[str]:
    """The asset with id `text`, then ids whose lower-cased name contains it: exact
    first, then prefix, then the rest (shorter names first)."""
    q = text.lower()
    hits = [
        (-1 if i == text else 0 if n == q else 1 if n.startswith(q) else 2, len(n), i)
        for i, n in names
        if i == text or q in n
    ]
    hits.sort()
    return [i for _, _, i in hits[:TOP]]


_UP = "WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT e.dst FROM edges e JOIN r ON e.src = r.id)"
_DOWN = "WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT e.src FROM edges e JOIN r ON e.dst = r.id)"
_CLOSURE_ROWS = " SELECT a.* FROM r JOIN assets a ON a.id = r.id WHERE r.id <> ?"
_HOP_UP = "SELECT a.*, e.type FROM edges e JOIN assets a ON a.id = e.dst WHERE e.src = ?"
_HOP_DOWN = "SELECT a.*, e.type FROM edges e JOIN assets a ON a.id = e.src WHERE e.dst = ?"
_SEARCH = (
    "SELECT * FROM assets WHERE id = ? OR lower(name) LIKE '%' || ? || '%' "
    "ORDER BY id = ? DESC, lower(name) = ? DESC, lower(name) LIKE ? || '%' DESC, "
    f"length(name), id LIMIT {TOP}"
)


class _Sql:
    """Answers are lists of row tuples (closures: the assets' rows)."""

    def check(self, method: str, out) -> Any:
        if method == "impact":
            rows, owners = out
            return impact_check(len(rows), Counter(r[1] for r in rows), len(owners))
        if method == "path":
            return out
        return len(out)


class SqliteSystem(_Sql):
    name = "sqlite"

    def __init__(self, ex: Export, timeout: float):
        self.timeout = timeout
        con = sqlite3.connect(":memory:", check_same_thread=False)
        con.execute(
            "CREATE TABLE assets(id TEXT PRIMARY KEY, kind TEXT, name TEXT, namespace TEXT,"
            " family TEXT, version TEXT, description TEXT, domain TEXT, tags TEXT, "
            "props TEXT)"
        )
        cols = ex.assets.column_names
        data = [ex.assets.column(c).to_pylist() for c in cols]
        tags = cols.index("tags")
        data[tags] = [json.dumps(t) for t in data[tags]]
        con.executemany("INSERT INTO assets VALUES (?,?,?,?,?,?,?,?,?,?)", zip(*data))
        con.execute("CREATE TABLE edges(src TEXT, dst TEXT, type TEXT)")
        con.executemany(
            "INSERT INTO edges VALUES (?,?,?)",
            zip(*(ex.edges.column(c).to_pylist() for c in ("src", "dst", "type"))),
        )
        con.execute("CREATE INDEX edges_src ON edges(src)")
        con.execute("CREATE INDEX edges_dst ON edges(dst)")
        con.execute("CREATE TABLE owned(asset TEXT, owner TEXT, kind TEXT, name TEXT, email TEXT, role TEXT)")
        con.executemany(
            "INSERT INTO owned VALUES (?,?,?,?,?,?)",
            zip(*(ex.owned.column(c).to_pylist() for c in ex.owned.column_names)),
        )
        con.execute("CREATE INDEX owned_asset ON owned(asset)")
        con.execute("ANALYZE")
        self.con = con

    def _all(self, sql: str, params: tuple) -> list:
        deadline = time.perf_counter() + self.timeout

        def stop() -> int:
            return int(time.perf_counter() > deadline)

        self.con.set_progress_handler(stop, 100_000)
        try:
            return self.con.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if "interrupted" in str(exc):
                raise TimeoutError(f"stopped after {self.timeout:.0f} s") from None
            raise
        finally:
            self.con.set_progress_handler(None, 0)

    def lookup(self, asset_id):
        return self._all("SELECT * FROM assets WHERE id = ?", (asset_id,))

    def hop_up(self, asset_id):
        return self._all(_HOP_UP, (asset_id,))

    def hop_down(self, asset_id):
        return self._all(_HOP_DOWN, (asset_id,))

    def upstream(self, asset_id):
        return self._all(_UP + _CLOSURE_ROWS, (asset_id, asset_id))

    def downstream(self, asset_id):
        return self._all(_DOWN + _CLOSURE_ROWS, (asset_id, asset_id))

    def impact(self, asset_id):
        # UNION over (id, depth): a dependent reached at several depths is expanded once
        # per depth (SQLite cannot consult what the recursion already found otherwise).
        rows = self._all(
            "WITH RECURSIVE r(id, d) AS (SELECT ?, 0 UNION "
            "SELECT e.src, r.d + 1 FROM edges e JOIN r ON e.dst = r.id), "
            "m AS (SELECT id, min(d) AS d FROM r WHERE id <> ? GROUP BY id) "
            "SELECT m.id, a.kind, m.d FROM m JOIN assets a ON a.id = m.id",
            (asset_id, asset_id),
        )
        owners = self._all(
            "WITH RECURSIVE r(id) AS (SELECT ? UNION SELECT e.src FROM edges e JOIN r "
            "ON e.dst = r.id) SELECT o.owner, count(*) FROM r JOIN owned o ON o.asset = r.id "
            "WHERE r.id <> ? GROUP BY o.owner",
            (asset_id, asset_id),
        )
        return rows, owners

    def path(self, a, b):
        # breadth-first (ORDER BY depth) walks carrying their path, stopped at the first
        # arrival; fine on a chain, explodes like any path enumeration on diamonds
        rows = self._all(
            "WITH RECURSIVE r(id, d, path) AS (SELECT ?, 0, ? UNION ALL "
            "SELECT e.dst, r.d + 1, r.path || char(31) || e.dst FROM r JOIN edges e "
            "ON e.src = r.id WHERE r.id <> ? ORDER BY 2) "
            "SELECT path FROM r WHERE id = ? LIMIT 1",
            (a, a, b, b),
        )
        return len(rows[0][0].split("\x1f")) - 1 if rows else None

    def search(self, text):
        q = text.lower()
        return self._all(_SEARCH, (text, q, text, q, q))


class DuckdbSystem(_Sql):
    name = "duckdb"

    def __init__(self, ex: Export, timeout: float):
        import duckdb

        self.timeout = timeout
        con = duckdb.connect(":memory:")
        con.execute(
            "CREATE TABLE assets(id VARCHAR PRIMARY KEY, kind VARCHAR, name VARCHAR, "
            "namespace VARCHAR, family VARCHAR, version VARCHAR, description VARCHAR, "
            "domain VARCHAR, tags VARCHAR[], props VARCHAR)"
        )
        con.register("assets_src", ex.assets)
        con.register("edges_src", ex.edges)
        con.register("owned_src", ex.owned)
        con.execute("INSERT INTO assets SELECT * FROM assets_src")
        con.execute("CREATE TABLE edges AS SELECT * FROM edges_src")
        con.execute("CREATE TABLE owned AS SELECT * FROM owned_src")
        for view in ("assets_src", "edges_src", "owned_src"):
            con.unregister(view)
        con.execute("CREATE INDEX edges_src_idx ON edges(src)")
        con.execute("CREATE INDEX edges_dst_idx ON edges(dst)")
        con.execute("CREATE INDEX owned_asset_idx ON owned(asset)")
        self.con = con

    def _all(self, sql: str, params: list) -> list:
        timer = threading.Timer(self.timeout, self.con.interrupt)
        timer.start()
        try:
            return self.con.execute(sql, params).fetchall()
        except Exception as exc:
            if "INTERRUPT" in str(exc).upper():
                raise TimeoutError(f"stopped after {self.timeout:.0f} s") from None
            raise
        finally:
            timer.cancel()

    def lookup(self, asset_id):
        return self._all("SELECT * FROM assets WHERE id = ?", [asset_id])

    def hop_up(self, asset_id):
        return self._all(_HOP_UP, [asset_id])

    def hop_down(self, asset_id):
        return self._all(_HOP_DOWN, [asset_id])

    def upstream(self, asset_id):
        return self._all(_UP.replace("SELECT ?", "SELECT ?::VARCHAR") + _CLOSURE_ROWS, [asset_id, asset_id])

    def downstream(self, asset_id):
        return self._all(_DOWN.replace("SELECT ?", "SELECT ?::VARCHAR") + _CLOSURE_ROWS, [asset_id, asset_id])

    def impact(self, asset_id):
        # USING KEY (id) keeps one row per asset; skipping assets already found makes it a
        # breadth-first search, so each one keeps its shortest distance.
        rows = self._all(
            "WITH RECURSIVE r(id, d) USING KEY (id) AS (SELECT ?::VARCHAR, 0 UNION "
            "SELECT e.src, r.d + 1 FROM r JOIN edges e ON e.dst = r.id "
            "WHERE NOT EXISTS (SELECT 1 FROM recurring.r k WHERE k.id = e.src)) "
            "SELECT r.id, a.kind, r.d, list(o.owner) FILTER (WHERE o.owner IS NOT NULL) FROM r "
            "JOIN assets a ON a.id = r.id LEFT JOIN owned o ON o.asset = r.id "
            "WHERE r.id <> ? GROUP BY ALL",
            [asset_id, asset_id],
        )
        owners: dict[str, list[str]] = {}
        for asset, _, _, names in rows:
            for o in names or ():
                owners.setdefault(o, []).append(asset)
        return rows, owners

    def path(self, a, b):
        # breadth-first with USING KEY: each asset once, with its parent
        rows = self._all(
            "WITH RECURSIVE r(id, d, parent) USING KEY (id) AS ("
            "SELECT ?::VARCHAR, 0, NULL::VARCHAR UNION "
            "SELECT e.dst, r.d + 1, e.src FROM r JOIN edges e ON e.src = r.id "
            "WHERE NOT EXISTS (SELECT 1 FROM recurring.r k WHERE k.id = e.dst)) "
            "SELECT id, parent FROM r",
            [a],
        )
        parent = dict(rows)
        if b not in parent:
            return None
        walk = [b]
        while walk[-1] != a:
            walk.append(parent[walk[-1]])
        return len(walk) - 1

    def search(self, text):
        q = text.lower()
        return self._all(_SEARCH, [text, q, text, q, q])


# -- the run -----------------------------------------------------------------------------------


def questions(info: dict[str, Any], ids: list[str], args: argparse.Namespace) -> list[Question]:
    lm = info["landmarks"]
    rnd = random.Random(args.seed)
    sample = [(i,) for i in rnd.sample(ids, min(args.sample, len(ids)))]
    impact_of = lm["hub_dataset"] if args.impact_of == "hub" else args.impact_of
    qs = [
        Question("look-up by id", f"{len(sample)} random assets", sample, True),
        Question("1-hop up", f"{len(sample)} random assets", sample, True),
        Question("1-hop down", f"{len(sample)} random assets", sample, True),
        Question("upstream typical model", lm["typical_model"], [(lm["typical_model"],)], False),
        Question("downstream hub", lm["hub_dataset"], [(lm["hub_dataset"],)], False),
        Question("impact", impact_of, [(impact_of,)], False),
        Question(
            "path chain top->bottom",
            f"{lm['deep_chain_hops']} hops",
            [(lm["deep_chain_top"], lm["deep_chain_bottom"])],
            False,
        ),
        Question(
            "search",
            f"{len(SEARCH_TERMS) + 1} texts",
            [(t,) for t in SEARCH_TERMS] + [(lm["typical_model"],)],
            True,
        ),
    ]
    return [q for q in qs if not args.only or any(o in q.name for o in args.only)]


METHODS = {
    "look-up by id": "lookup",
    "1-hop up": "hop_up",
    "1-hop down": "hop_down",
    "upstream typical model": "upstream",
    "downstream hub": "downstream",
    "impact": "impact",
    "path chain top->bottom": "path",
    "search": "search",
}


def run_question(q: Question, systems: list, args: argparse.Namespace) -> None:
    """Every system answers `q` in turn, so that all see about the same machine load."""
    q.loadavg = loadavg()
    print(f"\n{q.name} ({q.subject}); load average {q.loadavg}", flush=True)
    for system in systems:
        cell = measure(system, METHODS[q.name], q, args.repeat, args.slow)
        q.cells[system.name] = cell
        gc.collect()
        shown = (
            f"{cell.seconds * 1000:10.2f} ms  (n={cell.runs})"
            if cell.error is None
            else f"ERROR {cell.error}"
        )
        result = "" if q.sampled or cell.error else f"  -> {cell.check}"
        print(f"  {system.name:<9} {shown}{result}", flush=True)


def fmt_ms(cell: Cell | None) -> str:
    if cell is None:
        return "-"
    if cell.error is not None:
        return "timeout" if cell.error.startswith("TimeoutError") else "error"
    ms = cell.seconds * 1000
    return f"{ms:.3f}" if ms < 1 else f"{ms:,.1f}" if ms < 100 else f"{ms:,.0f}"


def fmt_ratio(r: float) -> str:
    return f"{r:.2f}" if r < 10 else f"{r:,.0f}"


def report(qs: list[Question], peers: list[str], info: dict[str, Any]) -> tuple[str, list[str]]:
    head = [
        "question",
        "subject",
        "results",
        "mlg ms",
        *(f"{p} ms" for p in peers),
        *(f"mlg/{p}" for p in peers),
        "target",
        "met",
    ]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    problems: list[str] = []
    notes: list[str] = []
    for q in qs:
        m = q.cells.get("mlg")
        ratios = []
        for p in peers:
            c = q.cells.get(p)
            if m and c and m.seconds and c.seconds and not m.error and not c.error:
                ratios.append(fmt_ratio(m.seconds / c.seconds))
            else:
                ratios.append("-")
        target = TARGETS.get(q.name)
        met = "-" if target is None or not m or m.error else ("yes" if m.seconds <= target else "NO")
        results = (
            "-"
            if not m or m.error
            else (f"{statistics.median(m.check):g} (median)" if q.sampled else str(m.check))
        )
        if len(results) > 60:
            results = results.split(" (")[0]
        row = [
            q.name,
            q.subject,
            results,
            fmt_ms(m),
            *(fmt_ms(q.cells.get(p)) for p in peers),
            *ratios,
            "-" if target is None else f"<= {target * 1000:g} ms",
            met,
        ]
        lines.append("| " + " | ".join(row) + " |")
        # answers must agree; search only roughly: the peers have no full-text index
        for p in peers:
            c = q.cells.get(p)
            if m is None or c is None or m.error or c.error:
                continue
            if c.check != m.check:
                if q.name == "search":
                    diff = [(a[0], x, y) for a, x, y in zip(q.args, m.check, c.check) if x != y]
                    notes.append(
                        f"search: {p} found another number of hits for {len(diff)} of "
                        f"{len(q.args)} texts (text, mlg, {p}): {diff[:4]} - mlg "
                        "also ranks full-text hits, the peers only names"
                    )
                elif q.sampled:
                    diff = [(a[0], x, y) for a, x, y in zip(q.args, m.check, c.check) if x != y]
                    problems.append(
                        f"{q.name}: {p} differs from mlg on {len(diff)} of "
                        f"{len(q.args)} inputs, e.g. {diff[:3]}"
                    )
                else:
                    problems.append(f"{q.name}: mlg {m.check!r} but {p} {c.check!r}")
        ref = info.get("reference_counts", {}).get(q.name)
        if ref is not None and m and not m.error and m.check != ref:
            problems.append(f"{q.name}: mlg {m.check} but the generator's BFS {ref}")
    return "\n".join(lines), problems, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=1_000_000, help="estate size (1000000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="a graph built by this benchmark to reuse (or a path to build one "
        "at); default: a fresh one in /tmp/mlg-bench",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="timed runs per closure/impact/path question, after a warm-up (5)",
    )
    parser.add_argument(
        "--sample", type=int, default=200, help="random assets for look-up and 1-hop, each timed once (200)"
    )
    parser.add_argument(
        "--slow",
        type=float,
        default=20.0,
        help="a warm-up slower than this many seconds is the only run (20)",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="stop an SQL peer query after this many seconds (600)"
    )
    parser.add_argument(
        "--peers", default="networkx,sqlite,duckdb", help="comma-separated peers to run, or 'none'"
    )
    parser.add_argument(
        "--impact-of", default="hub", help="asset id whose impact is measured, or 'hub' (the hub dataset)"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run only questions whose name contains this (repeatable)"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    start_load = loadavg()
    print(f"mlg query benchmark; {os.cpu_count()} CPUs; load average {start_load}")
    db = args.db or DEFAULT_DIR / f"estate-{args.assets}-seed{args.seed}.kuzu"
    if db.exists():
        if args.db is None:
            if not sidecar(db).exists():
                parser.error(f"{db} exists and was not built by this benchmark")
            print(f"removing the previous {db} (pass --db {db} to reuse it)")
            shutil.rmtree(db) if db.is_dir() else db.unlink()
            for extra in db.parent.glob(db.name + ".*"):  # sidecars and derived indexes
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
        elif not sidecar(db).exists():
            parser.error(f"{db} has no {sidecar(db).name}: build it with this benchmark")
    if db.exists():
        info = json.loads(sidecar(db).read_text())
        info["reused"] = True
        print(
            f"reusing {db}: {info['assets']:,} assets, seed {info['seed']}, built "
            f"{info.get('built_at')}, ingest then {info['ingest_s']:.1f} s "
            f"(load average {info['loadavg_after']})"
        )
    else:
        info = build(db, args.assets, args.seed)
        info["reused"] = False

    peers = [] if args.peers == "none" else [p.strip() for p in args.peers.split(",") if p.strip()]
    try:
        graph = mlg.open(db, read_only=True)
    except MlgError as exc:
        print(f"cannot open {db}: {exc}", file=sys.stderr)
        return 1
    builds = {}
    with graph:
        ids = graph.store.arrow("MATCH (a:Asset) RETURN a.id AS id").column("id").to_pylist()  # noqa: SLF001
        ids.sort()
        qs = questions(info, ids, args)
        del ids
        systems: list = [MlgSystem(graph)]
        if peers:
            export = Export(graph)
            print(
                f"exported {export.assets.num_rows:,} assets, {export.edges.num_rows:,} "
                f"edges, {export.owned.num_rows:,} ownerships for the peers in "
                f"{export.seconds:.1f} s",
                flush=True,
            )
            for p in peers:
                factory = {
                    "networkx": lambda: NetworkxSystem(export),
                    "sqlite": lambda: SqliteSystem(export, args.timeout),
                    "duckdb": lambda: DuckdbSystem(export, args.timeout),
                }[p]
                t0 = time.perf_counter()
                systems.append(factory())
                builds[p] = time.perf_counter() - t0
                note = (
                    f"; {systems[-1].parallel:,} parallel edges merged by the DiGraph"
                    if getattr(systems[-1], "parallel", 0)
                    else ""
                )
                print(f"{p}: built in {builds[p]:.1f} s{note}", flush=True)
            del export
            gc.collect()
        if not hasattr(graph, "search"):
            print("(Graph.search has not landed: 'search' is a name CONTAINS query through Graph.query)")
        for q in qs:
            run_question(q, systems, args)
        del systems

    table, problems, notes = report(qs, peers, info)
    end_load = loadavg()
    print(f"\n## {info['assets']:,} assets, {info['relations']:,} relations (seed {info['seed']})\n")
    print(
        f"ingest (generate {info['generation_s']:.1f} s, then Graph.ingest_batch): "
        f"{info['ingest_s']:.1f} s, target <= 60 s: "
        f"{'yes' if info['ingest_s'] <= 60 else 'NO'}"
        f"{' (recorded when the graph was built, ' + info['built_at'] + ')' if info['reused'] else ''}"
    )
    print(
        f"load average (1, 5, 15 min): start {start_load}; "
        + "; ".join(f"{q.name} {q.loadavg}" for q in qs)
        + f"; end {end_load}"
    )
    print("peer set-up: " + ", ".join(f"{p} {s:.1f} s" for p, s in builds.items()))
    print("medians; ratio = mlg / peer (below 1: mlg faster)\n")
    print(table)
    if problems:
        print("\nANSWERS DIFFER (bugs to look at):")
        for p in problems:
            print(f"  - {p}")
    else:
        print("\nall peers returned the same counts as mlg")
    for note in notes:
        print(f"note: {note}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "info": info,
                    "loadavg": {"start": start_load, "end": end_load, **{q.name: q.loadavg for q in qs}},
                    "builds": builds,
                    "problems": problems,
                    "notes": notes,
                    "questions": [
                        {
                            "name": q.name,
                            "subject": q.subject,
                            "cells": {
                                k: {
                                    "seconds": c.seconds,
                                    "runs": c.runs,
                                    "error": c.error,
                                    "check": c.check if not q.sampled else None,
                                }
                                for k, c in q.cells.items()
                            },
                        }
                        for q in qs
                    ],
                },
                indent=2,
                default=str,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
