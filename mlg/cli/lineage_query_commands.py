"""The lineage questions: lineage, impact, path, export."""

from __future__ import annotations

from collections.abc import Callable

import click

from mlg.cli.context import open_graph
from mlg.cli.history_commands import view_options
from mlg.cli.output import format_option, kind_style, print_json
from mlg.schema import KINDS, RELATION_TYPES

_TITLES = {"up": ("upstream of", "what it depends on"), "down": ("downstream of", "what depends on it")}


def _lineage_options(func: Callable) -> Callable:
    """ASSET, direction, --depth and --kind: shared by `lineage` and `export`."""
    for option in reversed(
        (
            click.argument("asset"),
            click.option(
                "--up",
                "direction",
                flag_value="up",
                default=True,
                help="What ASSET depends on (the default).",
            ),
            click.option("--down", "direction", flag_value="down", help="What depends on ASSET."),
            click.option("--both", "direction", flag_value="both", help="Upstream and downstream."),
            click.option(
                "--depth",
                type=click.IntRange(min=1),
                default=None,
                metavar="N",
                help="Stop after N hops (default: all of it).",
            ),
            click.option(
                "--kind",
                "kinds",
                multiple=True,
                type=click.Choice(KINDS),
                help="Keep only assets of this kind (repeatable); hops through other "
                "kinds become indirect edges.",
            ),
        )
    ):
        func = option(func)
    return func


@click.command()
@_lineage_options
@click.option(
    "--type",
    "types",
    multiple=True,
    type=click.Choice(RELATION_TYPES),
    help="Follow only this relation type (repeatable).",
)
@click.option(
    "--column",
    default=None,
    metavar="NAME",
    help="Which upstream columns feed column NAME of ASSET (OpenLineage column lineage).",
)
@format_option("table", "json", "csv")
@view_options()
@click.pass_context
def lineage(
    ctx: click.Context,
    asset: str,
    direction: str,
    depth: int | None,
    kinds: tuple[str, ...],
    types: tuple[str, ...],
    column: str | None,
    fmt: str,
) -> None:
    """Everything ASSET depends on (--up), what depends on it (--down), or both.

    json prints the subgraph (nodes, edges, truncated); csv prints the nodes table
    (`mlg export` writes the edges too). With --column NAME: the upstream columns that
    feed that column, directly or not.
    """
    graph = open_graph(ctx)
    if column is not None:
        _print_columns(graph, asset, column, depth, fmt)
        return
    if fmt == "table":
        for side in ("up", "down") if direction == "both" else (direction,):
            _print_lineage(
                graph.lineage(asset, side, depth=depth, kinds=kinds or None, types=types or None), side
            )
        return
    sub = graph.lineage(asset, direction, depth=depth, kinds=kinds or None, types=types or None)
    if fmt == "json":
        print_json(sub.to_dict())
    else:
        from mlg.export import frame_to_csv

        click.echo(frame_to_csv(sub.nodes), nl=False)


@click.command()
@click.argument("asset")
@format_option("table", "json", "csv")
@view_options()
@click.pass_context
def impact(ctx: click.Context, asset: str, fmt: str) -> None:
    """What a change to ASSET affects, by kind, and which teams and people to tell.

    csv prints one row per affected asset (id, kind, name, distance, path, relations, owners).
    """
    result = open_graph(ctx).impact(asset)
    if fmt == "json":
        print_json(result.to_dict())
    elif fmt == "csv":
        from mlg.export import frame_to_csv

        click.echo(frame_to_csv(result.to_frame()), nl=False)
    else:
        _print_impact(result)


@click.command("path")
@click.argument("source", metavar="FROM")
@click.argument("target", metavar="TO")
@click.option(
    "--max-paths",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="At most this many shortest paths.",
)
@format_option("table", "json")
@view_options()
@click.pass_context
def path_command(ctx: click.Context, source: str, target: str, max_paths: int, fmt: str) -> None:
    """The shortest dependency path(s) between FROM and TO.

    First FROM depends on TO, else TO depends on FROM, else any connection ignoring
    the direction of the edges (said so).
    """
    result = open_graph(ctx).path_between(source, target, max_paths)
    if fmt == "json":
        print_json(result.to_dict())
    else:
        _print_path(result)


@click.command()
@_lineage_options
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(),
    metavar="DIR",
    help="Folder to write into (created if missing).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("csv", "parquet", "json")),
    default="csv",
    show_default=True,
    help="csv/parquet: nodes and edges files; json: subgraph.json.",
)
@view_options()
@click.pass_context
def export(
    ctx: click.Context,
    asset: str,
    direction: str,
    depth: int | None,
    kinds: tuple[str, ...],
    out_dir: str,
    fmt: str,
) -> None:
    """Write the lineage of ASSET to files (columns in the README)."""
    from mlg.export import write_subgraph

    sub = open_graph(ctx).lineage(asset, direction, depth=depth, kinds=kinds or None)
    files = write_subgraph(sub, out_dir, fmt)
    click.echo(
        f"wrote {len(sub.assets)} assets and {len(sub.relations)} edges to {out_dir}: "
        + ", ".join(f.name for f in files)
    )
    if sub.truncated:
        click.echo(f"note: the lineage was cut: {sub.truncated_reason}")


COMMANDS = [lineage, impact, path_command, export]


# -- people's output ----------------------------------------------------------------


def console():
    """mlg.cli.output's console, but ids like `experiment:ab` stay text, not emoji (🆎)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, emoji=False)


def _styled(asset) -> str:
    return f"[{kind_style(asset.kind)}]{asset.kind}[/]"


def _label(asset) -> str:
    """The id (what people copy into the next command), and the name when the id hides it."""
    from rich.markup import escape

    if asset.name in asset.id:
        return escape(asset.id)
    return f"{escape(asset.id)} [dim]({escape(asset.name)})[/]"


def _asset_table(*columns: str):
    """A table whose ids wrap instead of being cut."""
    from rich.table import Table

    table = Table(show_edge=False, pad_edge=False)
    for column in columns:
        if column == "hops":
            table.add_column(column, justify="right", no_wrap=True)
        else:
            table.add_column(column, overflow="fold", no_wrap=column == "kind")
    return table


def _print_lineage(sub, side: str) -> None:
    from rich.markup import escape

    out = console()
    root = sub.asset(sub.roots[0])
    where, what = _TITLES[side]
    count = len(sub.assets) - 1
    out.print(
        f"[bold]{where}[/] {_styled(root)} [bold]{escape(root.name)}[/] ({escape(root.id)})"
        f" — {what}: {count} asset{'s' * (count != 1)}"
    )
    if count:
        # "via": the asset (and relation) one step nearer the root that reaches this one
        dist = sub.distances
        best: dict[str, tuple] = {}
        for e in sub.relations:
            near, far = (e.source, e.target) if side == "up" else (e.target, e.source)
            if far in dist and near in dist and dist[near] < dist[far]:
                # the farthest such asset; between equals, the first id (as impact does)
                candidate = (-dist[near], near, e.type, e)
                best[far] = min(best.get(far, candidate), candidate)
        via = {}
        for far, (_, near, _, e) in best.items():
            rel = f"indirect, {e.hops} hops" if e.indirect else e.type
            via[far] = f"{near} ({rel})"
        table = _asset_table("hops", "kind", "asset", "via", "owners")
        last = None
        for a in sorted(sub.assets, key=lambda a: (dist.get(a.id, 0), a.kind, a.name)):
            hops = dist.get(a.id, 0)
            if a.id == root.id:
                continue
            if last is not None and hops != last:
                table.add_section()
            table.add_row(
                str(hops) if hops != last else "",
                _styled(a),
                _label(a),
                escape(via.get(a.id, "")),
                escape(", ".join(o.id for o in sub.owners.get(a.id, ()))),
            )
            last = hops
        out.print(table)
    if sub.truncated:
        out.print(
            f"[yellow]truncated: {escape(sub.truncated_reason or 'cut')}[/] (raise --depth to see further)"
        )


def _print_impact(result) -> None:
    from rich.markup import escape
    from rich.padding import Padding
    from rich.table import Table

    out = console()
    a = result.asset
    n = len(result.affected)
    out.print(
        f"Changing {_styled(a)} [bold]{escape(a.name)}[/] ({escape(a.id)}) affects "
        f"[bold]{n}[/] asset{'s' * (n != 1)}"
    )
    if result.truncated:
        out.print(f"[yellow]truncated: {escape(result.truncated_reason or 'cut')}[/]")
    if not n:
        out.print("Nothing depends on it.")
        return
    # Whole paths of every asset would drown the report: each row names the asset one hop
    # nearer that reaches it ("via"); services and experiments get their whole path.
    groups = result.by_kind()
    for kind in sorted(groups, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        items = groups[kind]
        out.print(f"\n[bold {kind_style(kind)}]{kind}[/] ({len(items)})")
        table = _asset_table("hops", "asset", "via", "owners")
        for item in items:
            via = f"{item.path.assets[-2]} ({item.path.relations[-1]})" if item.path else "…"
            table.add_row(
                str(item.distance),
                _label(item.asset),
                escape(via),
                escape(", ".join(o.id for o in item.owners)),
            )
        out.print(table)
    if result.paths_capped:
        out.print("[dim]… marks assets whose path was left out (too many assets)[/]")
    out.print(
        f"\n[bold]teams to notify[/] ({len(result.teams)})"
        + ("" if result.teams else ": [yellow]none of the affected assets has a team[/]")
    )
    for t in result.teams:
        out.print(f"  {escape(t.owner.name)} ({escape(t.owner.id)}): {_count(t.assets)}")
    if result.people:
        out.print(f"[bold]people[/] ({len(result.people)})")
        for p in result.people:
            contact = f" <{p.owner.email}>" if p.owner.email else f" ({p.owner.id})"
            out.print(f"  {escape(p.owner.name + contact)}: {_count(p.assets)}")
    for title, items in (
        ("production services reached", result.services),
        ("experiments reached", result.experiments),
    ):
        out.print(f"[bold]{title}[/] ({len(items)})")
        if items:
            grid = Table.grid()
            grid.add_column(overflow="fold")
            for item in items:
                grid.add_row(escape(item.path.text()))
            out.print(Padding.indent(grid, 2))
    out.print("[dim]every path in full: --format json or --format csv[/]")


def _count(assets) -> str:
    return f"{len(assets)} affected asset{'s' * (len(assets) != 1)}"


def _print_path(result) -> None:
    from rich.markup import escape

    out = console()
    a, b = escape(result.source.id), escape(result.target.id)
    if not result.found:
        out.print(f"{a} and {b} are not connected.")
        return
    plural = "s" * (len(result.paths) != 1)
    headline = {
        "same": f"{a} and {b} are the same asset.",
        "up": f"{a} depends on {b}",
        "down": f"{b} depends on {a}",
        "undirected": f"neither depends on the other; {a} and {b} are connected (edges followed both ways)",
    }[result.direction]
    if result.direction != "same":
        headline += (
            f": {result.hops} hop{'s' * (result.hops != 1)}, "
            f"{len(result.paths)}{'+' if result.capped else ''} shortest path{plural}"
        )
    out.print(headline)
    if result.direction != "same":
        out.print("[dim](arrows point from the dependent to what it depends on)[/]")
    assets = {x.id: x for x in result.subgraph.assets}
    for number, p in enumerate(result.paths, 1):
        if len(result.paths) > 1:
            out.print(f"[bold]path {number}[/]")
        for i, asset_id in enumerate(p.assets):
            x = assets[asset_id]
            out.print(f"  {_styled(x)} [bold]{escape(x.name)}[/] ({escape(x.id)})")
            if i < len(p.relations):
                rel = p.relations[i]
                out.print(f"    [dim]{f'-{rel}->' if p.forward[i] else f'<-{rel}-'}[/]")
    if result.capped:
        out.print("[dim]more shortest paths exist; raise --max-paths to see them[/]")


def _print_columns(graph, asset: str, column: str, depth: int | None, fmt: str) -> None:
    from rich.markup import escape

    from mlg.cli.output import console
    from mlg.openlineage import column_upstream

    rows = column_upstream(graph, asset, column, depth)
    if fmt == "json":
        print_json(rows)
        return
    if fmt == "csv":
        import csv
        import io
        import json

        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]) if rows else ["dataset", "column"])
        writer.writeheader()
        for r in rows:
            writer.writerow({**r, "transformations": json.dumps(r["transformations"])})
        click.echo(out.getvalue(), nl=False)
        return
    out = console()
    out.print(f"[bold]columns feeding[/] {escape(graph.resolve(asset).id)}.{escape(column)}: {len(rows)}")
    for r in rows:
        kinds = ", ".join(
            t.get("type", "") + (f"/{t['subtype']}" if t.get("subtype") else "") for t in r["transformations"]
        )
        via = " [dim](dataset-level)[/]" if r["via"] == "dataset" else ""
        out.print(
            f"  {'  ' * (r['hops'] - 1)}← {escape(r['input_dataset'])}.{escape(r['input_column'])}"
            f"{'  [dim]' + escape(kinds) + '[/]' if kinds else ''}{via}",
            overflow="fold",
        )
