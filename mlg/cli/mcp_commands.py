"""mcp: the graph as a Model Context Protocol server for AI assistants (mlg/mcp/)."""

from __future__ import annotations

import click

from mlg.errors import MlgError


@click.command("mcp")
@click.option("--http", "http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="With --http: address to listen on. Beyond loopback, an API key is required.",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="With --http: port to listen on (0: any free port, printed at start).",
)
@click.option(
    "--api-key",
    envvar="MLG_API_KEY",
    default=None,
    help="With --http: require `Authorization: Bearer KEY` (default: $MLG_API_KEY).",
)
@click.option(
    "--allow-origin",
    "allowed_origins",
    multiple=True,
    metavar="ORIGIN",
    help="With --http: accept browser requests from this Origin (repeatable); others get 403.",
)
@click.option("--write", is_flag=True, help="Also offer the ingest tool (manifests, OpenLineage events).")
@click.pass_context
def mcp_command(
    ctx: click.Context,
    http: bool,
    host: str,
    port: int,
    api_key: str | None,
    allowed_origins: tuple[str, ...],
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
    from mlg.store import resolve_path

    path = resolve_path(ctx.find_root().obj.get("db"))
    if not write and not path.exists():
        raise MlgError(f"no graph at {path}; create one with `mlg init` or load the sample with `mlg sample`")
    server = build_server(path, write=write)

    def announce(message: str) -> None:
        click.echo(message, err=True)  # stdout is the protocol in stdio mode

    try:
        if http:
            from mlg.mcp.http import serve_http

            serve_http(server, host, port, api_key, allowed_origins, announce)
        else:
            if api_key and ctx.get_parameter_source("api_key") == click.core.ParameterSource.COMMANDLINE:
                raise click.UsageError("--api-key applies to --http only")
            server.run("stdio")
    except KeyboardInterrupt:
        pass


COMMANDS = [mcp_command]
