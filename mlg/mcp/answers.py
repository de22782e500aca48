"""What the MCP tools answer: compact, bounded dicts built from mlg's public result objects.

Assistants pay for every token they read, and an answer cut without saying so is a
wrong answer. So every list here is cut at the caller's `limit`, and every cut is
announced in the answer itself as ``"truncated": true`` with a ``"truncated_reason"``
that says what was left out and how to get it. Assets are always named by id (plus
kind and name), so the next tool call can use what this one returned.

Nothing here imports the MCP SDK: these are plain functions, tested on their own.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

    from mlg.impact import AffectedAsset, Impact
    from mlg.model import Asset, AssetDetail, IngestReport, Owner
    from mlg.paths import PathResult
    from mlg.reports import Consumers, ReuseReport
    from mlg.subgraph import Subgraph

DESCRIPTION_CHARS = 500  # a description longer than this is cut (and says so)
PROPS_CHARS = 4_000  # props longer than this (as JSON) keep their short values only
PROP_VALUE_CHARS = 300


class Cuts:
    """Collects why an answer was cut, to report them all at once."""

    def __init__(self) -> None:
        self.reasons: list[str] = []

    def take(self, items: Sequence[Any], limit: int, what: str, hint: str = "") -> list[Any]:
        """The first `limit` items; records the cut when there were more."""
        if len(items) <= limit:
            return list(items)
        reason = f"{what}: showing {limit} of {len(items)}"
        self.reasons.append(f"{reason} ({hint})" if hint else reason)
        return list(items[:limit])

    def note(self, reason: str | None) -> None:
        if reason and reason not in self.reasons:
            self.reasons.append(reason)

    def stamp(self, answer: dict[str, Any]) -> dict[str, Any]:
        """`answer` with `truncated` and, when cut, `truncated_reason`."""
        answer["truncated"] = bool(self.reasons)
        if self.reasons:
            answer["truncated_reason"] = "; ".join(self.reasons)
        return answer


def brief(asset: Asset) -> dict[str, Any]:
    """How an asset is named in every answer: id first."""
    return {"id": asset.id, "kind": asset.kind, "name": asset.name}


def owner_brief(owner: Owner) -> dict[str, Any]:
    data: dict[str, Any] = {"id": owner.id, "kind": owner.kind, "name": owner.name}
    if owner.email:
        data["email"] = owner.email
    if owner.role and owner.role != "owner":
        data["role"] = owner.role
    return data


def _description(text: str | None, cuts: Cuts) -> str | None:
    if text is None or len(text) <= DESCRIPTION_CHARS:
        return text
    cuts.note(f"description cut at {DESCRIPTION_CHARS} characters")
    return text[:DESCRIPTION_CHARS] + "…"


# -- finding and showing -------------------------------------------------------------------


def search_answer(text: str | None, hits: Sequence[Any], limit: int) -> dict[str, Any]:
    """`hits` were asked for with `limit + 1`, so that a full page is known to be cut."""
    cuts = Cuts()
    if len(hits) > limit:
        cuts.note(f"more than {limit} hits (narrow the text, add filters or raise limit)")
    return cuts.stamp(
        {
            "query": text,
            "count": min(len(hits), limit),
            "hits": [
                {
                    **brief(h.asset),
                    "match": h.match,
                    "tags": list(h.asset.tags),
                    "domain": h.asset.domain,
                }
                for h in hits[:limit]
            ],
        }
    )


def detail_answer(detail: AssetDetail, limit: int) -> dict[str, Any]:
    """One asset: its fields, owners, other versions and direct neighbours."""
    cuts = Cuts()
    a = detail.asset
    answer: dict[str, Any] = {
        **brief(a),
        "version": a.version,
        "family": a.family,
        "namespace": a.namespace,
        "domain": a.domain,
        "tags": list(a.tags),
        "deprecated": a.deprecated,
        "description": _description(a.description, cuts),
        "props": _props(a.props, cuts),
        "owners": [owner_brief(o) for o in detail.owners],
        "other_versions": [
            {"id": s.id, "version": s.version}
            for s in cuts.take(detail.siblings, limit, "other versions", "raise limit")
        ],
        "upstream_count": len(detail.upstream),
        "upstream": [
            {**brief(n.asset), "relation": n.type}
            for n in cuts.take(detail.upstream, limit, "upstream", "use lineage for all of it")
        ],
        "downstream_count": len(detail.downstream),
        "downstream": [
            {**brief(n.asset), "relation": n.type}
            for n in cuts.take(detail.downstream, limit, "downstream", "use lineage or impact")
        ],
    }
    return cuts.stamp(answer)


def _props(props: dict[str, Any], cuts: Cuts) -> dict[str, Any]:
    """The asset's props; when long (column lineage of a wide table), long values are
    replaced by a note saying how long they were."""
    if len(json.dumps(props, default=str)) <= PROPS_CHARS:
        return props
    kept: dict[str, Any] = {}
    for key, value in props.items():
        size = len(json.dumps(value, default=str))
        kept[key] = value if size <= PROP_VALUE_CHARS else f"<{size} characters of JSON left out>"
    cuts.note("long props values left out (read them with query: MATCH (a:Asset {id: $id}) RETURN a.props)")
    return kept


# -- lineage, impact, paths ------------------------------------------------------------------


def lineage_answer(sub: Subgraph, direction: str, limit: int) -> dict[str, Any]:
    """A lineage subgraph already capped by `Graph.lineage(max_nodes=limit)`.

    Edges between the assets kept are at most `4 * limit` (a lifecycle graph has a few
    per asset; the cap only bounds a pathological one).
    """
    cuts = Cuts()
    cuts.note(sub.truncated_reason if sub.truncated else None)
    edges = cuts.take(sub.relations, 4 * limit, "edges", "ask for fewer hops or kinds")
    assets = sorted(sub.assets, key=lambda a: (sub.distances.get(a.id, 0), a.kind, a.name, a.id))
    return cuts.stamp(
        {
            "roots": list(sub.roots),
            "direction": direction,
            "count": len(assets) - len(sub.roots),
            "assets": [
                {
                    **brief(a),
                    "distance": sub.distances.get(a.id),
                    "owners": [o.id for o in sub.owners.get(a.id, ())],
                    **({"deprecated": True} if a.deprecated else {}),
                }
                for a in assets
            ],
            "edges": [_edge(e) for e in edges],
            "edge_direction": "source depends on target",
        }
    )


def _edge(e: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"source": e.source, "type": e.type, "target": e.target}
    if e.indirect:
        data["hops"] = e.hops
    return data


def _via(item: AffectedAsset) -> dict[str, Any] | None:
    """The asset just before this one on its path from the changed asset."""
    if item.path is None or len(item.path) == 0:
        return None
    return {"id": item.path.assets[-2], "relation": item.path.relations[-1]}


def _reached(item: AffectedAsset, with_paths: bool) -> dict[str, Any]:
    data: dict[str, Any] = {
        **brief(item.asset),
        "distance": item.distance,
        "via": _via(item),
        "owners": [o.id for o in item.owners],
    }
    if with_paths and item.path is not None:
        data["path"] = item.path.text()
    return data


def impact_answer(result: Impact, limit: int, with_paths: bool = False) -> dict[str, Any]:
    """Services, experiments and teams first: the parts of an impact people act on."""
    cuts = Cuts()
    cuts.note(result.truncated_reason if result.truncated else None)
    hint = "raise limit"
    teams = cuts.take(result.teams, limit, "teams", hint)
    people = cuts.take(result.people, limit, "people", hint)
    services = cuts.take(result.services, limit, "services", hint)
    experiments = cuts.take(result.experiments, limit, "experiments", hint)
    others = [a for a in result.affected if a.asset.kind not in ("service", "experiment")]
    others = cuts.take(others, limit, "other affected assets (nearest first)", hint)
    if result.paths_capped and with_paths:
        cuts.note("some paths were not spelled out (too many); ask path for one")
    return cuts.stamp(
        {
            "asset": brief(result.asset),
            "affected_count": len(result.affected),
            "affected_by_kind": {kind: len(items) for kind, items in result.by_kind().items()},
            "services": [_reached(a, with_paths) for a in services],
            "experiments": [_reached(a, with_paths) for a in experiments],
            "notify": {
                "teams": [{**owner_brief(n.owner), "affected": len(n.assets)} for n in teams],
                "people": [{**owner_brief(n.owner), "affected": len(n.assets)} for n in people],
            },
            "other_affected": [{**brief(a.asset), "distance": a.distance, "via": _via(a)} for a in others],
        }
    )


def path_answer(result: PathResult) -> dict[str, Any]:
    """Paths as text: `a -trained_on-> b <-serves- c` (arrows point at what is depended on)."""
    cuts = Cuts()
    if result.capped:
        cuts.note(f"more shortest paths exist than the {len(result.paths)} shown; raise max_paths")
    return cuts.stamp(
        {
            "source": brief(result.source),
            "target": brief(result.target),
            "found": result.found,
            "direction": result.direction,
            "directed": result.directed,
            "hops": result.hops,
            "paths": [p.text() for p in result.paths],
        }
    )


# -- who uses what ---------------------------------------------------------------------------


def consumers_answer(result: Consumers, limit: int) -> dict[str, Any]:
    cuts = Cuts()
    if result.truncated:
        cuts.note("lineage deeper than the depth limit was not counted")
    direct = cuts.take(result.direct, limit, "direct consumers", "raise limit")
    return cuts.stamp(
        {
            "asset": brief(result.asset),
            "direct_count": len(result.direct),
            "direct": [
                {**brief(c.asset), "relation": c.relation, "owners": [o.id for o in c.owners]} for c in direct
            ],
            "downstream_total": result.downstream_total,
            "downstream_by_kind": result.downstream_by_kind,
        }
    )


def report_answer(result: ReuseReport, limit: int) -> dict[str, Any]:
    cuts = Cuts()
    if result.unowned_truncated:
        cuts.note(f"unowned: {len(result.unowned)} of {result.unowned_total} listed by mlg")
    unowned = cuts.take(result.unowned, limit, "unowned assets", "raise limit")
    deprecated = cuts.take(result.deprecated_in_use, limit, "deprecated assets in use", "raise limit")
    if result.deprecated_capped:
        cuts.note(f"only the most used of {result.deprecated_consumed} deprecated assets were followed")
    if result.paths_capped:
        cuts.note("some paths from deprecated assets were not spelled out")
    reaches_cut = False
    deprecated_rows = []
    for d in deprecated:
        reaches = d.reaches[:limit]
        reaches_cut = reaches_cut or len(d.reaches) > limit
        deprecated_rows.append(
            {
                **brief(d.asset),
                "services": d.services,
                "tier1_models": d.tier1_models,
                "reaches": [{**brief(r.asset), "path": r.path.text() if r.path else None} for r in reaches],
            }
        )
    if reaches_cut:
        cuts.note(f"live uses of a deprecated asset: at most {limit} each (raise limit)")
    return cuts.stamp(
        {
            "ranked_by": "direct_consumers",
            "datasets": [_reused(r) for r in result.datasets],
            "features": [_reused(r) for r in result.features],
            "unowned_total": result.unowned_total,
            "unowned_by_kind": result.unowned_by_kind,
            "unowned": [brief(a) for a in unowned],
            "deprecated_in_use": deprecated_rows,
        }
    )


def _reused(r: Any) -> dict[str, Any]:
    return {
        **brief(r.asset),
        "direct_consumers": r.direct_consumers,
        "downstream": r.downstream,
        "models_downstream": r.models_downstream,
        "services_downstream": r.services_downstream,
    }


def runs_answer(workflow: Asset, runs: Sequence[Any], limit: int) -> dict[str, Any]:
    """`runs` were asked for with `limit + 1`, newest first."""
    cuts = Cuts()
    shown = runs[:limit]
    if len(runs) > limit:
        cuts.note(f"more than {limit} runs; showing the newest {limit} (raise limit)")
    rows = []
    for run in shown:
        duration = run.duration
        rows.append(
            {
                "id": run.id,
                "state": run.state,
                "started_at": _iso(run.started_at),
                "ended_at": _iso(run.ended_at),
                "duration_seconds": duration.total_seconds() if duration is not None else None,
                "error": run.error,
                "read": [a.id for a in run.inputs],
                "wrote": [a.id for a in run.outputs],
            }
        )
    return cuts.stamp({"workflow": brief(workflow), "count": len(rows), "runs": rows})


# -- Cypher and ingest -----------------------------------------------------------------------


def rows_answer(frame: pandas.DataFrame, limit: int) -> dict[str, Any]:
    """A query's DataFrame as columns and rows of plain JSON values."""
    cuts = Cuts()
    total = len(frame)
    if total > limit:
        cuts.note(f"the query returned {total} rows; showing the first {limit} (add LIMIT or aggregate)")
    head = frame.head(limit)
    columns = [str(c) for c in head.columns]
    rows = [[plain(v) for v in row] for row in head.itertuples(index=False, name=None)]
    return cuts.stamp({"columns": columns, "row_count": total, "rows": rows})


def ingest_answer(report: IngestReport) -> dict[str, Any]:
    data = report.to_dict()
    data["changed"] = report.changed
    skipped = getattr(report, "skipped", None)  # OpenLineage ingests list skipped events
    if skipped is not None:
        data["skipped"] = [str(p) for p in skipped]
    for name in ("events", "runs_added", "runs_updated"):
        if hasattr(report, name):
            data[name] = getattr(report, name)
    return data


def plain(value: Any) -> Any:
    """A query cell as JSON: missing values as null, timestamps as ISO text, numpy as Python."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, datetime | date) or hasattr(value, "isoformat"):  # also pandas.Timestamp
        return None if value != value else value.isoformat()  # NaT is not equal to itself
    if hasattr(value, "tolist"):  # numpy scalars and arrays
        return plain(value.tolist())
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
