"""The widget without a browser: state after clicks delivered through the renderer's own
event path (the messages the front end sends), on the real sample graph.

After every action the scene sent to the page must be exactly the diagram's state:
the assets drawn, one "+N more" node per folded group, the edges among them.
"""

from __future__ import annotations

import pickle

import pytest

from mlg.errors import MlgError
from mlg.notebook import LineageDiagram
from mlg.notebook.cytoscape_view import FIT, KEEP
from mlg.notebook.diagram import CANVAS_WIDTH, MIN_LABEL_PX
from mlg.notebook.elements import FONT_PX
from mlg.notebook.layout import RANK_SEP, fit_zoom
from mlg.subgraph import NODE_COLUMNS, Subgraph
from tests.notebook.builders import DEPRECATED, HUB, RANKER, star


def classes(diagram: LineageDiagram, node_id: str) -> set[str]:
    return diagram.view.node_classes(node_id)


def scene(diagram: LineageDiagram) -> tuple[set[str], set[tuple[str, str]]]:
    sent = diagram.view.widget.scene
    return (
        {n["data"]["id"] for n in sent["nodes"]},
        {(e["data"]["source"], e["data"]["target"]) for e in sent["edges"]},
    )


def assert_drawing_is_the_data(diagram: LineageDiagram) -> None:
    """What the page is told to draw is the Python state, nothing more or less."""
    nodes, edges = scene(diagram)
    sub = diagram.subgraph
    assert nodes == diagram.shown | set(diagram.more_nodes)
    assert diagram.shown | diagram.folded == set(sub.ids)
    assert not diagram.shown & diagram.folded
    assert sum(diagram.more_nodes.values()) == len(diagram.folded)
    among = {(e.source, e.target) for e in sub.relations if {e.source, e.target} <= diagram.shown}
    assert {e for e in edges if not any(v.startswith("more:") for v in e)} == among
    more_edges = {e for e in edges if any(v.startswith("more:") for v in e)}
    assert len(more_edges) == sum(1 for g in diagram._groups.values() if g.anchor)
    assert diagram.selected is None or diagram.selected in diagram.shown
    if diagram.selected is None:
        assert "Click an asset" in diagram.panel.value or "mlg-impact" in diagram.panel.value


def label_px_at_fit(diagram: LineageDiagram) -> float:
    positions = {i: diagram.view.node_position(i) for i in diagram.view.node_ids}
    return min(fit_zoom(positions, CANVAS_WIDTH, 560), 1.25) * FONT_PX


def test_a_lineage_result_remembers_its_graph_but_never_exports_it(sample_graph):
    sub = sample_graph.upstream(RANKER)
    assert sub._graph is sample_graph
    copy = pickle.loads(pickle.dumps(sub))
    assert copy._graph is None and copy == sub
    assert "_graph" not in sub.to_dict()


def test_the_diagram_draws_every_asset_and_edge_of_a_small_subgraph(sample_graph):
    sub = sample_graph.upstream("model:recs.home_ranker@3", depth=1, kinds=["dataset", "model"])
    diagram = LineageDiagram(sample_graph, sub)
    assert set(diagram.view.node_ids) == set(sub.ids) and diagram.more_nodes == {}
    assert len(diagram.view.edge_ids) == len(sub.relations)
    assert "root" in classes(diagram, "model:recs.home_ranker@3")
    assert f"<b>{len(sub)}</b> assets" in diagram.banner.value
    assert "folded" not in diagram.banner.value
    assert diagram.view.view == FIT
    assert_drawing_is_the_data(diagram)


@pytest.mark.parametrize("root, direction", [(RANKER, "up"), (HUB, "down"), (DEPRECATED, "both")])
def test_the_first_view_is_readable_at_fit_with_the_rest_folded(sample_graph, root, direction):
    sub = sample_graph.lineage(root, direction)
    diagram = LineageDiagram(sample_graph, sub)
    assert label_px_at_fit(diagram) >= MIN_LABEL_PX
    assert len(diagram.shown) >= 5
    if diagram.folded:
        assert "folded into" in diagram.banner.value
    assert_drawing_is_the_data(diagram)
    # the whole of it at once is not readable: that is why it was folded
    everything = LineageDiagram(sample_graph, sub, readable=False)
    assert len(everything.shown) > len(diagram.shown)
    assert label_px_at_fit(everything) < MIN_LABEL_PX


def test_columns_are_hops_from_the_root_upstream_on_the_left(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.lineage(DEPRECATED, "both"), readable=False)
    x = {i: diagram.view.node_position(i)[0] for i in diagram.view.node_ids}
    assert x[DEPRECATED] == 0
    tree = diagram._tree
    assert all(x[i] == tree.column[i] * RANK_SEP for i in diagram.shown)
    ups = [e.target for e in diagram.subgraph.relations if e.source == DEPRECATED]
    downs = [e.source for e in diagram.subgraph.relations if e.target == DEPRECATED]
    assert ups and downs
    assert all(x[i] < 0 for i in ups) and all(x[i] > 0 for i in downs)


def test_a_click_shows_the_asset_and_highlights_its_neighbourhood(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER), readable=False)
    target = "dataset:recs.labeled_impressions"
    diagram.click(target)
    assert diagram.selected == target
    panel = diagram.panel.value
    assert f"data-asset-id='{target}'" in panel
    assert "Recs Ranking" in panel and "tier-1" in panel
    assert "selected" in classes(diagram, target)
    rel = diagram.subgraph.relations
    near = {e.target for e in rel if e.source == target} | {e.source for e in rel if e.target == target}
    assert near
    assert all("neighbour" in classes(diagram, i) for i in near)
    others = diagram.shown - near - {target}
    assert others and all("dimmed" in classes(diagram, i) for i in others)
    assert not any(b.disabled for b in diagram.expand_buttons.values())
    assert diagram.view.view == KEEP
    assert_drawing_is_the_data(diagram)
    diagram.view.deliver({"event": "tap-background"})
    assert diagram.selected is None
    assert not any({"dimmed", "neighbour"} & classes(diagram, i) for i in diagram.view.node_ids)


def test_a_double_click_expands_in_place_keeping_the_view_and_marking_what_was_added(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    before = set(diagram.subgraph.ids)
    positions = {i: diagram.view.node_position(i) for i in diagram.shown}
    diagram.double_click(RANKER)
    dependents = {n.asset.id for n in sample_graph.neighbours(RANKER, "down")}
    assert dependents and dependents.isdisjoint(before)
    assert set(diagram.subgraph.ids) == before | dependents
    assert dependents <= set(diagram.view.node_ids)
    assert any(e.target == RANKER and e.source in dependents for e in diagram.subgraph.relations)
    assert "expanded" in diagram.status.value
    assert diagram.view.view == KEEP
    # nothing drawn before moved; the new ones are marked and sit right of the ranker
    assert all(diagram.view.node_position(i) == p for i, p in positions.items())
    assert diagram.added == dependents
    assert all("added" in classes(diagram, i) for i in dependents)
    rx = diagram.view.node_position(RANKER)[0]
    assert all(diagram.view.node_position(i)[0] > rx for i in dependents)
    assert len({diagram.view.node_position(i) for i in diagram.view.node_ids}) == len(diagram.view.node_ids)
    assert_drawing_is_the_data(diagram)


def test_the_panel_buttons_expand_the_selected_asset(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1), readable=False)
    diagram.click("model:recs.home_ranker@3")
    diagram.expand_buttons["up"].click()
    ups = {n.asset.id for n in sample_graph.neighbours("model:recs.home_ranker@3", "up")}
    assert ups <= set(diagram.view.node_ids)
    assert_drawing_is_the_data(diagram)


def test_above_the_cap_fan_out_folds_into_more_nodes_that_unfold_on_click(sample_graph):
    sub = sample_graph.downstream(HUB)
    assert len(sub) > 300
    diagram = LineageDiagram(sample_graph, sub, readable=False)
    more = diagram.more_nodes
    assert more and len(diagram.view.node_ids) <= 330  # the cap, give or take "+N more"
    assert len(diagram.shown) + sum(more.values()) == len(sub)
    assert set(diagram.view.node_ids) == diagram.shown | set(more)
    assert "folded into" in diagram.banner.value and "mlg-cut" in diagram.banner.value
    more_id, count = max(more.items(), key=lambda item: item[1])
    assert diagram.view.node_data(more_id)["label"] == f"+{count} more"
    shown = diagram.shown
    positions = {i: diagram.view.node_position(i) for i in diagram.view.node_ids}
    diagram.click(more_id)
    assert len(diagram.shown) > len(shown)
    assert diagram.more_nodes.get(more_id, 0) < count
    assert (diagram.shown - shown) <= set(diagram.view.node_ids)
    assert diagram.added == diagram.shown - shown
    assert diagram.view.view == KEEP
    assert all(diagram.view.node_position(i) == p for i, p in positions.items() if i in diagram.view.node_ids)
    assert_drawing_is_the_data(diagram)


def test_the_cap_and_the_fan_out_are_settable():
    diagram = LineageDiagram(None, star(80), cap=20, fanout=10, readable=False)
    assert len(diagram.shown) == 11 and diagram.more_nodes == {"more:up:model:root": 70}
    for _ in range(10):
        if not diagram.more_nodes:
            break
        diagram.click("more:up:model:root")
    assert diagram.more_nodes == {} and len(diagram.view.node_ids) == 81
    assert_drawing_is_the_data(diagram)


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
    diagram = LineageDiagram(sample_graph, sample_graph.lineage(DEPRECATED, "both"), readable=False)
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
    assert_drawing_is_the_data(diagram)
    diagram.clear_impact()
    assert not any(c.startswith("impact") for c in classes(diagram, DEPRECATED))


def test_find_unfolds_highlights_selects_and_brings_the_matches_into_view(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.downstream(HUB))
    hidden = next(iter(sorted(diagram.folded)))
    diagram.toolbar.search.value = hidden
    assert hidden in diagram.shown and "focus" in classes(diagram, hidden)
    assert diagram.selected == hidden
    assert diagram.view.view == {"focus": [hidden]}
    assert "1 asset match" in diagram.status.value
    assert_drawing_is_the_data(diagram)
    elsewhere = "dataset:raw.user_profiles"  # in the graph, not downstream of the hub
    diagram.toolbar.search.value = elsewhere
    assert "Not in this diagram" in diagram.panel.value and elsewhere in diagram.panel.value
    diagram.toolbar.search.value = "zzqqxxyy"
    assert "No asset matches" in diagram.panel.value
    assert_drawing_is_the_data(diagram)


def test_direction_depth_and_kinds_query_the_graph_again_and_fit_the_new_drawing(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    assert diagram.toolbar.direction.value == "up"
    diagram.toolbar.depth.value = 1
    assert set(diagram.subgraph.ids) == set(sample_graph.upstream(RANKER, depth=1).ids)
    assert diagram.view.view == FIT
    assert_drawing_is_the_data(diagram)
    diagram.click(next(iter(diagram.shown - {RANKER})))
    diagram.toolbar.direction.value = "down"
    # the asset in the side panel is not drawn any more: the panel lets it go
    assert diagram.selected is None and "Click an asset" in diagram.panel.value
    assert set(diagram.subgraph.ids) == set(sample_graph.downstream(RANKER, depth=1).ids)
    assert diagram.view.view == FIT
    assert_drawing_is_the_data(diagram)
    diagram.toolbar.direction.value = "both"
    assert set(diagram.subgraph.ids) == set(sample_graph.lineage(RANKER, "both", depth=1).ids)
    diagram.toolbar.kinds["workflow"].value = False
    assert not any(a.kind == "workflow" for a in diagram.subgraph.assets)
    assert all("kind-workflow" not in classes(diagram, i) for i in diagram.view.node_ids)
    assert_drawing_is_the_data(diagram)


def test_turning_a_kind_off_and_on_draws_exactly_the_new_subgraph(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    first = set(diagram.subgraph.ids)
    diagram.toolbar.kinds["feature"].value = False
    assert not any(a.kind == "feature" for a in diagram.subgraph.assets)
    kinds = [k for k in diagram.toolbar.kinds if k != "feature"]
    assert set(diagram.subgraph.ids) == set(sample_graph.upstream(RANKER, kinds=kinds).ids)
    assert_drawing_is_the_data(diagram)
    diagram.toolbar.kinds["feature"].value = True
    assert set(diagram.subgraph.ids) == first
    assert_drawing_is_the_data(diagram)


def test_reset_goes_back_to_the_first_view_and_the_toolbar_as_it_was(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    first_nodes, first_edges = scene(diagram)
    diagram.toolbar.kinds["feature"].value = False
    diagram.toolbar.direction.value = "both"
    diagram.toolbar.depth.value = 2
    diagram.click(next(iter(diagram.shown - {RANKER})))
    serial = diagram.view.serial
    diagram.toolbar.reset.click()
    assert diagram.view.serial == serial + 1  # one redraw, not one per control put back
    assert diagram.subgraph is diagram.initial
    assert diagram.toolbar.direction.value == "up" and diagram.toolbar.depth.value == 0
    assert all(b.value for b in diagram.toolbar.kinds.values())
    assert diagram.selected is None and diagram.view.view == FIT
    assert scene(diagram) == (first_nodes, first_edges)
    assert_drawing_is_the_data(diagram)


def test_fit_resends_the_same_drawing_to_be_fitted(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    diagram.double_click(RANKER)
    before = scene(diagram)
    diagram.toolbar.fit.click()
    assert diagram.view.view == FIT and scene(diagram) == before
    assert_drawing_is_the_data(diagram)


def test_the_busy_mark_is_up_while_an_action_runs(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    seen = []
    diagram.view.widget.observe(lambda c: seen.append(c["new"]), names="busy")
    diagram.toolbar.depth.value = 2
    assert seen == [True, False]


def test_relation_labels_toggle_restyles_the_canvas(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1))
    diagram.toolbar.relations.value = True
    edge_styles = [s["style"] for s in diagram.view.widget.stylesheet if s["selector"] == "edge"]
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
    diagram.double_click("dataset:d0001")  # the error goes to the status line
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


def test_hovering_an_edge_names_its_relation_in_the_cli_direction(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER, depth=1))
    edge_id = next(i for i in diagram.view.edge_ids if ":trained_on" in i)
    data = diagram.view.edge_data(edge_id)
    assert data["source"] == RANKER  # the model, pointing at the dataset it is trained on
    diagram.view.deliver({"event": "hover", "data": data})
    assert f"{RANKER} <b>-trained_on-&gt;</b>" in diagram.status.value


def test_the_first_view_is_planned_again_for_the_size_the_page_reports(sample_graph):
    diagram = LineageDiagram(sample_graph, sample_graph.upstream(RANKER))
    narrow = diagram.shown
    serial = diagram.view.serial
    diagram.view.deliver({"event": "drawn", "serial": serial, "width": 2400, "height": 2600})
    assert diagram.view.serial == serial + 1 and diagram.view.view == FIT
    assert len(diagram.shown) > len(narrow)
    assert_drawing_is_the_data(diagram)
    diagram.click(RANKER)
    shown, serial = diagram.shown, diagram.view.serial
    diagram.view.deliver({"event": "drawn", "serial": serial, "width": 700, "height": 500})
    assert diagram.shown == shown and diagram.view.serial == serial  # the user acted: left be
    diagram.toolbar.reset.click()  # plans for the size last reported
    assert diagram._planned_for == (700, 500)
    assert_drawing_is_the_data(diagram)


def test_a_cap_above_the_default_draws_that_many():
    from tests.notebook.builders import tree

    diagram = LineageDiagram(None, tree(500), cap=1000, readable=False)
    assert len(diagram.shown) == 500 and diagram.more_nodes == {}
    assert_drawing_is_the_data(diagram)


def test_a_path_result_is_drawn_whole(sample_graph):
    result = sample_graph.path_between("service:home-feed-api", HUB)
    diagram = LineageDiagram(None, result.subgraph, height="360px")
    assert diagram.shown == set(result.subgraph.ids) and diagram.more_nodes == {}
    assert_drawing_is_the_data(diagram)
