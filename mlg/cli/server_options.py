"""Options shared by mlg's HTTP servers (`serve-lineage`, `mcp --http`): where to listen,
the API key, allowed browser origins. Declared once so both follow the same key rules:
the key comes from $MLG_API_KEY or a file, never from the command line (every user of
the machine sees argv in `ps`)."""

from __future__ import annotations

import os
from collections.abc import Callable

import click

from mlg.errors import MlgError

KEY_ENV = "MLG_API_KEY"


def http_server_options(default_port: int, *, only_with: str = "") -> Callable:
    """--host, --port, --api-key-file, --allow-origin (and a refused --api-key).

    The command receives `host`, `port`, `api_key_file`, `api_key_argv` and `origins`;
    `api_key(api_key_file, api_key_argv)` turns the last ones into the key. `only_with`
    names the flag that makes the command a server, for the help texts.
    """
    note = f" (with {only_with})" if only_with else ""

    def decorate(command: Callable) -> Callable:
        options = [
            click.option(
                "--host",
                default="127.0.0.1",
                show_default=True,
                help=f"Address to listen on{note}. Anything but loopback requires an API key.",
            ),
            click.option(
                "--port",
                default=default_port,
                show_default=True,
                type=click.IntRange(0, 65535),
                help=f"Port to listen on{note} (0: any free port, printed at start).",
            ),
            click.option(
                "--api-key-file",
                type=click.Path(dir_okay=False, exists=True),
                default=None,
                help=f"Require `Authorization: Bearer KEY`, KEY read from this file "
                f"(default: ${KEY_ENV}; neither: no key, loopback only){note}.",
            ),
            click.option("--api-key", "api_key_argv", default=None, hidden=True),
            click.option(
                "--allow-origin",
                "origins",
                multiple=True,
                metavar="ORIGIN",
                help="Accept requests from web pages of this origin (e.g. https://lineage.example) "
                f"without an API key (repeatable){note}. Others are refused.",
            ),
        ]
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def api_key(api_key_file: str | None, api_key_argv: str | None) -> str | None:
    """The key from --api-key-file, else $MLG_API_KEY, else None; --api-key is refused."""
    if api_key_argv is not None:
        raise MlgError(
            f"--api-key would show the key to every user of this machine (ps); "
            f"set ${KEY_ENV} or give --api-key-file PATH"
        )
    key = os.environ.get(KEY_ENV) or None
    if api_key_file is not None:
        try:
            with open(api_key_file, encoding="utf-8") as f:
                key = f.read().strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise MlgError(f"cannot read the API key from {api_key_file}: {exc}") from None
        if not key:
            raise MlgError(f"the API key file {api_key_file} is empty")
    return key
