"""Every validation error: a clear message naming file, record and field; nothing written."""

from __future__ import annotations

import pytest
import yaml

import mlg
from mlg.validation import MAX_PROBLEMS
from tests.conftest import graph_content

BASE = """
owners:
  - {id: team-recs, kind: team}
assets:
  - {id: dataset:plays, kind: dataset, owners: [team-recs]}
  - {id: model:ranker, kind: model, trained_on: [dataset:plays]}
"""


@pytest.fixture
def loaded(graph, tmp_path):
    base = tmp_path / "base.yaml"
    base.write_text(BASE)
    graph.ingest(base)
    return graph


def reject(graph, tmp_path, text, name="bad.yaml", strict=False) -> str:
    """Ingest `text`, expect a rejection that leaves the graph as it was; return the message."""
    path = tmp_path / name
    path.write_text(text)
    before = graph_content(graph)
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest(path, strict=strict)
    assert graph_content(graph) == before
    message = str(caught.value)
    assert message.startswith("ingest rejected, nothing was written")
    assert str(path) in message
    return message


def test_unknown_kind(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets:\n  - {id: m2, kind: modle}\n")
    assert "assets[0] (id 'm2'), field 'kind': unknown kind 'modle' (did you mean 'model'?)" in msg


def test_missing_kind_and_id(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets:\n  - {id: m2}\n  - {kind: model}\n")
    assert "assets[0] (id 'm2'), field 'kind': is required" in msg
    assert "assets[1], field 'id': is required" in msg


def test_unknown_relation_type(loaded, tmp_path):
    msg = reject(
        loaded, tmp_path, "relations:\n  - {from: model:ranker, to: dataset:plays, type: trained_with}\n"
    )
    assert (
        "relations[0] (id 'model:ranker -trained_with-> dataset:plays'), field 'type': "
        "unknown relation type 'trained_with'"
    ) in msg


def test_unknown_inline_field_suggests_the_relation(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets:\n  - {id: m2, kind: model, trainedon: [dataset:plays]}\n")
    assert "assets[0] (id 'm2'), field 'trainedon': unknown field (did you mean 'trained_on'?)" in msg


def test_relation_between_kinds_the_type_does_not_allow(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets:\n  - {id: svc, kind: service, trained_on: [dataset:plays]}\n")
    assert (
        "assets[0] (id 'svc'), field 'trained_on[0]': a trained_on relation cannot go from a "
        "service ('svc') to a dataset ('dataset:plays'); trained_on allows model→dataset"
    ) in msg


def test_reference_to_unknown_asset_and_owner(loaded, tmp_path):
    # strict: no placeholders (tests/lifecycle/test_placeholders.py has the default)
    msg = reject(
        loaded,
        tmp_path,
        "assets:\n  - {id: m2, kind: model, trained_on: [dataset:nope], owners: [ghosts]}\n"
        "relations:\n  - {from: nowhere, to: dataset:plays, type: derived_from}\n",
        strict=True,
    )
    assert (
        "assets[0] (id 'm2'), field 'trained_on[0]': refers to asset 'dataset:nope', which is "
        "neither in this input nor in the graph"
    ) in msg
    assert (
        "assets[0] (id 'm2'), field 'owners[0]': refers to owner 'ghosts', which is neither "
        "in this input nor in the graph"
    ) in msg
    assert (
        "relations[0] (id 'nowhere -derived_from-> dataset:plays'), field 'from': refers to asset 'nowhere'"
    ) in msg


def test_references_to_the_graph_are_accepted(loaded, tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("assets:\n  - {id: m2, kind: model, based_on: [model:ranker], owners: [team-recs]}\n")
    assert loaded.ingest(path).assets_added == 1


def test_same_id_twice_with_conflicting_content(loaded, tmp_path):
    msg = reject(
        loaded,
        tmp_path,
        "assets:\n  - {id: d9, kind: dataset, domain: ads}\n  - {id: d9, kind: dataset, domain: search}\n",
    )
    assert (
        "assets[1] (id 'd9'), field 'domain': asset id given twice with different content: "
        f"conflicts with {tmp_path / 'bad.yaml'}: assets[0] (differs in domain)"
    ) in msg


def test_same_id_twice_identical_is_fine(loaded, tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text("assets:\n  - {id: d9, kind: dataset}\n  - {id: d9, kind: dataset}\n")
    assert loaded.ingest(path).assets_added == 1


def test_conflict_across_files(loaded, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("owners:\n  - {id: bob, kind: person, name: Bob}\n")
    b = tmp_path / "b.yaml"
    b.write_text("owners:\n  - {id: bob, kind: person, name: Robert}\n")
    with pytest.raises(
        mlg.IngestError,
        match=rf"{b}: owners\[0\] \(id 'bob'\), field 'name': "
        rf"owner id given twice with different content: conflicts with {a}",
    ):
        loaded.ingest([a, b])


@pytest.mark.parametrize(
    "field, value, expected",
    [
        ("tags", "pii", "field 'tags': expected a list of strings, got a string 'pii'"),
        ("tags", ["ok", 3], "field 'tags[1]': expected a non-empty string, got an integer 3"),
        ("description", 42, "field 'description': expected a string, got an integer 42"),
        ("props", ["a"], "field 'props': expected a mapping, got a list"),
        ("created_at", "last tuesday", "field 'created_at': 'last tuesday' is not an ISO-8601 timestamp"),
        ("owners", "team-recs", "field 'owners': expected a list of owner ids or {id, role} mappings"),
        ("trained_on", "dataset:plays", "field 'trained_on': expected a list of strings"),
        ("version", [1], "field 'version': expected a string, got a list"),
    ],
)
def test_wrong_value_types(loaded, tmp_path, field, value, expected):
    doc = {"assets": [{"id": "m3", "kind": "model", field: value}]}
    msg = reject(loaded, tmp_path, yaml.safe_dump(doc))
    assert f"assets[0] (id 'm3'), {expected}" in msg


def test_a_cycle_within_the_input_is_lineage(loaded, tmp_path):
    path = tmp_path / "cycle.yaml"
    path.write_text(
        "assets:\n  - {id: a, kind: dataset, derived_from: [b]}\n"
        "  - {id: b, kind: dataset, derived_from: [c]}\n"
        "  - {id: c, kind: dataset, derived_from: [a]}\n"
    )
    loaded.ingest(path)
    assert {e.target for e in loaded.lineage("a").relations} == {"a", "b", "c"}
    assert loaded.reuse_report().cycles == [("a", "b", "c")]


def test_a_cycle_through_the_graph_is_lineage(loaded, tmp_path):
    path = tmp_path / "m.yaml"
    path.write_text("assets:\n  - {id: d2, kind: dataset, derived_from: [dataset:plays]}\n")
    loaded.ingest(path)
    back = tmp_path / "back.yaml"
    back.write_text("relations:\n  - {from: dataset:plays, to: d2, type: derived_from}\n")
    loaded.ingest(back)
    assert [a.id for a in loaded.lineage("dataset:plays").assets].count("d2") == 1
    assert loaded.reuse_report().cycles == [("d2", "dataset:plays")]


def test_self_dependency(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets:\n  - {id: d3, kind: dataset, derived_from: [d3]}\n")
    assert "field 'derived_from[0]': an asset cannot depend on itself" in msg


def test_several_errors_reported_together_up_to_a_limit(loaded, tmp_path):
    doc = {"assets": [{"id": f"x{i}", "kind": "nonsense"} for i in range(MAX_PROBLEMS + 7)]}
    msg = reject(loaded, tmp_path, yaml.safe_dump(doc))
    assert f"({MAX_PROBLEMS + 7} problems)" in msg
    assert msg.count("unknown kind 'nonsense'") == MAX_PROBLEMS
    assert "... and 7 more problem(s)" in msg


def test_unparseable_files_and_wrong_shapes(loaded, tmp_path):
    msg = reject(loaded, tmp_path, "assets: [unclosed\n")
    assert "bad.yaml: file: is not valid YAML" in msg
    msg = reject(loaded, tmp_path, '{"assets": [}', name="bad.json")
    assert "bad.json: file: is not valid JSON" in msg
    msg = reject(loaded, tmp_path, "- just\n- a list\n")
    assert "document: must be a mapping with keys assets, owners and/or relations" in msg
    msg = reject(loaded, tmp_path, "assets: {id: x}\nextra: 1\n")
    assert "bad.yaml: assets: must be a list, not a mapping" in msg
    assert "bad.yaml: document, field 'extra': unknown top-level key" in msg


def test_missing_path(loaded, tmp_path):
    with pytest.raises(mlg.IngestError, match=r"nope.yaml: path: no such file or directory"):
        loaded.ingest(tmp_path / "nope.yaml")
