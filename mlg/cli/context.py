"""How commands get at the graph named by `--db`."""

from __future__ import annotations

import click

import mlg


def open_graph(ctx: click.Context, *, write: bool = False) -> mlg.Graph:
    """Read commands open read-only (so they run beside other readers); writers create."""
    path = ctx.find_root().obj.get("db")
    graph = mlg.open(path, read_only=not write, create=write)
    ctx.call_on_close(graph.close)
    include_retired, as_of = ctx.meta.get("mlg.view", (False, None))  # mlg.cli.history_commands
    if include_retired or as_of:
        return graph.viewing(include_retired=include_retired, as_of=as_of)
    return graph
