"""The widget without a browser: state after clicks delivered through the renderer's own
event path (the message the front end sends), on the real sample graph."""

from __future__ import annotations

import pickle
import time

import pytest

from mlg.errors import MlgError
from mlg.notebook import LineageDiagram
from mlg.notebook.diagram import DOUBLE_CLICK_S
from mlg.subgraph import NODE_COLUMNS, Subgraph
from tests.notebook.builders import DEPRECATED, HUB, RANKER, star


def classes(diagram: LineageDiagram, node_id: str) -> set[str]:
    return diagram.view.node_classes(node_id)


def test_a_lineage_result_remembers_its_graph_but_never_exports_it(sample_graph):
    sub = sample_graph.upstream(RANKER)
    assert sub._graph is sample_graph
    copy = pickle.loads(pickle.dumps(sub))
    assert copy._graph is None and copy == sub
    assert "_graph" not in sub.to_dict()


def test_the_diagram_draws_every_asset_and_edge_of_a_small_subgraph(sample_graph):
    sub = sample_graph.upstream(RANKER)
    diagram = LineageDiagram(sample_graph, sub)
    assert set(diagram.view.node_ids) == set(sub.ids) and diagram.more_nodes == {}
    assert len(diagram.view.edge_ids) == len(sub.relations)
    assert "root" in classes(diagram, RANKER)
    assert f"<b>{len(sub)}</b> assets" in diagram.banner.value
    assert "mlg-cut" not in diagram.banner.value


def test_small_diagrams_use_dagre_big_ones_layers_computed_in_python(sample_graph):
    small = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=2))
    assert len(small.view.node_ids) <= small.dagre_max
    assert small.view.widget.cytoscape_layout["name"] == "dagre"
    assert small.view.widget.cytoscape_layout["rankDir"] == "LR"
    big = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    assert len(big.view.node_ids) > big.dagre_max and big.view.layout_name == "preset"
    x = {i: big.view._nodes[i].position["x"] for i in big.view.node_ids}
    # data flows left to right: every dependency is drawn left of its dependent
    assert all(x[e.target] < x[e.source] for e in big.subgraph.relations)
    assert x[RANKER] == max(x.values())
    # expanding in place places the new assets too
    big.expand(RANKER, "down")
    assert all(big.view._nodes[i].position for i in big.view.node_ids)
    assert LineageDiagram(sample_graph, big.subgraph, dagre_max=1000).view.layout_name == "dagre"


def test_a_click_shows_properties_owners_and_tags_in_the_side_panel(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    diagram.click("dataset:recs.labeled_impressions")
    assert diagram.selected == "dataset:recs.labeled_impressions"
    panel = diagram.panel.value
    assert "data-asset-id='dataset:recs.labeled_impressions'" in panel
    assert "Recs Ranking" in panel and "tier-1" in panel
    assert "selected" in classes(diagram, "dataset:recs.labeled_impressions")
    assert not any(b.disabled for b in diagram.expand_buttons.values())


def test_a_double_click_expands_the_neighbours_fetched_from_the_graph(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    before = set(diagram.subgraph.ids)
    diagram.click(RANKER)
    diagram.click(RANKER)  # well within DOUBLE_CLICK_S
    dependents = {n.asset.id for n in sample_graph.neighbours(RANKER, "down")}
    assert dependents and dependents.isdisjoint(before)
    assert set(diagram.subgraph.ids) == before | dependents
    assert dependents <= set(diagram.view.node_ids)
    assert any(e.target == RANKER and e.source in dependents for e in diagram.subgraph.relations)
    assert "expanded" in diagram.status.value


def test_two_slow_clicks_only_select(sample_graph, monkeypatch):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    clock = iter([100.0, 100.0 + DOUBLE_CLICK_S + 0.1, 200.0])
    monkeypatch.setattr(time, "monotonic", lambda: next(clock))
    diagram.click(RANKER)
    diagram.click(RANKER)
    assert len(diagram.subgraph) == len(diagram.base)


def test_the_panel_buttons_expand_the_selected_asset(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1))
    diagram.click("model:recs.home_ranker@3")
    diagram.expand_buttons["up"].click()
    ups = {n.asset.id for n in sample_graph.neighbours("model:recs.home_ranker@3", "up")}
    assert ups <= set(diagram.view.node_ids)


def test_above_the_cap_fan_out_folds_into_more_nodes_that_unfold_on_click(sample_graph):
    sub = sample_graph.downstream(HUB)
    assert len(sub) > 300
    diagram = LineageDiagram(sample_graph, sub)
    more = diagram.more_nodes
    assert more and len(diagram.view.node_ids) <= 330  # the cap, give or take "+N more"
    assert len(diagram.shown) + sum(more.values()) == len(sub)
    assert set(diagram.view.node_ids) == diagram.shown | set(more)
    assert "folded into" in diagram.banner.value and "mlg-cut" in diagram.banner.value
    more_id, count = max(more.items(), key=lambda item: item[1])
    assert diagram.view.node_data(more_id)["label"] == f"+{count} more"
    shown = diagram.shown
    diagram.click(more_id)
    assert len(diagram.shown) > len(shown)
    assert diagram.more_nodes.get(more_id, 0) < count
    assert (diagram.shown - shown) <= set(diagram.view.node_ids)


def test_the_cap_and_the_fan_out_are_settable():
    diagram = LineageDiagram(None, star(80), cap=20, fanout=10)
    assert len(diagram.shown) == 11 and diagram.more_nodes == {"more:up:model:root": 70}
    for _ in range(10):
        if not diagram.more_nodes:
            break
        diagram.click("more:up:model:root")
    assert diagram.more_nodes == {} and len(diagram.view.node_ids) == 81


def test_to_dataframes_hands_the_current_subgraph_back(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    diagram.expand(RANKER, "down")
    diagram.toolbar.frames.click()
    assert tuple(diagram.nodes.columns) == NODE_COLUMNS
    assert set(diagram.nodes["id"]) == set(diagram.subgraph.ids)
    assert len(diagram.edges) == len(diagram.subgraph.relations)
    assert "diagram.nodes</b> (" in diagram.frames.value
    nodes, edges = diagram.to_dataframes()
    assert nodes.equals(diagram.nodes) and edges.equals(diagram.edges)


def test_the_impact_view_colours_what_breaks_and_lists_the_teams(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.lineage(DEPRECATED, "both"))
    diagram.click(DEPRECATED)
    diagram.toolbar.impact.click()
    impact = diagram.impact
    assert impact is not None and impact.asset.id == DEPRECATED
    assert "impact-source" in classes(diagram, DEPRECATED)
    near = [a.asset.id for a in impact.affected if a.distance == 1]
    far = [a.asset.id for a in impact.affected if a.distance > 1]
    assert near and far
    assert all("impact-near" in classes(diagram, i) for i in near)
    assert all("impact-far" in classes(diagram, i) for i in far if i in diagram.shown)
    upstream_only = [e.target for e in diagram.subgraph.relations if e.source == DEPRECATED]
    assert all("impact-spared" in classes(diagram, i) for i in upstream_only)
    assert all(n.owner.name in diagram.panel.value for n in impact.teams)
    diagram.clear_impact()
    assert not any(c.startswith("impact") for c in classes(diagram, DEPRECATED))


def test_search_to_focus_highlights_and_unfolds(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.downstream(HUB))
    hidden = next(iter(set(diagram.subgraph.ids) - diagram.shown))
    diagram.toolbar.search.value = hidden
    assert hidden in diagram.shown and "focus" in classes(diagram, hidden)
    assert diagram.selected == hidden
    elsewhere = "dataset:raw.user_profiles"  # in the graph, not downstream of the hub
    diagram.toolbar.search.value = elsewhere
    assert "Not in this diagram" in diagram.panel.value and elsewhere in diagram.panel.value
    diagram.toolbar.search.value = "zzqqxxyy"
    assert "No asset matches" in diagram.panel.value


def test_direction_depth_and_kinds_query_the_graph_again(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    assert diagram.toolbar.direction.value == "up"
    diagram.toolbar.depth.value = 1
    assert set(diagram.subgraph.ids) == set(sample_graph.upstream(RANKER, depth=1).ids)
    diagram.toolbar.direction.value = "both"
    assert set(diagram.subgraph.ids) == set(sample_graph.lineage(RANKER, "both", depth=1).ids)
    diagram.toolbar.kinds["workflow"].value = False
    assert not any(a.kind == "workflow" for a in diagram.subgraph.assets)
    assert all("kind-workflow" not in classes(diagram, i) for i in diagram.view.node_ids)
    diagram.toolbar.reset.click()
    assert diagram.subgraph is diagram.base


def test_relation_labels_toggle_restyles_the_canvas(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1))
    diagram.toolbar.relations.value = True
    edge_styles = [s["style"] for s in diagram.view.widget.cytoscape_style if s["selector"] == "edge"]
    assert {"label": "data(label)"} in edge_styles


def test_without_a_graph_the_diagram_still_draws_and_selects():
    sub = star(5)
    assert sub._graph is None
    diagram = LineageDiagram(None, sub)
    assert diagram.toolbar.direction.disabled and diagram.toolbar.impact.disabled
    diagram.click("dataset:d0001")
    assert "dataset:d0001" in diagram.panel.value
    with pytest.raises(MlgError, match="no graph"):
        diagram.expand("dataset:d0001")
    diagram.click("dataset:d0001")  # a double click: the error goes to the status line
    assert "no graph" in diagram.status.value


def test_outside_a_kernel_a_subgraph_displays_as_a_table(sample_graph):
    sub = sample_graph.upstream(RANKER, depth=1)
    bundle = sub._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == repr(sub) and RANKER in bundle["text/html"]
    assert set(sub._repr_mimebundle_(include=["text/html"])) == {"text/html"}
    assert set(sub._repr_mimebundle_(exclude=["text/html"])) == {"text/plain"}


def test_merging_keeps_the_graph_for_expansion(sample_graph):
    merged = Subgraph.merge([sample_graph.upstream(RANKER, depth=1)])
    diagram = LineageDiagram(sample_graph, merged)
    assert diagram.graph is sample_graph


def test_hovering_an_edge_names_its_relation(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1))
    edge_id = next(i for i in diagram.view.edge_ids if ":trained_on" in i)
    data = dict(diagram.view._edges[edge_id].data)
    # the message the front end sends on a Cytoscape.js "mouseover" of an edge
    diagram.view.widget._handle_custom_msg(
        {"event": "mouseover", "widget": "edge", "data": {"group": "edges", "data": data}}, []
    )
    assert "<b>trained_on</b>" in diagram.status.value
    assert RANKER in diagram.status.value
