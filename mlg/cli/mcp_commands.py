"""mcp: the graph as a Model Context Protocol server for AI assistants (mlg/mcp/)."""

from __future__ import annotations

import click

from mlg.cli.server_options import api_key, http_server_options
from mlg.errors import MlgError


@click.command("mcp")
@click.option("--http", "http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@http_server_options(default_port=8765, only_with="--http")
@click.option("--write", is_flag=True, help="Also offer the ingest tool (manifests, OpenLineage events).")
@click.pass_context
def mcp_command(
    ctx: click.Context,
    http: bool,
    host: str,
    port: int,
    api_key_file: str | None,
    api_key_argv: str | None,
    origins: tuple[str, ...],
    write: bool,
) -> None:
    """Model Context Protocol server: lets AI assistants search the graph, walk lineage,
    ask for impact, paths, consumers, reports, runs and read-only Cypher.

    Speaks stdio (for an assistant that starts it) unless --http. Read-only unless
    --write. The graph is opened for each tool call and closed after it, so other
    processes can write to it in between. Register it with an assistant as the command
    `mlg mcp` with MLG_DB set (README: "AI assistants").
    """
    try:
        import mcp  # noqa: F401 - the optional SDK
    except ImportError:
        from mlg.mcp import INSTALL_HINT

        raise MlgError(INSTALL_HINT) from None
    from mlg.mcp.server import build_server
    from mlg.store.location import resolve_target

    key = api_key(api_key_file, api_key_argv)  # refuses a key on the command line first
    path = resolve_target(ctx.find_root().obj.get("db"))
    if not write and not isinstance(path, str) and not path.exists():
        raise MlgError(f"no graph at {path}; create one with `mlg init` or load the sample with `mlg sample`")
    server = build_server(path, write=write)

    def announce(message: str) -> None:
        click.echo(message, err=True)  # stdout is the protocol in stdio mode

    try:
        if http:
            from mlg.mcp.http import serve_http

            serve_http(server, host, port, key, origins, announce)
        else:
            if api_key_file is not None:
                raise click.UsageError("--api-key-file applies to --http only")
            server.run("stdio")
    except KeyboardInterrupt:
        pass


COMMANDS = [mcp_command]
