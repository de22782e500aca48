"""SearchScreen: find an asset by typing part of its name; results update as you type.

Each keystroke starts an exclusive worker, so a slow query for "ra" is dropped as soon
as "ran" is typed. The screen returns the chosen Asset (or None on Escape): the asset
view opens it, the path screen uses it as the other end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from mlg import Asset, Graph, MlgError, Owner, owners_of
from mlg.tui.labels import asset_name, counted, error, muted, note, warning

LIMIT = 50


@dataclass(frozen=True)
class Found:
    """A search hit and who owns it (one query for the owners of every hit)."""

    asset: Asset
    owners: tuple[Owner, ...]


class SearchScreen(ModalScreen[Asset | None]):
    """A search box over a list of matching assets."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("down", "focus_results", "Results", show=False),
        Binding("j", "cursor_down", "Next result", show=False),
        Binding("k", "cursor_up", "Previous result", show=False),
    ]

    class Results(Message):
        def __init__(self, text: str, hits: list[Found] | None, error: str | None = None) -> None:
            self.text = text
            self.hits = hits
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, kinds: Sequence[str] | None = None, title: str = "Search") -> None:
        super().__init__(id="search-screen")
        self.graph = graph
        self.kinds = kinds
        self.heading = title
        self.hits: dict[str, Asset] = {}
        # Keys that arrived before the results they act on (typed in one burst):
        # moves down the list, and an Enter to open the highlighted one.
        self._pending_moves = 0
        self._pending_enter = False
        self._awaiting: str | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="search-box") as box:
            box.border_title = self.heading
            yield Input(
                placeholder="part of a name, an id, a tag, a word of the description — "
                "Enter opens, Esc closes",
                id="search-input",
            )
            yield Static(self._hint(), id="search-status")
            yield OptionList(id="search-results")

    def _hint(self) -> Text:
        text = "type to search"
        if self.kinds is not None:
            text += " · kinds: " + ", ".join(self.kinds) + " (the kind filter: f, outside search)"
        return Text(text, style=note())

    # -- searching ----------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        text = event.value.strip()
        self._awaiting = text or None
        if not text:
            self.query_one("#search-results", OptionList).clear_options()
            self.query_one("#search-status", Static).update(self._hint())
            return
        self.query_one("#search-status", Static).update(Text("searching…", style=note()))
        self._search(text)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str) -> None:
        try:
            hits = search(self.graph, text, self.kinds, LIMIT + 1)
        except MlgError as exc:
            self.post_message(self.Results(text, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(text, hits))

    def on_search_screen_results(self, message: SearchScreen.Results) -> None:
        if message.text != self.query_one("#search-input", Input).value.strip():
            return  # an older query finished after a newer one was typed
        self._awaiting = None
        try:
            self._show_results(message)
        finally:
            self._pending_moves = 0
            self._pending_enter = False
            # the keys typed after ↓ or Enter go on (ExploreApp; other apps hold none)
            released = getattr(self.app, "keys_released", None)
            if released is not None:
                released()

    @property
    def holds_keys(self) -> bool:
        """↓ or Enter came before the results they act on: the keys after them wait
        for the results too (ExploreApp's HoldsKeys)."""
        return self._pending_enter or self._pending_moves > 0

    def _show_results(self, message: SearchScreen.Results) -> None:
        results = self.query_one("#search-results", OptionList)
        status = self.query_one("#search-status", Static)
        results.clear_options()
        if message.hits is None:
            status.update(Text(message.error or "search failed", style=error()))
            return
        hits = message.hits[:LIMIT]
        self.hits = {hit.asset.id: hit.asset for hit in hits}
        results.add_options(Option(self._label(hit), id=hit.asset.id) for hit in hits)
        if hits:
            results.highlighted = 0
            if self._pending_moves:
                results.focus()
                results.highlighted = min(self._pending_moves - 1, len(hits) - 1)
        self._pending_moves = 0
        if self._pending_enter:
            self._pending_enter = False
            if hits:
                self._choose(hits[results.highlighted or 0].asset.id)
                return
        if not hits:
            status.update(Text(f"no asset matches {message.text!r}", style=warning()))
        elif len(message.hits) > LIMIT:
            status.update(
                Text(f"cut: showing the best {LIMIT} matches; type more to narrow", style=warning())
            )
        else:
            n = len(hits)
            status.update(Text(counted(n, "match", "matches"), style=muted()))

    @staticmethod
    def _label(hit: Found) -> Text:
        """`● recs.home_ranker@4     Recs Ranking     recommendations`: the name first,
        on one line (cut at the right edge, never wrapped)."""
        label = asset_name(hit.asset)
        label.truncate(44, pad=True)
        # the accountable owner first: role "owner", then teams (not the on-call rota)
        owners = sorted(hit.owners, key=lambda o: (o.role != "owner", o.kind != "team"))
        owner = owners[0].name if owners else "no owner"
        label.append(f" {owner[:24]:<24}", style="" if owners else warning())
        label.append(f" {hit.asset.domain or ''}", style=muted())
        return label

    # -- choosing -----------------------------------------------------------------------

    @on(Input.Submitted, "#search-input")
    def _submitted(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self._searching:
            self._pending_enter = True  # the results for what was typed are on their way
        elif results.highlighted is not None:
            self._choose(results.get_option_at_index(results.highlighted).id)

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id)

    def _choose(self, asset_id: str | None) -> None:
        if asset_id in self.hits:
            self.dismiss(self.hits[asset_id])

    @property
    def _searching(self) -> bool:
        """The results for what is typed have not been shown yet."""
        return self._awaiting is not None

    def action_focus_results(self) -> None:
        results = self.query_one("#search-results", OptionList)
        if self._searching:
            self._pending_moves += 1  # ↓ typed before the results came: kept, not lost
        elif results.option_count:
            results.focus()

    def action_cursor_down(self) -> None:
        if self._searching and self._pending_moves:
            self._pending_moves += 1
            return
        self.query_one("#search-results", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#search-results", OptionList).action_cursor_up()


def search(graph: Graph, text: str, kinds: Sequence[str] | None, limit: int) -> list[Found]:
    """Graph.search over the kinds the kind filter keeps, best match first."""
    if kinds is not None and not kinds:
        return []  # the kind filter keeps no kind
    hits = graph.search(text, kind=list(kinds) if kinds is not None else None, limit=limit)
    owners = owners_of(graph, [hit.asset.id for hit in hits])
    return [Found(hit.asset, owners.get(hit.asset.id, ())) for hit in hits]
