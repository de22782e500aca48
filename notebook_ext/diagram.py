"""`LineageDiagram`: an interactive lineage diagram of a Subgraph, for Jupyter.

One Python object owns the state (the current subgraph, which assets are drawn, the
selection, the impact shown); the canvas is redrawn from one element description each
time that state changes. Clicks come back as events: a click selects, a second click
within DOUBLE_CLICK_S (or a panel button) expands the asset's neighbours from the graph,
and a click on "+N more" unfolds what it hides.
"""

from __future__ import annotations

import logging
import time
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from mlg.errors import MlgError
from mlg.notebook import collapse
from mlg.notebook.cytoscape_view import CytoscapeView
from mlg.notebook.elements import ImpactMarks, cut_note, diagram_elements, stylesheet
from mlg.notebook.grow import attach, infer_direction, keep_graph
from mlg.notebook.layout import layered_positions
from mlg.notebook.panel import asset_panel_html, impact_html, legend_html, matches_html
from mlg.notebook.toolbar import Toolbar
from mlg.subgraph import Subgraph

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph
    from mlg.impact import Impact

log = logging.getLogger(__name__)
DOUBLE_CLICK_S = 0.5
# Above this many drawn nodes the layers are computed in Python (mlg.notebook.layout):
# dagre in the browser took ~1 s on 138 nodes and ~4.5 s on 320, on every redraw.
DAGRE_MAX_NODES = 100
FRAME_ROWS = 5
PANEL_WIDTH = "340px"
# Sizes the canvas beside the side panel before Cytoscape.js first measures it (an
# ipywidgets Layout is applied too late; see mlg.notebook.cytoscape_view).
CSS = (
    f"<style>.mlg-lineage-diagram .mlg-cytoscape {{width: calc(100% - {PANEL_WIDTH} - 8px)"
    " !important; flex: 0 0 auto;}</style>"
)


class LineageDiagram(w.VBox):
    """A left-to-right lineage diagram of `subgraph`, expandable from `graph`.

    `graph` may be None when the subgraph remembers the graph it came from (every
    `Graph.upstream/downstream/lineage` result does) or when nothing is to be fetched.
    Above `cap` assets, fan-out folds into "+N more" nodes of at most `fanout` children.
    Up to `dagre_max` drawn nodes, dagre lays the diagram out in the browser; above, the
    same left-to-right layers are computed in Python (see mlg.notebook.layout).
    After `to_dataframes()`, `diagram.nodes` and `diagram.edges` hold the current subgraph.
    """

    def __init__(
        self,
        graph: Graph | None = None,
        subgraph: Subgraph | None = None,
        *,
        cap: int = collapse.DEFAULT_CAP,
        fanout: int = collapse.DEFAULT_FANOUT,
        height: str = "560px",
        direction: str | None = None,
        depth: int | None = None,
        dagre_max: int = DAGRE_MAX_NODES,
    ):
        if subgraph is None:
            raise TypeError("LineageDiagram needs a subgraph, e.g. g.upstream('model:x')")
        self.graph = graph if graph is not None else getattr(subgraph, "_graph", None)
        self.cap, self.fanout, self.dagre_max = cap, fanout, dagre_max
        self.base = self.subgraph = subgraph
        self.nodes: pandas.DataFrame | None = None
        self.edges: pandas.DataFrame | None = None
        self.selected: str | None = None
        self.impact: Impact | None = None
        self._focus: set[str] = set()
        self._last_click: tuple[str | None, float] = (None, 0.0)
        self._groups: dict[str, collapse.MoreGroup] = {}

        self.view = CytoscapeView(stylesheet(), height)
        self.toolbar = Toolbar(
            direction or infer_direction(subgraph), depth, connected=self.graph is not None
        )
        self.banner = w.HTML(layout=w.Layout(margin="0 0 2px 0"))
        self.status = w.HTML()
        self.panel = w.HTML("<i>Click an asset to see its details.</i>")
        self.expand_buttons = {
            d: w.Button(description=text, disabled=True, layout=w.Layout(width="auto"))
            for d, text in (
                ("up", "\u2190 expand up"),
                ("down", "expand down \u2192"),
                ("both", "expand both"),
            )
        }
        self.frames = w.HTML()
        side = w.VBox(
            [self.panel, w.HBox(list(self.expand_buttons.values()), layout=w.Layout(flex_flow="row wrap"))],
            layout=w.Layout(
                width=PANEL_WIDTH, max_height=height, overflow="hidden auto", padding="0 0 0 8px"
            ),
        )
        side.add_class("mlg-side-panel")
        super().__init__(
            children=[
                w.HTML(CSS),
                self.toolbar,
                self.banner,
                w.HBox([self.view.widget, side], layout=w.Layout(width="100%")),
                w.HTML(legend_html()),
                self.status,
                self.frames,
            ]
        )
        self.add_class("mlg-lineage-diagram")

        self.view.on_node_click(lambda node_id, _data: self._guard(self._click, node_id))
        self.view.on_edge_hover(lambda data: self._guard(self._hover, data))
        self.toolbar.on_query_change(lambda: self._guard(self.requery))
        self.toolbar.search.observe(
            lambda c: self._guard(self.find, c["new"]) if c["new"] else None, names="value"
        )
        self.toolbar.fit.on_click(lambda _b: self._guard(self.fit))
        self.toolbar.reset.on_click(lambda _b: self._guard(self.reset))
        self.toolbar.relations.observe(
            lambda c: self.view.set_style(stylesheet(edge_labels=c["new"])), names="value"
        )
        self.toolbar.impact.on_click(lambda _b: self._guard(self.show_impact))
        self.toolbar.frames.on_click(lambda _b: self._guard(self.to_dataframes))
        for d, button in self.expand_buttons.items():
            button.on_click(lambda _b, d=d: self._guard(self.expand, self.selected, d))
        self._set_subgraph(subgraph)

    def __repr__(self) -> str:
        return (
            f"<LineageDiagram {len(self.subgraph)} assets around {list(self.subgraph.roots)}, "
            f"{len(self._shown)} drawn>"
        )

    # -- what is drawn ----------------------------------------------------------------

    @property
    def shown(self) -> set[str]:
        """Ids of the assets drawn (the rest of the subgraph is folded into "+N more")."""
        return set(self._shown)

    @property
    def more_nodes(self) -> dict[str, int]:
        """ "+N more" node id -> how many assets it hides."""
        return {g.id: g.count for g in self._groups.values()}

    def _set_subgraph(self, sub: Subgraph, shown: set[str] | None = None) -> None:
        self.subgraph = sub
        self._tree = collapse.SpanningTree.of(sub)
        self._shown = (
            shown if shown is not None else collapse.initial_shown(self._tree, self.cap, self.fanout)
        )
        self._redraw()

    def _redraw(self) -> None:
        self._shown, groups = collapse.fold(self._tree, self._shown)
        self._groups = {g.id: g for g in groups}
        marks = None
        if self.impact is not None:
            marks = ImpactMarks(self.impact.asset.id, {a.asset.id: a.distance for a in self.impact.affected})
        elements = diagram_elements(self.subgraph, self._shown, groups, marks, self._focus, self.selected)
        positions = None
        if len(elements["nodes"]) > self.dagre_max:
            positions = layered_positions(
                [n["data"]["id"] for n in elements["nodes"]],
                [(e["data"]["source"], e["data"]["target"]) for e in elements["edges"]],
            )
        self.view.draw(elements, positions)
        note = cut_note(self.subgraph, self._shown, groups)
        roots = ", ".join(f"<code>{escape(r)}</code>" for r in self.subgraph.roots)
        text = (
            f"<b>{len(self.subgraph)}</b> assets, {len(self.subgraph.relations)} edges "
            f"around {roots or 'no root'}"
        )
        if note:
            text += f" &mdash; <span class='mlg-cut' style='color:#b00'>{escape(note)}</span>"
        self.banner.value = f"<div class='mlg-banner'>{text}</div>"

    # -- interaction ----------------------------------------------------------------

    def click(self, node_id: str) -> None:
        """Click a node as a user would (through the renderer's own event path)."""
        self.view.click(node_id)

    def _click(self, node_id: str) -> None:
        if node_id in self._groups:
            self.expand_more(node_id)
            return
        last_id, last_time = self._last_click
        if last_id == node_id and time.monotonic() - last_time < DOUBLE_CLICK_S:
            self._last_click = (None, 0.0)
            self.expand(node_id)
        else:
            self.select(node_id)
            # timed from the end of the first click's work: a busy kernel handles queued
            # clicks late, but one right after the other
            self._last_click = (node_id, time.monotonic())

    def _hover(self, data: dict) -> None:
        self._say(
            f"{escape(data.get('target', ''))} <b>{escape(data.get('label', ''))}</b> "
            f"{escape(data.get('source', ''))}"
        )

    def select(self, asset_id: str) -> None:
        """Show one asset's properties, owners and tags in the side panel."""
        asset = self.subgraph.asset(asset_id)
        owners = self.subgraph.owners.get(asset_id, ())
        up = sum(1 for e in self.subgraph.relations if e.source == asset_id)
        down = sum(1 for e in self.subgraph.relations if e.target == asset_id)
        if self.graph is not None:
            detail = self.graph.detail(asset_id)
            owners, up, down = detail.owners, len(detail.upstream), len(detail.downstream)
        self.selected = asset_id
        self.panel.value = asset_panel_html(
            asset,
            owners,
            distance=self.subgraph.distances.get(asset_id),
            is_root=asset_id in self.subgraph.roots,
            upstream=up,
            downstream=down,
        )
        for button in self.expand_buttons.values():
            button.disabled = self.graph is None
        self._redraw()

    def expand(self, asset_id: str | None = None, direction: str = "both") -> list[str]:
        """Fetch an asset's direct neighbours from the graph and draw them in place.

        Returns the ids added to the subgraph (some may be folded into "+N more").
        """
        asset_id = asset_id or self.selected
        if asset_id is None:
            raise MlgError("select an asset to expand")
        if self.graph is None:
            raise MlgError("this diagram has no graph to fetch neighbours from")
        part = self.graph.lineage(asset_id, direction, depth=1)
        new = [a.id for a in part.assets if a.id not in self.subgraph]
        sub = attach(self.subgraph, part, asset_id)
        shown = collapse.add_new(self._shown | {asset_id}, new, self.cap, self.fanout)
        self._set_subgraph(sub, shown)
        self._say(
            f"expanded <code>{escape(asset_id)}</code> {direction}: {len(new)} new "
            f"asset{'s' if len(new) != 1 else ''}"
        )
        return new

    def expand_more(self, more_id: str) -> list[str]:
        """Unfold the next assets hidden behind a "+N more" node; returns their ids."""
        group = self._groups[more_id]
        before = self._shown
        self._shown = collapse.expand_group(self._tree, self._shown, group, self.fanout)
        self._redraw()
        added = sorted(self._shown - before)
        self._say(f"showing {len(added)} more of {group.count} folded assets")
        return added

    def find(self, text: str) -> list[str]:
        """Highlight (and unfold) the assets whose id or name contains `text`."""
        needle = text.strip().lower()
        hits = [
            a.id
            for a in self.subgraph.assets
            if needle and (needle in a.id.lower() or needle in a.name.lower())
        ]
        self._focus = set(hits)
        if not hits:
            self._redraw()
            found = []
            if self.graph is not None and hasattr(self.graph, "search"):
                found = [(h.asset.id, h.asset.name) for h in self.graph.search(text)[:8]]
            self.panel.value = (
                f"<p>Not in this diagram.</p>{matches_html(found, text)}" if found else matches_html([], text)
            )
            return []
        self._shown = collapse.reveal(self._tree, self._shown, hits)
        self.select(hits[0])  # redraws
        self._say(f"{len(hits)} asset{'s' if len(hits) != 1 else ''} match <b>{escape(text)}</b>")
        return hits

    def show_impact(self, asset_id: str | None = None) -> Impact:
        """Colour what a change to the asset would break; list the teams to notify."""
        asset_id = asset_id or self.selected
        if asset_id is None:
            raise MlgError("select an asset to see the impact of changing it")
        if self.graph is None:
            raise MlgError("this diagram has no graph to compute the impact from")
        impact = self.graph.impact(asset_id)
        affected = [a.asset.id for a in impact.affected]
        sub = (
            attach(self.subgraph, impact.subgraph, asset_id)
            if asset_id in self.subgraph
            else keep_graph(impact.subgraph, self.subgraph)
        )
        self.impact = impact
        shown = collapse.add_new(self._shown | {asset_id}, affected, self.cap, self.fanout)
        self._set_subgraph(sub, shown & set(sub.ids))
        self.panel.value = impact_html(impact)
        self._say(
            f"impact of <code>{escape(asset_id)}</code>: {len(affected)} assets affected, "
            f"{len(impact.teams)} teams to notify"
        )
        return impact

    def clear_impact(self) -> None:
        self.impact = None
        self._redraw()

    def requery(self) -> Subgraph:
        """Query the graph again from the roots with the toolbar's direction/depth/kinds."""
        if self.graph is None:
            raise MlgError("this diagram has no graph to query")
        direction = self.toolbar.direction.value
        depth, kinds = self.toolbar.selected_depth, self.toolbar.selected_kinds
        parts = [self.graph.lineage(r, direction, depth=depth, kinds=kinds) for r in self.base.roots]
        sub = keep_graph(Subgraph.merge(parts), parts[0])
        self.base, self.impact, self._focus = sub, None, set()
        self._set_subgraph(sub)
        self._say(
            f"{direction}, depth {depth or 'all'}, "
            f"{'all kinds' if kinds is None else ', '.join(kinds)}: {len(sub)} assets"
        )
        return sub

    def fit(self) -> None:
        self.view.fit()

    def reset(self) -> None:
        """Back to the subgraph first shown (or last queried), nothing selected."""
        self.impact, self.selected, self._focus = None, None, set()
        self.toolbar.search.value = ""
        self.panel.value = "<i>Click an asset to see its details.</i>"
        self._set_subgraph(self.base)
        self.view.fit()

    def to_dataframes(self) -> tuple[pandas.DataFrame, pandas.DataFrame]:
        """The current subgraph as (nodes, edges) DataFrames, also kept on the diagram."""
        self.nodes, self.edges = self.subgraph.to_pandas()
        self.frames.value = (
            f"<div class='mlg-frames'><b>diagram.nodes</b> ({len(self.nodes)} rows) and "
            f"<b>diagram.edges</b> ({len(self.edges)} rows); <code>diagram.subgraph</code> "
            f"is the Subgraph.{self.nodes.head(FRAME_ROWS)[['id', 'kind', 'name']].to_html()}"
            "</div>"
        )
        return self.nodes, self.edges

    # -- plumbing ----------------------------------------------------------------------

    def _say(self, html: str, error: bool = False) -> None:
        colour = "#b00" if error else "#333"
        self.status.value = f"<div class='mlg-status' style='color:{colour}'>{html}</div>"

    def _guard(self, action, *args) -> None:
        """Run a UI action; show errors in the status line (a callback cannot raise)."""
        try:
            action(*args)
        except (MlgError, KeyError) as exc:
            self._say(escape(str(exc)), error=True)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged for us
            log.exception("lineage diagram action failed")
            self._say(f"{type(exc).__name__}: {escape(str(exc))}", error=True)
