"""A Subgraph as diagram elements and styles: plain JSON, no widget, no browser.

Edges point as in the CLI and the explorer, from the dependent to what it depends on
(`model -trained_on-> dataset`); the layout puts upstream on the left, so arrows point
leftwards, towards the data a thing is made from. The element JSON is Cytoscape.js's
own (`{"data": {...}, "classes": "..."}`), the one format every renderer here speaks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mlg import Edge, Subgraph
from mlg.notebook.collapse import DETACHED, MoreGroup

# kind -> (fill colour, node shape, what it is); colour-blind-safe Tableau 10 hues
KIND_STYLES: dict[str, tuple[str, str, str]] = {
    "dataset": ("#4e79a7", "barrel", "dataset"),
    "feature": ("#59a14f", "round-diamond", "feature"),
    "model": ("#f28e2b", "round-rectangle", "model"),
    "evaluation": ("#b07aa1", "round-hexagon", "evaluation"),
    "workflow": ("#9c755f", "rhomboid", "workflow"),
    "service": ("#e15759", "round-octagon", "production service"),
    "experiment": ("#edc948", "star", "experiment"),
}
OTHER_KIND = ("#bab0ac", "ellipse", "other kind")
MORE_STYLE = ("#ffffff", "round-tag", "folded assets: click to show more")
ADDED_COLOUR = "#2ca02c"
IMPACT_COLOURS = {"source": "#7f0000", "near": "#d7301f", "far": "#fc8d59", "spared": "#e0e0e0"}
LABEL_WIDTH = 160
FONT_PX = 12  # labels; at a fitted zoom of 0.84 and more they are drawn 10 px or larger


@dataclass(frozen=True)
class ImpactMarks:
    """What a change to `source` would break: affected asset id -> hops from it."""

    source: str
    distances: Mapping[str, int]


def kind_style(kind: str) -> tuple[str, str, str]:
    return KIND_STYLES.get(kind, OTHER_KIND)


def asset_label(name: str, version: str | None, deprecated: bool, unowned: bool) -> str:
    label = name if not version or version in name else f"{name} @{version}"
    marks = [m for m, on in (("deprecated", deprecated), ("no owner", unowned)) if on]
    return label + (f"\n[{', '.join(marks)}]" if marks else "")


def node_elements(
    sub: Subgraph,
    shown: Iterable[str] | None = None,
    impact: ImpactMarks | None = None,
    focus: Iterable[str] = (),
    selected: str | None = None,
    neighbours: Iterable[str] | None = None,
    added: Iterable[str] = (),
) -> list[dict]:
    """One Cytoscape node per shown asset, classed by kind, role and state.

    `neighbours`, with `selected`: the selected asset's neighbourhood; everything else
    is dimmed. `added`: what the last expand brought in (marked).
    """
    keep = set(sub.ids if shown is None else shown)
    roots, focused, fresh = set(sub.roots), set(focus), set(added)
    near = None if neighbours is None or selected is None else set(neighbours) | {selected}
    nodes = []
    for a in sub.assets:
        if a.id not in keep:
            continue
        unowned = not sub.owners.get(a.id)
        classes = [f"kind-{a.kind}" if a.kind in KIND_STYLES else "kind-other"]
        classes += [
            c
            for c, on in (
                ("root", a.id in roots),
                ("deprecated", a.deprecated),
                ("placeholder", a.placeholder),
                ("retired", a.retired),
                ("unowned", unowned),
                ("focus", a.id in focused),
                ("selected", a.id == selected),
                ("neighbour", near is not None and a.id in near and a.id != selected),
                ("dimmed", near is not None and a.id not in near and a.id not in focused),
                ("added", a.id in fresh),
            )
            if on
        ]
        if impact is not None:
            classes.append(_impact_class(a.id, impact))
        nodes.append(
            {
                "data": {
                    "id": a.id,
                    "label": asset_label(a.name, a.version, a.deprecated, unowned),
                    "kind": a.kind,
                    "name": a.name,
                },
                "classes": " ".join(classes),
            }
        )
    return nodes


def _impact_class(asset_id: str, impact: ImpactMarks) -> str:
    if asset_id == impact.source:
        return "impact-source"
    hops = impact.distances.get(asset_id)
    if hops is None:
        return "impact-spared"
    return "impact-near" if hops <= 1 else "impact-far"


def edge_element(edge: Edge, selected: str | None = None) -> dict:
    """A dependency drawn as the CLI writes it: from the dependent to its dependency."""
    label = f"{edge.hops} hops" if edge.indirect else edge.type
    classes = ["indirect"] if edge.indirect else []
    if selected is not None:
        classes.append("neighbour" if selected in (edge.source, edge.target) else "dimmed")
    return {
        "data": {
            "id": f"{edge.source}->{edge.target}:{edge.type}",
            "source": edge.source,
            "target": edge.target,
            "type": edge.type,
            "label": label,
            "tooltip": f"{edge.source} -{label}-> {edge.target}",
        },
        "classes": " ".join(classes),
    }


def edge_elements(
    sub: Subgraph, shown: Iterable[str] | None = None, selected: str | None = None
) -> list[dict]:
    keep = set(sub.ids if shown is None else shown)
    return [edge_element(e, selected) for e in sub.relations if e.source in keep and e.target in keep]


def layout_edges(elements: dict) -> list[tuple[str, str]]:
    """(left, right) pairs for `mlg.notebook.layout`: what an edge points to (the
    dependency) is drawn left of where it starts."""
    return [(e["data"]["target"], e["data"]["source"]) for e in elements["edges"]]


def more_elements(groups: Iterable[MoreGroup]) -> tuple[list[dict], list[dict]]:
    """A "+N more" node per group, joined to its anchor on the side the hidden ones sit."""
    nodes, edges = [], []
    for g in groups:
        nodes.append(
            {
                "data": {
                    "id": g.id,
                    "label": f"+{g.count} more",
                    "kind": "more",
                    "name": f"+{g.count} more",
                    "anchor": g.anchor,
                    "direction": g.direction,
                    "count": g.count,
                },
                "classes": "more",
            }
        )
        if g.direction == DETACHED:
            continue
        # "up": what the anchor depends on, so the arrow runs from the anchor to them
        source, target = (g.anchor, g.id) if g.direction == "up" else (g.id, g.anchor)
        edges.append(
            {
                "data": {
                    "id": f"{source}->{target}:more",
                    "source": source,
                    "target": target,
                    "type": "more",
                    "label": "",
                },
                "classes": "more",
            }
        )
    return nodes, edges


def diagram_elements(
    sub: Subgraph,
    shown: Iterable[str] | None = None,
    groups: Iterable[MoreGroup] = (),
    impact: ImpactMarks | None = None,
    focus: Iterable[str] = (),
    selected: str | None = None,
    added: Iterable[str] = (),
) -> dict:
    """`{"nodes": [...], "edges": [...]}` for the shown part of `sub` plus "+N more" nodes.

    With `selected`, its drawn neighbours and the edges to them are highlighted and the
    rest dimmed."""
    shown = set(sub.ids if shown is None else shown)
    groups = list(groups)
    if selected not in shown:
        selected = None
    neighbours = None
    if selected is not None:
        neighbours = {
            e.target if e.source == selected else e.source
            for e in sub.relations
            if selected in (e.source, e.target) and e.source in shown and e.target in shown
        }
        neighbours |= {g.id for g in groups if g.anchor == selected}
    more_nodes, more_edges = more_elements(groups)
    if selected is not None:
        for n in more_nodes:
            n["classes"] += " neighbour" if n["data"]["id"] in neighbours else " dimmed"
        for e in more_edges:
            e["classes"] += (
                " neighbour" if selected in (e["data"]["source"], e["data"]["target"]) else " dimmed"
            )
    return {
        "nodes": node_elements(sub, shown, impact, focus, selected, neighbours, added) + more_nodes,
        "edges": edge_elements(sub, shown, selected) + more_edges,
    }


def cut_note(
    sub: Subgraph, shown: Iterable[str] | None = None, groups: Iterable[MoreGroup] = ()
) -> str | None:
    """What the diagram leaves out, in words; None when it shows everything."""
    shown = set(sub.ids if shown is None else shown)
    groups = list(groups)
    parts = []
    if sub.truncated:
        parts.append(f"the query was cut: {sub.truncated_reason or 'more lies beyond'}")
    hidden = sum(g.count for g in groups)
    if hidden:
        parts.append(
            f"showing {len(shown & set(sub.ids))} of {len(sub.assets)} assets; "
            f"{hidden} folded into {len(groups)} \u201c+N more\u201d node"
            f"{'s' if len(groups) != 1 else ''} (click one to show more)"
        )
    return "; ".join(parts) or None


def stylesheet(edge_labels: bool = False) -> list[dict]:
    """The Cytoscape.js stylesheet: colour and shape by kind, marks for state."""
    style: list[dict] = [
        {
            "selector": "node",
            "style": {
                "label": "data(label)",
                "text-wrap": "wrap",
                "text-max-width": LABEL_WIDTH,
                "font-size": FONT_PX,
                "text-valign": "bottom",
                "text-margin-y": 3,
                "width": 26,
                "height": 26,
                "border-width": 1,
                "border-color": "#444",
                "background-color": OTHER_KIND[0],
                "shape": OTHER_KIND[1],
            },
        },
        {
            "selector": "edge",
            "style": {
                "width": 1.5,
                "line-color": "#9aa5b1",
                "target-arrow-color": "#9aa5b1",
                "target-arrow-shape": "triangle",
                "curve-style": "bezier",
                "arrow-scale": 0.8,
                "font-size": FONT_PX - 1,
                "color": "#555",
                "text-rotation": "autorotate",
                "text-background-color": "#fff",
                "text-background-opacity": 0.8,
            },
        },
    ]
    for kind, (colour, shape, _) in KIND_STYLES.items():
        style.append({"selector": f"node.kind-{kind}", "style": {"background-color": colour, "shape": shape}})
    style += [
        {
            "selector": "node.root",
            "style": {
                "border-width": 5,
                "border-color": "#111",
                "width": 36,
                "height": 36,
                "font-weight": "bold",
                "font-size": FONT_PX + 1,
            },
        },
        {
            "selector": "node.deprecated",
            "style": {
                "background-opacity": 0.35,
                "border-style": "dashed",
                "border-width": 2,
                "border-color": "#b00",
                "color": "#b00",
            },
        },
        {
            "selector": "node.placeholder",
            "style": {
                "background-opacity": 0.25,
                "border-style": "dotted",
                "border-width": 2,
                "opacity": 0.6,
            },
        },
        {
            "selector": "node.retired",
            "style": {"background-opacity": 0.15, "border-style": "double", "opacity": 0.45},
        },
        {
            "selector": "node.unowned",
            "style": {"border-style": "dotted", "border-width": 3, "border-color": "#e67e00"},
        },
        {
            "selector": "node.more",
            "style": {
                "background-color": MORE_STYLE[0],
                "shape": MORE_STYLE[1],
                "border-style": "dashed",
                "border-width": 2,
                "border-color": "#666",
                "width": 70,
                "height": 24,
                "label": "data(label)",
                "text-valign": "center",
                "text-margin-y": 0,
                "font-size": FONT_PX,
                "font-weight": "bold",
            },
        },
        {
            "selector": "edge.more",
            "style": {"line-style": "dashed", "line-color": "#bbb", "target-arrow-color": "#bbb"},
        },
        {"selector": "edge.indirect", "style": {"line-style": "dashed"}},
        {
            "selector": "node.impact-spared",
            "style": {"background-color": IMPACT_COLOURS["spared"], "color": "#999"},
        },
        {"selector": "node.impact-far", "style": {"background-color": IMPACT_COLOURS["far"]}},
        {"selector": "node.impact-near", "style": {"background-color": IMPACT_COLOURS["near"]}},
        {
            "selector": "node.impact-source",
            "style": {
                "background-color": IMPACT_COLOURS["source"],
                "border-width": 5,
                "border-color": "#000",
            },
        },
        {
            "selector": "node.focus",
            "style": {"underlay-color": "#ffd400", "underlay-opacity": 0.9, "underlay-padding": 9},
        },
        {
            "selector": "node.added",
            "style": {"underlay-color": ADDED_COLOUR, "underlay-opacity": 0.55, "underlay-padding": 7},
        },
        {"selector": ".dimmed", "style": {"opacity": 0.18}},
        {
            "selector": "edge.neighbour",
            "style": {"width": 3, "line-color": "#1f77b4", "target-arrow-color": "#1f77b4"},
        },
        {
            "selector": "node.selected",
            "style": {"overlay-color": "#1f77b4", "overlay-opacity": 0.3, "overlay-padding": 6},
        },
    ]
    if edge_labels:
        style.append({"selector": "edge", "style": {"label": "data(label)"}})
    return style


EDGE_DIRECTION = (
    "arrows point from an asset to what it depends on, as in the CLI and the explorer "
    "(model \u2192 the dataset it is trained_on); upstream is drawn on the left"
)


def legend_entries() -> list[tuple[str, str, str]]:
    """(label, colour, shape) rows for the legend: kinds, marks, then impact colours."""
    rows = [(desc, colour, shape) for colour, shape, desc in KIND_STYLES.values()]
    return rows + [
        ("root (asked about)", "#ffffff", "thick black border"),
        ("deprecated", "#ffffff", "faded, red dashed border"),
        ("no owner", "#ffffff", "orange dotted border"),
        ("placeholder (referenced, not described yet)", "#ffffff", "dimmed, dotted border"),
        ("retired (with include_retired / as_of)", "#ffffff", "faint, double border"),
        ("+N more (click to expand)", "#ffffff", "dashed tag"),
        ("just added by an expand", ADDED_COLOUR, "green halo"),
        ("impact: the changed asset", IMPACT_COLOURS["source"], "impact view"),
        ("impact: 1 hop", IMPACT_COLOURS["near"], "impact view"),
        ("impact: 2+ hops", IMPACT_COLOURS["far"], "impact view"),
        ("impact: not affected", IMPACT_COLOURS["spared"], "impact view"),
    ]
