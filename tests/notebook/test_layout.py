"""Layered positions computed in Python: left to right, one column per layer."""

from __future__ import annotations

import random

from mlg.notebook.layout import NODE_SEP, RANK_SEP, layered_positions


def test_a_chain_runs_left_to_right_on_one_line():
    ids = ["a", "b", "c", "d"]
    pos = layered_positions(ids, [("a", "b"), ("b", "c"), ("c", "d")])
    assert [pos[i] for i in ids] == [(i * RANK_SEP, 0.0) for i in range(4)]


def test_every_edge_points_right_and_columns_are_centred():
    rng = random.Random(7)
    ids = [f"n{i}" for i in range(300)]
    edges = [(f"n{j}", f"n{i}") for i in range(1, 300) for j in rng.sample(range(i), min(i, 2))]
    pos = layered_positions(ids, edges)
    assert set(pos) == set(ids)
    assert all(pos[s][0] < pos[t][0] for s, t in edges)
    columns: dict[float, list[float]] = {}
    for x, y in pos.values():
        columns.setdefault(x, []).append(y)
    for ys in columns.values():
        ys.sort()
        assert abs(ys[0] + ys[-1]) < 1e-6  # centred on y = 0
        assert all(b - a == NODE_SEP for a, b in zip(ys, ys[1:]))


def test_inputs_sit_next_to_their_first_consumer():
    # "late" feeds only the last step: it is drawn just before it, not at the far left
    edges = [("a", "b"), ("b", "c"), ("c", "d"), ("late", "d")]
    pos = layered_positions(["a", "b", "c", "d", "late"], edges)
    assert pos["late"][0] == pos["c"][0]


def test_barycentres_untangle_two_crossing_pairs():
    pos = layered_positions(["a", "b", "x", "y"], [("a", "y"), ("b", "x")])
    assert (pos["a"][1] < pos["b"][1]) == (pos["y"][1] < pos["x"][1])


def test_a_cycle_does_not_break_the_layout():
    pos = layered_positions(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a")])
    assert set(pos) == {"a", "b", "c"}


def test_it_is_deterministic():
    edges = [("a", "c"), ("b", "c"), ("c", "d")]
    assert layered_positions("abcd", edges) == layered_positions("abcd", edges)


def test_new_nodes_are_placed_beside_what_they_attach_to_and_nothing_else_moves():
    from mlg.notebook.layout import NODE_SEP, RANK_SEP, place_new

    placed = {"a": (0.0, 0.0), "b": (RANK_SEP, 0.0)}
    edges = [("n1", "a"), ("n2", "a"), ("b", "n3"), ("n4", "n1")]
    out = place_new(placed, ["a", "b", "n1", "n2", "n3", "n4", "lonely"], edges)
    assert out["a"] == placed["a"] and out["b"] == placed["b"]
    assert out["n1"][0] == out["n2"][0] == -RANK_SEP  # drawn left of what they point to
    assert out["n3"][0] == 2 * RANK_SEP and out["n4"][0] == -2 * RANK_SEP
    column = sorted(y for v, (x, y) in out.items() if x == -RANK_SEP)
    assert all(b - a >= NODE_SEP * 0.9 for a, b in zip(column, column[1:]))
    assert out["lonely"][0] > max(x for v, (x, _) in out.items() if v != "lonely")
    # `near` wins when a new node links to several drawn ones
    both = place_new(placed, ["n5"], [("n5", "a"), ("b", "n5")], near="b")
    assert both["n5"][0] == 2 * RANK_SEP


def test_fit_zoom_is_what_fits_the_canvas():
    from mlg.notebook.layout import fit_zoom

    small = fit_zoom({"a": (0, 0), "b": (100, 0)}, 900, 560)
    big = fit_zoom({f"n{i}": (0, i * 60.0) for i in range(60)}, 900, 560)
    assert small > 1 > big
