"""Schema step 4 -> 5 (issue 14), self-contained: OpenLineage ids with the namespace
escaped (mlg.qualified_ids).

Before schema 5 a dataset or job got `<kind>:<namespace>/<name>` as it came, so
`(s3://bucket, dir/file.csv)` and `(s3://bucket/dir, file.csv)` shared an id. This step
gives every asset whose id is that old form of its own namespace and name (kind
dataset, workflow or evaluation) the new id, when it differs (a namespace with a `/`
beyond `scheme://authority`, a `%` or a final `:`), and re-points what refers to it:
its edges (DEPENDS_ON, RETIRED_DEPENDS_ON, both ways), owner links, runs (RUN_OF,
RUN_IO, Run.workflow, the `io:`/`version:` facet keys), kept versions (AssetHistory),
the aliases naming it, and `props.parent` of the jobs it is the parent of. Aliases of
other names (symlinks) get their new ids too, from the names the asset keeps in
`props._names`. The search index rebuilds itself (the upgrade gives the graph a new
id). An asset two names had already collided into stays one asset (what set it apart
was never stored); its next events name the other asset by its own id.
"""

from __future__ import annotations

import json

import kuzu
import pyarrow as pa

from mlg.id_references import facets_rekeyed, json_object, props_rekeyed
from mlg.model import canonical_json
from mlg.qualified_ids import QUALIFIED_KINDS, qualified_id

# the Asset text columns mlg writes "" for instead of NULL (schema.BLANK_FOR_NULL at
# schema 4): copied as "" so that no NULL is inserted into a column updates wrote to
_BLANK_TEXT = ("namespace", "family", "version", "description", "domain", "props")
# the Arrow type a link property of each Kuzu type is written back with
_ARROW = {
    "STRING": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "STRING[]": pa.list_(pa.string()),
    "BOOLEAN": pa.bool_(),
    "INT64": pa.int64(),
}
_NAMES_KEY, _TIMES_KEY = "_names", "_times"  # props (mlg.openlineage.mapping)


PLAN_KEY = "upgrade_5_plan"  # MlgMeta: the re-keying (JSON old id -> new id) under way
PHASE_KEY = "upgrade_5_phase"  # MlgMeta: the last phase done


def upgrade_to_5(conn: kuzu.Connection) -> None:
    """Re-key the assets whose OpenLineage ids changed. In four transactions of its own,
    each recording that it is done, so that a crash in between resumes where it stopped
    on the next open: Kuzu 0.11.3 links the wrong rows when one transaction deletes and
    creates links of the same nodes (every created link gets another's ends and values),
    so inserts and deletes never share one."""
    meta = dict(
        _rows(conn, f"MATCH (m:MlgMeta) WHERE m.key IN ['{PLAN_KEY}', '{PHASE_KEY}'] RETURN m.key, m.value")
    )
    phase = int(meta.get(PHASE_KEY, 0))
    if phase == 0:
        rekeyed = _new_ids(conn)
        taken = {row[0] for row in _rows(conn, "MATCH (a:Asset) RETURN a.id")}
        rekeyed = {old: new for old, new in rekeyed.items() if new not in taken}
    else:
        rekeyed = json.loads(meta[PLAN_KEY])
    run_phases(conn, rekeyed, phase, PLAN_KEY, PHASE_KEY)


def run_phases(
    conn: kuzu.Connection, rekeyed: dict[str, str], phase: int, plan_key: str, phase_key: str
) -> None:
    """Re-key `rekeyed` (old id -> new id, the new ids not taken) from phase `phase` on,
    each phase a transaction that records itself under `phase_key` (the plan under
    `plan_key`), then the two MlgMeta rows deleted. Also what mlg.store.kuzu.rekey runs."""
    columns = _columns(conn)
    phases = (
        lambda: _set_meta(conn, plan_key, canonical_json(rekeyed)) or _create_rows(conn, rekeyed, columns),
        lambda: _create_links(conn, rekeyed, columns),
        lambda: _delete_old(conn, rekeyed),
        lambda: _rewrite_references(conn, rekeyed) or (plan_key == PLAN_KEY and _rekey_aliases(conn)),
    )
    for number, step in enumerate(phases, start=1):
        if number <= phase:
            continue
        conn.execute("BEGIN TRANSACTION")
        try:
            if rekeyed or number == len(phases):
                step()
            _set_meta(conn, phase_key, str(number))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    conn.execute("BEGIN TRANSACTION")
    _run(conn, f"MATCH (m:MlgMeta) WHERE m.key IN ['{plan_key}', '{phase_key}'] DELETE m")
    conn.execute("COMMIT")


def _set_meta(conn: kuzu.Connection, key: str, value: str) -> None:
    _run(conn, "MERGE (m:MlgMeta {key: $k}) SET m.value = $v", {"k": key, "v": value})


def _new_ids(conn: kuzu.Connection) -> dict[str, str]:
    found = {}
    for asset_id, kind, namespace, name in _rows(
        conn, "MATCH (a:Asset) RETURN a.id, a.kind, a.namespace, a.name"
    ):
        if kind in QUALIFIED_KINDS and namespace and name is not None:
            if asset_id == f"{kind}:{namespace}/{name}":
                new = qualified_id(kind, namespace, name)
                if new != asset_id:
                    found[asset_id] = new
    return found


def _columns(conn: kuzu.Connection) -> dict[str, list[tuple[str, str]]]:
    """(name, type) of the properties of each table the step copies rows of."""
    tables = ("Asset", "AssetHistory", *_LINKS)
    return {t: [(row[1], row[2]) for row in _rows(conn, f"CALL table_info('{t}') RETURN *")] for t in tables}


# the rel tables that join an asset to something: (table, from table, to table)
_LINKS = {
    "DEPENDS_ON": ("Asset", "Asset"),
    "RETIRED_DEPENDS_ON": ("Asset", "Asset"),
    "OWNED_BY": ("Asset", "Owner"),
    "RUN_OF": ("Run", "Asset"),
    "RUN_IO": ("Run", "Asset"),
}


def _copy(columns: list[tuple[str, str]], var: str, skip: tuple[str, ...] = ()) -> str:
    return ", ".join(
        f"{c}: coalesce({var}.{c}, '')" if c in _BLANK_TEXT else f"{c}: {var}.{c}"
        for c, _ in columns
        if c not in skip
    )


def _create_rows(
    conn: kuzu.Connection, rekeyed: dict[str, str], columns: dict[str, list[tuple[str, str]]]
) -> None:
    """Phase 1: each re-keyed asset's row and kept versions (AssetHistory, keyed
    "<asset id>@<time>") copied under the new id, one row per statement."""
    assets = _copy(columns["Asset"], "a", ("id",))
    for old, new in sorted(rekeyed.items()):
        _run(
            conn,
            f"MATCH (a:Asset {{id: $old}}) CREATE (:Asset {{id: $new, {assets}}})",
            {"old": old, "new": new},
        )
    history = _copy(columns["AssetHistory"], "h", ("key", "asset"))
    for key, old in _rows(
        conn, "MATCH (h:AssetHistory) WHERE h.asset IN $ids RETURN h.key, h.asset", {"ids": sorted(rekeyed)}
    ):
        new = rekeyed[old]
        moved = new + key[len(old) :] if key.startswith(old + "@") else f"{new}@{key}"
        _run(
            conn,
            "MATCH (h:AssetHistory {key: $key}) "
            f"CREATE (:AssetHistory {{key: $moved, asset: $new, {history}}})",
            {"key": key, "moved": moved, "new": new},
        )


def _create_links(
    conn: kuzu.Connection, rekeyed: dict[str, str], columns: dict[str, list[tuple[str, str]]]
) -> None:
    """Phase 2: every link of an old row made anew between the new rows, from an Arrow
    table as the writer writes links (one MATCH ... CREATE over matched links gives all
    of them the first one's values in Kuzu 0.11.3)."""
    ids = {"ids": sorted(rekeyed)}
    for rel, (src_table, dst_table) in _LINKS.items():
        props = columns[rel]
        found = _rows(
            conn,
            f"MATCH (a:{src_table})-[e:{rel}]->(b:{dst_table}) WHERE a.id IN $ids OR b.id IN $ids "
            f"RETURN a.id, b.id{''.join(f', e.{c}' for c, _ in props)}",
            ids,
        )
        if not found:
            continue
        schema = pa.schema([("src", pa.string()), ("dst", pa.string())] + [(c, _ARROW[t]) for c, t in props])
        rows = pa.Table.from_pylist(
            [
                dict(zip(schema.names, [rekeyed.get(src, src), rekeyed.get(dst, dst), *vals]))
                for src, dst, *vals in found
            ],
            schema=schema,
        )
        values = ", ".join(f"{c}: {c}" for c, _ in props)
        _run(
            conn,
            f"LOAD FROM $rows MATCH (a:{src_table} {{id: src}}) MATCH (b:{dst_table} {{id: dst}}) "
            f"CREATE (a)-[:{rel} {{{values}}}]->(b)",
            {"rows": rows},
        )


def _delete_old(conn: kuzu.Connection, rekeyed: dict[str, str]) -> None:
    """Phase 3: the old rows, their links and kept versions."""
    ids = {"ids": sorted(rekeyed)}
    for rel, (src_table, dst_table) in _LINKS.items():
        _run(
            conn,
            f"MATCH (a:{src_table})-[e:{rel}]->(b:{dst_table}) WHERE a.id IN $ids OR b.id IN $ids DELETE e",
            ids,
        )
    _run(conn, "MATCH (h:AssetHistory) WHERE h.asset IN $ids DELETE h", ids)
    _run(conn, "MATCH (a:Asset) WHERE a.id IN $ids DELETE a", ids)


def _rewrite_references(conn: kuzu.Connection, rekeyed: dict[str, str]) -> None:
    """Phase 4: ids in text - Run.workflow, AssetAlias.asset, the run facet keys, and
    `props.parent` (of assets and kept versions)."""
    for old, new in sorted(rekeyed.items()):
        _run(conn, "MATCH (x:AssetAlias) WHERE x.asset = $old SET x.asset = $new", {"old": old, "new": new})
        _run(conn, "MATCH (r:Run) WHERE r.workflow = $old SET r.workflow = $new", {"old": old, "new": new})
        if _has_table(conn, "OwnerLinkHistory"):  # schema 6 on (a re-key at run time)
            _run(
                conn,
                "MATCH (h:OwnerLinkHistory) WHERE h.asset = $old SET h.asset = $new",
                {"old": old, "new": new},
            )
    for run_id, text in _rows(conn, "MATCH (r:Run) RETURN r.id, r.facets"):
        moved = facets_rekeyed(text, rekeyed)
        if moved is not None:
            _run(conn, "MATCH (r:Run {id: $id}) SET r.facets = $facets", {"id": run_id, "facets": moved})
    for table, key in (("Asset", "id"), ("AssetHistory", "key")):
        rows = _rows(conn, f"MATCH (a:{table}) WHERE a.props CONTAINS '\"parent\"' RETURN a.{key}, a.props")
        for row_key, text in rows:
            props = props_rekeyed(text, rekeyed)
            if props is not None:
                _run(
                    conn,
                    f"MATCH (a:{table} {{{key}: $k}}) SET a.props = $props",
                    {"k": row_key, "props": props},
                )


def _rekey_aliases(conn: kuzu.Connection) -> None:
    """An alias is the id another name (a symlink) would have had on its own: the new id
    of that name, found among the names its asset goes by (props._names)."""
    aliases = _rows(conn, "MATCH (x:AssetAlias) RETURN x.id, x.asset")
    if not aliases:
        return
    taken = {row[0] for row in _rows(conn, "MATCH (a:Asset) RETURN a.id")}
    props = {
        asset_id: json_object(text) or {}
        for asset_id, text in _rows(
            conn,
            "MATCH (a:Asset) WHERE a.id IN $ids RETURN a.id, a.props",
            {"ids": sorted({a for _, a in aliases})},
        )
    }
    known = {alias for alias, _ in aliases}
    for alias, asset_id in aliases:
        names = props.get(asset_id, {}).get(_NAMES_KEY) or ()
        for pair in names:
            if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)):
                continue
            namespace, name = pair
            new = qualified_id("dataset", namespace, name)
            if alias == f"dataset:{namespace}/{name}" and new != alias:
                if new not in taken and new not in known:
                    _run(conn, "MATCH (x:AssetAlias {id: $id}) DELETE x", {"id": alias})
                    _run(
                        conn, "CREATE (:AssetAlias {id: $id, asset: $asset})", {"id": new, "asset": asset_id}
                    )
                    known.add(new)
                break


def _has_table(conn: kuzu.Connection, name: str) -> bool:
    return any(row[1] == name for row in _rows(conn, "CALL show_tables() RETURN *"))


def _rows(conn: kuzu.Connection, query: str, params: dict | None = None) -> list[list]:
    result = _run(conn, query, params or {})
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


def _run(conn: kuzu.Connection, query: str, params: dict | None = None) -> kuzu.QueryResult:
    """`query` with those of `params` it uses (Kuzu refuses one it does not)."""
    used = {k: v for k, v in (params or {}).items() if f"${k}" in query}
    return conn.execute(query, used)
