"""AssetPanel: one asset's properties, owners, tags, domain and other versions."""

from __future__ import annotations

from mlg.tui.labels import AssetRef, asset_label
from mlg.tui.widgets.versions import VersionList
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import get_current_worker

from mlg import Asset, Graph, MlgError, Owner


class AssetPanel(VerticalScroll):
    """Shows what the tree knew of the asset at once, then everything about it and its
    owners as soon as a worker has fetched them; its other versions below."""

    class DetailsLoaded(Message):
        def __init__(self, asset_id: str, asset: Asset | None, owners: list[Owner] | None,
                     error: str | None = None) -> None:
            self.asset_id = asset_id
            self.asset = asset
            self.owners = owners
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.graph = graph
        self.ref: AssetRef | None = None
        self.asset: Asset | None = None  # the whole asset, once loaded
        self.loaded = False  # the asset's properties and owners are shown
        self.border_title = "Asset"

    def compose(self) -> ComposeResult:
        yield Static(id="asset-properties")
        versions = VersionList(self.graph, id="versions")
        versions.border_title = "Other versions"
        yield versions

    def show(self, ref: AssetRef) -> None:
        self.ref = ref
        self.asset = None
        self.loaded = False
        self.query_one("#asset-properties", Static).update(Group(
            asset_label(ref, bold=True), Text(), Text("loading…", style="dim italic")))
        self.query_one("#versions", VersionList).show(ref.id)
        self.scroll_home(animate=False)
        self._load_details(ref.id)

    @work(thread=True, exclusive=True, group="asset-details")
    def _load_details(self, asset_id: str) -> None:
        try:
            asset = self.graph.resolve(asset_id)
            owners = self.graph.owners(asset.id)
        except MlgError as exc:
            self.post_message(self.DetailsLoaded(asset_id, None, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.DetailsLoaded(asset_id, asset, owners))

    def on_asset_panel_details_loaded(self, message: AssetPanel.DetailsLoaded) -> None:
        message.stop()
        if self.ref is None or message.asset_id != self.ref.id:
            return  # the user has moved on
        if message.asset is None:
            self.query_one("#asset-properties", Static).update(
                Text(f"could not load {message.asset_id}: {message.error}", style="red"))
            return
        self.asset = message.asset
        self._render_properties(message.asset, message.owners or [])
        self.loaded = True

    # -- rendering ----------------------------------------------------------------------

    def _render_properties(self, asset: Asset, owners: list[Owner]) -> None:
        title = asset_label(asset, bold=True)
        if asset.deprecated:
            title.append("  DEPRECATED", style="bold reverse red")
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="dim", no_wrap=True, min_width=9)
        fields.add_column(overflow="fold")
        if not owners:
            owner_text = Text("none: nobody to ask about it", style="yellow")
        else:
            owner_text = Text("\n".join(f"{o.name} ({o.kind}, {o.role or 'owner'})"
                                        for o in owners))
        for label, value in (
            ("id", asset.id), ("version", asset.version), ("family", asset.family),
            ("domain", asset.domain), ("namespace", asset.namespace),
            ("tags", ", ".join(asset.tags)), ("owners", owner_text),
            ("created", asset.created_at and f"{asset.created_at:%Y-%m-%d}"),
            ("updated", asset.updated_at and f"{asset.updated_at:%Y-%m-%d}"),
        ):
            if value:
                fields.add_row(label, value)
        parts: list = [title]
        if asset.description:
            parts += [Text(), Text(asset.description.strip(), style="italic")]
        parts += [Text(), fields]
        if asset.props:
            # Own lines, not grid rows: a long key would squeeze every value above.
            parts += [Text(), Text("Properties", style="bold")]
            parts += [Text.assemble((f"{key} ", "dim"), _prop_text(value))
                      for key, value in sorted(asset.props.items())]
        self.query_one("#asset-properties", Static).update(Group(*parts))


def _prop_text(value: object) -> str:
    """Nested properties read as `auc 0.814, ndcg@10 0.452` rather than as Python."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_prop_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_prop_text(v) for v in value)
    return str(value)
