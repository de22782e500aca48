"""mlg's layers hold: the import-linter contracts of pyproject.toml, and no import circle."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

REPO = Path(__file__).resolve().parents[2]


def test_the_import_linter_contracts_are_kept():
    # lint-imports of this interpreter, from the repository (it reads pyproject.toml there)
    script = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(script), "--config", str(REPO / "pyproject.toml")],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


@pytest.fixture
def imports():
    return grimp.build_graph("mlg", exclude_type_checking_imports=True)


def _top_level(graph) -> dict[str, set[str]]:
    """mlg's modules and subpackages (squashed) -> those of them each imports."""
    tops = sorted({".".join(m.split(".")[:2]) for m in graph.modules if m.count(".") >= 1})
    for name in tops:
        if graph.find_children(name):
            graph.squash_module(name)
    return {m: {i for i in graph.find_modules_directly_imported_by(m) if i in tops and i != m} for m in tops}


def test_no_import_circle_between_the_parts_of_mlg(imports):
    edges = _top_level(imports)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in edges[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reached = {m: reach(m) for m in edges}
    circles = sorted({tuple(sorted((a, b))) for a in edges for b in reached[a] if a in reached[b]})
    assert circles == [], f"import circles (module pairs importing each other, directly or not): {circles}"
    assert "mlg.graph" in edges and edges["mlg.lineage"]  # the graph was really read


def test_the_core_never_imports_a_source(imports):
    core = ("mlg.validation", "mlg.ingest", "mlg.records", "mlg.batch", "mlg.store", "mlg.graph")
    for source in ("mlg.openlineage", "mlg.manifest", "mlg.synthetic"):
        for module in core:
            chains = imports.find_shortest_chains(importer=module, imported=source, as_packages=True)
            assert not chains, f"{module} imports the source {source}: {chains}"
