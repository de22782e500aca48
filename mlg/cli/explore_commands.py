"""explore: the keyboard-first terminal explorer (a Textual app, imported only when run)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

import mlg
from mlg.errors import MlgError
from mlg.store import resolve_path


@click.command()
@click.argument("asset", required=False)
@click.option(
    "--demo",
    is_flag=True,
    help="Explore the bundled sample estate in a temporary graph, deleted on exit (--db is not touched).",
)
@click.pass_context
def explore(ctx: click.Context, asset: str | None, demo: bool) -> None:
    """Walk the lifecycle graph from the keyboard: search, lineage, impact, paths, Cypher.

    ASSET (an id, or a name that matches one asset) opens the explorer on it. The graph
    is opened read-only, so the explorer runs beside other readers. Press ? inside for
    every key.
    """
    # Textual is imported here, not at the top: `mlg --help` must load no UI toolkit.
    from mlg.tui.app import ExploreApp

    if demo:
        with tempfile.TemporaryDirectory(prefix="mlg-demo-") as folder:
            path = Path(folder) / "demo.kuzu"
            click.echo("loading the sample estate into a temporary graph…", err=True)
            with mlg.open(path) as graph:
                graph.load_sample()
            with mlg.open(path, read_only=True) as graph:
                ExploreApp(graph, asset).run()
        return
    path = resolve_path(ctx.find_root().obj.get("db"))
    if not path.exists():
        raise MlgError(
            f"no graph at {path}. Load one with `mlg sample` (the sample estate) "
            "or `mlg ingest PATH`, or try `mlg explore --demo`."
        )
    with mlg.open(path, read_only=True) as graph:
        ExploreApp(graph, asset).run()


COMMANDS = [explore]
