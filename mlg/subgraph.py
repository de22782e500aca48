"""`Subgraph`: a part of the lifecycle graph, as plain objects and as DataFrames.

Columns (stable; documented in the README):

nodes: id, kind, name, namespace, family, version, description, domain (str);
       tags (list of str); owners (list of owner ids); props (JSON text);
       created_at, updated_at (datetime64[us]); distance (Int64: hops from the
       nearest root, 0 for a root, <NA> when not known); is_root, deprecated (bool)
edges: source, target, type (str: the dependent, what it depends on, the relation
       type; "indirect" for an edge standing for hidden hops); indirect (bool);
       hops (Int64: how many relations the edge stands for, 1 when direct)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlg.model import Asset, Owner

if TYPE_CHECKING:
    import networkx
    import pandas
    import pyarrow

NODE_COLUMNS = (
    "id",
    "kind",
    "name",
    "namespace",
    "family",
    "version",
    "description",
    "domain",
    "tags",
    "owners",
    "props",
    "created_at",
    "updated_at",
    "distance",
    "is_root",
    "deprecated",
)
EDGE_COLUMNS = ("source", "target", "type", "indirect", "hops")


@dataclass(frozen=True)
class Edge:
    """A lineage edge of a result: `source` depends on `target` through `type`;
    `indirect` edges stand for `hops` relations through assets a kind filter hid."""

    source: str  # the dependent asset
    target: str  # what it depends on
    type: str
    indirect: bool = False
    hops: int = 1

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "target": self.target, "type": self.type}
        if self.indirect:
            data.update(indirect=True, hops=self.hops)
        return data


@dataclass
class Subgraph:
    """Assets, the edges between them, the root(s) asked about, and whether it was cut."""

    assets: list[Asset]
    relations: list[Edge]
    roots: tuple[str, ...] = ()
    truncated: bool = False
    truncated_reason: str | None = None
    distances: dict[str, int] = field(default_factory=dict)
    owners: dict[str, tuple[Owner, ...]] = field(default_factory=dict)

    # -- plain access ----------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.assets)

    def __contains__(self, asset_id: object) -> bool:
        return any(a.id == asset_id for a in self.assets)

    @property
    def ids(self) -> list[str]:
        return [a.id for a in self.assets]

    def asset(self, asset_id: str) -> Asset:
        for a in self.assets:
            if a.id == asset_id:
                return a
        raise KeyError(asset_id)

    def by_kind(self) -> dict[str, list[Asset]]:
        groups: dict[str, list[Asset]] = {}
        for a in self.assets:
            groups.setdefault(a.kind, []).append(a)
        return groups

    def __repr__(self) -> str:
        cut = f", truncated: {self.truncated_reason}" if self.truncated else ""
        return (
            f"<Subgraph roots={list(self.roots)} {len(self.assets)} assets, {len(self.relations)} edges{cut}>"
        )

    # -- Jupyter ----------------------------------------------------------------------

    # The Graph (or None) a lineage query ran on, set by mlg.lineage so that a diagram
    # can expand it. Unannotated on purpose: not a dataclass field, so it is never
    # compared, exported or pickled.
    _graph = None

    @property
    def graph(self):
        """The Graph this result was read from, which a diagram expands it from; None
        when it was built by hand or unpickled."""
        return self._graph

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_graph", None)
        return state

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """In Jupyter: the interactive lineage diagram, with an HTML table fallback."""
        from mlg.rich_display import notebook_display

        display = notebook_display()
        if display is None:
            return {"text/plain": repr(self)}
        return display.mimebundle(self, include, exclude)

    # -- conversions ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The CLI's `--format json` shape (DESIGN §6)."""
        nodes = []
        for a in self.assets:
            node = a.to_dict()
            node["owners"] = [o.id for o in self.owners.get(a.id, ())]
            node["distance"] = self.distances.get(a.id)
            node["is_root"] = a.id in self.roots
            nodes.append(node)
        return {
            "roots": list(self.roots),
            "nodes": nodes,
            "edges": [e.to_dict() for e in self.relations],
            "truncated": self.truncated,
            "truncated_reason": self.truncated_reason,
        }

    def to_arrow(self) -> tuple[pyarrow.Table, pyarrow.Table]:
        """(nodes, edges) as Arrow tables with the documented columns."""
        import pyarrow as pa

        roots = set(self.roots)
        nodes = pa.table(
            {
                "id": pa.array([a.id for a in self.assets], pa.string()),
                "kind": pa.array([a.kind for a in self.assets], pa.string()),
                "name": pa.array([a.name for a in self.assets], pa.string()),
                "namespace": pa.array([a.namespace for a in self.assets], pa.string()),
                "family": pa.array([a.family for a in self.assets], pa.string()),
                "version": pa.array([a.version for a in self.assets], pa.string()),
                "description": pa.array([a.description for a in self.assets], pa.string()),
                "domain": pa.array([a.domain for a in self.assets], pa.string()),
                "tags": pa.array([list(a.tags) for a in self.assets], pa.list_(pa.string())),
                "owners": pa.array(
                    [[o.id for o in self.owners.get(a.id, ())] for a in self.assets], pa.list_(pa.string())
                ),
                "props": pa.array([json.dumps(a.props, sort_keys=True) for a in self.assets], pa.string()),
                "created_at": pa.array([a.created_at for a in self.assets], pa.timestamp("us")),
                "updated_at": pa.array([a.updated_at for a in self.assets], pa.timestamp("us")),
                "distance": pa.array([self.distances.get(a.id) for a in self.assets], pa.int64()),
                "is_root": pa.array([a.id in roots for a in self.assets], pa.bool_()),
                "deprecated": pa.array([a.deprecated for a in self.assets], pa.bool_()),
            }
        )
        edges = pa.table(
            {
                "source": pa.array([e.source for e in self.relations], pa.string()),
                "target": pa.array([e.target for e in self.relations], pa.string()),
                "type": pa.array([e.type for e in self.relations], pa.string()),
                "indirect": pa.array([e.indirect for e in self.relations], pa.bool_()),
                "hops": pa.array([e.hops for e in self.relations], pa.int64()),
            }
        )
        return nodes, edges

    def to_pandas(self) -> tuple[pandas.DataFrame, pandas.DataFrame]:
        """(nodes, edges) DataFrames with the columns and dtypes of the module docstring
        (text as the pandas string dtype, under pandas 2 as under 3; see mlg.frames)."""
        from mlg.frames import to_pandas

        nodes, edges = self.to_arrow()
        return to_pandas(nodes), to_pandas(edges)

    @property
    def nodes(self) -> pandas.DataFrame:
        return self.to_pandas()[0]

    @property
    def edges(self) -> pandas.DataFrame:
        return self.to_pandas()[1]

    def to_networkx(self) -> networkx.MultiDiGraph:
        """A MultiDiGraph: node attributes are the asset's fields, edges keyed by type."""
        import networkx as nx

        g = nx.MultiDiGraph(roots=list(self.roots), truncated=self.truncated)
        for a in self.assets:
            g.add_node(
                a.id,
                **{k: v for k, v in a.to_dict().items() if k != "id"},
                distance=self.distances.get(a.id),
                is_root=a.id in self.roots,
            )
        for e in self.relations:
            g.add_edge(e.source, e.target, key=e.type, type=e.type, indirect=e.indirect, hops=e.hops)
        return g

    # -- combining --------------------------------------------------------------------

    @classmethod
    def merge(cls, parts: Iterable[Subgraph]) -> Subgraph:
        """One subgraph holding every asset and edge of the parts (first occurrence wins)."""
        assets: dict[str, Asset] = {}
        edges: dict[tuple[str, str, str], Edge] = {}
        roots: list[str] = []
        distances: dict[str, int] = {}
        owners: dict[str, tuple[Owner, ...]] = {}
        reasons: list[str] = []
        truncated = False
        for part in parts:
            for a in part.assets:
                assets.setdefault(a.id, a)
            for e in part.relations:
                edges.setdefault((e.source, e.target, e.type), e)
            roots.extend(r for r in part.roots if r not in roots)
            for k, d in part.distances.items():
                distances[k] = min(d, distances.get(k, d))
            owners.update(part.owners)
            if part.truncated:
                truncated = True
                if part.truncated_reason and part.truncated_reason not in reasons:
                    reasons.append(part.truncated_reason)
        return cls(
            list(assets.values()),
            list(edges.values()),
            tuple(roots),
            truncated,
            "; ".join(reasons) or None,
            distances,
            owners,
        )
