"""Results as the value of a cell: HTML tables instead of raw reprs, on the sample graph."""

from __future__ import annotations

from html import escape

from mlg.rich_display import table
from tests.notebook.builders import DEPRECATED, HUB, RANKER


def test_an_impact_shows_teams_services_and_affected_assets(sample_graph):
    impact = sample_graph.impact(DEPRECATED)
    html = impact._repr_html_()
    assert "mlg-impact" in html and "Impact of changing" in html and DEPRECATED in html
    assert all(escape(n.owner.name) in html for n in impact.notify[:25])
    assert all(a.asset.id in html for a in impact.affected[:25])
    assert all(escape(s.path.text()) in html for s in impact.services)
    assert f"{len(impact.affected)} assets affected" in html
    assert "Impact(" not in html


def test_a_path_result_shows_each_path_in_the_cli_notation(sample_graph):
    result = sample_graph.path_between("service:home-feed-api", HUB)
    html = result._repr_html_()
    assert result.found and f"{result.hops} hops" in html
    assert all(escape(p.text()) in html for p in result.paths)
    assert "-serves-&gt;" in html  # from the dependent to its dependency
    missing = sample_graph.path_between("dataset:raw.user_profiles", "service:home-feed-api")
    assert missing._repr_html_().count("<b>") >= 1


def test_stats_show_counts_by_kind_type_and_owner_kind(sample_graph):
    stats = sample_graph.stats()
    html = stats._repr_html_()
    assert f"{stats.assets} assets" in html and f"{stats.unowned_assets} assets have no owner" in html
    for kind, n in stats.assets_by_kind.items():
        assert f"<td style='padding:1px 8px;text-align:left;vertical-align:top'>{kind}</td>" in html
        assert f">{n}</td>" in html
    assert all(t in html for t in stats.relations_by_type)


def test_search_hits_are_a_list_shown_as_a_table(sample_graph):
    hits = sample_graph.search("home ranker")
    assert isinstance(hits, list) and hits == list(hits)
    html = hits._repr_html_()
    assert f"{len(hits)} assets found" in html and RANKER in html
    assert html.index(hits[0].asset.id) < html.index(hits[-1].asset.id)
    assert "no asset matches" in sample_graph.search("zzqqxxyy")._repr_html_()


def test_reports_show_their_tables(sample_graph):
    users = sample_graph.consumers(HUB)
    html = users._repr_html_()
    assert "Who uses" in html and all(c.asset.id in html for c in users.direct[:25])
    report = sample_graph.reuse_report(top=5)
    html = report._repr_html_()
    assert "Most reused datasets" in html and "Unowned assets" in html
    assert all(r.asset.id in html for r in report.datasets + report.features)
    assert all(d.asset.id in html for d in report.deprecated_in_use[:25])


def test_tables_escape_values_and_say_what_they_cut():
    html = table(("name",), [("<script>x</script>",)] + [(str(i),) for i in range(30)], limit=10)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "and 21 more" in html


def test_outside_a_kernel_a_path_result_is_its_table(sample_graph):
    result = sample_graph.path_between("service:home-feed-api", HUB)
    bundle = result._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/html"] == result._repr_html_()
