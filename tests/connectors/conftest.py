"""Systems shared by the connector tests (each built once per session: `dbt parse`
takes seconds)."""

from __future__ import annotations

import pytest

from tests.connectors.systems import dbt_project


@pytest.fixture(scope="session")
def dbt_manifest(tmp_path_factory):
    """target/manifest.json of the small shop project, written by the real `dbt parse`."""
    root = tmp_path_factory.mktemp("dbt")
    return dbt_project(root / "shop", root / "out" / "churn_features.parquet")
