"""search(): ranking, filters and hostile text (the index itself: test_search_index.py)."""

from __future__ import annotations

import pytest

import mlg
from mlg.batch import Batch
from mlg.search import MATCHES
from tests.conftest import graph_content

OWNERS = [
    {"id": "team-home", "kind": "team", "name": "Home Experience"},
    {"id": "ana", "kind": "person", "name": "Ana Lima"},
]
ASSETS = [
    {
        "id": "dataset:home",
        "kind": "dataset",
        "name": "home",
        "domain": "web",
        "description": "Raw page views.",
        "owners": ["team-home"],
    },
    {
        "id": "model:home_ranker@1",
        "kind": "model",
        "name": "home_ranker",
        "domain": "recs",
        "description": "Orders the rows of the start page.",
        "tags": ["tier-1"],
        "owners": ["team-home", {"id": "ana", "role": "steward"}],
    },
    {
        "id": "service:homepage-api",
        "kind": "service",
        "name": "homepage-api",
        "domain": "web",
        "description": "Serves the start page.",
        "owners": ["ana"],
    },
    {
        "id": "dataset:events",
        "kind": "dataset",
        "name": "events",
        "domain": "web",
        "description": "Playback events shown on the home screen.",
        "tags": ["gold", "pii"],
    },
    {
        "id": "feature:myhomepage_clicks",
        "kind": "feature",
        "name": "myhomepage_clicks",
        "domain": "web",
        "description": "Clicks per user per day.",
    },
    {
        "id": "model:churn@1",
        "kind": "model",
        "name": "churn",
        "domain": "growth",
        "description": "Predicts which subscribers cancel next month.",
        "tags": ["Gold"],
    },
]
HOSTILE = [
    "'); MATCH (n) DETACH DELETE n; //",
    '"',
    "\\",
    "\\\\",
    "OR 1=1",
    "' OR '1'='1",
    "}) DETACH DELETE a //",
    "$id",
    "*",
    "%",
    "CALL DROP_FTS_INDEX('Asset','asset_text')",
    "   ",
    "\x00",
    "ünïcödé ✓",
    "a" * 500,
]


def _ingest(graph: mlg.Graph, assets=(), owners=()):
    return graph.ingest_batch(Batch.from_records(assets=list(assets), owners=list(owners)))


@pytest.fixture
def estate(graph):
    _ingest(graph, ASSETS, OWNERS)
    return graph


def _ids(hits):
    return [h.asset.id for h in hits]


def _matches(hits):
    return [(h.asset.id, h.match) for h in hits]


# -- ranking ---------------------------------------------------------------------------


def test_ranking_exact_then_prefix_then_text(estate):
    hits = estate.search("home")
    assert _matches(hits) == [
        ("dataset:home", "exact"),
        ("model:home_ranker@1", "prefix"),  # a part of the name starts with it; shorter name first
        ("service:homepage-api", "prefix"),
        ("dataset:events", "text"),  # "home" is a word of its description
    ]  # "myhomepage_clicks" holds it inside a word: no tier finds that (there was a CONTAINS tier)
    assert [h.score for h in hits] == [1.0, 1.0, 0.5, 1.0]  # 1/position within the tier


def test_exact_id_and_case_insensitive_name(estate):
    assert _matches(estate.search("model:home_ranker@1"))[0] == ("model:home_ranker@1", "exact")
    assert _matches(estate.search("HOME"))[0] == ("dataset:home", "exact")
    assert _matches(estate.search("  Churn "))[0] == ("model:churn@1", "exact")


def test_namespaced_names(graph):
    _ingest(
        graph,
        [
            {"id": "model:recs.home_ranker@1", "kind": "model", "name": "recs.home_ranker"},
            {
                "id": "evaluation:eval.home_ranker@1.offline",
                "kind": "evaluation",
                "name": "eval.home_ranker@1.offline",
                "description": "home_ranker on last week",
            },
            {"id": "dataset:s3://lake/home_rankerish", "kind": "dataset", "name": "s3://lake/home_rankerish"},
            {
                "id": "workflow:kubeflow.train_home_ranker",
                "kind": "workflow",
                "name": "kubeflow.train_home_ranker",
            },
        ],
    )
    assert _matches(graph.search("home_ranker")) == [
        ("model:recs.home_ranker@1", "exact"),  # its last part is the name
        ("dataset:s3://lake/home_rankerish", "prefix"),  # datasets before derived records
        ("evaluation:eval.home_ranker@1.offline", "prefix"),  # its own part, "offline", is short
        ("workflow:kubeflow.train_home_ranker", "prefix"),  # "home ranker" are words of its name
    ]


def test_partial_word_is_a_prefix(estate):
    assert _matches(estate.search("rank")) == [("model:home_ranker@1", "prefix")]
    assert _matches(estate.search("ranker home")) == [("model:home_ranker@1", "words")]


def test_full_text_covers_descriptions_tags_and_owners(estate):
    # no stemmer: every word may be the start of a word ("subscriber" finds "subscribers")
    assert _ids(estate.search("subscriber")) == ["model:churn@1"]
    assert _ids(estate.search("predict cancel")) == ["model:churn@1"]
    # tags: a word equal to a tag, ignoring case ("Gold" and "gold")
    assert sorted(_matches(estate.search("gold"))) == [("dataset:events", "text"), ("model:churn@1", "text")]
    assert _matches(estate.search("tier-1")) == [("model:home_ranker@1", "text")]
    # an owner's name is an owner tier; a word of it is full text
    assert _matches(estate.search("Ana Lima")) == [
        ("model:home_ranker@1", "owner"),
        ("service:homepage-api", "owner"),
    ]
    assert ("service:homepage-api", "text") in _matches(estate.search("lima"))


def test_every_word_must_match_and_each_asset_comes_once(estate):
    hits = estate.search("start page")
    assert _matches(hits) == [("model:home_ranker@1", "text"), ("service:homepage-api", "text")]
    hits = estate.search("home", limit=50)
    assert len(_ids(hits)) == len(set(_ids(hits)))
    assert dict(_matches(hits))["dataset:home"] == "exact"  # also a text hit, kept once


def test_typos_within_one_or_two_edits(estate):
    assert _matches(estate.search("subscrbers")) == [("model:churn@1", "typo")]  # 11 letters, 1 edit
    assert _matches(estate.search("chrun")) == [("model:churn@1", "typo")]  # a swap is one edit
    assert _matches(estate.search("predcits cancle")) == [("model:churn@1", "typo")]
    assert estate.search("chn") == []  # under 4 letters: no typo tolerance
    assert estate.search("cxhrxn") == []  # 2 edits in a 6-letter word: too far


def test_versions_are_a_preference(graph):
    _ingest(
        graph,
        [
            {
                "id": f"model:recs.home_ranker@{v}",
                "kind": "model",
                "name": "recs.home_ranker",
                "family": "recs.home_ranker",
                "version": str(v),
            }
            for v in (1, 2, 10)
        ]
        + [
            {
                "id": "evaluation:eval.home_ranker@2.offline",
                "kind": "evaluation",
                "name": "eval.home_ranker@2.offline",
            }
        ],
    )
    newest_first = ["model:recs.home_ranker@10", "model:recs.home_ranker@2", "model:recs.home_ranker@1"]
    assert _ids(graph.search("home_ranker"))[:3] == newest_first  # 10 is after 2
    for text in ("recs.home_ranker@2", "home_ranker 2", "home ranker v2", "Home Ranker V2"):
        assert _ids(graph.search(text))[0] == "model:recs.home_ranker@2", text
    assert _matches(graph.search("recs.home_ranker@2"))[0] == ("model:recs.home_ranker@2", "exact")


def test_limit_cuts_after_ranking(estate):
    assert _matches(estate.search("home", limit=2)) == [
        ("dataset:home", "exact"),
        ("model:home_ranker@1", "prefix"),
    ]
    with pytest.raises(mlg.MlgError, match="limit"):
        estate.search("home", limit=0)


# -- filters ------------------------------------------------------------------------------


def test_filters(estate):
    assert _ids(estate.search("home", kind="service")) == ["service:homepage-api"]
    assert _ids(estate.search("home", domain="recs")) == ["model:home_ranker@1"]
    assert _ids(estate.search("home", tag="pii")) == ["dataset:events"]
    assert _ids(estate.search("home", owner="ana")) == ["model:home_ranker@1", "service:homepage-api"]
    # an owner by name, ignoring case
    assert sorted(_ids(estate.search("page", owner="home experience"))) == [
        "dataset:home",
        "model:home_ranker@1",
    ]
    assert _ids(estate.search("home", owner="team-home", kind="model", tag="tier-1", domain="recs")) == [
        "model:home_ranker@1"
    ]
    assert estate.search("home", kind="experiment") == []


def test_selective_filter_still_finds_low_scoring_text_hits(graph):
    # the owned asset scores below the first 1,000 full-text hits, which the owner
    # filter removes: the index is asked again for all its hits
    _ingest(
        graph,
        [
            {"id": f"dataset:k{i}", "kind": "dataset", "name": f"k{i}", "description": "kayak"}
            for i in range(1100)
        ]
        + [
            {
                "id": "dataset:mine",
                "kind": "dataset",
                "name": "mine",
                "owners": ["ana"],
                "description": "Rentals of boats, canoes and, once a year, a kayak or two.",
            }
        ],
        owners=OWNERS,
    )
    assert _matches(graph.search("kayak", owner="ana")) == [("dataset:mine", "text")]


def test_empty_text_lists_what_the_filters_keep(estate):
    hits = estate.search("", domain="web")
    assert _ids(hits) == [
        "dataset:events",
        "dataset:home",
        "service:homepage-api",
        "feature:myhomepage_clicks",
    ]  # by name
    assert {h.match for h in hits} == {"listed"} and {h.score for h in hits} == {0.0}
    assert _ids(estate.search(None, owner="ana", limit=1)) == ["model:home_ranker@1"]
    assert len(estate.search("")) == len(ASSETS)


def test_unknown_filters_say_what_to_do(estate):
    with pytest.raises(mlg.MlgError, match="no owner with id or name 'home'.*team-home"):
        estate.search("x", owner="home")
    with pytest.raises(mlg.MlgError, match="unknown kind 'modle'"):
        estate.search("x", kind="modle")


def test_hit_conversions(estate):
    from mlg.search import hits_to_pandas

    hits = estate.search("home")
    assert hits[0].to_dict()["match"] == "exact" and hits[0].to_dict()["id"] == "dataset:home"
    frame = hits_to_pandas(hits)
    assert list(frame["id"]) == _ids(hits)
    assert frame["score"].dtype == "float64" and frame["tags"].tolist()[3] == ["gold", "pii"]
    assert hits_to_pandas([]).empty


# -- hostile text -----------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_changes_nothing(estate, text):
    before = graph_content(estate)
    hits = estate.search(text)
    assert isinstance(hits, list) and all(h.match in MATCHES for h in hits)
    for field in ("kind", "owner", "tag", "domain"):
        if field in ("kind", "owner"):
            with pytest.raises(mlg.MlgError):
                estate.search("home", **{field: text})
        else:
            assert estate.search("home", **{field: text}) == []
    assert graph_content(estate) == before


def test_hostile_text_finds_it_when_it_is_really_there(graph):
    _ingest(
        graph,
        [
            {
                "id": "dataset:odd",
                "kind": "dataset",
                "name": "x'); MATCH (n) //",
                "description": 'quote " and back\\slash',
            }
        ],
    )
    assert _matches(graph.search("x'); MATCH (n) //")) == [("dataset:odd", "exact")]
    assert _ids(graph.search("back\\slash")) == ["dataset:odd"]


def test_sample_estate(sample_graph):
    hits = sample_graph.search("ranker", limit=100)
    assert "model:recs.home_ranker@3" in _ids(hits)
    assert all(h.match == "exact" for h in sample_graph.search("dataset:raw.playback_events")[:1])
    assert _ids(sample_graph.search("", tag="deprecated", kind="dataset")) == _ids(
        sample_graph.search("", tag="deprecated", kind="dataset", limit=1000)
    )


def test_a_cut_says_so_and_counts(sample_graph):
    everything = sample_graph.search("", tag="pii", limit=1000)
    cut = sample_graph.search("", tag="pii", limit=10)
    assert not everything.truncated and everything.total == len(everything) > 10
    assert cut.truncated and cut.total == len(everything) and len(cut) == 10
    assert _ids(cut) == _ids(everything)[:10]
    all_ranker = sample_graph.search("ranker", limit=1000)
    counted = sample_graph.search("ranker", limit=3, count=True)
    assert counted.truncated and counted.total == len(all_ranker) and _ids(counted) == _ids(all_ranker)[:3]
    assert sample_graph.search("ranker", limit=3).total is None  # not counted unless asked
    assert counted.to_dict()["total"] == len(all_ranker) and counted.to_dict()["truncated"] is True
