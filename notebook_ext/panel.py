"""HTML for the side panel, the legend, the impact summary and the static fallback table.

Pure functions over mlg's plain objects; every value is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from html import escape
from typing import TYPE_CHECKING

from mlg import Asset, Owner, people_write
from mlg.notebook.elements import EDGE_DIRECTION, IMPACT_COLOURS, kind_style, legend_entries

if TYPE_CHECKING:
    from mlg import DatasetRun, Impact, Subgraph

TABLE_ROWS = 60
_CELL = "padding:1px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere"


def _owner_text(o: Owner) -> str:
    role = f" ({escape(o.role)})" if o.role else ""
    return f"{escape(o.name)} <code>{escape(o.id)}</code>{role}"


def asset_panel_html(
    asset: Asset,
    owners: Sequence[Owner] = (),
    *,
    distance: int | None = None,
    is_root: bool = False,
    upstream: int | None = None,
    downstream: int | None = None,
    runs: Sequence[DatasetRun] = (),
) -> str:
    """Properties, owners and tags of one asset, for the side panel; for a dataset, the
    runs that read or wrote it and at which version (`Graph.dataset_runs`)."""
    colour = kind_style(asset.kind)[0]
    rows = [
        ("kind", asset.kind),
        ("written", people_write(asset.id)),
        ("namespace", asset.namespace),
        ("family", asset.family),
        ("version", asset.version),
        ("domain", asset.domain),
        ("hops from root", None if distance is None else str(distance)),
        ("created", asset.created_at and asset.created_at.date().isoformat()),
        ("updated", asset.updated_at and asset.updated_at.date().isoformat()),
        ("direct dependencies", None if upstream is None else str(upstream)),
        ("direct dependents", None if downstream is None else str(downstream)),
    ]
    rows += [
        (f"props.{k}", v if isinstance(v, str) else json.dumps(v)) for k, v in sorted(asset.props.items())
    ]
    table = "".join(
        f"<tr><th style='{_CELL}'>{escape(k)}</th><td style='{_CELL}'>{escape(str(v))}</td></tr>"
        for k, v in rows
        if v not in (None, "")
    )
    tags = (
        " ".join(
            f"<span style='background:#eee;border-radius:3px;padding:0 4px'>{escape(t)}</span>"
            for t in asset.tags
        )
        or "<i>none</i>"
    )
    owner_list = (
        "<ul style='margin:2px 0 2px 18px;padding:0'>"
        + "".join(f"<li>{_owner_text(o)}</li>" for o in owners)
        + "</ul>"
        if owners
        else "<b style='color:#e67e00'>no owner</b>"
    )
    flags = []
    if is_root:
        flags.append("<b>root</b>")
    if asset.deprecated:
        flags.append("<b style='color:#b00'>deprecated</b>")
    description = f"<p style='margin:4px 0'>{escape(asset.description)}</p>" if asset.description else ""
    return (
        f"<div class='mlg-asset' data-asset-id='{escape(asset.id, quote=True)}'>"
        f"<div><span style='color:{colour}'>&#9632;</span> <b>{escape(asset.name)}</b> "
        f"{' '.join(flags)}</div><div><code class='mlg-asset-id'>{escape(asset.id)}</code>"
        f"</div>{description}<table style='font-size:90%'>{table}</table>"
        f"<div><b>Owners</b>{owner_list}</div><div><b>Tags</b> {tags}</div>{dataset_runs_html(runs)}</div>"
    )


def dataset_runs_html(runs: Sequence[DatasetRun]) -> str:
    """Which runs read or wrote a dataset, newest first, with the version of it each
    read or wrote ("" when there are none)."""
    if not runs:
        return ""
    rows = []
    for use in runs:
        run = use.run
        started = run.started_at.isoformat(sep=" ", timespec="minutes") if run.started_at else "?"
        cells = (
            started,
            "wrote" if use.direction == "output" else "read",
            use.version or "",
            run.workflow,
            "" if run.state == "COMPLETE" else (run.state or ""),
            run.id,
        )
        rows.append(
            "<tr class='mlg-dataset-run'>"
            + "".join(f"<td style='{_CELL}'>{escape(str(c))}</td>" for c in cells)
            + "</tr>"
        )
    head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in ("started", "", "version", "by", "state", "run"))
    return (
        "<div class='mlg-dataset-runs'><b>Runs that read or wrote it</b>"
        f"<table style='font-size:90%'><tr>{head}</tr>{''.join(rows)}</table></div>"
    )


def legend_html() -> str:
    items = []
    for label, colour, shape in legend_entries():
        swatch = (
            f"<span style='display:inline-block;width:10px;height:10px;background:{colour};"
            "border:1px solid #444;margin-right:3px'></span>"
        )
        items.append(
            f"<span style='margin-right:10px;white-space:nowrap' title='{escape(shape)}'>"
            f"{swatch}{escape(label)} <small style='color:#777'>({escape(shape)})"
            "</small></span>"
        )
    direction = f"<div class='mlg-legend-direction'>&#8592; {escape(EDGE_DIRECTION)}</div>"
    return f"<div class='mlg-legend' style='font-size:85%;line-height:1.6'>{direction}{''.join(items)}</div>"


def impact_html(impact: Impact, limit: int = 12) -> str:
    """What a change to one asset would break and which teams to tell."""
    teams = impact.teams
    by_kind = impact.by_kind()
    kinds = ", ".join(f"{len(items)} {escape(kind)}" for kind, items in by_kind.items())
    team_items = "".join(f"<li>{_owner_text(n.owner)}: {len(n.assets)} affected</li>" for n in teams[:limit])
    if len(teams) > limit:
        team_items += f"<li>and {len(teams) - limit} more teams</li>"
    services = "".join(
        f"<li><code>{escape(a.asset.id)}</code> ({a.distance} hops)</li>" for a in impact.services[:limit]
    )
    cut = (
        f"<p style='color:#b00'>Cut: {escape(impact.truncated_reason or '')}</p>" if impact.truncated else ""
    )
    key = " ".join(
        f"<span style='background:{IMPACT_COLOURS[k]};padding:0 4px;color:"
        f"{'#fff' if k in ('source', 'near') else '#000'}'>{label}</span>"
        for k, label in (
            ("source", "changed"),
            ("near", "1 hop"),
            ("far", "2+ hops"),
            ("spared", "not affected"),
        )
    )
    return (
        f"<div class='mlg-impact'><b>Impact of changing</b> <code>{escape(impact.asset.id)}"
        f"</code><p style='margin:4px 0'>{len(impact.affected)} assets affected"
        f"{': ' + kinds if kinds else ''}.</p>{cut}<div>{key}</div>"
        f"<b>Teams to notify</b><ul style='margin:2px 0 2px 18px;padding:0'>"
        f"{team_items or '<li><i>none</i></li>'}</ul>"
        + (
            f"<b>Production services reached</b><ul style='margin:2px 0 2px 18px;padding:0'>{services}</ul>"
            if services
            else ""
        )
        + "</div>"
    )


def subgraph_table_html(sub: Subgraph, limit: int = TABLE_ROWS) -> str:
    """A readable table of a subgraph for places where widgets cannot run."""
    roots = set(sub.roots)
    head = "".join(f"<th style='{_CELL}'>{h}</th>" for h in ("id", "kind", "name", "hops", "owners", "tags"))
    rows = []
    for a in sub.assets[:limit]:
        owners = ", ".join(o.id for o in sub.owners.get(a.id, ())) or "\u2014"
        ident = f"<b>{escape(a.id)}</b>" if a.id in roots else escape(a.id)
        cells = (
            ident,
            escape(a.kind),
            escape(a.name),
            escape(str(sub.distances.get(a.id, ""))),
            escape(owners),
            escape(", ".join(a.tags)),
        )
        rows.append("<tr>" + "".join(f"<td style='{_CELL}'>{c}</td>" for c in cells) + "</tr>")
    more = (
        f"<p>and {len(sub.assets) - limit} more assets (<code>.nodes</code> has them all)</p>"
        if len(sub.assets) > limit
        else ""
    )
    cut = (
        f"<p style='color:#b00'>Cut: {escape(sub.truncated_reason or 'more lies beyond')}</p>"
        if sub.truncated
        else ""
    )
    kinds = ", ".join(f"{len(v)} {escape(k)}" for k, v in sub.by_kind().items())
    roots_text = ", ".join(f"<code>{escape(r)}</code>" for r in sub.roots) or "none"
    return (
        f"<div class='mlg-subgraph'><p><b>Subgraph</b> around {roots_text}: "
        f"{len(sub.assets)} assets ({kinds}), {len(sub.relations)} edges.</p>{cut}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
        f"{more}</div>"
    )


def matches_html(hits: Iterable[tuple[str, str]], query: str) -> str:
    items = "".join(f"<li><code>{escape(i)}</code> {escape(n)}</li>" for i, n in hits)
    if not items:
        return f"<p>No asset matches <b>{escape(query)}</b>.</p>"
    return f"<p>Matches for <b>{escape(query)}</b>:</p><ul>{items}</ul>"
