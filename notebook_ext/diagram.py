"""`LineageDiagram`: an interactive lineage diagram of a Subgraph, for Jupyter.

One Python object owns the state (the current subgraph, which assets are drawn and
where, the selection, the impact shown); every change sends the canvas one scene
built from it, so the page draws exactly what this object describes. A click selects
(and highlights the neighbourhood), a double click (or a panel button) expands the
asset's neighbours from the graph, a click on "+N more" unfolds what it hides.

The first view is meant to be read without zooming: when the whole subgraph would not
fit the canvas with labels of at least MIN_LABEL_PX, it opens at depth 2 (then 1) from
the roots with a bounded fan-out, the rest folded into "+N more" nodes.
"""

from __future__ import annotations

import logging
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from mlg import MlgError, Subgraph
from mlg.notebook import collapse
from mlg.notebook.cytoscape_view import FIT, KEEP, CytoscapeView
from mlg.notebook.elements import (
    FONT_PX,
    ImpactMarks,
    cut_note,
    diagram_elements,
    layout_edges,
    stylesheet,
)
from mlg.notebook.grow import attach, infer_direction
from mlg.notebook.layout import fit_zoom, layered_positions, place_new
from mlg.notebook.panel import asset_panel_html, impact_html, legend_html, matches_html
from mlg.notebook.toolbar import Toolbar

if TYPE_CHECKING:
    import pandas

    from mlg import Graph, Impact

log = logging.getLogger(__name__)
FRAME_ROWS = 5
PANEL_WIDTH = "340px"
MIN_LABEL_PX = 10.0
# the canvas width assumed until the page reports it (a notebook beside a 340 px panel)
CANVAS_WIDTH = 860
# first views tried, most complete first: (depth from the roots or None for all, fan-out,
# most nodes drawn); the first whose fitted labels are MIN_LABEL_PX or more is shown
FIRST_VIEWS = (
    (None, None, None),  # everything up to the diagram's own cap and fan-out
    (2, 8, 60),
    (2, 6, 44),
    (2, 4, 32),
    (2, 3, 24),
    (1, 8, 16),
    (1, 5, 12),
    (1, 3, 8),
)
ALWAYS_WHOLE = 12  # assets: never folded for the first view
PLACEHOLDER = "<i>Click an asset to see its details.</i>"
# the panel of a dataset lists the latest runs that read or wrote it, with the version
RUN_KINDS = ("dataset", "feature", "model")
RUNS_SHOWN = 10
CSS = (
    f"<style>.mlg-lineage-diagram .mlg-canvas-cell {{width: calc(100% - {PANEL_WIDTH} - 8px);}}"
    ".mlg-lineage-diagram .mlg-canvas-cell > * {width: 100%;}</style>"
)


class LineageDiagram(w.VBox):
    """A left-to-right lineage diagram of `subgraph`, expandable from `graph`.

    `graph` may be None when the subgraph remembers the graph it came from (every
    `Graph.upstream/downstream/lineage` result does) or when nothing is to be fetched.
    Above `cap` assets, fan-out folds into "+N more" nodes of at most `fanout` children.
    With `readable` (the default) the first view also folds what would not fit the
    canvas with legible labels. After `to_dataframes()`, `diagram.nodes` and
    `diagram.edges` hold the current subgraph.
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
        readable: bool = True,
    ):
        if subgraph is None:
            raise TypeError("LineageDiagram needs a subgraph, e.g. g.upstream('model:x')")
        self.graph = graph if graph is not None else getattr(subgraph, "graph", None)
        self.cap, self.fanout, self.readable = cap, fanout, readable
        self.initial = self.base = self.subgraph = subgraph
        self.nodes: pandas.DataFrame | None = None
        self.edges: pandas.DataFrame | None = None
        self.selected: str | None = None
        self.impact: Impact | None = None
        self.added: set[str] = set()  # what the last expand brought in (marked green)
        self._height_px = _pixels(height, 560)
        self._focus: set[str] = set()
        self._groups: dict[str, collapse.MoreGroup] = {}
        self._positions: dict[str, tuple[float, float]] = {}
        self._quiet = False  # set while reset puts the toolbar back: no requery
        # the first view is planned for a canvas size; until the user acts, it is planned
        # again when the page reports a different one
        self._planned_for: tuple[int, int] | None = None
        self._pristine = True

        self.view = CytoscapeView(stylesheet(), height)
        self._controls = (direction or infer_direction(subgraph), depth or 0)
        self.toolbar = Toolbar(*self._controls, connected=self.graph is not None)
        self.banner = w.HTML(layout=w.Layout(margin="0 0 2px 0"))
        self.status = w.HTML()
        self.panel = w.HTML(PLACEHOLDER)
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
        cell = w.Box([self.view.widget], layout=w.Layout(flex="1 1 auto", min_width="0"))
        cell.add_class("mlg-canvas-cell")
        super().__init__(
            children=[
                w.HTML(CSS),
                self.toolbar,
                self.banner,
                w.HBox([cell, side], layout=w.Layout(width="100%")),
                w.HTML(legend_html()),
                self.status,
                self.frames,
            ]
        )
        self.add_class("mlg-lineage-diagram")

        self.view.on("tap", lambda m: self._guard(self._tap, m["id"]))
        self.view.on("dbltap", lambda m: self._guard(self._double_tap, m["id"]))
        self.view.on("tap-background", lambda _m: self._guard(self.deselect))
        self.view.on("hover", lambda m: self._guard(self._hover, m.get("data") or {}, busy=False))
        self.view.on("drawn", lambda m: self._guard(self._drawn, m, busy=False))
        self.toolbar.on_query_change(lambda: None if self._quiet else self._guard(self.requery))
        self.toolbar.search.observe(
            lambda c: self._guard(self.find, c["new"]) if c["new"] and not self._quiet else None,
            names="value",
        )
        self.toolbar.fit.on_click(lambda _b: self._guard(self.fit, busy=False))
        self.toolbar.reset.on_click(lambda _b: self._guard(self.reset))
        self.toolbar.relations.observe(
            lambda c: self.view.set_style(stylesheet(edge_labels=c["new"])), names="value"
        )
        self.toolbar.impact.on_click(lambda _b: self._guard(self.show_impact))
        self.toolbar.frames.on_click(lambda _b: self._guard(self.to_dataframes))
        for d, button in self.expand_buttons.items():
            button.on_click(lambda _b, d=d: self._guard(self.expand, self.selected, d))
        self._show(subgraph, pristine=True)

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

    @property
    def folded(self) -> set[str]:
        """Ids of the assets of the subgraph hidden behind "+N more" nodes."""
        return {a for g in self._groups.values() for a in g.hidden}

    def _show(self, sub: Subgraph, pristine: bool = False) -> None:
        """A new subgraph: a fresh layout of its first view, fitted to the canvas.
        `pristine`: the diagram as first shown (planned again for the page's size)."""
        self.subgraph = sub
        self._tree = collapse.SpanningTree.of(sub)
        self._shown = self._first_view()
        self.added = set()
        self._positions = {}
        self._redraw(FIT, relayout=True)
        self._pristine = pristine

    def _drawn(self, report: dict) -> None:
        size = (report.get("width") or 0, report.get("height") or 0)
        if not (self._pristine and self.readable and all(size) and self._planned_for):
            return
        if any(abs(a - b) > 2 for a, b in zip(size, self._planned_for)):
            self._show(self.subgraph, pristine=True)

    def _first_view(self) -> set[str]:
        # a handful of assets (a path, a star) is clearer whole than folded for a pixel
        whole = not self.readable or len(self._tree.order) <= ALWAYS_WHOLE
        views = FIRST_VIEWS[:1] if whole else FIRST_VIEWS
        width = self.view.drawn.get("width") or CANVAS_WIDTH
        height = self.view.drawn.get("height") or self._height_px
        self._planned_for = (width, height)
        shown: set[str] = set()
        for depth, fanout, cap in views:
            shown = collapse.initial_shown(
                self._tree, min(cap or self.cap, self.cap), min(fanout or self.fanout, self.fanout), depth
            )
            drawn, groups = collapse.fold(self._tree, shown)
            elements = diagram_elements(self.subgraph, drawn, groups)
            ids = [n["data"]["id"] for n in elements["nodes"]]
            ranks = collapse.columns(self._tree, groups)
            zoom = fit_zoom(layered_positions(ids, layout_edges(elements), ranks=ranks), width, height)
            if zoom * FONT_PX >= MIN_LABEL_PX:
                break
        return shown

    def _redraw(self, view: str | dict = KEEP, relayout: bool = False, near: str | None = None) -> None:
        self._pristine = False  # changed by an action: never planned again behind its back
        self._shown, groups = collapse.fold(self._tree, self._shown)
        self._groups = {g.id: g for g in groups}
        if self.selected is not None and self.selected not in self._shown:
            self._clear_selection()
        marks = None
        if self.impact is not None:
            marks = ImpactMarks(self.impact.asset.id, {a.asset.id: a.distance for a in self.impact.affected})
        elements = diagram_elements(
            self.subgraph, self._shown, groups, marks, self._focus, self.selected, self.added & self._shown
        )
        ids = [n["data"]["id"] for n in elements["nodes"]]
        if relayout:
            ranks = collapse.columns(self._tree, groups)
            self._positions = layered_positions(ids, layout_edges(elements), ranks=ranks)
        else:
            kept = {i: self._positions[i] for i in ids if i in self._positions}
            self._positions = place_new(kept, ids, layout_edges(elements), near=near)
        self.view.draw(elements, self._positions, view, relayout)
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
        self.view.deliver({"event": "tap", "id": node_id})

    def double_click(self, node_id: str) -> None:
        """Double-click a node: Cytoscape.js sends two taps, then a double tap."""
        for event in ("tap", "tap", "dbltap"):
            self.view.deliver({"event": event, "id": node_id})

    def _tap(self, node_id: str) -> None:
        if node_id in self._groups:
            self.expand_more(node_id)
        elif node_id in self._shown:
            self.select(node_id)

    def _double_tap(self, node_id: str) -> None:
        if node_id in self._shown:  # not "+N more": its two taps unfolded it already
            self.expand(node_id)

    def _hover(self, data: dict) -> None:
        self._say(
            f"{escape(data.get('source', ''))} <b>-{escape(data.get('label', ''))}-&gt;</b> "
            f"{escape(data.get('target', ''))}"
        )

    def select(self, asset_id: str) -> None:
        """Show one asset's properties, owners and tags in the side panel; highlight its
        neighbourhood and dim the rest."""
        asset = self.subgraph.asset(asset_id)
        self._select_only(asset_id, asset)
        if asset_id not in self._shown:
            self._shown = collapse.reveal(self._tree, self._shown, [asset_id])
        self._redraw()

    def _select_only(self, asset_id: str, asset) -> None:
        owners = self.subgraph.owners.get(asset_id, ())
        up = sum(1 for e in self.subgraph.relations if e.source == asset_id)
        down = sum(1 for e in self.subgraph.relations if e.target == asset_id)
        runs = ()
        if self.graph is not None:
            detail = self.graph.detail(asset_id)
            owners, up, down = detail.owners, len(detail.upstream), len(detail.downstream)
            if asset.kind in RUN_KINDS:
                runs = self.graph.dataset_runs(asset_id, limit=RUNS_SHOWN)
        self.selected = asset_id
        self.panel.value = asset_panel_html(
            asset,
            owners,
            distance=self.subgraph.distances.get(asset_id),
            is_root=asset_id in self.subgraph.roots,
            upstream=up,
            downstream=down,
            runs=runs,
        )
        for button in self.expand_buttons.values():
            button.disabled = self.graph is None

    def deselect(self) -> None:
        """Nothing selected: the whole diagram at full strength again."""
        if self.selected is None:
            return
        self._clear_selection()
        self._redraw()

    def _clear_selection(self) -> None:
        self.selected = None
        self.panel.value = PLACEHOLDER
        for button in self.expand_buttons.values():
            button.disabled = True

    def expand(self, asset_id: str | None = None, direction: str = "both") -> list[str]:
        """Fetch an asset's direct neighbours from the graph and draw them in place.

        The view does not move; what was added is marked. Returns the ids added to the
        subgraph (some may be folded into "+N more").
        """
        asset_id = asset_id or self.selected
        if asset_id is None:
            raise MlgError("select an asset to expand")
        if self.graph is None:
            raise MlgError("this diagram has no graph to fetch neighbours from")
        part = self.graph.lineage(asset_id, direction, depth=1)
        new = [a.id for a in part.assets if a.id not in self.subgraph]
        before = self._shown | {asset_id}
        self.subgraph = attach(self.subgraph, part, asset_id)
        self._tree = collapse.SpanningTree.of(self.subgraph)
        self._shown = collapse.add_new(before, new, self.cap, self.fanout)
        self._shown, _ = collapse.fold(self._tree, self._shown)
        self.added = self._shown - before
        self._redraw(near=asset_id)
        self._say(
            f"expanded <code>{escape(asset_id)}</code> {direction}: {len(new)} new "
            f"asset{'s' if len(new) != 1 else ''}" + (" (green halo)" if self.added else "")
        )
        return new

    def expand_more(self, more_id: str) -> list[str]:
        """Unfold the next assets hidden behind a "+N more" node; returns their ids."""
        group = self._groups[more_id]
        before = self._shown
        self._shown = collapse.expand_group(self._tree, self._shown, group, self.fanout)
        self._shown, _ = collapse.fold(self._tree, self._shown)
        self.added = self._shown - before
        self._redraw(near=group.anchor)
        added = sorted(self.added)
        self._say(f"showing {len(added)} more of {group.count} folded assets (green halo)")
        return added

    def find(self, text: str) -> list[str]:
        """Highlight, unfold and bring into view the assets whose id or name contains
        `text`; the first is selected."""
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
            self._say(f"no asset of this diagram matches <b>{escape(text)}</b>")
            return []
        before = self._shown
        self._shown = collapse.reveal(self._tree, self._shown, hits)
        self.added = set()
        self._select_only(hits[0], self.subgraph.asset(hits[0]))
        self._redraw({"focus": hits})
        unfolded = len(self._shown - before)
        self._say(
            f"{len(hits)} asset{'s' if len(hits) != 1 else ''} match <b>{escape(text)}</b> "
            f"(yellow){f', {unfolded} unfolded to show them' if unfolded else ''}"
        )
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
        if asset_id in self.subgraph:
            self.subgraph = attach(self.subgraph, impact.subgraph, asset_id)
        else:
            self.subgraph = impact.subgraph
        self._tree = collapse.SpanningTree.of(self.subgraph)
        self.impact = impact
        shown = collapse.add_new(self._shown | {asset_id}, affected, self.cap, self.fanout)
        self._shown = shown & set(self.subgraph.ids)
        self.added = set()
        self._redraw(FIT)
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
        sub = Subgraph.merge(parts)
        self.base, self.impact, self._focus = sub, None, set()
        self._show(sub)
        self._say(
            f"{direction}, depth {depth or 'all'}, "
            f"{'all kinds' if kinds is None else ', '.join(kinds)}: {len(sub)} assets"
        )
        return sub

    def fit(self) -> None:
        """Bring every drawn node into view."""
        self.view.fit()

    def reset(self) -> None:
        """Back to the subgraph first shown and the toolbar as it was, nothing selected."""
        self._quiet = True
        try:
            direction, depth = self._controls
            self.toolbar.direction.value = direction
            self.toolbar.depth.value = depth
            for button in self.toolbar.kinds.values():
                button.value = True
            self.toolbar.search.value = ""
        finally:
            self._quiet = False
        self.impact, self._focus = None, set()
        self._clear_selection()
        self.base = self.initial
        self._show(self.initial, pristine=True)
        self._say("reset to the first view")

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

    def _guard(self, action, *args, busy: bool = True) -> None:
        """Run a UI action with the busy mark up (the page shows it after 200 ms); show
        errors in the status line (a callback cannot raise)."""
        if busy:
            self.view.set_busy(True)
        try:
            action(*args)
        except (MlgError, KeyError) as exc:
            self._say(escape(str(exc)), error=True)
        except Exception as exc:  # noqa: BLE001 - shown to the user, logged for us
            log.exception("lineage diagram action failed")
            self._say(f"{type(exc).__name__}: {escape(str(exc))}", error=True)
        finally:
            if busy:
                self.view.set_busy(False)


def _pixels(css: str, default: int) -> int:
    try:
        return int(float(css.removesuffix("px")))
    except ValueError:
        return default
