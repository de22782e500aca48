"""Who uses this, and the reuse / governance report."""

from __future__ import annotations

import pytest

import mlg
from mlg.batch import Batch
from mlg.frames import string_dtype

OWNERS = [
    {"id": "team-data", "kind": "team", "name": "Data"},
    {"id": "team-ml", "kind": "team", "name": "ML"},
]
#   raw (deprecated) <- clean <- f, m1 (tier-1), m2 ;  f <- m1 ;  m1 <- svc ;  m2 <- ev
#   other <- m2
ASSETS = [
    {"id": "dataset:raw", "kind": "dataset", "name": "raw", "tags": ["deprecated"], "owners": ["team-data"]},
    {
        "id": "dataset:clean",
        "kind": "dataset",
        "name": "clean",
        "owners": ["team-data"],
        "derived_from": ["dataset:raw"],
    },
    {"id": "dataset:other", "kind": "dataset", "name": "other"},
    {
        "id": "feature:f",
        "kind": "feature",
        "name": "f",
        "owners": ["team-ml"],
        "computed_from": ["dataset:clean"],
    },
    {
        "id": "model:m1",
        "kind": "model",
        "name": "m1",
        "tags": ["tier-1"],
        "owners": ["team-ml"],
        "trained_on": ["dataset:clean"],
        "uses_feature": ["feature:f"],
    },
    {
        "id": "model:m2",
        "kind": "model",
        "name": "m2",
        "owners": ["team-ml"],
        "trained_on": ["dataset:clean", "dataset:other"],
    },
    {"id": "service:svc", "kind": "service", "name": "svc", "serves": ["model:m1"]},
    {
        "id": "evaluation:ev",
        "kind": "evaluation",
        "name": "ev",
        "owners": ["team-ml"],
        "evaluates": ["model:m2"],
    },
]


@pytest.fixture
def estate(graph):
    graph.ingest_batch(Batch.from_records(assets=ASSETS, owners=OWNERS))
    return graph


def test_consumers_direct_and_downstream_by_kind(estate):
    result = estate.consumers("raw")  # a name works as well as an id
    assert result.asset.id == "dataset:raw"
    assert [(c.asset.id, c.relation, [o.id for o in c.owners]) for c in result.direct] == [
        ("dataset:clean", "derived_from", ["team-data"])
    ]
    assert result.downstream_by_kind == {
        "dataset": 1,
        "evaluation": 1,
        "feature": 1,
        "model": 2,
        "service": 1,
    }
    assert result.downstream_total == 6 and not result.truncated

    clean = estate.consumers("dataset:clean")
    assert sorted((c.asset.id, c.relation) for c in clean.direct) == [
        ("feature:f", "computed_from"),
        ("model:m1", "trained_on"),
        ("model:m2", "trained_on"),
    ]
    assert clean.downstream_total == 5
    assert estate.consumers("service:svc").downstream_total == 0


def test_consumers_conversions(estate):
    result = estate.consumers("dataset:clean")
    data = result.to_dict()
    assert data["asset"]["id"] == "dataset:clean" and data["downstream_total"] == 5
    assert {d["id"] for d in data["direct"]} == {"feature:f", "model:m1", "model:m2"}
    frame = result.to_pandas()
    assert list(frame.columns) == ["id", "kind", "name", "relation", "owners"]
    assert frame["id"].dtype == string_dtype() and frame["owners"].tolist()[0] == ["team-ml"]
    empty = estate.consumers("service:svc").to_pandas()
    assert empty.empty and list(empty.columns) == list(frame.columns)


def test_consumers_of_unknown_asset(estate):
    with pytest.raises(mlg.AssetNotFound):
        estate.consumers("nope")


def test_reuse_report(estate):
    report = estate.reuse_report()
    assert [
        (r.asset.id, r.direct_consumers, r.downstream, r.models_downstream, r.services_downstream)
        for r in report.datasets
    ] == [
        ("dataset:clean", 3, 5, 2, 1),
        ("dataset:other", 1, 2, 1, 0),
        ("dataset:raw", 1, 6, 2, 1),
    ]
    assert [(r.asset.id, r.direct_consumers, r.models_downstream) for r in report.features] == [
        ("feature:f", 1, 1)
    ]
    assert [a.id for a in report.unowned] == ["dataset:other", "service:svc"]
    assert report.unowned_by_kind == {"dataset": 1, "service": 1}
    assert report.unowned_total == 2 and not report.unowned_truncated

    [dep] = report.deprecated_in_use
    assert dep.asset.id == "dataset:raw" and (dep.services, dep.tier1_models) == (1, 1)
    reached = {u.asset.id: u.path for u in dep.reaches}
    assert set(reached) == {"model:m1", "service:svc"}  # m2 is not tier-1
    assert reached["model:m1"].assets == ("dataset:raw", "dataset:clean", "model:m1")
    assert reached["model:m1"].relations == ("derived_from", "trained_on")
    assert reached["service:svc"].assets[-1] == "service:svc" and len(reached["service:svc"]) == 3
    assert not report.paths_capped
    assert report.deprecated_consumed == 1 and not report.deprecated_capped


def test_reuse_report_top_and_conversions(estate):
    report = estate.reuse_report(top=1)
    assert [r.asset.id for r in report.datasets] == ["dataset:clean"]
    data = report.to_dict()
    assert data["ranked_by"] == "direct_consumers"
    assert data["deprecated_in_use"][0]["reaches"][0]["path"][0] == "dataset:raw"
    frames = report.to_pandas()
    assert list(frames["reused"]["id"]) == ["dataset:clean", "feature:f"]
    assert frames["reused"]["downstream"].dtype == "Int64"
    deprecated = frames["deprecated_in_use"]
    assert set(deprecated["id"]) == {"model:m1", "service:svc"}
    assert deprecated["hops"].dtype == "Int64" and deprecated["tier_1"].dtype == "bool"
    assert list(frames["unowned"]["id"]) == ["dataset:other", "service:svc"]
    with pytest.raises(mlg.MlgError, match="top"):
        estate.reuse_report(top=0)


def test_reports_on_an_empty_graph(graph):
    report = graph.reuse_report()
    assert report.datasets == [] and report.unowned == [] and report.deprecated_in_use == []
    assert report.reused_frame().empty and report.deprecated_frame().empty


def _count_queries(graph, monkeypatch) -> list[str]:
    seen: list[str] = []
    original = graph.store.execute  # every query of the Kuzu store goes through it

    def counting(query, params=None):
        seen.append(query)
        return original(query, params)

    monkeypatch.setattr(graph.store, "execute", counting)
    return seen


def test_report_query_count_does_not_grow_with_the_graph(graph, tmp_path, monkeypatch):
    from mlg.synthetic import synthetic_batch

    graph.ingest_batch(Batch.from_records(assets=ASSETS, owners=OWNERS))
    small = _count_queries(graph, monkeypatch)
    graph.reuse_report()
    graph.consumers("dataset:clean")
    monkeypatch.undo()
    with mlg.open(tmp_path / "big.kuzu") as big:
        big.ingest_batch(synthetic_batch(600, seed=3))
        large = _count_queries(big, monkeypatch)
        report = big.reuse_report()
        big.consumers(report.datasets[0].asset.id)
        assert report.datasets and report.unowned_total > 0
    # 14 for the report (one for cycles, one lists placeholders), 5 for consumers; and
    # the topology index's (mlg/store/kuzu/topology.py): a generation read before each
    # use, its three reads when (re)built
    marks = ("MlgMeta", "offset(id(a)) AS _node", "offset(id(a)) AS a,")
    index = [q for q in large if any(m in q for m in marks)]
    assert len(large) == len(small) and len(large) - len(index) <= 19 and len(index) <= 8


def test_sample_estate(sample_graph):
    report = sample_graph.reuse_report(top=5)
    assert len(report.datasets) == 5 and len(report.features) == 5
    counts = [r.direct_consumers for r in report.datasets]
    assert counts == sorted(counts, reverse=True)
    deprecated = {d.asset.id for d in report.deprecated_in_use}
    assert "dataset:legacy.watch_history_v1" in deprecated
    for dep in report.deprecated_in_use:
        assert dep.reaches and all(u.path.assets[0] == dep.asset.id for u in dep.reaches)
        assert all(u.asset.kind == "service" or "tier-1" in u.asset.tags for u in dep.reaches)
    uses = sample_graph.consumers("dataset:legacy.watch_history_v1")
    assert uses.direct and uses.downstream_by_kind.get("service", 0) >= 1


def test_only_the_most_used_deprecated_assets_are_followed(estate, monkeypatch):
    import mlg.reports

    estate.ingest_batch(
        Batch.from_records(
            assets=[
                dict(ASSETS[1], tags=["deprecated"]),  # clean: 3 direct consumers, raw: 1
            ]
        )
    )
    assert {d.asset.id for d in estate.reuse_report().deprecated_in_use} == {"dataset:raw", "dataset:clean"}
    monkeypatch.setattr(mlg.reports, "DEPRECATED_FOLLOWED", 1)
    report = estate.reuse_report()
    assert [d.asset.id for d in report.deprecated_in_use] == ["dataset:clean"]
    assert report.deprecated_consumed == 2 and report.deprecated_capped
    assert report.to_dict()["deprecated_capped"] is True
