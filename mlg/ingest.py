"""Ingest through the port: validate a Batch against the graph and write the Plan.

The writing itself is the store's (`GraphStore.write_plan`: one transaction, all or
nothing); validation (mlg/validation.py) asks the graph only what `StoreLookup` answers.
Bringing the derived indexes along afterwards is the facade's (`Graph.ingest_batch`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mlg.validation import GraphLookup, validate

if TYPE_CHECKING:
    from mlg.batch import Batch
    from mlg.graph import Graph
    from mlg.store.port import GraphStore, WriteOutcome

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class StoreLookup(GraphLookup):
    """Answers validation's questions about the graph with set-based store reads."""

    def __init__(self, graph: Graph | GraphStore):
        """`graph`: a Graph, or a store itself."""
        self.graph = graph
        self.store: GraphStore = getattr(graph, "store", graph)
        self.empty = self.store.is_empty()

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return {} if self.empty else self.store.asset_kinds(ids)

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        return set() if self.empty else self.store.owner_ids(ids)


# The name sources used before the storage port.
KuzuLookup = StoreLookup


def write_batch(
    graph: Graph,
    batch: Batch,
    progress: Progress | None = None,
    *,
    sync: bool = False,
    strict: bool = False,
    dry_run: bool = False,
) -> WriteOutcome:
    """Validate `batch` against `graph` and write it through the port; what was written.
    Call it with the garbage collector paused for a large batch
    (`mlg.store.tables.gc_paused`). `sync`, `strict` and `dry_run` (report what would
    change, write nothing): see Graph.ingest_batch."""
    from mlg.batch import Location
    from mlg.errors import MlgError
    from mlg.lifecycle.identity import names_a_location, unify, wanted_aliases

    if sync and any(batch.source_of(at.file) == at.file for _, at in batch.runs):
        # a connector's runs come with its source (also when chunks were put together)
        raise MlgError(
            "sync takes manifests only: OpenLineage events say what a run did, not the whole "
            "truth of a source"
        )
    lookup = StoreLookup(graph)
    wanted = wanted_aliases(batch)
    if wanted:  # one dataset, one asset (mlg.lifecycle.identity)
        if lookup.empty:
            unify(batch, {}, lambda ids: {})
        else:
            unify(batch, lookup.store.aliases(sorted(wanted)), lookup.store.asset_kinds)
    for old, new in sorted(batch.rekeys.items()):  # a re-keyed asset's old id names it still
        if not names_a_location(old) and not any(
            isinstance(r, dict) and r.get("id") == old for r, _ in batch.aliases
        ):
            batch.aliases.append(
                ({"id": old, "asset": new}, Location(batch.files[0] if batch.files else "<input>", "aliases"))
            )
    plan = validate(batch, lookup, strict=strict)
    if plan.rekeyed and not dry_run:
        # the graph's assets take the canonical ids first, with their history (the store
        # re-keys in transactions of its own: mlg.store.kuzu.rekey), then the batch is
        # validated again against the re-keyed graph and written
        graph.store.rekey_assets(plan.rekeyed)
        lookup = StoreLookup(graph)
        batch.rekeys = {}
        plan = validate(batch, lookup, strict=strict)
    plan.sync = sync
    return graph.store.write_plan(plan, progress, dry_run=dry_run)


# -- chunked ingest: bounded memory, one transaction ------------------------------------

Chunks = Callable[[], Iterable["Batch"]]  # each call reads the input again, chunk by chunk
_WRITTEN = 64  # added to a kind's code once its asset is written


def write_chunks(
    graph: Graph,
    chunks: Chunks,
    progress: Progress | None = None,
    *,
    sync: bool = False,
    strict: bool = False,
    dry_run: bool = False,
) -> WriteOutcome:
    """Validate and write an input that `chunks()` yields a Batch at a time, all or
    nothing, holding one chunk's records at once plus, for the whole input, each asset's
    id and kind (a dict of str -> small int) and its owners' records. Kuzu itself keeps
    the one transaction's uncommitted rows in its buffer pool until COMMIT (measured:
    with a 128 MB pool, 30k assets cannot be written in one transaction), so the
    process's memory still grows with the input on that side; bounding it needs the
    temporary-file path (a chunk per transaction into a new file, swapped in at the
    end), which is not built (benchmarks/README.md, issue 19).

    Two passes over the input: the first learns every asset's id and kind (so a
    relation may name an asset of a later chunk) and collects the owners; the second
    validates each chunk against that and the graph and writes it inside one Kuzu
    transaction (`GraphStore.write_plans`): a problem in the last chunk rolls back every
    chunk before it and is raised as the IngestError naming file, record and field.
    Relations to assets of later chunks are held back (validated) and written at the
    end. A store without `write_plans`, a `sync` or a `dry_run` reads every chunk into
    one Batch and writes it as `write_batch` does (memory grows with the input).

    Into an empty graph whose store has a `bulk_writer` (Kuzu: mlg.store.kuzu.bulk),
    each chunk is written in its own transaction into a new file that replaces the
    graph's only when every chunk is in: memory stays bounded on Kuzu's side too, and a
    problem in any chunk (or a kill) still leaves the graph as it was."""
    from mlg.batch import Batch
    from mlg.errors import IngestError, Problem
    from mlg.schema import KINDS
    from mlg.validation import Plan

    store = graph.store
    if sync or dry_run or not hasattr(store, "write_plans"):
        whole = Batch()
        for chunk in chunks():
            whole.extend(chunk)
        return write_batch(graph, whole, progress, sync=sync, strict=strict, dry_run=dry_run)

    if progress:
        progress("reading ids", 0, 0)
    code = {k: i for i, k in enumerate(KINDS)}
    kinds: dict[str, int] = {}
    repeated: set[str] = set()
    owners = Batch()
    meta = Batch()
    n_records = 0
    for chunk in chunks():
        n_records += len(chunk.assets) + len(chunk.relations)
        if progress:
            progress("reading ids", n_records, 0)
        for record, _loc in chunk.assets:
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                asset_id = record["id"]
                if asset_id in kinds:
                    repeated.add(asset_id)
                kinds[asset_id] = code.get(record.get("kind"), len(KINDS))
        owners.owners.extend(chunk.owners)
        meta.extend(
            Batch(
                files=chunk.files,
                read_problems=chunk.read_problems,
                source=chunk.source,
                file_sources=chunk.file_sources,
                references_assert=chunk.references_assert,
            )
        )
        if meta.source is None:
            meta.source = chunk.source
    if meta.read_problems:
        raise IngestError(meta.read_problems[:20], len(meta.read_problems))
    owner_ids = {r["id"] for r, _ in owners.owners if isinstance(r, dict) and isinstance(r.get("id"), str)}
    empty = store.is_empty()
    lookup = _ChunkLookup(store, kinds, KINDS, owner_ids, empty)
    files, sources = list(dict.fromkeys(meta.files)), meta.sources()

    def finish(plan: Plan) -> Plan:
        plan.files, plan.sources = files, sources
        return plan

    def plans(writing: Callable[[], GraphStore]) -> Iterable[Plan]:
        """The plans, each validated when it is asked for; `writing()`: the store the
        plans are written to (what earlier chunks wrote is read there)."""
        from mlg.lifecycle.identity import unify, wanted_aliases

        owners.files, owners.source, owners.file_sources = files, meta.source, meta.file_sources
        if owners.owners:
            yield finish(validate(owners, lookup, strict=strict))
        if progress:
            progress("ingesting records", 0, n_records)
        deferred = Plan(references_assert=meta.references_assert)
        first_rows: dict[str, tuple] = {}  # repeated ids: the row and place first given
        done = 0
        for chunk in chunks():
            chunk.owners = []
            chunk.file_sources = {**meta.file_sources, **chunk.file_sources}
            chunk.files = chunk.files or files
            wanted = wanted_aliases(chunk)
            if wanted:
                written_to = writing()
                unify(chunk, written_to.aliases(sorted(wanted)), written_to.asset_kinds, rekey=False)
            plan = validate(chunk, lookup, strict=strict)
            for asset_id in repeated.intersection(plan.assets):
                row = plan.assets[asset_id]
                loc = next(loc for r, loc in chunk.assets if isinstance(r, dict) and r.get("id") == asset_id)
                first = first_rows.setdefault(asset_id, (row, loc))
                if first[0] != row:
                    differing = sorted(k for k in row if row[k] != first[0].get(k))
                    message = f"asset id given twice with different content: conflicts with {first[1].file}: "
                    message += first[1].record + (
                        f" (differs in {', '.join(differing)})" if differing else ""
                    )
                    fld = differing[0] if differing else None
                    raise IngestError([Problem(loc.file, loc.record, asset_id, fld, message)])
            for key in [k for k in plan.edges if not (lookup.ready(k[0], plan) and lookup.ready(k[1], plan))]:
                _defer(deferred, plan, key)
            yield finish(plan)
            for asset_id, row in plan.assets.items():  # placeholders too: later chunks know them
                kinds[asset_id] = kinds.get(asset_id, code.get(row["kind"], 0)) % _WRITTEN + _WRITTEN
            done += len(chunk.assets) + len(chunk.relations)
            if progress:
                progress("ingesting records", done, n_records)
        if deferred.edges:
            yield finish(deferred)

    def stages(stage: str, done: int, total: int) -> None:
        if progress and not stage.startswith("writing"):  # per chunk: "ingesting records"
            progress(stage, done, total)

    bulk = getattr(store, "bulk_writer", None)
    writer = bulk() if bulk is not None else None
    if writer is None:
        return store.write_plans(plans(lambda: store), stages)
    with writer:
        for plan in plans(lambda: writer.store):
            writer.write(plan)
        if progress:
            progress("committing", n_records, n_records)
        return writer.commit()


class _ChunkLookup(GraphLookup):
    """Validation's questions, for a chunk: the whole input's asset kinds (pass one),
    then the graph (inside the write's transaction, so what earlier chunks wrote)."""

    def __init__(self, store, kinds: dict[str, int], names, owner_ids: set[str], empty: bool):
        self.store, self.kinds, self.names, self.owners, self.empty = store, kinds, names, owner_ids, empty

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        found, rest = {}, []
        for i in ids:
            c = self.kinds.get(i)
            if c is None:
                rest.append(i)
            elif c % _WRITTEN < len(self.names):
                found[i] = self.names[c % _WRITTEN]
        if rest and not self.empty:
            found.update(self.store.asset_kinds(rest))
        return found

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        ids = set(ids)
        known = ids & self.owners
        rest = ids - known
        return known | (self.store.owner_ids(rest) if rest and not self.empty else set())

    def ready(self, asset_id: str, plan) -> bool:
        """Whether an edge to `asset_id` can be written now (it is written or in `plan`)."""
        c = self.kinds.get(asset_id)
        return c is None or c >= _WRITTEN or asset_id in plan.assets


def _defer(deferred, plan, key) -> None:
    """Move edge `key` of `plan` to `deferred` (written after every chunk)."""
    edge = plan.edges.pop(key)
    previous = deferred.edges.setdefault(key, edge)
    if previous is not edge:
        for name, value in edge.items():
            if previous.get(name) is None:
                previous[name] = value
    deferred.edge_sources.setdefault(key, set()).update(plan.edge_sources.pop(key, ()))
    for end in key[:2]:
        if end in plan.references:
            deferred.references.setdefault(end, set()).update(plan.references[end])
