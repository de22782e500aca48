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


# A backend's client library -> the one package that may import it.
BACKEND_LIBRARIES = {
    "kuzu": "mlg/store/kuzu",
    "falkordb": "mlg/store/falkordb",
    "redis": "mlg/store/falkordb",
}


def _imported_roots(path: Path) -> set[str]:
    import ast

    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_backend_libraries_are_imported_by_their_backend_only_also_in_the_uis():
    # import-linter sees the mlg package; the UIs install under mlg from tui/ and
    # notebook_ext/, so every source file of the three trees is read here (lazy
    # imports inside functions too).
    misplaced = []
    for tree in ("mlg", "tui", "notebook_ext"):
        for path in sorted((REPO / tree).rglob("*.py")):
            relative = path.relative_to(REPO).as_posix()
            for library in _imported_roots(path) & set(BACKEND_LIBRARIES):
                if not relative.startswith(BACKEND_LIBRARIES[library] + "/"):
                    misplaced.append(f"{relative} imports {library}")
    assert misplaced == []
    assert "kuzu" in _imported_roots(REPO / "mlg/store/kuzu/store.py")  # the scan really reads imports
