"""The topology index: the edge skeleton of a graph as compressed sparse rows.

A derived index (DESIGN §1): the graph store stays the record of truth, this holds only
node numbers, relation types and the node columns that walks need, so that closures,
type-filtered closures and shortest paths run in numpy instead of in recursive Cypher.
It is persisted as plain ``.npy`` files beside the graph and memory-mapped on open, and it
records the graph generation it reflects, so a reader can tell when it is stale.

The Kuzu store keeps one beside its graph (mlg/store/kuzu/topology.py) and answers
closures, distances and shortest paths from it; this package knows nothing of stores.
"""

from mlg.topology.csr import Topology
from mlg.topology.files import load_topology, save_topology
from mlg.topology.walks import Closure, closure, shortest_path

__all__ = ["Closure", "Topology", "closure", "load_topology", "save_topology", "shortest_path"]
