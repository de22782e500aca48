"""The diagram's toolbar: what to query (direction, depth, kinds) and what to do."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from mlg import KINDS

DEPTHS = [("all", 0), ("1", 1), ("2", 2), ("3", 3), ("4", 4), ("5", 5), ("8", 8)]


def _button(description: str, tooltip: str, icon: str = "") -> w.Button:
    return w.Button(description=description, tooltip=tooltip, icon=icon, layout=w.Layout(width="auto"))


class Toolbar(w.VBox):
    """Controls above the diagram. Query controls are disabled without a graph."""

    def __init__(
        self,
        direction: str = "up",
        depth: int | None = None,
        kinds: tuple[str, ...] | None = None,
        connected: bool = True,
    ):
        self.direction = w.ToggleButtons(
            options=[("\u2190 up", "up"), ("down \u2192", "down"), ("both", "both")],
            value=direction,
            tooltips=["what it depends on", "what depends on it", "both"],
            style={"button_width": "84px"},
        )
        self.depth = w.Dropdown(
            options=DEPTHS,
            value=depth or 0,
            description="depth",
            layout=w.Layout(width="130px"),
            style={"description_width": "40px"},
        )
        self.kinds = {
            k: w.ToggleButton(
                value=kinds is None or k in kinds,
                description=k,
                tooltip=f"show {k} assets",
                layout=w.Layout(width="auto"),
            )
            for k in KINDS
        }
        self.search = w.Text(
            placeholder="find asset\u2026 (Enter)", continuous_update=False, layout=w.Layout(width="220px")
        )
        self.fit = _button("Fit", "fit the diagram to the canvas", "expand")
        self.reset = _button("Reset", "back to the subgraph first shown", "undo")
        self.relations = w.ToggleButton(
            value=False,
            description="relation labels",
            tooltip="write the relation type on every edge",
            layout=w.Layout(width="auto"),
        )
        self.impact = _button("Impact", "what a change to the selected asset would break", "bolt")
        self.frames = _button(
            "to DataFrames",
            "hand the current subgraph back to Python (diagram.nodes, diagram.edges)",
            "table",
        )
        for control in (self.direction, self.depth, *self.kinds.values(), self.impact):
            control.disabled = not connected
        super().__init__(
            children=[
                w.HBox(
                    [
                        self.direction,
                        self.depth,
                        self.search,
                        self.fit,
                        self.reset,
                        self.relations,
                        self.impact,
                        self.frames,
                    ],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
                w.HBox(
                    [w.Label("kinds:"), *self.kinds.values()],
                    layout=w.Layout(flex_flow="row wrap", align_items="center"),
                ),
            ]
        )
        self.add_class("mlg-toolbar")

    @property
    def selected_kinds(self) -> list[str] | None:
        """The kinds switched on; None when all are (no filter)."""
        on = [k for k, b in self.kinds.items() if b.value]
        return None if len(on) == len(self.kinds) else on

    @property
    def selected_depth(self) -> int | None:
        return self.depth.value or None

    def on_query_change(self, callback: Callable[[], None]) -> None:
        """`callback()` when direction, depth or the kinds change."""
        for control in (self.direction, self.depth, *self.kinds.values()):
            control.observe(lambda _change: callback(), names="value")
