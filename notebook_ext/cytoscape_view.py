"""The renderer: the one module that talks to the browser's Cytoscape.js.

An anywidget whose `scene` trait is the whole drawing: the element JSON built by
`mlg.notebook.elements`, the positions computed in Python (`mlg.notebook.layout`)
and what the viewport should do. Each change is one trait update; the front end
(static/canvas.js) makes Cytoscape.js hold exactly those elements, so what is drawn
is what Python describes. Clicks, double clicks and hovers come back as messages.

Cytoscape.js (MIT, static/cytoscape-LICENSE.txt) is shipped with mlg and loaded from
the kernel once per page: no network, no JupyterLab extension of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets
import traitlets

STATIC = Path(__file__).parent / "static"
CYTOSCAPE_JS = STATIC / "cytoscape-3.33.1.esm.min.js"
# viewport actions: draw everything in view, leave the view where the user put it, or
# bring some nodes into view
FIT, KEEP = "fit", "keep"


class CytoscapeCanvas(anywidget.AnyWidget):
    _esm = STATIC / "canvas.js"
    _css = STATIC / "canvas.css"
    _library = traitlets.Unicode().tag(sync=True)
    scene = traitlets.Dict().tag(sync=True)
    # not `style`: every DOMWidget has that trait already (its ipywidgets Style)
    stylesheet = traitlets.List().tag(sync=True)
    height = traitlets.Unicode("560px").tag(sync=True)
    busy = traitlets.Bool(False).tag(sync=True)


class CytoscapeView:
    """A Cytoscape.js canvas showing one scene at a time."""

    def __init__(self, style: list[dict], height: str = "560px"):
        self.widget = CytoscapeCanvas(
            _library=CYTOSCAPE_JS.read_text(encoding="utf-8"),
            stylesheet=style,
            height=height,
            layout=ipywidgets.Layout(width="100%"),
        )
        self._nodes: dict[str, dict] = {}
        self._edges: dict[str, dict] = {}
        self._serial = 0
        self._handlers: dict[str, list[Callable[[dict], None]]] = {}
        # what the front end last reported: serial, nodes, edges, zoom, width, height, ms
        self.drawn: dict[str, Any] = {}
        self.widget.on_msg(self._message)

    # -- drawing --------------------------------------------------------------------

    @property
    def node_ids(self) -> list[str]:
        return list(self._nodes)

    @property
    def edge_ids(self) -> list[str]:
        return list(self._edges)

    @property
    def serial(self) -> int:
        return self._serial

    def node_data(self, node_id: str) -> dict[str, Any]:
        return dict(self._nodes[node_id]["data"])

    def node_classes(self, node_id: str) -> set[str]:
        return set(self._nodes[node_id].get("classes", "").split())

    def node_position(self, node_id: str) -> tuple[float, float]:
        p = self._nodes[node_id]["position"]
        return p["x"], p["y"]

    def edge_data(self, edge_id: str) -> dict[str, Any]:
        return dict(self._edges[edge_id]["data"])

    def draw(
        self,
        elements: dict,
        positions: dict[str, tuple[float, float]],
        view: str | dict = KEEP,
        relayout: bool = False,
    ) -> None:
        """Make the canvas show exactly `elements` (`{"nodes": [...], "edges": [...]}`) at
        `positions`. `view`: FIT, KEEP or `{"focus": [ids]}`. With `relayout`, nodes
        already drawn move to their new positions; else only new nodes are placed (a
        node the user dragged stays where they put it)."""
        nodes = [{**n, "position": _xy(positions[n["data"]["id"]])} for n in elements["nodes"]]
        self._nodes = {n["data"]["id"]: n for n in nodes}
        self._edges = {e["data"]["id"]: e for e in elements["edges"]}
        self._send(view, relayout)

    def fit(self) -> None:
        """Bring every drawn node into view."""
        self._send(FIT, False)

    def focus(self, node_ids: list[str]) -> None:
        self._send({"focus": list(node_ids)}, False)

    def _send(self, view: str | dict, relayout: bool) -> None:
        self._serial += 1
        self.widget.scene = {
            "serial": self._serial,
            "nodes": list(self._nodes.values()),
            "edges": list(self._edges.values()),
            "view": view,
            "layout": "all" if relayout else "new",
        }

    @property
    def view(self) -> str | dict:
        """The viewport action of the scene last sent."""
        return self.widget.scene.get("view", KEEP)

    def set_style(self, style: list[dict]) -> None:
        self.widget.stylesheet = style

    def set_busy(self, busy: bool) -> None:
        self.widget.busy = busy

    def close(self) -> None:
        self.widget.close()

    # -- events ---------------------------------------------------------------------

    def on(self, event: str, callback: Callable[[dict], None]) -> None:
        """`callback(message)` for "tap", "dbltap" (with "id"), "tap-background", "hover"
        (with the edge's "data") and "drawn" messages from the front end."""
        self._handlers.setdefault(event, []).append(callback)

    def deliver(self, message: dict) -> None:
        """Handle a message exactly as if the front end had sent it (tests, scripted demos)."""
        self._message(self.widget, message, [])

    def _message(self, _widget, content: dict, _buffers) -> None:
        event = content.get("event")
        if event == "drawn":
            self.drawn = dict(content)
        for callback in self._handlers.get(event, ()):
            callback(content)


def _xy(point: tuple[float, float]) -> dict[str, float]:
    return {"x": round(point[0], 1), "y": round(point[1], 1)}
