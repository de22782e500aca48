"""retire, restore, diff; and the --include-retired / --as-of options of the read commands."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

import click

from mlg.cli.context import open_graph
from mlg.cli.output import console, format_option, print_json

VIEW_KEY = "mlg.view"  # ctx.meta: (include_retired, as_of) for open_graph


def view_options(as_of: bool = True) -> Callable:
    """--include-retired (and --as-of DATE): the part of history a read command sees.
    `open_graph` applies them, so a command needs only this decorator."""

    def decorate(func: Callable) -> Callable:
        @wraps(func)
        def run(*args, include_retired: bool = False, as_of_date: str | None = None, **kwargs):
            click.get_current_context().meta[VIEW_KEY] = (include_retired, as_of_date)
            return func(*args, **kwargs)

        run = click.option(
            "--include-retired",
            is_flag=True,
            help="Show retired assets and edges too (what no source asserts any more, or retired by hand).",
        )(run)
        if as_of:
            run = click.option(
                "--as-of",
                "as_of_date",
                metavar="DATE",
                help="Answer from the graph as it was then (YYYY-MM-DD: the end of that day; "
                "an ISO time; yesterday, last-week, 'N days ago').",
            )(run)
        return run

    return decorate


@click.command()
@click.argument("asset")
@click.option("--reason", metavar="TEXT", help="Why (kept with the asset).")
@format_option("table", "json")
@click.pass_context
def retire(ctx: click.Context, asset: str, reason: str | None, fmt: str) -> None:
    """Retire ASSET by hand: it and its edges leave lineage, impact and search, and
    are kept (with --include-retired, --as-of). Holds until `mlg restore`."""
    change = open_graph(ctx, write=True).retire(asset, reason)
    if fmt == "json":
        print_json(change.to_dict())
    elif change.changed:
        click.echo(f"retired {change.asset} and {change.edges} edges")
    else:
        click.echo(f"{change.asset} is already retired")


@click.command()
@click.argument("asset")
@format_option("table", "json")
@click.pass_context
def restore(ctx: click.Context, asset: str, fmt: str) -> None:
    """Bring a retired ASSET back, with the edges still asserted whose other end is alive."""
    change = open_graph(ctx, write=True).restore(asset)
    if fmt == "json":
        print_json(change.to_dict())
    elif change.changed:
        click.echo(f"restored {change.asset} and {change.edges} edges")
    else:
        click.echo(f"{change.asset} is not retired")


@click.command()
@click.argument("asset", required=False)
@click.option("--since", required=True, metavar="DATE", help="From this moment (YYYY-MM-DD, last-week, ...).")
@click.option("--until", metavar="DATE", help="To this moment (default: now).")
@format_option("table", "json")
@click.pass_context
def diff(ctx: click.Context, asset: str | None, since: str, until: str | None, fmt: str) -> None:
    """What changed between two moments: assets and edges added, changed and retired,
    by source and by owner (of the whole graph, or of ASSET and its edges)."""
    from mlg.lifecycle.diff import diff as graph_diff

    result = graph_diff(open_graph(ctx), since, until, asset)
    if fmt == "json":
        print_json(result.to_dict())
        return
    _print_diff(result)


COMMANDS = [retire, restore, diff]


def _print_diff(result) -> None:
    from rich.markup import escape

    out = console()
    span = f"{result.since:%Y-%m-%d %H:%M} → {result.until:%Y-%m-%d %H:%M}"
    counts = {c: len(result.of(c)) for c in ("added", "changed", "retired")}
    edges = {c: sum(1 for e in result.edges if e.change == c) for c in ("added", "retired")}
    out.print(
        f"[bold]{escape(result.asset or 'the graph')}[/], {span}: assets +{counts['added']} added, "
        f"~{counts['changed']} changed, -{counts['retired']} retired; "
        f"edges +{edges['added']} added, -{edges['retired']} retired"
    )
    if not result.assets and not result.edges:
        return
    for title, groups in (("by source", result.by_source()), ("by owner", result.by_owner())):
        out.print(f"\n[bold]{title}[/]")
        for name, numbers in groups.items():
            out.print(f"  {escape(name)}: " + ", ".join(f"{k} {n}" for k, n in numbers.items()))
    marks = {"added": "[green]+[/]", "changed": "[yellow]~[/]", "retired": "[red]-[/]"}
    out.print("\n[bold]assets[/]")
    for a in result.assets:
        what = f" ({', '.join(a.fields)})" if a.fields else ""
        by = escape(", ".join(a.sources))
        out.print(f"  {marks[a.change]} {a.kind} {escape(a.id)}{escape(what)}  [dim]{by}[/]")
    if result.edges:
        out.print("\n[bold]edges[/]")
        for e in result.edges:
            out.print(f"  {marks[e.change]} {escape(e.source)} -{e.type}-> {escape(e.target)}")
