"""AssetPanel: one asset's properties, owners, tags, domain and other versions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from mlg import Asset, Owner, people_write
from mlg.tui.labels import AssetRef, asset_label, error, muted, note, warning
from mlg.tui.rendered import Rendered
from mlg.tui.widgets.dataset_runs import DatasetRunList
from mlg.tui.widgets.versions import VersionList

if TYPE_CHECKING:
    from mlg import Graph


class AssetPanel(VerticalScroll):
    """Everything about one asset and its owners (handed over by the screen, which
    fetches them with the trees); its other versions below, loaded by their own list."""

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.graph = graph
        self.ref: AssetRef | None = None
        self.asset: Asset | None = None  # the whole asset, once loaded
        self._owners: list[Owner] = []  # its owners, as shown
        self.loaded = False  # the asset's properties and owners are shown
        self.border_title = "Asset"

    def compose(self) -> ComposeResult:
        yield Static(id="asset-properties")
        versions = VersionList(self.graph, id="versions")
        versions.border_title = "Other versions"
        yield versions
        yield DatasetRunList(self.graph, id="dataset-runs")

    def show_loading(self, ref: AssetRef) -> None:
        self._new_asset(ref)
        self.query_one("#asset-properties", Static).update(
            Group(asset_label(ref, bold=True), Text(), Text("loading…", style=note()))
        )

    def show_details(self, asset: Asset, owners: list[Owner], *, centre: bool = True) -> None:
        """Show `asset`: the one in the centre of the view, or (`centre=False`) the one
        under a tree's cursor, which the title then says."""
        title = "Asset" if centre else "Highlighted"
        if self.loaded and self.asset == asset and self._owners == owners and self.border_title == title:
            # Shown already (the cursor lands on the root after every re-centre and Back):
            # updating the text again would cost a layout and a paint of the panel.
            return
        self.border_title = title
        if self.ref is None or self.ref.id != asset.id:
            self._new_asset(asset)
        self.asset = asset
        self._owners = list(owners)
        self._render_properties(asset, owners)
        self.loaded = True

    def show_error(self, ref: AssetRef, error: str) -> None:
        self._new_asset(ref)
        self.query_one("#asset-properties", Static).update(
            Text(f"could not load {ref.id}: {error}", style=error())
        )

    def _new_asset(self, ref: AssetRef) -> None:
        self.ref = ref
        self.asset = None
        self.loaded = False
        self.query_one("#versions", VersionList).show(ref.id)
        self.query_one("#dataset-runs", DatasetRunList).show(ref.id, ref.kind)
        self.scroll_home(animate=False)

    # -- rendering ----------------------------------------------------------------------

    def _render_properties(self, asset: Asset, owners: list[Owner]) -> None:
        title = asset_label(asset, bold=True)
        if asset.deprecated:
            title.append("  DEPRECATED", style=f"bold reverse {error()}")
        if asset.placeholder:
            title.append("  PLACEHOLDER: no source has described it yet", style=f"dim {muted()}")
        if asset.retired:
            title.append("  RETIRED", style=f"dim reverse {muted()}")
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style=muted(), no_wrap=True, min_width=9)
        fields.add_column(overflow="fold")
        if not owners:
            owner_text = Text("none: nobody to ask about it", style=warning())
        else:
            owner_text = Text("\n".join(f"{o.name} ({o.kind}, {o.role or 'owner'})" for o in owners))
        for label, value in (
            ("id", asset.id),
            ("written", people_write(asset.id)),
            ("version", asset.version),
            ("family", asset.family),
            ("domain", asset.domain),
            ("namespace", asset.namespace),
            ("tags", ", ".join(asset.tags)),
            ("owners", owner_text),
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
            parts += [
                Text.assemble((f"{key} ", muted()), _prop_text(value))
                for key, value in sorted(asset.props.items())
            ]
        # rendered once per width, not at every measure and paint (tui/rendered.py)
        self.query_one("#asset-properties", Static).update(Rendered(Group(*parts)))


def _prop_text(value: object) -> str:
    """Nested properties read as `auc 0.814, ndcg@10 0.452` rather than as Python."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_prop_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_prop_text(v) for v in value)
    return str(value)
