"""The cap: above it, fan-out folds into "+N more" groups that unfold step by step."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from mlg.notebook import collapse
from mlg.notebook.collapse import DETACHED, SpanningTree, fold, initial_shown
from mlg.subgraph import Subgraph
from tests.notebook.builders import star, subgraph, tree


def test_everything_is_shown_up_to_the_cap():
    sub = tree(300)
    t = SpanningTree.of(sub)
    shown, groups = fold(t, initial_shown(t, cap=300))
    assert shown == set(sub.ids) and groups == []


def test_fan_out_above_the_cap_folds_into_one_more_group():
    sub = star(1000)
    t = SpanningTree.of(sub)
    shown, groups = fold(t, initial_shown(t, cap=300, fanout=25))
    assert len(shown) == 26 and "model:root" in shown
    [group] = groups
    assert (group.anchor, group.direction, group.count) == ("model:root", "up", 975)
    assert group.id == "more:up:model:root"
    assert collapse.parse_more_id(group.id) == ("model:root", "up")
    # the first 25 children, in name order, are the ones shown
    assert sorted(shown - {"model:root"}) == [f"dataset:d{i:04d}" for i in range(25)]


def test_expanding_a_group_reveals_the_next_children_until_none_is_left():
    sub = star(60, "down")
    t = SpanningTree.of(sub)
    shown, [group] = fold(t, initial_shown(t, cap=30, fanout=25))
    assert group.direction == "down" and group.count == 35
    shown, [group] = fold(t, collapse.expand_group(t, shown, group, step=25))
    assert len(shown) == 51 and group.count == 10
    shown, groups = fold(t, collapse.expand_group(t, shown, group, step=25))
    assert shown == set(sub.ids) and groups == []


def test_a_group_hiding_a_single_asset_shows_it_instead():
    # the root shows 5 of its 6 datasets (fanout), k0 shows 4 of its 10 sources (cap)
    edges = [("model:root", f"dataset:k{i}", "trained_on") for i in range(6)]
    edges += [("dataset:k0", f"dataset:c{i}", "derived_from") for i in range(10)]
    sub = subgraph(edges, ("model:root",))
    t = SpanningTree.of(sub)
    first = initial_shown(t, cap=12, fanout=5)
    assert sorted(g.count for g in collapse.more_groups(t, first)) == [1, 6]
    shown, groups = fold(t, first)
    # "+1 more" would cost what the asset costs: the asset is shown instead
    assert "dataset:k5" in shown and [g.count for g in groups] == [6]
    assert len(shown) + len(groups) == 12


def test_hidden_subtrees_count_towards_their_nearest_shown_ancestor():
    sub = tree(400, fanout=3)
    t = SpanningTree.of(sub)
    first = initial_shown(t, cap=300, fanout=25)
    assert 280 <= len(first) + len(collapse.more_groups(t, first)) <= 300
    shown, groups = fold(t, first)
    assert len(shown) + len(groups) <= 300
    hidden = [h for g in groups for h in g.hidden]
    assert len(hidden) == len(set(hidden)) == 400 - len(shown)
    for g in groups:
        assert g.anchor in shown and all(t.parent[c] == g.anchor for c in g.children)


def test_parts_not_connected_to_the_roots_are_not_lost():
    edges = [("model:root", f"dataset:d{i}", "trained_on") for i in range(5)]
    edges += [(f"model:other{i}", f"dataset:x{i}", "trained_on") for i in range(5)]
    sub = subgraph(edges, ("model:root",))
    t = SpanningTree.of(sub)
    shown, groups = fold(t, initial_shown(t, cap=8, fanout=25))
    assert {"model:root", *[f"dataset:d{i}" for i in range(5)]} <= shown
    detached = [g for g in groups if g.direction == DETACHED]
    assert len(shown) + sum(g.count for g in groups) == len(sub)
    assert detached and detached[0].anchor == ""


def test_reveal_unfolds_the_tree_path_to_an_asset():
    sub = tree(400, fanout=3)
    t = SpanningTree.of(sub)
    shown = initial_shown(t, cap=50, fanout=3)
    deep = "dataset:d0399"
    assert deep not in shown
    revealed = collapse.reveal(t, shown, [deep])
    path, v = [], deep
    while v not in shown:
        path.append(v)
        v = t.parent[v]
    assert revealed == shown | set(path)


def test_new_assets_join_while_under_the_cap_else_a_fanout_of_them():
    assert collapse.add_new({"a"}, ["b", "c"], cap=3, fanout=1) == {"a", "b", "c"}
    assert collapse.add_new({"a"}, ["b", "c", "d"], cap=3, fanout=1) == {"a", "b"}


@st.composite
def random_dags(draw):
    n = draw(st.integers(2, 120))
    rng = random.Random(draw(st.integers(0, 10_000)))
    edges = []
    for i in range(1, n):
        for j in rng.sample(range(i), k=min(i, rng.randint(0, 3))):
            edges.append((f"dataset:n{j:03d}", f"dataset:n{i:03d}", "derived_from"))
    extra = [f"dataset:n{i:03d}" for i in range(n)]
    return subgraph(edges, ("dataset:n000",), extra=extra)


@settings(max_examples=60, deadline=None)
@given(random_dags(), st.integers(1, 60), st.integers(1, 10))
def test_every_asset_is_either_drawn_or_counted_in_exactly_one_group(sub: Subgraph, cap, fanout):
    t = SpanningTree.of(sub)
    first = initial_shown(t, cap, fanout)
    # the "+N more" nodes count towards the cap (a root, its two groups, the detached)
    assert len(first) + len(collapse.more_groups(t, first)) <= max(cap, 4)
    shown, groups = fold(t, first)
    hidden = [h for g in groups for h in g.hidden]
    assert len(hidden) == len(set(hidden))
    assert set(hidden).isdisjoint(shown) and set(hidden) | shown == set(sub.ids)
    assert all(g.count >= 2 for g in groups)
    # unfolding every group, again and again, ends with everything shown
    for _ in range(len(sub)):
        if not groups:
            break
        shown, groups = fold(t, collapse.expand_group(t, shown, groups[0], fanout))
    assert shown == set(sub.ids)
