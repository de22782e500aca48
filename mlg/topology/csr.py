"""Compressed sparse rows of the lineage edges, in both directions.

Edges point from the dependent to what it depends on (DESIGN §2), so "upstream" follows
the forward rows and "downstream" the reverse rows. Each row keeps the relation type of
its edge as a small integer (`type_codes`), so a type-filtered walk masks edges without
building another matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# int32 node numbers reach 2.1 billion assets; int64 row pointers, 9.2e18 edges.
NODE = np.int32
POINTER = np.int64
TYPE = np.uint8


@dataclass(frozen=True)
class Rows:
    """One direction: the neighbours of node `i` are `targets[pointers[i]:pointers[i+1]]`."""

    pointers: np.ndarray  # int64, n + 1
    targets: np.ndarray  # int32, one per edge
    types: np.ndarray  # uint8, one per edge

    def degree(self, nodes: np.ndarray) -> np.ndarray:
        return self.pointers[nodes + 1] - self.pointers[nodes]


def rows_of(sources: np.ndarray, targets: np.ndarray, types: np.ndarray, n: int) -> Rows:
    """Rows from parallel edge arrays, sorted by source (stable, so input order is kept)."""
    order = np.argsort(sources, kind="stable")
    counts = np.bincount(sources, minlength=n) if len(sources) else np.zeros(n, dtype=POINTER)
    pointers = np.zeros(n + 1, dtype=POINTER)
    np.cumsum(counts, out=pointers[1:])
    return Rows(
        pointers=pointers,
        targets=np.ascontiguousarray(targets[order], dtype=NODE),
        types=np.ascontiguousarray(types[order], dtype=TYPE),
    )


@dataclass(frozen=True)
class Topology:
    """The skeleton of a graph of `n` nodes, numbered 0..n-1, as of `generation`.

    `type_names[code]` names the relation type of code `code`; `forward` holds each
    node's dependencies (edges as stored), `reverse` its dependents.
    """

    n: int
    forward: Rows
    reverse: Rows
    type_names: tuple[str, ...]
    generation: int = 0

    @classmethod
    def from_edges(
        cls,
        n: int,
        sources: np.ndarray,
        targets: np.ndarray,
        type_codes: np.ndarray,
        type_names: tuple[str, ...],
        generation: int = 0,
    ) -> Topology:
        sources = np.asarray(sources, dtype=NODE)
        targets = np.asarray(targets, dtype=NODE)
        type_codes = np.asarray(type_codes, dtype=TYPE)
        if not (len(sources) == len(targets) == len(type_codes)):
            raise ValueError("sources, targets and type codes must have one entry per edge")
        if len(sources) and (min(sources.min(), targets.min()) < 0 or max(sources.max(), targets.max()) >= n):
            raise ValueError(f"edge ends must be node numbers in 0..{n - 1}")
        if len(type_codes) and int(type_codes.max()) >= len(type_names):
            raise ValueError("a type code has no name in type_names")
        return cls(
            n=n,
            forward=rows_of(sources, targets, type_codes, n),
            reverse=rows_of(targets, sources, type_codes, n),
            type_names=tuple(type_names),
            generation=generation,
        )

    @property
    def edge_count(self) -> int:
        return len(self.forward.targets)

    def rows(self, direction: str) -> Rows:
        if direction == "up":
            return self.forward
        if direction == "down":
            return self.reverse
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")

    def type_mask(self, types: tuple[str, ...] | list[str] | None) -> np.ndarray | None:
        """A boolean per type code, True for the types a walk may follow; None: all."""
        if types is None:
            return None
        wanted = set(types)
        unknown = wanted - set(self.type_names)
        if unknown:
            raise ValueError(f"unknown relation type(s): {', '.join(sorted(unknown))}")
        return np.array([name in wanted for name in self.type_names], dtype=bool)
