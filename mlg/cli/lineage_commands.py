"""serve-lineage, and the OpenLineage parts of ingest and show output."""

from __future__ import annotations

import click

from mlg.cli.output import console

INPUT_FORMATS = ("auto", "manifest", "openlineage")
OUTPUT_FORMATS = ("table", "json")


def split_formats(values: tuple[str, ...]) -> tuple[str, str]:
    """`ingest --format` takes an input format, an output format, or one of each."""
    inputs = [v for v in values if v in INPUT_FORMATS]
    outputs = [v for v in values if v in OUTPUT_FORMATS]
    if len(set(inputs)) > 1 or len(set(outputs)) > 1:
        raise click.UsageError(
            "--format: give at most one input format "
            "(auto|manifest|openlineage) and one output format (table|json)"
        )
    return (inputs or ["auto"])[0], (outputs or ["table"])[0]


def print_lineage_report(report) -> None:
    """What an ingest did with OpenLineage events (people's output)."""
    from mlg.openlineage import LineageIngestReport

    if not isinstance(report, LineageIngestReport):
        return
    click.echo(
        f"events: {report.events} applied, {len(report.skipped)} skipped; "
        f"runs +{report.runs_added} added, {report.runs_updated} updated"
    )
    if report.skipped:
        click.echo(f"skipped events ({len(report.skipped)} problem(s)):", err=True)
        for problem in report.skipped:
            click.echo(f"  {problem}", err=True)


def print_runs(runs) -> None:
    """A workflow's recent runs, for `mlg show`: state and times, what each read and wrote."""
    from rich.markup import escape

    out = console()
    out.print(f"\n[bold]recent runs[/]: {len(runs)}")
    style = {"COMPLETE": "green", "FAIL": "red", "ABORT": "yellow"}
    for run in runs:
        state = run.state or "?"
        started = run.started_at.isoformat(sep=" ", timespec="seconds") if run.started_at else "?"
        out.print(f"  {started}  [{style.get(state, 'cyan')}]{state}[/]  {_duration(run.duration)}")
        out.print(f"      [dim]run[/]   {escape(run.id)}", overflow="fold")
        for label, assets in (("read", run.inputs), ("wrote", run.outputs)):
            for i, asset in enumerate(assets):
                out.print(f"      [dim]{label if i == 0 else '':<5}[/] {escape(asset.id)}", overflow="fold")
        if run.error:
            out.print(f"      [red]error[/] {escape(run.error)}", overflow="fold")


def _duration(delta) -> str:
    if delta is None:
        return ""
    seconds = int(delta.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"


@click.command("serve-lineage")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Keep the loopback default unless the API key is set.",
)
@click.option(
    "--port",
    default=5000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--api-key",
    envvar="MLG_API_KEY",
    default=None,
    help="Require `Authorization: Bearer KEY` (default: $MLG_API_KEY; none: open).",
)
@click.option(
    "--spool",
    "spool_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Where accepted events wait to be applied. Default: <graph>.spool/",
)
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Most events applied in one transaction.",
)
@click.pass_context
def serve_lineage(
    ctx: click.Context, host: str, port: int, api_key: str | None, spool_dir: str | None, batch_size: int
) -> None:
    """OpenLineage HTTP receiver: POST /api/v1/lineage, as the HTTP transport sends.

    Each event is checked (4xx with the reason when invalid), written durably to a
    spool and only then acknowledged; a background applier opens the graph, ingests
    spooled events in batches and closes it again, so explorers and notebooks can
    read the graph between writes. While another process holds the graph, events
    keep being accepted and wait in the spool. Stop with Ctrl-C.
    """
    from mlg.openlineage.receiver import LineageReceiver
    from mlg.store import resolve_path

    receiver = LineageReceiver(
        resolve_path(ctx.find_root().obj.get("db")),
        host=host,
        port=port,
        api_key=api_key,
        spool_dir=spool_dir,
        batch_size=batch_size,
    )
    receiver.serve(announce=click.echo)


COMMANDS = [serve_lineage]
