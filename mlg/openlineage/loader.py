"""Ingesting OpenLineage events (alone, or with manifests) in one all-or-nothing call."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch, Location
from mlg.errors import IngestError, MlgError, Problem
from mlg.model import IngestReport
from mlg.openlineage.events import LineageEvent, parse_event
from mlg.openlineage.mapping import AssetIndex, map_events
from mlg.openlineage.reader import read_inputs
from mlg.validation import MAX_PROBLEMS

if TYPE_CHECKING:
    from mlg.graph import Graph

# --skip-invalid: an event the graph rejects (a kind clash) is dropped and the
# rest retried; each round drops at least one event, and rounds are bounded.
MAX_ROUNDS = 20


@dataclass(frozen=True)
class LineageIngestReport(IngestReport):
    """An ingest that read OpenLineage events: what changed, plus events and runs."""

    events: int = 0  # events applied
    skipped: tuple[Problem, ...] = ()  # why each skipped event was skipped
    runs_added: int = 0
    runs_updated: int = 0

    @property
    def changed(self) -> bool:
        return super().changed or bool(self.runs_added or self.runs_updated)

    def to_dict(self) -> dict[str, Any]:
        data = super().to_dict()
        data["skipped"] = [{**p.__dict__, "text": str(p)} for p in self.skipped]
        return data


def ingest_sources(
    graph: Graph,
    paths: Iterable[str | os.PathLike[str]],
    fmt: str = "auto",
    skip_invalid: bool = False,
    progress=None,
    sync: bool = False,
    strict: bool = False,
) -> IngestReport:
    """Read files, directories or "-" (stdin) and ingest manifests and events together.
    `sync` (manifests only: events report what happened, never a whole estate) takes
    each manifest as its source's whole truth (Graph.ingest_batch)."""
    found = read_inputs(paths, fmt)
    if not found.events and not found.problems:
        return graph.ingest_batch(found.manifests, progress=progress, sync=sync, strict=strict)
    if sync and found.events:
        raise MlgError(
            "--sync takes manifests only: OpenLineage events say what a run did, not the whole "
            f"truth of a source ({found.events[0][1].file} holds events)"
        )
    return ingest_events(
        graph,
        found.events,
        skip_invalid=skip_invalid,
        manifests=found.manifests,
        read_problems=found.problems,
        files=found.files,
        progress=progress,
    )


def ingest_auto(graph: Graph, paths, *, skip_invalid: bool = False, progress=None) -> IngestReport:
    """The "auto" source (mlg.sources): each file sniffed, manifests and events mixed;
    mlg records NDJSON files (`*.mlg.ndjson`) only: read in chunks (mlg.manifest)."""
    from mlg.manifest import ingest_manifests, is_records_file

    paths = list(paths)
    if paths and all(is_records_file(p) for p in paths):
        return ingest_manifests(graph, paths, progress=progress)
    return ingest_sources(graph, paths, "auto", skip_invalid, progress)


def ingest_openlineage(graph: Graph, paths, *, skip_invalid: bool = False, progress=None) -> IngestReport:
    """The "openlineage" source (mlg.sources): every file holds events."""
    return ingest_sources(graph, paths, "openlineage", skip_invalid, progress)


def ingest_events(
    graph: Graph,
    events: Iterable[Any],
    *,
    skip_invalid: bool = False,
    manifests: Batch | None = None,
    read_problems: Iterable[Problem] = (),
    files: Iterable[str] = (),
    source: str = "<python>",
    progress=None,
) -> LineageIngestReport:
    """Validate, map and write OpenLineage events (dicts, or (dict, Location) pairs).

    Invalid events reject the whole call (IngestError naming each one's file and
    index) unless `skip_invalid`, which leaves them out and lists them in the report.
    """
    graph._require_writable()
    located = [
        item if isinstance(item, tuple) else (item, Location(source, f"events[{i}]"))
        for i, item in enumerate(events)
    ]
    problems: list[Problem] = list(read_problems)
    parsed: list[LineageEvent] = []
    if progress:
        progress("reading events", 0, len(located))
    for raw, location in located:
        result = parse_event(raw, location)
        if isinstance(result, list):
            problems.extend(result)
        else:
            parsed.append(result)
    if problems and not skip_invalid:
        raise IngestError(problems[:MAX_PROBLEMS], len(problems))
    skipped = problems
    files = list(files) or sorted({loc.file for _, loc in located})
    for _ in range(MAX_ROUNDS):
        mapped = map_events(parsed, AssetIndex(graph, manifests))
        batch = Batch(files=list(manifests.files) if manifests and manifests.files else files)
        # physical identity (mlg.lifecycle.identity) as for any batch
        if manifests is not None:
            batch.file_sources = dict(manifests.file_sources)
        if manifests is not None:
            batch.assets = [
                (mapped.manifest_assets.get(r.get("id"), r) if isinstance(r, dict) else r, loc)
                for r, loc in manifests.assets
            ]
            batch.owners, batch.relations = list(manifests.owners), list(manifests.relations)
            batch.read_problems = list(manifests.read_problems)
        mapped.batch.files = []
        batch.extend(mapped.batch)
        try:
            report = graph.ingest_batch(batch, progress=progress)
        except IngestError as exc:
            bad = _events_named(exc, parsed) if skip_invalid else None
            if not bad:
                raise
            skipped.extend(p for p in exc.problems if (p.file, p.record) in bad)
            parsed = [e for e in parsed if (e.location.file, e.location.record) not in bad]
            continue
        base = {f.name: getattr(report, f.name) for f in fields(IngestReport)}
        base["files"] = tuple(dict.fromkeys([*report.files, *files]))
        return LineageIngestReport(
            **base,
            events=len(parsed),
            skipped=tuple(skipped),
            runs_added=mapped.runs_added,
            runs_updated=mapped.runs_updated,
        )
    raise IngestError(skipped[:MAX_PROBLEMS], len(skipped))


def check_events(graph: Graph, events: list[LineageEvent], lookup=None) -> tuple[list[Problem], Any]:
    """What ingesting these (valid) events into `graph` would reject, and the Plan it
    would write (None when refused). Nothing is written. The receiver runs this before it
    acknowledges an event, so that what it acknowledges it can apply (a kind clash;
    cycles are lineage, never refused); its `lookup` (a KuzuLookup) adds what it acknowledged but has not
    applied yet."""
    from mlg.ingest import KuzuLookup
    from mlg.validation import validate

    mapped = map_events(list(events), AssetIndex(graph))
    mapped.batch.files = sorted({e.location.file for e in events})
    try:
        plan = validate(mapped.batch, lookup or KuzuLookup(graph))
    except IngestError as exc:
        return list(exc.problems), None
    return [], plan


def _events_named(exc: IngestError, events: list[LineageEvent]) -> set[tuple[str, str]] | None:
    """The events the problems point at, or None when a problem is not an event's."""
    where = {(e.location.file, e.location.record) for e in events}
    named = {(p.file, p.record) for p in exc.problems}
    return named if named <= where else None
