"""serve-lineage (the OpenLineage HTTP receiver), and the OpenLineage parts of the
output of ingest and show."""

from __future__ import annotations

import click

from mlg.cli.output import console, format_option
from mlg.cli.server_options import api_key, http_server_options
from mlg.errors import MlgError


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
            direction = "input" if label == "read" else "output"
            for i, asset in enumerate(assets):
                version = run.versions.get(direction, {}).get(asset.id)
                at = f" [dim]@[/] {escape(version)}" if version else ""
                out.print(
                    f"      [dim]{label if i == 0 else '':<5}[/] {escape(asset.id)}{at}", overflow="fold"
                )
        if run.error:
            out.print(f"      [red]error[/] {escape(run.error)}", overflow="fold")


def print_dataset_runs(used) -> None:
    """Which runs read or wrote an asset, and which version of it, for `mlg show`."""
    from rich.markup import escape

    out = console()
    out.print(f"\n[bold]runs that read or wrote it[/]: {len(used)}")
    for use in used:
        run = use.run
        started = run.started_at.isoformat(sep=" ", timespec="seconds") if run.started_at else "?"
        verb = "wrote" if use.direction == "output" else "read"
        version = f" version {escape(use.version)}" if use.version else ""
        out.print(
            f"  {started}  {verb}{version}  [dim]by[/] {escape(run.workflow)}  [dim]run[/] {escape(run.id)}",
            overflow="fold",
        )


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
@http_server_options(default_port=5000)
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
@click.option(
    "--status",
    "show_status",
    is_flag=True,
    help="Print the spool's state (pending, dead-lettered events and why) and exit.",
)
@format_option("table", "json")
@click.pass_context
def serve_lineage(
    ctx: click.Context,
    host: str,
    port: int,
    api_key_file: str | None,
    api_key_argv: str | None,
    origins: tuple[str, ...],
    spool_dir: str | None,
    batch_size: int,
    show_status: bool,
    fmt: str,
) -> None:
    """OpenLineage HTTP receiver: POST /api/v1/lineage, as the HTTP transport sends.

    Each event is checked before the answer (4xx with the reason when it is invalid or
    the graph would refuse it), written durably to a spool and only then acknowledged;
    a background applier opens the graph, ingests spooled events in batches and closes
    it again when quiet, so explorers and notebooks can read the graph between writes.
    An acknowledged event that still fails to apply goes to the spool's dead-letter
    folder with its reason (see --status). Stop with Ctrl-C.
    """
    from mlg.openlineage.receiver import LineageReceiver, default_spool
    from mlg.store.location import resolve_target

    graph_path = resolve_target(ctx.find_root().obj.get("db"))
    if show_status and isinstance(graph_path, str):
        raise MlgError(f"{graph_path} is a server graph: the receiver writes to it directly, with no spool")
    if show_status:
        _print_spool_status(spool_dir or default_spool(graph_path), fmt)
        return
    key = api_key(api_key_file, api_key_argv)
    receiver = LineageReceiver(
        graph_path,
        host=host,
        port=port,
        api_key=key,
        spool_dir=spool_dir,
        batch_size=batch_size,
        allowed_origins=origins,
    )
    receiver.serve(announce=click.echo)


def _print_spool_status(directory, fmt: str) -> None:
    from mlg.cli.output import print_json
    from mlg.openlineage.spool import Spool

    spool = Spool(directory)
    dead = spool.dead_letters()
    status = {
        "spool": str(spool.directory),
        "receiver_running": spool.in_use(),
        "pending": spool.count(),
        "dead_lettered": len(dead),
        "dead_letters": [{"event": str(spool.dead_letter / n), "reason": r} for n, r in dead],
    }
    if fmt == "json":
        print_json(status)
        return
    click.echo(
        f"spool {spool.directory}: receiver {'running' if status['receiver_running'] else 'not running'}, "
        f"{status['pending']} event(s) pending, {len(dead)} dead-lettered"
    )
    for entry in status["dead_letters"]:
        click.echo(f"  {entry['event']}:")
        for line in entry["reason"].splitlines():
            click.echo(f"    {line}")


COMMANDS = [serve_lineage]
