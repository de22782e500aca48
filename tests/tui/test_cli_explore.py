"""`mlg explore` on the command line: --db after the command, the cached --demo graph."""

from __future__ import annotations

import shutil
import threading

from click.testing import CliRunner

import mlg
from mlg.cli.explore_commands import demo_graph
from mlg.cli.main import main
from mlg.sample import sample_dir


def test_db_is_accepted_after_explore(tmp_path):
    missing = tmp_path / "nowhere.kuzu"
    result = CliRunner().invoke(main, ["explore", "--db", str(missing)])
    assert result.exit_code == 1
    assert f"no graph at {missing}" in result.output
    assert "no such option" not in result.output.lower()


def test_demo_graph_is_built_once_and_rebuilt_when_the_sample_changes(tmp_path):
    sample = tmp_path / "estate"
    shutil.copytree(sample_dir(), sample)
    cache = tmp_path / "cache"
    said: list[str] = []
    first = demo_graph(cache, said.append, [sample])
    assert len(said) == 1 and "building the sample estate once" in said[0]
    built = first.stat().st_mtime_ns
    assert demo_graph(cache, said.append, [sample]) == first  # warm: reused as is
    assert len(said) == 1 and first.stat().st_mtime_ns == built
    with mlg.open(first, read_only=True) as graph:
        assets = graph.stats().assets
    assert assets > 400

    owners = sample / "owners.yaml"
    owners.write_text(owners.read_text() + "\n# an edit\n")
    second = demo_graph(cache, said.append, [sample])
    assert second != first and len(said) == 2
    assert not first.exists()  # the stale copy is cleared away
    # the graph and its derived search index beside it (mlg/search/index.py)
    assert sorted(p.name for p in cache.glob("sample-*")) == [second.name, second.name + ".search"]


def test_concurrent_starts_build_the_demo_graph_once(tmp_path):
    sample = tmp_path / "estate"
    shutil.copytree(sample_dir(), sample)
    cache = tmp_path / "cache"
    said: list[str] = []
    paths: list = []

    def start() -> None:
        paths.append(demo_graph(cache, said.append, [sample]))

    starts = [threading.Thread(target=start) for _ in range(2)]
    for t in starts:
        t.start()
    for t in starts:
        t.join()
    assert len(set(paths)) == 1 and len(said) == 1
    assert not list(cache.glob(".building-*"))
