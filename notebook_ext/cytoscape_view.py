"""The renderer: the one module that imports ipycytoscape.

It draws the element JSON built by `mlg.notebook.elements` and reports clicks back
by node id. Swapping the renderer means rewriting this module only.

ipycytoscape 1.3.3 keeps one widget model per node and edge. Elements are therefore
built with all their data at construction (one message each, not one per data key),
and updates are diffs: new elements are appended, changed ones get new data/classes.
Its front end removes and re-adds every element after the first removed one, marking
the model "removed" only once (a second removal of a re-added element leaves a
duplicate), and Cytoscape.js drops the edges of a removed node. So any removal redraws
with fresh element models instead of patching the list in place.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipycytoscape
import ipywidgets

DAGRE = {
    "name": "dagre",
    "rankDir": "LR",
    "nodeSep": 14,
    "rankSep": 80,
    "edgeSep": 6,
    "animate": False,
    "fit": True,
    "padding": 24,
}
PRESET = {"name": "preset", "animate": False, "fit": True, "padding": 24}


class CytoscapeView:
    """A Cytoscape.js canvas showing one set of elements at a time."""

    def __init__(self, style: list[dict], height: str = "560px"):
        # Its width comes from CSS (see CSS below), not from an ipywidgets Layout: a Layout's
        # style is applied asynchronously, possibly after Cytoscape.js measured the
        # container and fitted the diagram to it, leaving the diagram cut off.
        self.widget = ipycytoscape.CytoscapeWidget(layout=ipywidgets.Layout(height=height))
        self.widget.cytoscape_layout = dict(DAGRE)
        self.widget.set_style(style)
        # Edges carry a "tooltip" (the relation); nodes do not, so a click on a node
        # reaches Python without a pop-up while a click on an edge names its relation.
        self.widget.set_tooltip_source("tooltip")
        self.widget.min_zoom = 0.05
        self.widget.max_zoom = 4.0
        self.widget.add_class("mlg-cytoscape")
        self._nodes: dict[str, ipycytoscape.Node] = {}
        self._edges: dict[str, ipycytoscape.Edge] = {}

    # -- drawing --------------------------------------------------------------------

    @property
    def node_ids(self) -> list[str]:
        return list(self._nodes)

    @property
    def edge_ids(self) -> list[str]:
        return list(self._edges)

    def node_data(self, node_id: str) -> dict[str, Any]:
        return dict(self._nodes[node_id].data)

    def node_classes(self, node_id: str) -> set[str]:
        return set(self._nodes[node_id].classes.split())

    @property
    def layout_name(self) -> str:
        return self.widget.cytoscape_layout["name"]

    def draw(
        self,
        elements: dict,
        positions: dict[str, tuple[float, float]] | None = None,
    ) -> None:
        """Make the canvas show exactly `elements` (`{"nodes": [...], "edges": [...]}`),
        laid out by dagre in the browser, or at `positions` when given."""
        if positions is not None:
            elements = {
                "nodes": [{**n, "position": _xy(positions[n["data"]["id"]])} for n in elements["nodes"]],
                "edges": elements["edges"],
            }
        wanted = DAGRE if positions is None else PRESET
        if self.widget.cytoscape_layout != wanted:
            self.widget.cytoscape_layout = dict(wanted)
        new_nodes = {n["data"]["id"]: n for n in elements["nodes"]}
        new_edges = {e["data"]["id"]: e for e in elements["edges"]}
        removes = any(i not in new_nodes for i in self._nodes) or any(i not in new_edges for i in self._edges)
        retired = []
        if removes:  # start afresh: see the module docstring
            retired = [*self._nodes.values(), *self._edges.values()]
            self._nodes, self._edges = {}, {}
        for store, new in ((self._nodes, new_nodes), (self._edges, new_edges)):
            for key, element in new.items():
                if key in store:
                    _update(store[key], element)
        added_nodes = {i: _node(n) for i, n in new_nodes.items() if i not in self._nodes}
        added_edges = {i: _edge(e) for i, e in new_edges.items() if i not in self._edges}
        self._nodes.update(added_nodes)
        self._edges.update(added_edges)
        graph = self.widget.graph
        with graph.hold_sync():  # one message: the front end adds nodes, then edges
            if removes or added_nodes:
                graph.nodes = list(self._nodes.values())
            if removes or added_edges:
                graph.edges = list(self._edges.values())
        for element in retired:
            element.close()

    def set_style(self, style: list[dict]) -> None:
        self.widget.set_style(style)

    def fit(self) -> None:
        """Run the layout again, which also fits the diagram to the canvas."""
        self.widget.relayout()

    def close(self) -> None:
        for element in [*self._nodes.values(), *self._edges.values()]:
            element.close()
        self._nodes.clear()
        self._edges.clear()
        self.widget.graph.close()
        self.widget.close()

    # -- events ---------------------------------------------------------------------

    def on_node_click(self, callback: Callable[[str, dict], None]) -> None:
        """`callback(node_id, data)` whenever a node is clicked in the browser."""
        self.widget.on("node", "click", lambda event: callback(event["data"]["id"], event["data"]))

    def on_edge_hover(self, callback: Callable[[dict], None]) -> None:
        self.widget.on("edge", "mouseover", lambda event: callback(event["data"]))

    def click(self, node_id: str) -> None:
        """Deliver a click on a node exactly as the front end does (tests, scripted demos)."""
        node = self._nodes[node_id]
        event = {"group": "nodes", "data": dict(node.data), "classes": node.classes}
        self.widget._handle_custom_msg({"event": "click", "widget": "node", "data": event}, [])


def _xy(point: tuple[float, float]) -> dict[str, float]:
    return {"x": round(point[0], 1), "y": round(point[1], 1)}


def _node(element: dict) -> ipycytoscape.Node:
    return ipycytoscape.Node(
        data=dict(element["data"]),
        classes=element.get("classes", ""),
        position=element.get("position", {}),
        grabbable=True,
    )


def _edge(element: dict) -> ipycytoscape.Edge:
    return ipycytoscape.Edge(data=dict(element["data"]), classes=element.get("classes", ""))


def _update(widget: ipycytoscape.Element, element: dict) -> None:
    data, classes = element["data"], element.get("classes", "")
    if dict(widget.data) != data:
        widget.data = dict(data)
    if widget.classes != classes:
        widget.classes = classes
    position = element.get("position")
    if position is not None and dict(widget.position) != position:
        widget.position = position
