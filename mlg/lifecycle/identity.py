"""One dataset, one asset: physical identifiers, normalised, kept as aliases.

The same table or file reaches mlg under many names: a manifest's `props.location`,
an OpenLineage dataset (namespace + name), a dbt relation, an MLflow run's source URI,
a Feast source path. Each is normalised to one *physical identifier*; an asset's
identifiers are kept as aliases (`AssetAlias`, id ``physical:<identifier>``), and a
record whose identifier already belongs to another asset is taken as describing that
asset. Which id the asset has is the canonical claimant (`canonical`: a declared id,
then one derived from a physical name, then a placeholder named by the identifier;
then the least id) of every id that claimed one of its identifiers, in this batch or
earlier ones, so it does not depend on the order the sources arrive in: a graph asset
under a weaker id is re-keyed into the stronger one with its history
(`Batch.rekeys`, GraphStore.rekey_assets), the given-up ids stay as aliases. Two
assets the graph already holds apart are not merged (`unify`). A relation may also name
its target by a physical identifier; nothing described yet, it is a placeholder named
by the identifier.

Rules (`physical_id`):

- object stores: ``s3://``, ``s3a://``, ``s3n://`` → ``s3://``; ``gs://``, ``gcs://``
  → ``gs://``; ``abfss://``/``abfs://``/``wasbs://`` kept; the bucket (host) lower-cased,
  the path kept as written, ``//`` and a trailing ``/`` removed;
- files: ``file:/p``, ``file:///p``, ``file://localhost/p`` and absolute paths ``/p``
  → ``file:///p`` with ``.`` and ``..`` resolved; ``dbfs:/p`` → ``dbfs:/p``;
  ``hdfs://host:port/p`` → ``hdfs://host/p`` (the port dropped);
- warehouse tables: ``table:<database>.<schema>.<table>`` lower-cased, quotes
  (``"``, `````, ``[]``) removed; from a dbt relation name (``"db"."schema"."t"``), an
  OpenLineage dataset whose namespace is a warehouse (``postgres://host:5432``,
  ``snowflake://acct``, ``bigquery``, ...; its name is the table), a ``props.table``,
  or ``<warehouse>://host/db.schema.table``. The warehouse itself is not part of the
  identifier: one organisation's table names are taken to be unique.

What is not recognised (a relative path, free text) has no physical identifier.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import urlsplit

from mlg.batch import Location
from mlg.qualified_ids import qualified_id, split_qualified

ALIAS_PREFIX = "physical:"
# props that hold where an asset physically is
LOCATION_PROPS = ("location", "uri", "path", "table", "source_uri", "relation_name")

_OBJECT_STORES = {
    "s3": "s3",
    "s3a": "s3",
    "s3n": "s3",
    "gs": "gs",
    "gcs": "gs",
    "abfs": "abfs",
    "abfss": "abfss",
    "wasb": "wasb",
    "wasbs": "wasbs",
}
WAREHOUSES = frozenset(
    {
        "postgres",
        "postgresql",
        "mysql",
        "snowflake",
        "bigquery",
        "redshift",
        "trino",
        "presto",
        "mssql",
        "sqlserver",
        "oracle",
        "duckdb",
        "databricks",
        "hive",
        "athena",
        "clickhouse",
    }
)


def physical_id(text: str, *, table: bool = False) -> str | None:
    """The normalised physical identifier of `text` (a URI, an absolute path, or with
    `table` a relation name), or None when it names nothing physical."""
    if not isinstance(text, str) or not text.strip():
        return None
    text = text.strip()
    if table:
        return table_id(text)
    if text.startswith("/"):
        return _file(text)
    match = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", text)
    if not match:
        return None
    scheme, rest = match.group(1).lower(), match.group(2)
    if scheme == "file":
        parts = urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            return None
        return _file(parts.path) if parts.path.startswith("/") else None
    if scheme == "dbfs":
        path = rest[len("//") :] if rest.startswith("//") else rest
        return "dbfs:" + _clean("/" + path.lstrip("/"))
    parts = urlsplit(text)
    if scheme in _OBJECT_STORES and parts.netloc:
        return f"{_OBJECT_STORES[scheme]}://{parts.netloc.lower()}{_clean(parts.path)}"
    if scheme == "hdfs" and parts.hostname:
        return f"hdfs://{parts.hostname.lower()}{_clean(parts.path)}"
    if scheme in WAREHOUSES:
        name = parts.path.strip("/")
        return table_id(name) if name else None
    return None


def table_id(relation: str) -> str | None:
    """``table:db.schema.table`` from a relation name, quoted or not; None for fewer
    than two parts (a bare table name is not an identity)."""
    parts = [p for p in _split_relation(relation) if p]
    if len(parts) < 2:
        return None
    return "table:" + ".".join(p.lower() for p in parts)


def openlineage_id(namespace: str, name: str) -> str | None:
    """The physical identifier of an OpenLineage dataset (namespace, name)."""
    scheme = namespace.split(":", 1)[0].lower() if ":" in namespace else namespace.lower()
    if scheme in WAREHOUSES:
        return table_id(name)
    if name.startswith("/") or "://" not in namespace:
        joined = namespace.rstrip("/") + "/" + name.lstrip("/") if "://" in namespace else name
        return physical_id(joined)
    return physical_id(namespace.rstrip("/") + "/" + name.lstrip("/"))


def identifiers(record: dict[str, Any]) -> list[str]:
    """Every physical identifier an asset record carries: its location props, and for
    an asset named by OpenLineage (id ``dataset:<namespace>/<name>``, the namespace
    escaped as mlg.qualified_ids says) that name."""
    found = []
    props = record.get("props") if isinstance(record.get("props"), dict) else {}
    for key in LOCATION_PROPS:
        value = props.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                ident = physical_id(item, table=key in ("table", "relation_name"))
                if ident is None and key not in ("table", "relation_name"):
                    ident = table_id(item) if "://" not in item and not item.startswith("/") else None
                if ident:
                    found.append(ident)
    ns, name, asset_id = record.get("namespace"), record.get("name"), record.get("id")
    if isinstance(ns, str) and isinstance(name, str) and asset_id == qualified_id("dataset", ns, name):
        ident = openlineage_id(ns, name) if _spec_namespace(ns) else None
        if ident:
            found.append(ident)
    # the other names of an OpenLineage dataset (its symlinks: props._names, as
    # mlg.openlineage.drafts keeps them)
    for pair in props.get("_names") or () if isinstance(props.get("_names"), list) else ():
        if isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair):
            ident = openlineage_id(*pair) if _spec_namespace(pair[0]) else None
            if ident:
                found.append(ident)
    return list(dict.fromkeys(found))


def claim_rank(asset_id: str, idents: set[str]) -> int:
    """How strong a claim `asset_id` has to be the asset of a dataset whose physical
    identifiers are `idents` (lower is stronger): 0 an id someone declared (a manifest's
    ``dataset:plays``), 1 an id derived from one of those identifiers (OpenLineage's and
    the connectors' ``dataset:<namespace>/<name>``), 2 a placeholder named by the
    identifier itself (a reference by location to a dataset nothing described yet)."""
    if physical_id(asset_id) in idents or asset_id in idents:
        return 2
    parts = split_qualified(asset_id)
    if parts is not None and openlineage_id(parts[1], parts[2]) in idents:
        return 1
    return 0


def canonical(claimants, idents: set[str]) -> str:
    """The id a dataset takes among the ids that claim it: the strongest claim
    (`claim_rank`), then the least id. A function of the set alone, so the same
    whatever order the claimants arrived in."""
    return min(claimants, key=lambda i: (claim_rank(i, idents), i))


def _spec_namespace(namespace: str) -> bool:
    """Whether an OpenLineage namespace is one the naming spec gives (a scheme and an
    authority - `s3://bucket`, `postgres://host:5432` - or a plain word such as `file`):
    only such a name claims its physical identifier. A namespace with a path in it
    (`s3://bucket/dir` + `file.csv`) is a name of its own, kept apart from
    `s3://bucket` + `dir/file.csv` (mlg.qualified_ids), so it claims nothing."""
    if "://" not in namespace:
        return True
    return urlsplit(namespace).path in ("", "/")


def unify(batch, known: dict[str, str], kinds=None, *, rekey: bool = True) -> dict[str, str]:
    """Give each asset of `batch` its dataset's canonical id (`canonical`, over the
    batch's records and the graph's assets that share a physical identifier; `known`:
    alias id -> asset id, from the graph), resolve references given as physical
    identifiers, and add each new identifier, and each id a record gave up, as an alias.
    When the canonical id is a record's of this batch while the graph holds the dataset
    under a weaker id, that asset is to be re-keyed (`batch.rekeys`, old -> new; the
    store does it with its history before the batch is written). `kinds(ids)`: which of
    `ids` are assets in the graph (asset id -> kind). Without `rekey` (a chunked ingest,
    inside one transaction) the graph's asset keeps its id and takes the records. Returns
    old id -> new id of the renamed records.

    The outcome does not depend on the records' order, within a batch or across
    batches, with one exception: two assets the graph already holds apart are not
    merged (that would join two histories); the graph's strongest claimant takes the
    batch's records, the other keeps its identifiers."""
    from mlg.schema import RELATION_RULES

    idents_of: dict[str, list[str]] = {}  # record id -> its alias ids, over all its records
    where: dict[str, Any] = {}  # record id -> the location of its first record
    kind_of: dict[str, Any] = {}
    for record, loc in batch.assets:
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            found = idents_of.setdefault(record["id"], [])
            found.extend(i for i in (ALIAS_PREFIX + x for x in identifiers(record)) if i not in found)
            where.setdefault(record["id"], loc)
            kind_of.setdefault(record["id"], record.get("kind"))
    group = _joined(idents_of)
    # an asset the batch merges away (an OpenLineage symlink: Batch.merges) claims nothing:
    # what it held is the asset's it merges into
    into = {
        r["id"]: r["into"] for r, _ in batch.merges if isinstance(r, dict) and isinstance(r.get("id"), str)
    }
    known = {a: into.get(t, t) for a, t in known.items()}
    owner_of = dict(known)
    renamed: dict[str, str] = {}
    fresh: dict[str, tuple[str, Any]] = {}  # alias id -> (asset id, location)
    in_graph: dict[str, str] = {}
    if kinds is not None and group:
        wanted = {m for members in group for m in members}
        wanted |= {known[i] for members in group for m in members for i in idents_of[m] if i in known}
        in_graph = kinds(sorted(wanted))
    for members in group:
        idents = {i[len(ALIAS_PREFIX) :] for m in members for i in idents_of[m]}
        named = sorted({known[i] for m in members for i in idents_of[m] if i in known})
        target = canonical(set(members) | set(named), idents)
        if named and target not in named:
            holder = canonical(named, idents)
            if (
                kinds is None
                or not rekey
                or target in in_graph
                or in_graph.get(holder) != kind_of.get(target)
            ):
                target = holder  # a merge of two assets the graph holds, or a change of kind: not done
            else:
                batch.rekeys[holder] = target  # the graph's asset takes the stronger id
                renamed.setdefault(holder, target)  # references to it, too
                owner_of.update({a: target for a, t in known.items() if t == holder})
        renamed.update((m, target) for m in members if m != target)
        for m in sorted(members):
            for ident in idents_of[m]:
                if ident not in owner_of:
                    owner_of[ident] = target
                    fresh[ident] = (target, where[m])
    # the ids records gave up, and those of re-keyed assets, name the asset they became
    # (Graph.resolve follows aliases); never an id the graph keeps as an asset
    for old, new in sorted(renamed.items()):
        if _as_alias(old) is not None:
            continue  # a placeholder named by its location: the identifier's alias says it
        if old in batch.rekeys or old not in in_graph:
            fresh.setdefault(old, (new, where.get(old) or where.get(new)))

    def resolve(ref: Any) -> Any:
        if not isinstance(ref, str):
            return ref
        if ref in renamed:
            return renamed[ref]
        alias = _as_alias(ref)
        if not alias:
            return ref
        if alias not in owner_of:  # a placeholder named by the identifier (claim_rank 2)
            owner_of[alias] = alias[len(ALIAS_PREFIX) :]
            fresh[alias] = (owner_of[alias], None)
        return owner_of[alias]

    assets = []
    for record, loc in batch.assets:
        if isinstance(record, dict):
            record = {
                k: ([resolve(t) for t in v] if k in RELATION_RULES and isinstance(v, list) else v)
                for k, v in record.items()
            }
            if record.get("id") in renamed:
                record["id"] = renamed[record["id"]]
        assets.append((record, loc))
    batch.assets = assets
    batch.relations = [
        ({**r, **{k: resolve(r[k]) for k in ("from", "to") if k in r}} if isinstance(r, dict) else r, loc)
        for r, loc in batch.relations
    ]
    somewhere = Location(batch.files[0] if batch.files else "<input>", "aliases")
    batch.aliases.extend(({"id": a, "asset": t}, loc or somewhere) for a, (t, loc) in fresh.items())
    return renamed


def _joined(idents_of: dict[str, list[str]]) -> list[list[str]]:
    """The record ids that share an identifier, directly or through others, in groups
    (a union-find over the ids; each group sorted). Ids without identifiers are left out."""
    parent = {i: i for i, idents in idents_of.items() if idents}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    holder: dict[str, str] = {}
    for record_id in sorted(parent):
        for ident in idents_of[record_id]:
            other = holder.setdefault(ident, record_id)
            a, b = root(record_id), root(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[str, list[str]] = {}
    for record_id in sorted(parent):
        groups.setdefault(root(record_id), []).append(record_id)
    return list(groups.values())


def wanted_aliases(batch) -> set[str]:
    """The alias ids the graph is asked about before `unify`."""
    wanted = set()
    for record, _ in batch.assets:
        if isinstance(record, dict):
            wanted.update(ALIAS_PREFIX + i for i in identifiers(record))
            for value in record.values():
                if isinstance(value, list):
                    wanted.update(_as_alias(v) for v in value if _as_alias(v))
    for record, _ in batch.relations:
        if isinstance(record, dict):
            wanted.update(a for a in (_as_alias(record.get("from")), _as_alias(record.get("to"))) if a)
    return wanted


def names_a_location(ref: Any) -> bool:
    """Whether `ref` is a physical identifier rather than an asset id (a placeholder
    named by it needs no alias of its own: the identifier's says it)."""
    return _as_alias(ref) is not None


def _as_alias(ref: Any) -> str | None:
    if not isinstance(ref, str) or not ("://" in ref or ref[:1] == "/" or ref.startswith(("file:", "dbfs:"))):
        return None  # the common case, an asset id, without a regular expression
    ident = physical_id(ref)
    return ALIAS_PREFIX + ident if ident else None


def _split_relation(relation: str) -> list[str]:
    parts, current, quote = [], "", None
    closing = {'"': '"', "`": "`", "[": "]"}
    for ch in relation.strip():
        if quote:
            if ch == closing[quote]:
                quote = None
            else:
                current += ch
        elif ch in closing:
            quote = ch
        elif ch == ".":
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return parts


def _file(path: str) -> str:
    return "file://" + _clean(path)


def _clean(path: str) -> str:
    if not path:
        return ""
    cleaned = posixpath.normpath("/" + path.lstrip("/"))
    return "" if cleaned == "/" else cleaned
