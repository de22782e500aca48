"""Elements and styles from a Subgraph: plain JSON, checked without a browser."""

from __future__ import annotations

import pytest

from mlg.notebook import elements as el
from mlg.notebook.collapse import SpanningTree, fold, initial_shown
from mlg.notebook.panel import asset_panel_html, impact_html, subgraph_table_html
from mlg.schema import KINDS
from mlg.subgraph import Edge
from tests.notebook.builders import DEPRECATED, RANKER, UNOWNED, star, subgraph

SMALL = subgraph(
    [
        ("model:ranker", "dataset:clicks", "trained_on"),
        ("model:ranker", "feature:ctr", "uses_feature"),
        ("feature:ctr", "dataset:clicks", "computed_from"),
        ("dataset:clicks", "dataset:old_clicks", "derived_from"),
    ],
    ("model:ranker",),
    unowned=("feature:ctr",),
    deprecated=("dataset:old_clicks",),
)


def by_id(items):
    return {i["data"]["id"]: i for i in items}


def test_every_asset_becomes_a_node_classed_by_kind_role_and_state():
    nodes = by_id(el.node_elements(SMALL))
    assert set(nodes) == set(SMALL.ids)
    assert nodes["model:ranker"]["classes"].split() == ["kind-model", "root"]
    assert set(nodes["feature:ctr"]["classes"].split()) == {"kind-feature", "unowned"}
    assert set(nodes["dataset:old_clicks"]["classes"].split()) == {"kind-dataset", "deprecated"}
    assert nodes["dataset:old_clicks"]["data"]["label"] == "old_clicks\n[deprecated]"
    assert nodes["feature:ctr"]["data"]["label"] == "ctr\n[no owner]"
    assert nodes["model:ranker"]["data"]["kind"] == "model"


def test_labels_carry_the_version_unless_the_name_has_it():
    assert el.asset_label("ranker", "4", False, False) == "ranker @4"
    assert el.asset_label("ranker@4", "4", False, False) == "ranker@4"
    assert el.asset_label("x", None, True, True) == "x\n[deprecated, no owner]"


def test_edges_point_as_the_cli_writes_them_from_the_dependent_to_its_dependency():
    [edge] = [e for e in el.edge_elements(SMALL) if e["data"]["type"] == "trained_on"]
    # model:ranker depends on dataset:clicks: `model:ranker -trained_on-> dataset:clicks`
    assert (edge["data"]["source"], edge["data"]["target"]) == ("model:ranker", "dataset:clicks")
    assert edge["data"]["label"] == "trained_on"
    assert edge["data"]["tooltip"] == "model:ranker -trained_on-> dataset:clicks"
    # the layout still draws the dependency on the left
    assert el.layout_edges({"edges": [edge]}) == [("dataset:clicks", "model:ranker")]
    indirect = el.edge_element(Edge("model:a", "dataset:b", "indirect", True, 3))
    assert indirect["classes"] == "indirect" and indirect["data"]["label"] == "3 hops"


def test_only_edges_between_shown_assets_are_drawn():
    shown = {"model:ranker", "feature:ctr"}
    edges = el.edge_elements(SMALL, shown)
    assert [(e["data"]["source"], e["data"]["target"]) for e in edges] == [("model:ranker", "feature:ctr")]


def test_diagram_elements_of_a_sample_lineage_are_consistent(sample_graph):
    sub = sample_graph.upstream(RANKER)
    out = el.diagram_elements(sub)
    node_ids = {n["data"]["id"] for n in out["nodes"]}
    assert node_ids == set(sub.ids) and len(out["edges"]) == len(sub.relations)
    assert all(e["data"]["source"] in node_ids and e["data"]["target"] in node_ids for e in out["edges"])
    assert len({e["data"]["id"] for e in out["edges"]}) == len(out["edges"])
    roots = [n for n in out["nodes"] if "root" in n["classes"].split()]
    assert [n["data"]["id"] for n in roots] == [RANKER]


def test_deprecated_and_unowned_sample_assets_are_marked(sample_graph):
    sub = sample_graph.lineage(DEPRECATED, "both")
    nodes = by_id(el.node_elements(sub))
    assert "deprecated" in nodes[DEPRECATED]["classes"].split()
    sub = sample_graph.lineage(UNOWNED, "both")
    assert "unowned" in by_id(el.node_elements(sub))[UNOWNED]["classes"].split()


def test_more_nodes_sit_on_the_side_the_hidden_assets_are():
    for direction in ("up", "down"):
        sub = star(100, direction)
        t = SpanningTree.of(sub)
        shown, groups = fold(t, initial_shown(t, cap=30, fanout=25))
        out = el.diagram_elements(sub, shown, groups)
        more = [n for n in out["nodes"] if n["classes"] == "more"]
        assert [n["data"]["label"] for n in more] == ["+75 more"]
        [link] = [e for e in out["edges"] if e["classes"] == "more"]
        ends = (link["data"]["source"], link["data"]["target"])
        more_id = more[0]["data"]["id"]
        # upstream: the root depends on the hidden datasets; downstream: they depend on it
        assert ends == (("model:root", more_id) if direction == "up" else (more_id, "model:root"))
        assert len(out["nodes"]) == 27


def test_impact_marks_colour_by_distance():
    marks = el.ImpactMarks("dataset:old_clicks", {"dataset:clicks": 1, "model:ranker": 2, "feature:ctr": 2})
    classes = {n["data"]["id"]: n["classes"].split()[-1] for n in el.node_elements(SMALL, impact=marks)}
    assert classes == {
        "dataset:old_clicks": "impact-source",
        "dataset:clicks": "impact-near",
        "model:ranker": "impact-far",
        "feature:ctr": "impact-far",
    }


def test_the_cut_note_says_what_was_left_out():
    assert el.cut_note(SMALL) is None
    cut = subgraph(
        [("model:a", "dataset:b", "trained_on")],
        ("model:a",),
        truncated=True,
        reason="depth 1 reached; more lies beyond",
    )
    assert el.cut_note(cut) == "the query was cut: depth 1 reached; more lies beyond"
    sub = star(400)
    t = SpanningTree.of(sub)
    shown, groups = fold(t, initial_shown(t, cap=300, fanout=25))
    assert el.cut_note(sub, shown, groups) == (
        "showing 26 of 401 assets; 375 folded into 1 \u201c+N more\u201d node (click one to show more)"
    )


def test_stylesheet_gives_every_kind_its_own_colour_and_shape():
    style = {s["selector"]: s["style"] for s in el.stylesheet()}
    looks = [(style[f"node.kind-{k}"]["background-color"], style[f"node.kind-{k}"]["shape"]) for k in KINDS]
    assert len({c for c, _ in looks}) == len({s for _, s in looks}) == len(KINDS)
    for marked in (
        "node.root",
        "node.deprecated",
        "node.unowned",
        "node.more",
        "node.impact-source",
        "node.impact-near",
        "node.impact-far",
        "node.focus",
    ):
        assert marked in style
    assert "label" not in style["edge"]


def test_relation_labels_are_a_toggle():
    labelled = [s for s in el.stylesheet(edge_labels=True) if s["selector"] == "edge"]
    assert labelled[-1]["style"] == {"label": "data(label)"}


def test_the_legend_names_every_kind_and_mark():
    labels = [label for label, _, _ in el.legend_entries()]
    assert all(el.KIND_STYLES[k][2] in labels for k in KINDS)
    assert {"deprecated", "no owner", "root (asked about)"} <= set(labels)


def test_the_legend_says_which_way_arrows_point_and_lists_the_impact_colours():
    from mlg.notebook.panel import legend_html

    html = legend_html()
    assert "arrows point from an asset to what it depends on" in html
    colours = {colour for _, colour, _ in el.legend_entries()}
    assert set(el.IMPACT_COLOURS.values()) <= colours
    assert "impact: 1 hop" in html and "impact: not affected" in html


def test_selecting_highlights_the_neighbourhood_and_dims_the_rest():
    out = el.diagram_elements(SMALL, selected="feature:ctr")
    nodes = by_id(out["nodes"])
    assert "selected" in nodes["feature:ctr"]["classes"].split()
    assert {"model:ranker", "dataset:clicks"} == {
        i for i, n in nodes.items() if "neighbour" in n["classes"].split()
    }
    assert "dimmed" in nodes["dataset:old_clicks"]["classes"].split()
    edges = {(e["data"]["source"], e["data"]["target"]): e["classes"].split() for e in out["edges"]}
    assert "neighbour" in edges[("model:ranker", "feature:ctr")]
    assert "dimmed" in edges[("dataset:clicks", "dataset:old_clicks")]
    plain = el.diagram_elements(SMALL)
    assert not any("dimmed" in n["classes"] for n in plain["nodes"] + plain["edges"])


@pytest.mark.parametrize("asset_id", [RANKER, DEPRECATED, UNOWNED])
def test_the_side_panel_shows_properties_owners_and_tags(sample_graph, asset_id):
    detail = sample_graph.detail(asset_id)
    html = asset_panel_html(
        detail.asset,
        detail.owners,
        distance=0,
        is_root=True,
        upstream=len(detail.upstream),
        downstream=len(detail.downstream),
    )
    assert f"data-asset-id='{asset_id}'" in html
    for owner in detail.owners:
        assert owner.name in html
    for tag in detail.asset.tags:
        assert tag in html
    assert ("no owner" in html) == (not detail.owners)
    assert ("deprecated" in html) == detail.asset.deprecated


def test_the_impact_summary_lists_the_teams_to_notify(sample_graph):
    impact = sample_graph.impact(DEPRECATED)
    html = impact_html(impact)
    assert impact.teams and all(n.owner.name in html for n in impact.teams)
    assert f"{len(impact.affected)} assets affected" in html


def test_the_fallback_table_escapes_and_says_when_cut():
    sub = subgraph(
        [("model:<b>", "dataset:x", "trained_on")], ("model:<b>",), truncated=True, reason="depth 1 reached"
    )
    html = subgraph_table_html(sub)
    assert "<b>model:&lt;b&gt;</b>" in html and "Cut: depth 1 reached" in html
    assert "2 assets (1 model, 1 dataset), 1 edges" in html
