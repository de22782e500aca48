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
    files: list[str] = field(default_factory=list)
    # problems found while reading (unparseable file, wrong top-level shape, ...)
    read_problems: list = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.assets.extend(other.assets)
        self.owners.extend(other.owners)
        self.relations.extend(other.relations)
        self.runs.extend(other.runs)
        self.aliases.extend(other.aliases)
        self.merges.extend(other.merges)
        self.files.extend(other.files)
        self.read_problems.extend(other.read_problems)

    @classmethod
    def from_records(
        cls,
        assets: list[dict[str, Any]] = (),
        owners: list[dict[str, Any]] = (),
        relations: list[dict[str, Any]] = (),
        source: str = "<python>",
    ) -> Batch:
        """A batch built from Python dicts in the manifest's record shape."""
        return cls(
            assets=[(r, Location(source, f"assets[{i}]")) for i, r in enumerate(assets)],
            owners=[(r, Location(source, f"owners[{i}]")) for i, r in enumerate(owners)],
            relations=[(r, Location(source, f"relations[{i}]")) for i, r in enumerate(relations)],
            files=[source],
        )
