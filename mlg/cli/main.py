"""Entry point: `mlg [--db PATH] COMMAND`. Exit codes: 0 ok, 1 user error, 2 usage."""

from __future__ import annotations

import json
import sys
from typing import NoReturn

import click

from mlg.errors import MlgError


class MlgGroup(click.Group):
    """Turns mlg's own errors into one clear message and exit code 1 — never a traceback.
    With `--format json` the message is JSON on stderr, `{"error": ..., "kind": ...}`
    (kind: the error's class, e.g. AssetNotFound, or UsageError); exit codes stay."""

    def main(self, args=None, *rest, **options):
        argv = list(sys.argv[1:] if args is None else args)
        json_errors = self._json_errors = wants_json(argv)
        # Arguments that are not UTF-8 (or hold lone surrogates) cannot be looked up or
        # stored: one clear message before any command runs, not a traceback deep in Kuzu.
        for position, arg in enumerate(argv, start=1):
            why = _not_text(arg)
            if why:
                fail(f"argument {position} ({arg!r}) {why}", "InvalidArgument", json_errors)
        if not json_errors or not options.get("standalone_mode", True):
            return super().main(argv, *rest, **options)
        try:
            return super().main(argv, *rest, standalone_mode=False, **options)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            fail("aborted", "Abort", True)
        except click.ClickException as exc:
            fail(exc.format_message(), type(exc).__name__, True, exc.exit_code)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MlgError as exc:
            fail(str(exc), type(exc).__name__, getattr(self, "_json_errors", False))


def wants_json(argv: list[str]) -> bool:
    """Whether the command line asks for JSON output (`--format json`, `--format=json`)."""
    for i, arg in enumerate(argv):
        if arg == "--format=json" or (arg == "--format" and i + 1 < len(argv) and argv[i + 1] == "json"):
            return True
    return False


def fail(message: str, kind: str, as_json: bool, code: int = 1) -> NoReturn:
    """Say what went wrong on stderr (as JSON when asked) and exit with `code`."""
    if as_json:
        click.echo(json.dumps({"error": message, "kind": kind}, ensure_ascii=False), err=True)
    else:
        click.echo(f"error: {message}", err=True)
    sys.exit(code)


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
    help="Graph file, or a backend URL (name://...). Default: $MLG_DB, else graph.kuzu in the user data dir.",
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
        help="Graph file or backend URL (also accepted before the command).",
    )


def _register() -> None:
    # One module per group of commands, each exporting COMMANDS. Imports inside the
    # modules stay lazy so that `mlg --help` loads no UI toolkit.
    from mlg.cli import (
        discovery_commands,
        explore_commands,
        graph_commands,
        history_commands,
        lineage_query_commands,
        mcp_commands,
        serve_lineage_commands,
    )

    for module in (
        graph_commands,
        lineage_query_commands,
        explore_commands,
        serve_lineage_commands,
        discovery_commands,
        history_commands,
        mcp_commands,
    ):
        for command in module.COMMANDS:
            if not any(param.name == "db" for param in command.params):
                command.params.append(db_option())
            main.add_command(command)


_register()
