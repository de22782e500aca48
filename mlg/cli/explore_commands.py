"""explore: the keyboard-first terminal explorer (a Textual app, imported only when run)."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click

import mlg
from mlg.cli.history_commands import VIEW_KEY, view_options
from mlg.errors import MlgError
from mlg.store.location import resolve_target


@click.command()
@click.argument("asset", required=False)
@click.option(
    "--db",
    "db",
    type=click.Path(dir_okay=False),
    default=None,
    help="Graph file (as `mlg --db`, accepted here too).",
)
@click.option(
    "--demo",
    is_flag=True,
    help="Explore the bundled sample estate (a read-only copy cached in the user cache dir, "
    "rebuilt only when the sample changes; --db is not touched).",
)
@view_options()
@click.pass_context
def explore(ctx: click.Context, asset: str | None, db: str | None, demo: bool) -> None:
    """Walk the lifecycle graph from the keyboard: search, lineage, impact, paths, Cypher.

    ASSET (an id, or a name that matches one asset; several matches open a picker)
    opens the explorer on it. The graph is opened read-only, so the explorer runs
    beside other readers. Press ? inside for every key.
    """
    # Textual is imported here, not at the top: `mlg --help` must load no UI toolkit.
    from mlg.tui.app import ExploreApp

    if demo:
        path = demo_graph(echo=lambda text: click.echo(text, err=True))
    else:
        path = resolve_target(db if db is not None else ctx.find_root().obj.get("db"))
        if isinstance(path, Path) and not path.exists():
            raise MlgError(
                f"no graph at {path}. Load one with `mlg sample` (the sample estate) "
                "or `mlg ingest PATH`, or try `mlg explore --demo`."
            )
    include_retired, as_of = ctx.meta.get(VIEW_KEY, (False, None))
    graph = GraphOnFirstUse(path, include_retired, as_of)
    app = ExploreApp(graph, asset)  # type: ignore[arg-type] - a Graph, opened on first use

    # A graph that cannot be opened (in use by a writer, not an mlg graph) ends the
    # explorer at once, and its error is the command's, as before the explorer started.
    def end() -> None:
        try:
            app.call_from_thread(app.exit)
        except RuntimeError:  # asked from the app's own thread
            app.exit()

    graph.on_error = end
    try:
        app.run()
    finally:
        graph.close()
    if graph.error is not None:
        raise graph.error


class GraphOnFirstUse:
    """The graph at `path`, opened read-only when first used, in whichever thread uses
    it first (a worker of the explorer): the explorer draws its first screen while the
    graph is opened, and pyarrow, numpy and Kuzu are imported (`mlg explore`'s start is
    mostly those imports). Everything else is the Graph's own."""

    def __init__(self, path, include_retired: bool = False, as_of=None) -> None:
        self.path = Path(path)  # as Graph.path: a server's URL shows its graph's name
        self.read_only = True
        self.error: MlgError | None = None
        self._view = (include_retired, as_of)
        self._graph: mlg.Graph | None = None
        self._seen: mlg.Graph | None = None
        self._lock = threading.Lock()
        self.on_error: Callable[[], None] | None = None  # called (in the opening thread) on failure

    def _opened(self) -> mlg.Graph:
        failed = None
        with self._lock:
            if self._seen is None:
                try:
                    self._graph = mlg.open(self.path, read_only=True)
                except MlgError as exc:
                    failed = self.error is None
                    self.error = exc  # said again once the explorer has closed
                else:
                    include_retired, as_of = self._view
                    viewed = include_retired or as_of is not None
                    self._seen = self._graph.viewing(include_retired, as_of) if viewed else self._graph
            if self._seen is not None:
                return self._seen
        if failed and self.on_error is not None:
            self.on_error()  # outside the lock: it waits for the app's thread
        assert self.error is not None
        raise self.error

    def __getattr__(self, name: str):
        return getattr(self._opened(), name)

    def close(self) -> None:
        with self._lock:
            if self._graph is not None:
                self._graph.close()


# -- the cached sample graph of --demo ------------------------------------------------------


def sample_key(sample: list[Path] | None = None) -> str:
    """A hash of the sample estate's files, mlg's version and the schema's: the cached
    demo graph is rebuilt when (and only when) one of them changes."""
    from mlg.sample import sample_paths
    from mlg.schema import SCHEMA_VERSION

    digest = hashlib.sha256(f"{mlg.__version__}/{SCHEMA_VERSION}".encode())
    for folder in sample or sample_paths():
        for file in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(str(file.relative_to(folder)).encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def demo_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("mlg")) / "demo"


@contextmanager
def _locked(lock_path: Path):
    """One builder at a time across processes (explorers started together)."""
    with open(lock_path, "a+") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: the build still lands atomically (os.replace)
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def demo_graph(
    folder: Path | None = None,
    echo: Callable[[str], None] | None = None,
    sample: list[Path] | None = None,
) -> Path:
    """The sample estate (or the manifests of `sample`) as a graph file in the cache,
    built on first use and after the sample changes. It is built under a temporary name
    and moved in place once complete, under a lock, so that concurrent starts build it
    once and never open half a graph."""
    folder = folder or demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"sample-{sample_key(sample)}.kuzu"
    if target.exists():
        return target
    with _locked(folder / ".lock"):
        if target.exists():  # another process built it while this one waited
            return target
        if echo:
            echo(f"building the sample estate once, into {target}…")
        building = folder / f".building-{os.getpid()}-{threading.get_ident()}.kuzu"
        for suffix in ("", ".wal", ".search", ".search.lock"):
            leftover = building.with_name(building.name + suffix)
            leftover.unlink(missing_ok=True)
        with mlg.open(building) as graph:
            if sample is None:
                graph.load_sample()
            else:
                graph.ingest(sample)
        os.replace(building, target)
        # the derived search index travels with its graph (mlg/search/index.py)
        built_index = building.with_name(building.name + ".search")
        if built_index.exists():
            os.replace(built_index, target.with_name(target.name + ".search"))
        building.with_name(building.name + ".search.lock").unlink(missing_ok=True)
        for old in folder.glob("sample-*.kuzu*"):  # earlier versions of the sample
            if not old.name.startswith(target.name):
                old.unlink(missing_ok=True)
    return target


COMMANDS = [explore]
