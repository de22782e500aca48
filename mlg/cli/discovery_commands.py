"""search, uses, report, query: finding what exists and who uses it."""

from __future__ import annotations

import json
from typing import Any

import click

from mlg.cli.context import open_graph
from mlg.cli.history_commands import view_options
from mlg.cli.output import console, format_option, kind_style, print_json
from mlg.errors import MlgError
from mlg.limits import Limits, value_problem
from mlg.schema import KINDS


@click.command()
@click.argument("text", required=False, default="")
@click.option("--kind", type=click.Choice(KINDS), help="Only assets of this kind.")
@click.option("--owner", metavar="OWNER", help="Only assets this owner (id or name) owns.")
@click.option("--tag", metavar="TAG", help="Only assets with this tag.")
@click.option("--domain", metavar="DOMAIN", help="Only assets of this domain.")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=50, show_default=True, help="At most this many hits."
)
@format_option("table", "json", "csv")
@view_options(as_of=False)
@click.pass_context
def search(
    ctx: click.Context,
    text: str,
    kind: str | None,
    owner: str | None,
    tag: str | None,
    domain: str | None,
    limit: int,
    fmt: str,
) -> None:
    """Find assets by id, name, version, words, owner or tag, best matches first.

    Ranking, in tiers: exact id or name (or name@version), then names whose parts
    start with TEXT, then names holding every word, then the assets of an owner so
    named, then full text (description, tags, domain, owners), then typos. A version
    at the end ("home ranker v4") comes first. Without TEXT, lists the assets the
    filters keep. A list cut at --limit says so, with how many matched (json:
    {"hits": [...], "truncated": bool, "total": N}).
    """
    from mlg.search import hits_to_pandas

    if not text.strip() and not (kind or owner or tag or domain):
        raise click.UsageError(
            "give TEXT to search for, or a filter (--kind, --owner, --tag, --domain) to list assets"
        )
    hits = open_graph(ctx).search(
        text, kind=kind, owner=owner, tag=tag, domain=domain, limit=limit, count=True
    )
    if fmt == "json":
        print_json(hits.to_dict())
    elif fmt == "csv":
        click.echo(_csv(hits_to_pandas(hits)), nl=False)
        if hits.truncated:
            click.echo(_cut_note(hits, limit), err=True)
    else:
        _print_hits(hits, text, limit)


def _cut_note(hits, limit: int) -> str:
    return (
        f"cut: showing {len(hits)} of {hits.total} matches (--limit {limit}); "
        "raise --limit or narrow the search"
    )


@click.command()
@click.argument("asset")
@format_option("table", "json", "csv")
@click.pass_context
def uses(ctx: click.Context, asset: str, fmt: str) -> None:
    """Who uses ASSET: its direct consumers (with owners) and everything downstream by kind.

    csv prints the direct consumers (id, kind, name, relation, owners).
    """
    result = open_graph(ctx).consumers(asset)
    if fmt == "json":
        print_json(result.to_dict())
    elif fmt == "csv":
        click.echo(_csv(result.to_pandas()), nl=False)
    else:
        _print_consumers(result)


@click.command()
@click.option(
    "--limit",
    "--top",
    "limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many datasets and features to rank (--top: its older name).",
)
@format_option("table", "json")
@click.pass_context
def report(ctx: click.Context, limit: int, fmt: str) -> None:
    """Reuse and governance: most reused datasets and features, assets without an owner,
    deprecated assets still feeding services or tier-1 models, lineage cycles."""
    result = open_graph(ctx).reuse_report(limit=limit)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        _print_report(result)


@click.command()
@click.argument("cypher")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind $NAME (repeatable). VALUE is read as JSON when it parses, else as a string.",
)
@click.option("--write", is_flag=True, help="Allow the query to change the graph.")
@format_option("table", "json", "csv")
@click.pass_context
def query(ctx: click.Context, cypher: str, params: tuple[str, ...], write: bool, fmt: str) -> None:
    """Run one Cypher statement; read-only unless --write.

    Example: mlg query 'MATCH (a:Asset) WHERE a.kind = $k RETURN a.id LIMIT 5' --param k=model
    """
    bound = _parse_params(params)
    frame = open_graph(ctx, write=write).query(cypher, bound, write=write)
    if fmt == "json":
        print_json(frame_records(frame))
    elif fmt == "csv":
        click.echo(_csv(frame), nl=False)
    else:
        _print_frame(frame)


COMMANDS = [search, uses, report, query]


# -- helpers -------------------------------------------------------------------------


def _parse_params(pairs: tuple[str, ...]) -> dict[str, Any]:
    from mlg.safe_load import DocumentError, LimitExceeded, load_json  # (YAML: not at start-up)

    bound: dict[str, Any] = {}
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"{pair!r} is not NAME=VALUE", param_hint="--param")
        try:
            value = load_json(raw)
        except LimitExceeded as exc:
            raise MlgError(f"--param {name.strip()}: the value {exc}") from None
        except DocumentError:
            value = raw  # not JSON: the text itself
        # json parses deeper than mlg allows on some Pythons (3.13: 5,000 levels)
        problem = value_problem(value, Limits.current())
        if problem:
            path, why = problem
            raise MlgError(f"--param {name.strip()}{'.' + path if path else ''}: the value {why}")
        bound[name.strip().lstrip("$")] = value
    return bound


def frame_records(frame) -> list[dict[str, Any]]:
    """DataFrame rows as JSON-ready dicts: missing values as null, timestamps as ISO text."""
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def _plain(value: Any) -> Any:
    import pandas as pd

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, str):
        return value.item()  # numpy scalars
    return value


def _csv(frame) -> str:
    """CSV with list and dict cells as JSON."""
    frame = frame.copy()
    for name in frame.columns:
        if frame[name].dtype == object:
            frame[name] = [
                json.dumps(_plain(v), ensure_ascii=False, default=str)
                if isinstance(v, list | tuple | dict)
                else v
                for v in frame[name]
            ]
    return frame.to_csv(index=False)


# -- people's output -----------------------------------------------------------------


def _table(*columns: str):
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for column in columns:
        table.add_column(
            column,
            overflow="fold",
            no_wrap=column in ("kind", "match"),
            justify="right" if column in ("score", "n") else "left",
        )
    return table


def _print_hits(hits, text: str, limit: int) -> None:
    from rich.markup import escape

    out = console()
    if not hits:
        out.print(f"no asset matches {escape(text)!r}" if text.strip() else "no asset matches these filters")
        return
    table = _table("match", "kind", "id", "name", "tags")
    for h in hits:
        a = h.asset
        table.add_row(
            h.match,
            f"[{kind_style(a.kind)}]{a.kind}[/]",
            escape(a.id),
            escape(a.name),
            escape(", ".join(a.tags)),
        )
    out.print(table)
    if hits.truncated:
        out.print(f"[yellow]{escape(_cut_note(hits, limit))}[/]")
    else:
        out.print(f"[dim]{len(hits)} hit{'s' * (len(hits) != 1)}[/]")


def _print_consumers(result) -> None:
    from rich.markup import escape

    out = console()
    a = result.asset
    out.print(
        f"[bold]who uses[/] [{kind_style(a.kind)}]{a.kind}[/] [bold]{escape(a.name)}[/] "
        f"({escape(a.id)}): {len(result.direct)} direct, "
        f"{result.downstream_total} downstream in all"
    )
    if result.direct:
        table = _table("relation", "kind", "id", "owners")
        for c in result.direct:
            table.add_row(
                c.relation,
                f"[{kind_style(c.asset.kind)}]{c.asset.kind}[/]",
                escape(c.asset.id),
                escape(", ".join(o.id for o in c.owners)) or "[yellow]none[/]",
            )
        out.print(table)
    if result.downstream_by_kind:
        out.print(
            "downstream by kind: "
            + ", ".join(f"[{kind_style(k)}]{k}[/] {n}" for k, n in result.downstream_by_kind.items())
        )
    if result.truncated:
        out.print("[yellow]truncated: lineage deeper than the depth limit was not counted[/]")


def _print_report(result) -> None:
    from rich.markup import escape

    out = console()
    for title, rows in (("most reused datasets", result.datasets), ("most reused features", result.features)):
        out.print(f"[bold]{title}[/] (by direct consumers)")
        if not rows:
            out.print("  none")
            continue
        table = _table("id", "direct", "downstream", "models", "services")
        for r in rows:
            table.add_row(
                escape(r.asset.id),
                str(r.direct_consumers),
                str(r.downstream),
                str(r.models_downstream),
                str(r.services_downstream),
            )
        out.print(table)
    out.print(
        f"\n[bold]assets without an owner[/]: {result.unowned_total}"
        + (
            " (" + ", ".join(f"{k} {n}" for k, n in result.unowned_by_kind.items()) + ")"
            if result.unowned_total
            else ""
        )
    )
    for asset in result.unowned[:20]:
        out.print(f"  [{kind_style(asset.kind)}]{asset.kind}[/] {escape(asset.id)}")
    if len(result.unowned) > 20 or result.unowned_truncated:
        out.print(
            f"  … and {result.unowned_total - min(20, len(result.unowned))} more (--format json lists them)"
        )
    if result.placeholders:
        count = len(result.placeholders)
        out.print(f"\n[bold]placeholders[/] (referenced, not described by any source yet): {count}")
        for asset in result.placeholders[:20]:
            by = escape(", ".join(asset.sources))
            out.print(f"  [dim]{asset.kind} {escape(asset.id)}[/] (referenced by {by})")
    out.print(
        f"\n[bold]deprecated assets still feeding services or tier-1 models[/]: "
        f"{len(result.deprecated_in_use)}"
    )
    for dep in result.deprecated_in_use:
        out.print(
            f"  [reverse red] DEPRECATED [/] {escape(dep.asset.id)} → "
            f"{dep.services} service(s), {dep.tier1_models} tier-1 model(s)"
        )
        for use in dep.reaches[:5]:
            route = " → ".join(use.path.assets[1:]) if use.path else use.asset.id
            out.print(f"      {escape(route)}")
        if len(dep.reaches) > 5:
            out.print(f"      … {len(dep.reaches) - 5} more")
    if result.deprecated_capped:
        out.print(
            f"[yellow]{result.deprecated_consumed} deprecated assets are still used; "
            f"the {len(result.deprecated_in_use)} shown come from the most used "
            "ones followed[/]"
        )
    if result.paths_capped:
        out.print("[yellow]some paths were not spelled out (too many); counts are complete[/]")
    out.print(f"\n[bold]lineage cycles[/]: {result.cycles_total}")
    for cycle in result.cycles[:20]:
        out.print(f"  ↺ {escape(' · '.join(cycle))}")
    if result.cycles_total > 20:
        out.print(f"  … and {result.cycles_total - 20} more (--format json lists {len(result.cycles)})")


def _print_frame(frame) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    if frame.empty:
        out.print(f"no rows (columns: {', '.join(map(str, frame.columns)) or 'none'})")
        return
    table = Table(show_edge=False, pad_edge=False)
    for name in frame.columns:
        table.add_column(escape(str(name)), overflow="fold")
    for row in frame_records(frame):
        table.add_row(*(escape(_cell(v)) for v in row.values()))
    out.print(table)
    out.print(f"[dim]{len(frame)} row{'s' * (len(frame) != 1)}[/]")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)
