"""How mlg's results show themselves as the value of a Jupyter cell: HTML tables.

Called from the `_repr_html_` hooks of Impact, PathResult, GraphStats, SearchHits,
Consumers and ReuseReport. Plain string building over the result objects, every
value escaped; nothing here imports Jupyter. The interactive diagram of a result's
subgraph is one call away: `result.subgraph` shows itself as one.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from html import escape
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlg.impact import Impact
    from mlg.model import GraphStats
    from mlg.paths import DependencyPath, PathResult
    from mlg.reports import Consumers, ReuseReport
    from mlg.search import SearchHit


def notebook_display() -> ModuleType | None:
    """`mlg.notebook.display` when the notebook extra is installed, else None. Imported
    by name: the result types that call it sit below the UIs in mlg's layers."""
    try:
        return importlib.import_module("mlg.notebook.display")
    except ImportError:
        return None


ROWS = 25
_CELL = "padding:1px 8px;text-align:left;vertical-align:top"


def table(
    head: Sequence[str], rows: Iterable[Sequence[Any]], limit: int = ROWS, total: int | None = None
) -> str:
    """An HTML table of `rows` (values escaped), cut at `limit` rows with a note."""
    rows = list(rows)
    total = len(rows) if total is None else total
    header = "".join(f"<th style='{_CELL}'>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td style='{_CELL}'>{_cell(v)}</td>" for v in row) + "</tr>"
        for row in rows[:limit]
    )
    more = f"<p><i>and {total - min(limit, len(rows))} more</i></p>" if total > min(limit, len(rows)) else ""
    return f"<table class='mlg-table'><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>{more}"


def _cell(value: Any) -> str:
    if value is None:
        return "\u2014"
    if isinstance(value, (list, tuple)):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


def _box(kind: str, title: str, *parts: str) -> str:
    return f"<div class='mlg-result mlg-{kind}'><p><b>{title}</b></p>{''.join(parts)}</div>"


def _code(text: str) -> str:
    return f"<code>{escape(text)}</code>"


def _note(text: str) -> str:
    return f"<p style='color:#b00'>{escape(text)}</p>"


def path_text(path: DependencyPath) -> str:
    return escape(path.text())


def impact_html(impact: Impact) -> str:
    by_kind = impact.by_kind()
    kinds = ", ".join(f"{len(items)} {escape(k)}" for k, items in by_kind.items()) or "nothing"
    parts = [f"<p>{len(impact.affected)} assets affected: {kinds}.</p>"]
    if impact.truncated:
        parts.append(_note(f"cut: {impact.truncated_reason or 'more lies beyond'}"))
    if impact.paths_capped:
        parts.append(_note("paths were spelled out for the nearest assets only"))
    parts.append("<p><b>Teams and people to notify</b></p>")
    parts.append(
        table(
            ("owner", "kind", "email", "affected assets"),
            ((n.owner.name, n.owner.kind, n.owner.email, len(n.assets)) for n in impact.notify),
        )
    )
    reached = impact.services + impact.experiments
    if reached:
        parts.append("<p><b>Production services and experiments reached</b></p>")
        parts.append(
            table(
                ("asset", "kind", "hops", "path"),
                ((a.asset.id, a.asset.kind, a.distance, a.path.text() if a.path else None) for a in reached),
            )
        )
    parts.append("<p><b>Affected assets</b>, nearest first</p>")
    parts.append(
        table(
            ("asset", "kind", "hops", "owners"),
            ((a.asset.id, a.asset.kind, a.distance, [o.id for o in a.owners]) for a in impact.affected),
        )
    )
    parts.append(
        "<p><small><code>.subgraph</code> draws it; <code>.to_frame()</code> as a DataFrame</small></p>"
    )
    return _box("impact", f"Impact of changing {_code(impact.asset.id)}", *parts)


def path_html(result: PathResult) -> str:
    title = f"From {_code(result.source.id)} to {_code(result.target.id)}"
    if not result.found:
        return _box("path", title, "<p>not connected</p>")
    way = {
        "up": "the first depends on the second",
        "down": "the second depends on the first",
        "undirected": "connected only through edges pointing both ways",
        "same": "the same asset",
    }.get(result.direction or "", "")
    rows = ((i + 1, len(p), p.text()) for i, p in enumerate(result.paths))
    parts = [
        f"<p>{result.hops} hops; {escape(way)}. Arrows point from the dependent to its dependency.</p>",
        table(("#", "hops", "path"), rows),
    ]
    if result.capped:
        parts.append(_note("more shortest paths exist than were asked for (max_paths)"))
    parts.append("<p><small><code>.subgraph</code> draws the paths</small></p>")
    return _box("path", title, *parts)


def stats_html(stats: GraphStats) -> str:
    summary = (
        f"<p>{stats.assets} assets, {stats.relations} relations, {stats.owners} owners; "
        f"{stats.unowned_assets} assets have no owner.</p>"
    )
    tables = "".join(
        f"<div style='display:inline-block;vertical-align:top;margin-right:24px'>"
        f"{table((title, 'count'), sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])), limit=50)}</div>"
        for title, counts in (
            ("asset kind", stats.assets_by_kind),
            ("relation type", stats.relations_by_type),
            ("owner kind", stats.owners_by_kind),
        )
    )
    return _box("stats", f"Graph {_code(stats.path)}", summary, tables)


def hits_html(hits: Sequence[SearchHit]) -> str:
    if not hits:
        return _box("search", "Search", "<p>no asset matches</p>")
    rows = (
        (h.asset.id, h.asset.kind, h.asset.name, h.asset.domain, h.match, round(h.score, 3)) for h in hits
    )
    parts = [table(("id", "kind", "name", "domain", "match", "score"), rows, limit=100)]
    if getattr(hits, "truncated", False):
        total = getattr(hits, "total", None)
        of = f" of {total}" if total is not None else ""
        parts.append(_note(f"cut at the limit: {len(hits)}{of} matches shown"))
    return _box("search", f"{len(hits)} asset{'s' if len(hits) != 1 else ''} found, best first", *parts)


def consumers_html(result: Consumers) -> str:
    below = ", ".join(f"{n} {escape(k)}" for k, n in result.downstream_by_kind.items()) or "nothing"
    parts = [
        f"<p>{len(result.direct)} direct consumers; "
        f"{result.downstream_total} assets downstream: {below}.</p>",
        table(
            ("asset", "kind", "relation", "owners"),
            ((c.asset.id, c.asset.kind, c.relation, [o.id for o in c.owners]) for c in result.direct),
        ),
    ]
    if result.truncated:
        parts.append(_note("lineage deeper than the hop limit was not counted"))
    return _box("consumers", f"Who uses {_code(result.asset.id)}", *parts)


def reuse_html(report: ReuseReport) -> str:
    head = ("asset", "direct consumers", "downstream", "models", "services")

    def ranked(items):
        return (
            (r.asset.id, r.direct_consumers, r.downstream, r.models_downstream, r.services_downstream)
            for r in items
        )

    parts = [
        f"<p><b>Most reused datasets</b> (top {report.top})</p>",
        table(head, ranked(report.datasets)),
        f"<p><b>Most reused features</b> (top {report.top})</p>",
        table(head, ranked(report.features)),
        f"<p><b>Unowned assets</b>: {report.unowned_total}</p>",
        table(("asset", "kind"), ((a.id, a.kind) for a in report.unowned), total=report.unowned_total),
        f"<p><b>Deprecated assets still feeding live use</b>: {len(report.deprecated_in_use)}</p>",
        table(
            ("deprecated asset", "services", "tier-1 models", "nearest reached"),
            (
                (d.asset.id, d.services, d.tier1_models, d.reaches[0].asset.id if d.reaches else None)
                for d in report.deprecated_in_use
            ),
        ),
    ]
    if report.deprecated_capped:
        parts.append(_note("only the most used deprecated assets were followed"))
    parts += [
        f"<p><b>Lineage cycles</b>: {report.cycles_total}</p>",
        table(("assets on the cycle",), ((" · ".join(c),) for c in report.cycles), total=report.cycles_total),
    ]
    return _box("reuse", "Reuse and governance report", *parts)
