"""Write the README's screenshot: the asset view of a model of the sample estate.

    python -m mlg.tui.screenshot docs/explore.svg

The sample estate is loaded into a temporary graph; the screenshot is an SVG of a
120x40 terminal, with the model's training data opened one level.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import mlg
from mlg.tui.app import ExploreApp

ASSET = "model:recs.home_ranker@4"
SIZE = (120, 40)


async def _shoot(graph: mlg.Graph, out: Path) -> None:
    app = ExploreApp(graph, ASSET)
    async with app.run_test(size=SIZE) as pilot:
        for keys in ((), ("j", "j", "j", "space")):  # open the training data
            await pilot.press(*keys)
            for _ in range(5):
                await pilot.pause()
                await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))


def main(argv: list[str]) -> None:
    out = Path(argv[0] if argv else "docs/explore.svg").absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlg-shot-") as folder:
        path = Path(folder) / "sample.kuzu"
        with mlg.open(path) as graph:
            graph.load_sample()
        with mlg.open(path, read_only=True) as graph:
            asyncio.run(_shoot(graph, out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
