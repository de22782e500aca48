"""The graph's history: past versions of assets, and how `--as-of`/`--since` dates are read.

An asset's Asset row is its current version, valid over [valid_from, valid_to). When a
write replaces that version (its content changes, or a retired asset comes back) the
version first goes, whole, into the asset's history with its interval; the row then
starts a new interval. A retired asset's row is its last version, closed at valid_to.
Edges need no versions: an edge's content is its ends and type, and each interval it
was alive over is one edge record. Owner links likewise (schema 6): an OWNED_BY link
holds since its valid_from; a link that went is kept with its interval. The store
reads the past (`GraphStore.asset_at`, `versions_at`, `assets_as_of`, `edges_as_of`,
`ownerships_as_of`; Kuzu: mlg/store/kuzu/history.py).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from mlg.errors import MlgError

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


def state_at(graph, moment: datetime, asset: str | None = None) -> tuple[dict, dict]:
    """The graph as it was at `moment`: {asset id: content dict} of the assets alive
    then (with their sources and `owners`, the (owner id, role) links that held then),
    and {(from, to, type): sources} of the edges alive then
    (an edge's sources as last recorded on that interval).
    `asset` keeps only that asset and the edges touching it."""
    store = getattr(graph, "store", graph)
    assets = store.assets_as_of(moment, asset=asset)
    owned = store.ownerships_as_of(moment, ids=[asset] if asset is not None else None)
    for asset_id, row in assets.items():
        row["owners"] = tuple(owned.get(asset_id, ()))
    return assets, store.edges_as_of(moment, asset=asset)
