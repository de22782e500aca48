"""The public API: what `mlg` exports is typed, documented and enough for mlg's own UIs.

The explorer (tui/, installed as mlg.tui) and the notebook widget (notebook_ext/, as
mlg.notebook) are written against `mlg`'s exports only, so that the modules behind them
can move; this walks their imports to prove it.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import mlg

REPO = Path(__file__).resolve().parents[2]
UI_DIRS = {"tui": "mlg.tui", "notebook_ext": "mlg.notebook"}


def _ui_files():
    for folder in UI_DIRS:
        yield from sorted((REPO / folder).rglob("*.py"))


def _own(module: str) -> bool:
    return any(module == own or module.startswith(own + ".") for own in UI_DIRS.values())


def test_every_export_resolves_and_is_listed():
    assert len(mlg.__all__) == len(set(mlg.__all__))
    for name in mlg.__all__:
        assert getattr(mlg, name) is not None, name
    for name in (
        "Subgraph",
        "Impact",
        "PathResult",
        "SearchHit",
        "SearchResults",
        "ReuseReport",
        "Consumers",
    ):
        assert name in mlg.__all__
    for name in (
        "Run",
        "Asset",
        "Owner",
        "GraphStats",
        "IngestReport",
        "CypherError",
        "MlgError",
        "AssetNotFound",
    ):
        assert name in mlg.__all__
    with pytest.raises(AttributeError):
        mlg.no_such_name  # noqa: B018


def test_exported_classes_and_functions_are_documented_and_typed():
    for name in mlg.__all__:
        value = getattr(mlg, name)
        if not (inspect.isclass(value) or inspect.isfunction(value)):
            continue
        assert inspect.getdoc(value), f"mlg.{name} has no docstring"
        if inspect.isfunction(value):
            hints = inspect.signature(value)
            assert hints.return_annotation is not inspect.Signature.empty, f"mlg.{name} has no return type"


def test_the_package_is_marked_typed():
    assert (Path(mlg.__file__).parent / "py.typed").is_file()


def test_query_options_are_keyword_only():
    # (path_between's max_paths, lineage's direction and query's params stay positional
    # too: code and tests call them so)
    graph = mlg.Graph
    expected = {
        "upstream": {"depth", "kinds", "types", "max_nodes"},
        "downstream": {"depth", "kinds", "types", "max_nodes"},
        "lineage": {"depth", "kinds", "types", "max_nodes"},
        "impact": {"max_paths"},
        "search": {"kind", "owner", "tag", "domain", "limit", "count"},
        "reuse_report": {"limit", "top"},
        "runs": {"limit"},
        "query": {"write"},
        "neighbour_level": {"kinds", "limit"},
        "ingest": {"from_", "format", "skip_invalid"},
    }
    for method, options in expected.items():
        params = inspect.signature(getattr(graph, method)).parameters
        keyword_only = {n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY}
        assert options <= keyword_only, f"Graph.{method}: {sorted(options - keyword_only)} not keyword-only"


def test_the_explorer_and_the_notebook_import_only_what_mlg_exports():
    exported = set(mlg.__all__)
    seen_files, bad = 0, []
    for path in _ui_files():
        seen_files += 1
        tree = ast.parse(path.read_text(), str(path))
        imported_mlg = False
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                if node.module == "mlg":
                    bad += [f"{where} mlg.{a.name}" for a in node.names if a.name not in exported]
                elif node.module.startswith("mlg.") and not _own(node.module):
                    bad.append(f"{where} from {node.module} import ...")
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "mlg":
                        imported_mlg = True
                    elif alias.name.startswith("mlg.") and not _own(alias.name):
                        bad.append(f"{where} import {alias.name}")
        if imported_mlg:  # `import mlg` then mlg.<name>: only exported names
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "mlg"
                ):
                    if node.attr not in exported and node.attr not in ("tui", "notebook", "__version__"):
                        bad.append(f"{path.relative_to(REPO)}:{node.lineno} mlg.{node.attr}")
    assert seen_files > 20  # the folders were really read
    assert bad == [], "the UIs use names mlg does not export:\n" + "\n".join(bad)
