"""An ingest batch: raw records with where each came from, whatever format they were read from.

Manifests, the synthetic generator and OpenLineage events all produce a
`Batch`; validation and writing only ever see this shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Location:
    file: str
    record: str  # "assets[3]", "relations[12]", "assets[3].trained_on[1]"


@dataclass
class Batch:
    assets: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    owners: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    relations: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    # workflow runs and asset aliases (records of mlg.records; OpenLineage makes them)
    runs: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    aliases: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    # {id, into}: an asset merged into another (two names of one dataset, linked late)
    merges: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    # asset id in the graph -> the id it takes: a stronger claimant of its physical
    # identifiers is in this batch (mlg.lifecycle.identity.unify); done by the store,
    # with the asset's history, before the batch is written
    rekeys: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # problems found while reading (unparseable file, wrong top-level shape, ...)
    read_problems: list = field(default_factory=list)
    # The source that asserts every record of this batch (a connector's name); when
    # None, each file's declared source (`file_sources`, a manifest's `source:`), else
    # the file itself. See mlg.lifecycle and Graph.ingest_batch(sync=True).
    source: str | None = None
    file_sources: dict[str, str] = field(default_factory=dict)
    # Whether a relation to an asset asserts that asset for this batch's source (a
    # connector writes a record only for what the graph lacks, then only relations to
    # it, so a re-sync must not retire what it still refers to). Manifests: False - an
    # asset whose record a source dropped is retired even if still referred to.
    references_assert: bool = False

    def source_of(self, file: str) -> str:
        """The source name that the records read from `file` are asserted by."""
        return self.source or self.file_sources.get(file) or file

    def sources(self) -> list[str]:
        """Every source this batch speaks for (a sync retires what they no longer assert)."""
        names = [self.source_of(f) for f in self.files]
        if self.source and not names:
            names = [self.source]
        return list(dict.fromkeys(names))

    def extend(self, other: Batch) -> None:
        self.assets.extend(other.assets)
        self.owners.extend(other.owners)
        self.relations.extend(other.relations)
        self.runs.extend(other.runs)
        self.aliases.extend(other.aliases)
        self.merges.extend(other.merges)
        self.rekeys.update(other.rekeys)
        self.files.extend(other.files)
        self.read_problems.extend(other.read_problems)
        self.file_sources.update(other.file_sources)
        self.references_assert = self.references_assert or other.references_assert
        if other.source and other.source != self.source:
            # records keep their own source: the other batch's files are declared by it
            self.file_sources.update({f: other.source for f in other.files})

    @classmethod
    def from_records(
        cls,
        assets: list[dict[str, Any]] = (),
        owners: list[dict[str, Any]] = (),
        relations: list[dict[str, Any]] = (),
        source: str = "<python>",
    ) -> Batch:
        """A batch built from Python dicts in the manifest's record shape, all asserted
        by `source`."""
        return cls(
            source=source,
            assets=[(r, Location(source, f"assets[{i}]")) for i, r in enumerate(assets)],
            owners=[(r, Location(source, f"owners[{i}]")) for i, r in enumerate(owners)],
            relations=[(r, Location(source, f"relations[{i}]")) for i, r in enumerate(relations)],
            files=[source],
        )


def batch_chunks(batch: Batch, size: int):
    """A Chunks reader (mlg.ingest.write_chunks) over an in-memory `batch`: its records
    `size` at a time (owners, then assets, then relations), each chunk carrying the
    batch's source, files and settings. For tests and callers that already hold a batch."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")

    def read():
        records = [("owners", r) for r in batch.owners] + [("assets", r) for r in batch.assets]
        records += [("relations", r) for r in batch.relations]
        for start in range(0, len(records), size):
            chunk = Batch(
                source=batch.source,
                files=list(batch.files),
                file_sources=dict(batch.file_sources),
                references_assert=batch.references_assert,
                read_problems=list(batch.read_problems) if start == 0 else [],
            )
            for section, record in records[start : start + size]:
                getattr(chunk, section).append(record)
            yield chunk
        if not records:
            yield Batch(source=batch.source, files=list(batch.files), read_problems=list(batch.read_problems))

    return read
