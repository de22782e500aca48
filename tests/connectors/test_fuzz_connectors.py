"""Fuzzing the connectors' file doors (DESIGN §7): a real dbt manifest and a real
Backstage catalog, mutated, through `mlg ingest --from ...` in-process.

The property, for every input: exit 0 or 1; on 1 an `error:` naming the problem, no
traceback, and the graph's content exactly as before. Bounded by MLG_FUZZ_EXAMPLES
(default 25 per door here: each example copies a graph and runs a whole ingest).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.cli.main import main
from tests.cli.test_fuzz_inputs import mutated
from tests.conftest import graph_content

CATALOG = Path(__file__).parent / "files" / "catalog-info.yaml"
SETTINGS = settings(
    max_examples=int(os.environ.get("MLG_FUZZ_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)


@pytest.fixture(scope="module")
def estate(tmp_path_factory, dbt_manifest):
    """A graph holding a model the catalog serves, and a real manifest (its macros and
    docs left out: dbt's own, never read by the connector, they would take every
    mutation)."""
    root = tmp_path_factory.mktemp("fuzz")
    manifest = json.loads(dbt_manifest.read_text())
    for section in ("macros", "docs", "disabled", "parent_map", "child_map", "semantic_models", "unit_tests"):
        manifest.pop(section, None)
    graph_path = root / "graph.kuzu"
    with mlg.open(graph_path) as g:
        g.ingest_from("model-card", Path(__file__).parent / "files" / "churn-distil")
        g.ingest_batch(
            mlg.batch.Batch.from_records(
                assets=[
                    {
                        "id": "model:mlflow/churn@2",
                        "kind": "model",
                        "namespace": "mlflow",
                        "family": "churn",
                        "version": "2",
                        "tags": ["champion"],
                    }
                ]
            )
        )
    return root, manifest, graph_path


def _check(db: Path, args: list[str]) -> None:
    with mlg.open(db) as g:
        before = graph_content(g)
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        assert "error:" in result.output and "Traceback" not in result.output
        with mlg.open(db) as g:
            assert graph_content(g) == before


@SETTINGS
@given(data=st.data())
def test_mutated_dbt_manifests(estate, tmp_path_factory, data):
    _, manifest, graph_path = estate
    doc, _ = data.draw(mutated(manifest))
    path = tmp_path_factory.mktemp("m") / "manifest.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    _check(_copy(graph_path, path.parent / "g.kuzu"), ["--from", "dbt", str(path)])


@SETTINGS
@given(data=st.data())
def test_mutated_backstage_catalogs(estate, tmp_path_factory, data):
    _, _, graph_path = estate
    documents = list(yaml.safe_load_all(CATALOG.read_text()))
    doc, _ = data.draw(mutated({"documents": documents}))
    path = tmp_path_factory.mktemp("b") / "catalog-info.yaml"
    items = doc.get("documents") if isinstance(doc, dict) else None
    items = items if isinstance(items, list) else [doc]
    path.write_text(yaml.safe_dump_all(items, allow_unicode=False), encoding="utf-8")
    _check(_copy(graph_path, path.parent / "g.kuzu"), ["--from", "backstage", str(path)])


def _copy(graph_path: Path, db: Path) -> Path:
    """A fresh copy of the estate's graph file for one example."""
    if graph_path.is_dir():
        shutil.copytree(graph_path, db)
    else:
        shutil.copy(graph_path, db)
    return db
