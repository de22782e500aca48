"""Entry point: `mlg [--db PATH] COMMAND`. Exit codes: 0 ok, 1 user error, 2 usage."""

from __future__ import annotations

import sys

import click

from mlg.errors import MlgError


class MlgGroup(click.Group):
    """Turns mlg's own errors into one clear message and exit code 1 — never a traceback."""

    def main(self, args=None, *rest, **options):
        # Arguments that are not UTF-8 (or hold lone surrogates) cannot be looked up or
        # stored: one clear message before any command runs, not a traceback deep in Kuzu.
        for position, arg in enumerate(sys.argv[1:] if args is None else args, start=1):
            why = _not_text(arg)
            if why:
                click.echo(f"error: argument {position} ({arg!r}) {why}", err=True)
                sys.exit(1)
        return super().main(args, *rest, **options)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MlgError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)


def _not_text(arg: object) -> str | None:
    from mlg.limits import surrogate_at

    if not isinstance(arg, str):
        return None
    at = surrogate_at(arg)
    if at is None:
        return None
    code = ord(arg[at])
    if 0xDC80 <= code <= 0xDCFF:  # how Python carries a byte that is not UTF-8
        return f"is not UTF-8 text: the byte 0x{code - 0xDC00:02X} at position {at}"
    return f"is not valid Unicode text: a lone surrogate U+{code:04X} at position {at}"


@click.group(cls=MlgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db",
    envvar="MLG_DB",
    type=click.Path(dir_okay=False),
    help="Graph file. Default: $MLG_DB, else graph.kuzu in the user data dir.",
)
@click.version_option(package_name="mlg")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """mlg — the Model Lifecycle Graph: lineage, impact and discovery for ML assets."""
    ctx.obj = {"db": db}


def _db_after_command(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    # `mlg stats --db X` means the same as `mlg --db X stats`; given in both places, the
    # one after the command wins, as the nearer one does in git and docker.
    if value is not None:
        ctx.find_root().obj["db"] = value


def db_option() -> click.Option:
    return click.Option(
        ["--db"],
        type=click.Path(dir_okay=False),
        expose_value=False,
        is_eager=True,
        callback=_db_after_command,
        help="Graph file (also accepted before the command).",
    )


def _register() -> None:
    # One module per group of commands, each exporting COMMANDS. Imports inside the
    # modules stay lazy so that `mlg --help` loads no UI toolkit.
    from mlg.cli import (
        discovery_commands,
        explore_commands,
        graph_commands,
        history_commands,
        lineage_commands,
        mcp_commands,
        query_commands,
    )

    for module in (
        graph_commands,
        query_commands,
        explore_commands,
        lineage_commands,
        discovery_commands,
        history_commands,
        mcp_commands,
    ):
        for command in module.COMMANDS:
            if not any(param.name == "db" for param in command.params):
                command.params.append(db_option())
            main.add_command(command)


_register()
