"""DatasetRunList: which runs read or wrote the dataset in view, and at which version.

The runs come from the dataset's RUN_IO links (`Graph.dataset_runs`, one lookup by id);
like the other versions, the list waits until an asset has stayed in view for a moment,
so walking the graph quickly starts no lookup and holds up no tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Static
from textual.worker import get_current_worker

from mlg import MlgError
from mlg.tui.labels import error, muted

if TYPE_CHECKING:
    from mlg import DatasetRun, Graph

SETTLE_SECONDS = 0.3
LIMIT = 20
# the kinds runs read and write (OpenLineage datasets; models and features as datasets)
RUN_KINDS = ("dataset", "feature", "model")


class DatasetRunList(Static):
    class Loaded(Message):
        def __init__(self, asset_id: str, used: list[DatasetRun] | None, error: str | None = None) -> None:
            self.asset_id = asset_id
            self.used = used
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.graph = graph
        self.asset_id: str | None = None
        self.used: list[DatasetRun] = []
        self.loaded = False
        self._timer: Timer | None = None
        self.border_title = "Runs that read or wrote it"

    def show(self, asset_id: str, kind: str) -> None:
        """The runs of `asset_id`, looked up once it has stayed in view (none for a kind
        that runs do not read or write)."""
        self.asset_id = asset_id
        self.loaded = False
        self.used = []
        self.update("")
        self.display = False
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if kind in RUN_KINDS:
            self._timer = self.set_timer(SETTLE_SECONDS, lambda: self._start(asset_id))

    @property
    def pending(self) -> bool:
        return self._timer is not None

    def _start(self, asset_id: str) -> None:
        self._timer = None
        self._load(asset_id)

    @work(thread=True, exclusive=True, group="dataset-runs")
    def _load(self, asset_id: str) -> None:
        try:
            used = self.graph.dataset_runs(asset_id, limit=LIMIT)
        except MlgError as exc:
            self.post_message(self.Loaded(asset_id, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(asset_id, used))

    def on_dataset_run_list_loaded(self, message: DatasetRunList.Loaded) -> None:
        message.stop()
        if message.asset_id != self.asset_id or self.loaded:
            return  # the user has moved on
        self.loaded = True
        self.used = message.used or []
        lines = [run_line(u) for u in self.used]
        if message.error is not None:
            lines.append(Text(message.error, style=error()))
        self.update(Group(*lines))
        self.display = bool(lines)


def run_line(use: DatasetRun) -> Text:
    """`2024-05-01 11:00  read @3  workflow:airflow/train  run r3`."""
    run = use.run
    text = Text(f"{run.started_at:%Y-%m-%d %H:%M}  " if run.started_at else "?  ", style=muted())
    text.append("wrote" if use.direction == "output" else "read", style="bold")
    text.append(
        f" @{use.version}" if use.version else " (no version)", style="bold" if use.version else muted()
    )
    text.append(f"  {run.workflow}")
    if run.state and run.state != "COMPLETE":
        text.append(f"  {run.state}", style=error() if run.state in ("FAIL", "ABORT") else muted())
    text.append(f"  run {run.id}", style=muted())
    return text
