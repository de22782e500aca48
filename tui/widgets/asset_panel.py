"""AssetPanel: one asset's properties, owners, tags, domain and other versions."""

from __future__ import annotations

from mlg.tui.kinds import asset_label
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from mlg import Asset, Graph, MlgError, Owner


class AssetPanel(VerticalScroll):
    """Shows the asset at once (it is already known) and its owners and versions as soon
    as a worker has fetched them."""

    class VersionChosen(Message):
        """Enter on another version: the screen re-centres on it."""

        def __init__(self, asset: Asset) -> None:
            self.asset = asset
            super().__init__()

    class DetailsLoaded(Message):
        def __init__(self, asset_id: str, owners: list[Owner] | None,
                     siblings: list[Asset] | None, error: str | None = None) -> None:
            self.asset_id = asset_id
            self.owners = owners
            self.siblings = siblings
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.graph = graph
        self.asset: Asset | None = None
        self.versions: dict[str, Asset] = {}
        self.loaded = False  # owners and versions of `asset` are shown
        self.border_title = "Asset"

    def compose(self) -> ComposeResult:
        yield Static(id="asset-properties")
        yield Static("Other versions", id="versions-title", classes="section-title")
        yield OptionList(id="versions")

    def show(self, asset: Asset) -> None:
        self.asset = asset
        self.loaded = False
        self._render_properties(asset, None)
        self.query_one("#versions-title").display = False
        versions = self.query_one("#versions", OptionList)
        versions.clear_options()
        versions.display = False
        self.scroll_home(animate=False)
        self._load_details(asset)

    @work(thread=True, exclusive=True, group="asset-details")
    def _load_details(self, asset: Asset) -> None:
        try:
            owners = self.graph.owners(asset.id)
            siblings = self.graph.siblings(asset.id)
        except MlgError as exc:
            self.post_message(self.DetailsLoaded(asset.id, None, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.DetailsLoaded(asset.id, owners, siblings))

    def on_asset_panel_details_loaded(self, message: AssetPanel.DetailsLoaded) -> None:
        message.stop()
        if self.asset is None or message.asset_id != self.asset.id:
            return  # the user has moved on
        if message.error is not None:
            self._render_properties(self.asset, None, message.error)
            return
        self._render_properties(self.asset, message.owners)
        self.loaded = True
        siblings = message.siblings or []
        self.versions = {s.id: s for s in siblings}
        self.query_one("#versions-title").display = bool(siblings)
        versions = self.query_one("#versions", OptionList)
        versions.display = bool(siblings)
        versions.add_options(Option(self._version_label(s), id=s.id) for s in siblings)
        if siblings:
            versions.highlighted = 0  # so that Enter opens one as soon as Tab gets here

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self.versions:
            self.post_message(self.VersionChosen(self.versions[event.option.id]))

    # -- rendering ----------------------------------------------------------------------

    def _render_properties(self, asset: Asset, owners: list[Owner] | None,
                           error: str | None = None) -> None:
        title = asset_label(asset, bold=True)
        if asset.deprecated:
            title.append("  DEPRECATED", style="bold reverse red")
        fields = Table.grid(padding=(0, 1))
        fields.add_column(style="dim", no_wrap=True, min_width=9)
        fields.add_column(overflow="fold")
        if owners is None:
            owner_text = Text(error or "loading…", style="red" if error else "dim italic")
        elif not owners:
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

    @staticmethod
    def _version_label(sibling: Asset) -> Text:
        label = Text(f"@{sibling.version}" if sibling.version else sibling.id, style="bold")
        if sibling.deprecated:
            label.append("  deprecated", style="red")
        return label


def _prop_text(value: object) -> str:
    """Nested properties read as `auc 0.814, ndcg@10 0.452` rather than as Python."""
    if isinstance(value, dict):
        return ", ".join(f"{k} {_prop_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_prop_text(v) for v in value)
    return str(value)
