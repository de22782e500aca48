"""Write the README's screenshot: the asset view of a model of the sample estate.

    python -m mlg.tui.screenshot docs/explore.svg
    python -m mlg.tui.screenshot --size 80x24 --asset dataset:raw.playback_events /tmp/shot.svg

The sample estate is loaded into a temporary graph; the screenshot is an SVG of the
asset view (120x40 unless told), with the model's training data opened one level.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

import mlg
from mlg.tui.app import ExploreApp

ASSET = "model:recs.home_ranker@4"
SIZE = (120, 40)
# The keys pressed before the shot: open the training data (the 3rd upstream child).
KEYS = ("j", "j", "j", "space")


def _size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(n) for n in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected COLUMNSxLINES, such as 120x40, not {text!r}") from None
    if width < 20 or height < 10:
        raise argparse.ArgumentTypeError("the terminal must be at least 20x10")
    return width, height


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m mlg.tui.screenshot",
        description="Write an SVG screenshot of `mlg explore` on the sample estate.",
    )
    parser.add_argument(
        "out", nargs="?", type=Path, default=Path("docs/explore.svg"), help="the SVG to write"
    )
    parser.add_argument("--asset", default=ASSET, help=f"the asset in view (default {ASSET})")
    parser.add_argument(
        "--size", type=_size, default=SIZE, metavar="COLSxLINES", help="terminal size (default 120x40)"
    )
    parser.add_argument(
        "--keys",
        default=" ".join(KEYS),
        help="keys pressed before the shot, space-separated Textual key names (default: %(default)r)",
    )
    return parser.parse_args(argv)


async def _shoot(graph: mlg.Graph, out: Path, asset: str, size: tuple[int, int], keys: list[str]) -> None:
    app = ExploreApp(graph, asset)
    async with app.run_test(size=size) as pilot:
        for step in ((), tuple(keys)):
            await pilot.press(*step)
            for _ in range(5):
                await pilot.pause()
                await app.workers.wait_for_complete()
        await pilot.pause()
        app.save_screenshot(filename=out.name, path=str(out.parent))


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    out = args.out.absolute()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlg-shot-") as folder:
        path = Path(folder) / "sample.kuzu"
        with mlg.open(path) as graph:
            graph.load_sample()
        with mlg.open(path, read_only=True) as graph:
            asyncio.run(_shoot(graph, out, args.asset, args.size, args.keys.split()))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(sys.argv[1:])
