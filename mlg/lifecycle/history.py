"""The graph's history: past versions of assets, and how `--as-of`/`--since` dates are read.

An asset's Asset row is its current version, valid over [valid_from, valid_to). When a
write replaces that version (its content changes, or a retired asset comes back) the
version first goes, whole, into AssetHistory with its interval; the row then starts a
new interval. A retired asset's row is its last version, closed at valid_to. Edges
need no versions: an edge's content is its ends and type, and each interval it was
alive over is one DEPENDS_ON or RETIRED_DEPENDS_ON row.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from mlg.errors import MlgError
from mlg.lifespan import ASSET_HISTORY, db
from mlg.schema import ASSET_COLUMNS

_RELATIVE = {"today": 0, "yesterday": 1, "last-week": 7, "last-month": 30, "last-year": 365}


def parse_moment(value: datetime | date | str | None, now: datetime | None = None) -> datetime | None:
    """A naive UTC datetime from a datetime, a date (the end of that day: "as of
    2026-06-01" is the graph as it was when that day ended), ISO text, "today", "yesterday",
    "last-week", "last-month", "last-year" or "N days ago" / "Nd"."""
    if value is None or isinstance(value, datetime):
        return _naive(value) if value is not None else None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day) + timedelta(days=1) - timedelta(microseconds=1)
    text = str(value).strip()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    if text.lower() in _RELATIVE:
        return now - timedelta(days=_RELATIVE[text.lower()])
    match = re.fullmatch(r"(\d{1,5})\s*(?:d|days? ago)", text.lower())
    if match:
        return now - timedelta(days=int(match.group(1)))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return parse_moment(date.fromisoformat(text))
        return _naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        raise MlgError(
            f"cannot read {text!r} as a date: give YYYY-MM-DD, an ISO date and time, today, "
            "yesterday, last-week, last-month, last-year or 'N days ago'"
        ) from None


def _naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


# -- reading the past ---------------------------------------------------------------------

_CONTENT = tuple(n for n, _ in ASSET_COLUMNS if n != "id")


def _at(moment: datetime) -> dict:
    return {"t": moment}


def asset_at(graph, asset_id: str, moment: datetime):
    """The Asset `asset_id` as it was at `moment`, or None if it was not alive then."""
    from mlg.lifespan import LIFE_RETURN
    from mlg.model import Asset

    columns = ", ".join(f"a.{n} AS {n}" for n, _ in ASSET_COLUMNS)
    rows = db(graph).rows(
        f"MATCH (a:Asset {{id: $id}}) WHERE a.valid_from <= $t AND a.valid_to > $t RETURN {columns}"
        + LIFE_RETURN.replace("a.valid_to AS valid_to, ", ""),
        {"id": asset_id, **_at(moment)},
    )
    if rows:
        return Asset.from_row(rows[0])
    found = versions_at(graph, [asset_id], moment)
    return found.get(asset_id)


def versions_at(graph, ids, moment: datetime) -> dict:
    """id -> Asset: the past versions (AssetHistory) of those of `ids` that were valid
    at `moment` and have changed since."""
    from mlg.model import Asset

    ids = list(ids)
    if not ids:
        return {}
    columns = ", ".join(f"h.{n} AS {n}" for n in _CONTENT)
    rows = db(graph).rows(
        f"MATCH (h:{ASSET_HISTORY}) WHERE h.asset IN $ids AND h.valid_from <= $t AND h.valid_to > $t "
        f"RETURN h.asset AS id, {columns}, h.placeholder AS placeholder, h.sources AS sources",
        {"ids": ids, **_at(moment)},
    )
    return {r["id"]: Asset.from_row(r) for r in rows}


def state_at(graph, moment: datetime, asset: str | None = None) -> tuple[dict, dict]:
    """The graph as it was at `moment`: {asset id: content dict} of the assets alive
    then (with their sources), and {(from, to, type): sources} of the edges alive then
    (an edge's sources as last recorded on that interval).
    `asset` keeps only that asset and the edges touching it."""
    from mlg.lifespan import RETIRED_EDGES

    columns = ", ".join(f"a.{n} AS {n}" for n in _CONTENT)
    one = " AND a.id = $asset" if asset else ""
    params = {**_at(moment), **({"asset": asset} if asset else {})}
    assets = {}
    for r in db(graph).rows(
        f"MATCH (a:Asset) WHERE a.valid_from <= $t AND a.valid_to > $t{one} "
        f"RETURN a.id AS id, {columns}, a.sources AS sources, a.placeholder AS placeholder",
        params,
    ):
        assets[r.pop("id")] = r
    for r in db(graph).rows(
        f"MATCH (a:{ASSET_HISTORY}) WHERE a.valid_from <= $t AND a.valid_to > $t"
        + (" AND a.asset = $asset" if asset else "")
        + f" RETURN a.asset AS id, {columns}, a.sources AS sources, a.placeholder AS placeholder",
        params,
    ):
        assets[r.pop("id")] = r
    edges: dict[tuple[str, str, str], tuple[str, ...]] = {}
    ends = " AND (a.id = $asset OR b.id = $asset)" if asset else ""
    for table, sources in (("DEPENDS_ON", "sources"), (RETIRED_EDGES, "last_sources")):
        for r in db(graph).rows(
            f"MATCH (a:Asset)-[e:{table}]->(b:Asset) WHERE e.valid_from <= $t AND e.valid_to > $t{ends} "
            f"RETURN a.id AS s, b.id AS d, e.type AS ty, e.{sources} AS sources",
            params,
        ):
            edges[(r["s"], r["d"], r["ty"])] = tuple(r["sources"] or ())
    for row in assets.values():
        row["tags"] = tuple(row["tags"] or ())
        row["sources"] = tuple(row["sources"] or ())
    return assets, edges
