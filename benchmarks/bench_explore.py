"""Explorer speed: time to first screen on the sample estate, key-to-update on the sample
estate and on a big graph.

    python benchmarks/bench_explore.py                       # the sample estate only
    python benchmarks/bench_explore.py --assets 1000000 --db /tmp/mlg-explore-1m.kuzu

The app runs headless (`App.run_test`, 120x40) on a graph opened read-only, as
`mlg explore` opens it. A time runs from the key press (or the app's start) until the
widgets show the answer, plus one idle pause so that the screen has been refreshed:

- first screen: the welcome page with the graph's counts; and the asset view of
  model:recs.home_ranker@4 with both trees' first level and the panel's owners;
- move (j): the cursor on the next node and the status line naming it (each key is
  pressed once the view is complete, other versions included, as a reader would);
- expand (space): "loading…", then the node's children with their own counts;
- re-centre (enter): both trees re-rooted with their first level, and the panel's
  properties and owners, Enter pressed as soon as the cursor is on the node; "after a
  rest", pressed REST seconds later, as a reader would (the view under a resting cursor
  is fetched ahead, tui/screens/asset_view.py); back (backspace) the same, the other way,
  the panel showing the asset under the cursor put back. The other versions
  (a scan of every asset) are listed once an asset has stayed in view for 0.3 s: timed
  apart;
- impact (i): the impact screen up ("computing…"), then filled in;
- expand all (*): everything below a node, cut at the cap; back with the view restored
  (the opened nodes and the cursor, without a query); a key typed in the search box
  until its results are listed; the kind filter applied (the folded closure fetched).

`--demo` warm: the cached sample graph found (`mlg.cli.explore_commands.demo_graph`),
opened, and the welcome page drawn, as `mlg explore --demo` does on its second start.

`--db` keeps the big graph (generated with mlg.synthetic on the first run; its
landmarks are saved beside it) for the next run. Speed is measured here, never
asserted in tests (DESIGN §7).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import mlg
from mlg.tui.app import ExploreApp
from mlg.tui.screens.impact import ImpactScreen

SIZE = (120, 40)
# How long a reader looks at the highlighted node before pressing Enter (a re-centre
# "after a rest"): longer than the explorer waits to fetch its view ahead.
REST = 0.4
SAMPLE_MODEL = "model:recs.home_ranker@4"


async def until(pilot, done: Callable[[], bool], timeout: float = 120.0) -> None:
    """Wait for `done()`, then for the screen to process what is pending and repaint."""
    limit = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > limit:
            raise TimeoutError("the screen never showed the answer")
        await asyncio.sleep(0.0005)
    await pilot.pause(0)  # no idle-wait: Pilot's press() waits for the CPU to go idle,
    # which takes longer than the work itself while a worker runs, so keys are sent with
    # App.simulate_key (the same Key event a terminal sends) and timed here


# The process's CPU time when the last key was sent: a key's CPU time (the app's thread,
# its workers' and Kuzu's) is printed beside its wall time, which on 2 shared cores
# mostly measures the other processes (wall ~ CPU x load / cores).
_cpu_at_press = [0.0]


def press(app: ExploreApp, key: str) -> float:
    """Send a key as the terminal would; the time it was sent."""
    began = time.perf_counter()
    _cpu_at_press[0] = time.process_time()
    app.simulate_key(key)
    return began


def asset_view_ready(app: ExploreApp, asset_id: str, *, back: bool = False) -> bool:
    """Both trees rooted on `asset_id` with their first level, and the panel showing it;
    after Back (`back`), the panel showing the asset under the cursor put back."""
    screen = app.asset_screen
    panel = screen.query_one("#panel")
    shows = asset_id
    if back and screen.focused in (screen.upstream, screen.downstream):
        cursor = screen.focused.cursor_node
        if cursor is not None and cursor.data is not None:
            shows = cursor.data.asset.id
    return (
        all(
            tree.root_asset is not None and tree.root_asset.id == asset_id and tree.root.data.loaded
            for tree in (screen.upstream, screen.downstream)
        )
        and panel.asset is not None
        and panel.asset.id == shows
        and bool(panel.loaded)
    )


# -- first screen -------------------------------------------------------------------------


async def first_screen(graph: mlg.Graph, start: str | None) -> float:
    began = time.perf_counter()
    app = ExploreApp(graph, start)
    async with app.run_test(size=SIZE) as pilot:
        if start is None:
            await until(pilot, lambda: app.asset_screen.query_one("#welcome").stats is not None)
        else:
            await until(pilot, lambda: asset_view_ready(app, start))
        return time.perf_counter() - began


async def demo_first_screen(cache: Path) -> float:
    """`mlg explore --demo` on a warm cache: find the cached graph, open it, draw."""
    from mlg.cli.explore_commands import demo_graph

    began = time.perf_counter()
    path = demo_graph(cache)
    with mlg.open(path, read_only=True) as graph:
        app = ExploreApp(graph, None)
        async with app.run_test(size=SIZE) as pilot:
            await until(pilot, lambda: app.asset_screen.query_one("#welcome").stats is not None)
            return time.perf_counter() - began


def run(path: Path, measure: Callable, *args) -> object:
    """`measure(graph, *args)` in its own event loop. The graph is closed only after
    asyncio.run has waited for the worker threads: closing it under a running query
    would free memory that query still uses."""
    with mlg.open(path, read_only=True) as graph:
        return asyncio.run(measure(graph, *args))


def import_time() -> float:
    """Seconds to import the app in a fresh interpreter, less the interpreter's own start."""

    def run(code: str) -> float:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True)
            best = min(best, time.perf_counter() - t)
        return best

    return run("import mlg.tui.app") - run("pass")


# -- key to update --------------------------------------------------------------------------


async def key_to_update(graph: mlg.Graph, landmarks: dict, rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}

    def record(name: str, seconds: float) -> None:
        times.setdefault(name, []).append(seconds)
        times.setdefault(CPU + name, []).append(time.process_time() - _cpu_at_press[0])

    model, hub = landmarks["typical_model"], landmarks["hub_dataset"]
    app = ExploreApp(graph, model)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: asset_view_ready(app, model))
        screen = app.asset_screen
        tree = screen.upstream
        status = screen.query_one("#status")
        versions = screen.query_one("#versions")
        tree.focus()
        # A person reads the screen first: by then the other versions are listed, and
        # their scan (~0.2-0.9 s on 1M assets) no longer competes with the keys below.
        await until(pilot, lambda: versions.loaded)
        for _ in range(rounds):
            # move: j, until the status line names the highlighted asset
            before = tree.cursor_node
            t = press(app, "j")
            await until(
                pilot,
                lambda b=before: (
                    tree.cursor_node is not b and tree.cursor_node.data.asset.id in str(status.content)
                ),
            )
            record("move (j)", time.perf_counter() - t)

        # expand: space on each child that has children and is not loaded yet
        expandable = [n for n in tree.root.children if n.allow_expand][:rounds]
        for node in expandable:
            tree.move_cursor(node)
            await pilot.pause()
            t = press(app, "space")
            await until(pilot, lambda n=node: n.data.loaded)
            record("expand (space)", time.perf_counter() - t)

        # re-centre on a child and back, on the model's neighbours
        for i in range(rounds):
            node = tree.root.children[i]  # the tree is rebuilt by each re-centre
            target = node.data.asset.id
            tree.move_cursor(node)
            await pilot.pause()
            t = press(app, "enter")
            await until(pilot, lambda a=target: asset_view_ready(app, a))
            record("re-centre (enter)", time.perf_counter() - t)
            await until(pilot, lambda: versions.loaded)
            record("  its other versions listed", time.perf_counter() - t)
            t = press(app, "backspace")
            await until(pilot, lambda: asset_view_ready(app, model, back=True))
            record("back (backspace)", time.perf_counter() - t)
            await until(pilot, lambda: versions.loaded)  # as above: read, then press

        # re-centre once the cursor has rested on the node (its view fetched meanwhile)
        for i in range(rounds):
            node = tree.root.children[(i + rounds) % len(tree.root.children)]
            target = node.data.asset.id
            tree.move_cursor(node)
            await pilot.pause()
            await asyncio.sleep(REST)
            t = press(app, "enter")
            await until(pilot, lambda a=target: asset_view_ready(app, a))
            record("re-centre after a rest (enter)", time.perf_counter() - t)
            await until(pilot, lambda: versions.loaded)
            press(app, "backspace")
            await until(pilot, lambda: asset_view_ready(app, model, back=True))
            await until(pilot, lambda: versions.loaded)

        # expand all below the first expandable child of the model
        node = next(n for n in tree.root.children if n.allow_expand and not n.data.loaded)
        tree.move_cursor(node)
        await pilot.pause()
        t = press(app, "asterisk")
        await until(
            pilot,
            lambda n=node: (
                n.data.loaded
                and n.is_expanded
                and len(n.children) > 0
                and all(
                    c.data is None or not c.allow_expand or c.data.loaded or not c.is_expanded
                    for c in n.children
                )
                and not any("loading" in str(c.label) for c in n.children)
            ),
        )
        record("expand all below (*)", time.perf_counter() - t)

        # re-centre, then back: the view comes back as it was left, from memory
        for _ in range(rounds):
            target = tree.cursor_node.data.asset.id
            press(app, "enter")
            await until(pilot, lambda a=target: asset_view_ready(app, a))
            t = press(app, "backspace")
            await until(
                pilot,
                lambda a=target: (
                    asset_view_ready(app, model, back=True) and tree.cursor_node.data.asset.id == a
                ),
            )
            record("back, view restored (backspace)", time.perf_counter() - t)

        # a key typed in the search box, until the results for it are listed
        from mlg.tui.screens.search import SearchScreen

        press(app, "slash")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen))
        box = app.screen.query_one("#search-input")
        for i, char in enumerate("home_rank"[: rounds + 3]):
            t = press(app, char)
            text = "home_rank"[: i + 1]
            await until(pilot, lambda x=text: box.value == x and app.screen._awaiting is None)
            record("search: a key to its results", time.perf_counter() - t)
        press(app, "escape")
        await until(pilot, lambda: app.screen is screen)

        # the kind filter: only datasets, applied with Enter (the folded closures fetched)
        from mlg.tui.screens.kind_filter import KindFilterScreen

        for _ in range(rounds):
            press(app, "f")
            await until(pilot, lambda: isinstance(app.screen, KindFilterScreen))
            app.screen.chosen = {"dataset"}
            t = press(app, "enter")
            await until(
                pilot,
                lambda: (
                    app.screen is screen
                    and asset_view_ready(app, model)
                    and screen.upstream.kinds == ("dataset",)
                ),
            )
            record("kind filter applied (enter)", time.perf_counter() - t)
            app.kinds = None
            screen.reload()
            await until(pilot, lambda: screen.upstream.kinds is None and asset_view_ready(app, model))

        for name, asset in (("model", model), ("hub dataset", hub)):
            app.open_asset(graph.get(asset))
            await until(pilot, lambda a=asset: asset_view_ready(app, a))
            if asset == hub:
                t = time.perf_counter()
                _cpu_at_press[0] = time.process_time()
                app.open_asset(graph.get(model))
                await until(pilot, lambda: asset_view_ready(app, model))
                app.open_asset(graph.get(hub))
                await until(pilot, lambda: asset_view_ready(app, hub))
                record("re-centre on the hub (both ways)", time.perf_counter() - t)
            for _ in range(1 if asset == hub else rounds):
                t = press(app, "i")
                await until(pilot, lambda: isinstance(app.screen, ImpactScreen))
                record(f"impact of the {name}: screen up", time.perf_counter() - t)
                await until(pilot, lambda: app.screen.impact is not None, timeout=600)
                record(f"impact of the {name}: filled in", time.perf_counter() - t)
                await pilot.press("escape")
                await pilot.pause()
    return times


# -- the big graph ----------------------------------------------------------------------------


def big_graph(db: Path, n_assets: int, seed: int) -> dict:
    saved = db.with_name(db.name + ".landmarks.json")
    if db.exists() and saved.exists():
        return json.loads(saved.read_text())
    from mlg.synthetic import synthetic_estate

    t = time.perf_counter()
    estate = synthetic_estate(n_assets, seed)
    print(f"generated {n_assets:,} assets in {time.perf_counter() - t:.1f} s", flush=True)
    t = time.perf_counter()
    with mlg.open(db) as graph:
        graph.ingest_batch(estate.batch)
    print(f"ingested in {time.perf_counter() - t:.1f} s", flush=True)
    landmarks = {"typical_model": estate.landmarks.typical_model, "hub_dataset": estate.landmarks.hub_dataset}
    saved.write_text(json.dumps(landmarks))
    return landmarks


CPU = "cpu:"  # key_to_update's CPU times, by measure


def report(name: str, values: list[float], cpu: list[float] | None = None) -> None:
    ms = sorted(v * 1000 for v in values)
    line = f"  {name:<36} median {statistics.median(ms):8.1f} ms   max {ms[-1]:8.1f} ms   (n={len(ms)})"
    if cpu:
        line += f"   cpu median {statistics.median(cpu) * 1000:6.1f} ms"
    print(line)


def report_keys(times: dict[str, list[float]]) -> None:
    for name, values in times.items():
        if not name.startswith(CPU):
            report(name, values, times.get(CPU + name))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--assets", type=int, default=0, help="also measure keys on a synthetic graph this big (e.g. 1000000)"
    )
    parser.add_argument(
        "--db", type=Path, default=None, help="where to keep the big graph (default: a temporary dir)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--rounds", type=int, default=5, help="repeats of each measure")
    args = parser.parse_args(argv)

    print(f"load average at the start: {loadavg()}")
    with tempfile.TemporaryDirectory(prefix="mlg-bench-explore-") as folder:
        sample = Path(folder) / "sample.kuzu"
        with mlg.open(sample) as graph:
            graph.load_sample()
        print("first screen, sample estate (headless, 120x40):")
        report("import mlg.tui.app (fresh process)", [import_time()])
        for label, start in (("welcome page", None), (SAMPLE_MODEL, SAMPLE_MODEL)):
            report(label, [run(sample, first_screen, start) for _ in range(args.rounds)])
        from mlg.cli.explore_commands import demo_graph

        cache = Path(folder) / "demo-cache"
        t = time.perf_counter()
        demo_graph(cache)
        report("--demo, cold (builds the cache)", [time.perf_counter() - t])
        report(
            "--demo, warm (welcome page)", [asyncio.run(demo_first_screen(cache)) for _ in range(args.rounds)]
        )

        print("key to update, sample estate:")
        sample_marks = {"typical_model": SAMPLE_MODEL, "hub_dataset": "dataset:raw.playback_events"}
        report_keys(run(sample, key_to_update, sample_marks, args.rounds))

        if args.assets:
            db = args.db or Path(folder) / "big.kuzu"
            landmarks = big_graph(db, args.assets, args.seed)
            print(
                f"key to update, {args.assets:,} assets (model {landmarks['typical_model']}, "
                f"hub {landmarks['hub_dataset']}):"
            )
            report_keys(run(db, key_to_update, landmarks, args.rounds))
    print(f"load average at the end: {loadavg()}")
    return 0


def loadavg() -> str:
    """/proc/loadavg's 1, 5 and 15 minute averages (the machine's load skews every figure)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
