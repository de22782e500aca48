"""Welcome: what the graph holds and how to start — or, when it is empty, how to fill it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from mlg import KINDS, GraphStats, MlgError
from mlg.tui.labels import error, kind_badge, note

if TYPE_CHECKING:
    from mlg import Graph

EMPTY_HELP = (
    "This graph has no assets yet. Load some, then run mlg explore again:\n\n"
    "  mlg sample              load the sample estate (Streamly, a streaming company)\n"
    "  mlg ingest PATH...      load your own manifests (YAML or JSON)\n"
    "  mlg explore --demo      explore the sample estate without touching this graph\n\n"
    "Press q to quit."
)


class Welcome(Static):
    """The first view when no asset was asked for."""

    class StatsLoaded(Message):
        def __init__(self, stats: GraphStats | None, error: str | None = None) -> None:
            self.stats = stats
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(Text("counting assets…", style=note()), id=id)
        self.graph = graph
        self.stats: GraphStats | None = None
        self.border_title = "mlg explore"

    @work(thread=True, group="welcome")
    def load(self) -> None:
        """Count the graph's assets (a scan: on 1M assets, not for nothing at start-up)."""
        try:
            self.post_message(self.StatsLoaded(self.graph.stats()))
        except MlgError as exc:
            self.post_message(self.StatsLoaded(None, str(exc)))

    def on_welcome_stats_loaded(self, message: Welcome.StatsLoaded) -> None:
        self.stats = message.stats
        if message.stats is None:
            self.update(Text(f"could not read the graph: {message.error}", style=error()))
        elif not message.stats.assets:
            self.add_class("empty")
            self.update(Text(EMPTY_HELP))
        else:
            self.update(self._summary(message.stats))

    @staticmethod
    def _summary(stats: GraphStats) -> Group:
        counts = Table.grid(padding=(0, 2))
        counts.add_column()
        counts.add_column(justify="right")
        by_kind = stats.assets_by_kind
        for kind in sorted(by_kind, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
            counts.add_row(kind_badge(kind), f"{by_kind[kind]:,}")
        head = Text(
            f"{stats.assets:,} assets · {stats.relations:,} relations · {stats.owners:,} owners", style="bold"
        )
        hint = Text.assemble(
            "Press ",
            ("/", "bold"),
            " to find an asset by name, then walk its lineage.\n",
            ("?", "bold"),
            " lists every key; ",
            ("q", "bold"),
            " quits.",
        )
        return Group(head, Text(), counts, Text(), hint)
