"""The commands about the graph itself: init, sample, ingest, stats, show."""

from __future__ import annotations

import json

import click

from mlg.cli.context import open_graph
from mlg.cli.history_commands import view_options
from mlg.cli.output import console, format_option, kind_style, print_json, progress_reporter
from mlg.model import AssetDetail, GraphStats, IngestReport
from mlg.sources import DEFAULT_SOURCE, source_names


def _output_format(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """`--format` is the output format; an input format given there says where it goes."""
    if value in source_names():
        raise click.BadParameter(f"{value} is an input format: give it as --from {value}", ctx, param)
    return value


@click.command()
@format_option("table", "json")
@click.pass_context
def init(ctx: click.Context, fmt: str) -> None:
    """Create an empty graph (or check an existing one)."""
    graph = open_graph(ctx, write=True)
    if fmt == "json":
        print_json({"path": graph.store.location, "assets": graph.stats().assets})
    else:
        click.echo(f"graph ready at {graph.store.location}")


@click.command()
@format_option("table", "json")
@click.pass_context
def sample(ctx: click.Context, fmt: str) -> None:
    """Load the bundled sample estate (Streamly, a fictional streaming company)."""
    graph = open_graph(ctx, write=True)
    update, close = progress_reporter()
    try:
        report = graph.load_sample(progress=update)
    finally:
        close()
    _print_report(report, graph, fmt)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--from",
    "source",
    type=click.Choice(source_names()),
    default=DEFAULT_SOURCE,
    show_default=True,
    help="Input format: auto sniffs each file (manifests and OpenLineage events may be mixed); "
    "or a connector: dbt (a project or manifest.json), mlflow (a tracking URI), feast (a feature "
    "repository), backstage (catalog-info.yaml files), model-card (README.md files).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("table", "json", *source_names())),
    metavar="[table|json]",
    default="table",
    show_default=True,
    callback=_output_format,
    help="Output format: table is for people; json is stable for scripts.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Leave out invalid OpenLineage events (and list them) instead of rejecting the whole ingest.",
)
@click.option(
    "--sync",
    is_flag=True,
    help="Each manifest is the whole truth of its source (its `source:` name, else the file): "
    "what that source asserted before and no longer does is retired, in the same transaction.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Refuse relations to assets neither in the input nor in the graph "
    "(by default they become placeholders of the kind the relation implies).",
)
@click.option("--dry-run", is_flag=True, help="Validate and print what would change; write nothing.")
@click.pass_context
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    source: str,
    fmt: str,
    skip_invalid: bool,
    sync: bool,
    strict: bool,
    dry_run: bool,
) -> None:
    """Ingest manifests (YAML/JSON) and OpenLineage events (JSON, JSON arrays, NDJSON),
    or read a system through a connector (--from dbt|mlflow|feast|backstage|model-card),
    all or nothing. PATH is a file, a directory, a tracking URI, or - for stdin."""
    from mlg.cli.serve_lineage_commands import print_lineage_report
    from mlg.connectors import CONNECTORS

    if dry_run and source not in CONNECTORS:
        raise click.UsageError("--dry-run works with --from a connector (for now)")
    graph = open_graph(ctx, write=True)
    update, close = progress_reporter()
    try:
        if source in CONNECTORS:
            report = graph.ingest_from(source, list(paths), sync=sync, dry_run=dry_run, progress=update)
        else:
            report = graph.ingest(
                list(paths),
                progress=update,
                from_=source,
                skip_invalid=skip_invalid,
                sync=sync,
                strict=strict,
            )
    finally:
        close()
    if dry_run:
        _print_dry_run(report, graph, fmt)
        return
    _print_report(report, graph, fmt)
    if fmt == "table":
        print_lineage_report(report)


@click.command()
@format_option("table", "json")
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Counts of assets by kind, relations by type, and owners."""
    result = open_graph(ctx).stats()
    if fmt == "json":
        print_json(result.to_dict())
    else:
        _print_stats(result)


@click.command()
@click.argument("asset")
@format_option("table", "json")
@view_options()
@click.pass_context
def show(ctx: click.Context, asset: str, fmt: str) -> None:
    """One asset: properties, owners, tags, versions, direct upstream and downstream.

    ASSET is an id, or a name that matches exactly one asset.
    """
    graph = open_graph(ctx)
    detail = graph.detail(asset)
    runs = graph.runs(detail.asset.id, limit=10) if detail.asset.kind == "workflow" else None
    used = graph.dataset_runs(detail.asset.id, limit=10) if detail.asset.kind != "workflow" else None
    if fmt == "json":
        extra = {"runs": [r.to_dict() for r in runs]} if runs is not None else {}
        if used:
            extra["used_by_runs"] = [u.to_dict() for u in used]
        print_json({**detail.to_dict(), **extra})
    else:
        _print_detail(detail)
        from mlg.cli.serve_lineage_commands import print_dataset_runs, print_runs

        if runs:
            print_runs(runs)
        if used:
            print_dataset_runs(used)


# -- people's output ----------------------------------------------------------------


def _print_report(report: IngestReport, graph, fmt: str) -> None:
    if fmt == "json":
        print_json({"path": graph.store.location, **report.to_dict()})
        return
    if not report.changed:
        click.echo(
            f"nothing changed in {graph.store.location} "
            f"({report.assets_unchanged} assets, {report.relations_unchanged} relations "
            "already up to date)"
        )
        return
    click.echo(
        f"ingested into {graph.store.location}: "
        f"assets +{report.assets_added} added, {report.assets_updated} updated, "
        f"{report.assets_unchanged} unchanged; "
        f"relations +{report.relations_added} added, {report.relations_updated} updated; "
        f"owners +{report.owners_added} added, {report.owners_updated} updated"
        + (
            f"; retired {report.assets_retired} assets and {report.relations_retired} relations, "
            f"revived {report.assets_revived} assets"
            if report.assets_retired or report.relations_retired or report.assets_revived
            else ""
        )
        + (
            f"; {report.placeholders_added} placeholders for referenced assets not described yet"
            if report.placeholders_added
            else ""
        )
    )


def _print_dry_run(report: IngestReport, graph, fmt: str) -> None:
    if fmt == "json":
        print_json({"path": str(graph.path), "dry_run": True, **report.to_dict()})
        return
    if not report.changed:
        click.echo(
            f"dry run: nothing would change in {graph.path} ({report.assets_unchanged} assets up to date)"
        )
        return
    click.echo(
        f"dry run, nothing written to {graph.path}; would add {report.assets_added} and update "
        f"{report.assets_updated} assets ({report.assets_unchanged} unchanged), add "
        f"{report.relations_added} and update {report.relations_updated} relations, add "
        f"{report.owners_added} owners and {report.ownerships_added} owner links"
    )


def _print_stats(result: GraphStats) -> None:
    from rich.table import Table

    out = console()
    out.print(
        f"[bold]{result.path}[/]: {result.assets} assets, {result.relations} relations, "
        f"{result.owners} owners ({result.unowned_assets} assets without an owner)"
    )
    if not result.assets:
        out.print(
            "The graph is empty: `mlg sample` loads the sample estate, "
            "`mlg ingest PATH` loads your manifests."
        )
        return
    for title, counts, styled in (
        ("assets by kind", result.assets_by_kind, True),
        ("relations by type", result.relations_by_type, False),
        ("owners by kind", result.owners_by_kind, False),
    ):
        table = Table(title=title, title_justify="left", show_edge=False)
        table.add_column(title.split()[0][:-1] if title.startswith("relations") else "kind")
        table.add_column("count", justify="right")
        for key, count in counts.items():
            table.add_row(f"[{kind_style(key)}]{key}[/]" if styled else key, str(count))
        out.print(table)


def _print_detail(detail: AssetDetail) -> None:
    from rich.markup import escape as esc
    from rich.table import Table

    from mlg.qualified_ids import people_write

    out = console()
    a = detail.asset
    out.print(
        f"[bold {kind_style(a.kind)}]{a.kind}[/] [bold]{esc(a.name)}[/]"
        + (f"  version {esc(a.version)}" if a.version else "")
        + ("  [reverse red] DEPRECATED [/]" if a.deprecated else "")
        + (f"  [reverse] RETIRED {a.retired_at:%Y-%m-%d %H:%M} [/]" if a.retired else "")
        + ("  [dim] PLACEHOLDER (no source has described it yet) [/]" if a.placeholder else "")
    )
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim")
    fields.add_column()
    for label, value in (
        ("id", a.id),
        ("as written", people_write(a.id)),
        ("namespace", a.namespace),
        ("family", a.family),
        ("domain", a.domain),
        ("tags", ", ".join(a.tags)),
        (
            "owners",
            esc(", ".join(f"{o.name} ({o.kind}, {o.role})" for o in detail.owners)) or "[yellow]none[/]",
        ),
        ("created", a.created_at and a.created_at.isoformat(sep=" ")),
        ("updated", a.updated_at and a.updated_at.isoformat(sep=" ")),
        ("sources", ", ".join(a.sources)),
        ("retired", a.retired_reason if a.retired else None),
    ):
        if value:
            fields.add_row(label, value if label == "owners" else esc(str(value)))
    for key, value in a.props.items():
        fields.add_row(
            esc(f"props.{key}"),
            esc(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)),
        )
    out.print(fields)
    if a.description:
        out.print(f"\n{esc(a.description.strip())}")
    if detail.siblings:
        out.print(
            "\n[bold]other versions[/]: "
            + ", ".join(esc(s.id + (f" (v{s.version})" if s.version else "")) for s in detail.siblings)
        )
    for title, neighbours in (
        ("upstream (depends on)", detail.upstream),
        ("downstream (depended on by)", detail.downstream),
    ):
        out.print(f"\n[bold]{title}[/]: {len(neighbours)}")
        if neighbours:
            table = Table(show_edge=False, show_header=False, pad_edge=False)
            table.add_column("relation", no_wrap=True)
            table.add_column("kind", no_wrap=True)
            table.add_column("id", overflow="fold")
            for n in neighbours:
                table.add_row(n.type, f"[{kind_style(n.asset.kind)}]{n.asset.kind}[/]", esc(n.asset.id))
            out.print(table)


@click.command(name="copy")
@click.argument("source")
@click.argument("destination")
@click.option(
    "--drop-history",
    is_flag=True,
    help="Copy today's graph only, leaving retired assets and edges and earlier versions "
    "behind (without it the whole history is copied).",
)
@format_option("table", "json")
def copy_command(source: str, destination: str, drop_history: bool, fmt: str) -> None:
    """Copy a whole graph, history included, between backends: SOURCE and DESTINATION
    are graph files or URLs (falkordb://HOST:PORT/GRAPH); DESTINATION must be new or
    empty. One transaction: a copy that fails leaves DESTINATION empty."""
    from mlg.copy import copy_graph
    from mlg.store.location import resolve_target

    report = copy_graph(resolve_target(source), resolve_target(destination), drop_history=drop_history)
    if fmt == "json":
        print_json({"source": source, "destination": destination, **report.to_dict()})
    else:
        click.echo(
            f"copied {source} to {destination}: {report.assets_added} assets, "
            f"{report.relations_added} relations, {report.owners_added} owners"
        )


COMMANDS = [init, sample, ingest, stats, show, copy_command]
