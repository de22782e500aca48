"""Output options shared by every command: `--format table|json[|csv]`."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import click


def format_option(*choices: str, default: str = "table") -> Callable:
    """`--format` with the given choices, declared once for every command."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="table is for people; json (and csv) are stable for scripts.",
    )


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, emoji=False)


def err_console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False)


def kind_style(kind: str) -> str:
    """One colour per asset kind, used by every table."""
    return {
        "dataset": "cyan",
        "feature": "green",
        "model": "magenta",
        "evaluation": "yellow",
        "workflow": "blue",
        "service": "red",
        "experiment": "bright_white",
    }.get(kind, "white")


def progress_reporter():
    """A rich progress bar on stderr when it is a terminal, nothing otherwise: the stage,
    done of total, records per second and the time left (rich's estimate over the
    stage's last 30 s). Returns (callback, close)."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="progress.data.speed")

    bar = Progress(
        TextColumn("{task.description:<18}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err_console(),
        transient=True,
    )
    bar.start()
    task = bar.add_task("reading", total=None)
    current = ["reading"]

    def update(stage: str, done: int, total: int) -> None:
        if stage != current[0]:  # a new stage: its own rate and estimate
            current[0] = stage
            bar.reset(task, total=total or None, completed=done, description=stage)
        else:
            bar.update(task, completed=done, total=total or None)

    return update, bar.stop
