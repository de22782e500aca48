"""Real systems for the connector tests, built in tmp_path: a dbt project parsed by the
real `dbt parse`, an MLflow sqlite tracking store written through the MLflow client,
a Feast repository registered by the real `feast apply`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def tool(name: str) -> str:
    """A console script installed beside this interpreter (dbt, feast)."""
    found = Path(sys.executable).parent / name
    if found.exists():
        return str(found)
    which = shutil.which(name)
    if which is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' installs it")
    return which


def run(args: list[str], cwd: Path) -> None:
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "FEAST_USAGE": "False"}
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode:
        pytest.fail(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


DBT_SCHEMA = """\
version: 2
sources:
  - name: app
    schema: raw
    tables:
      - name: customers
        description: Customers, copied nightly from the app database.
        meta: {{owner: "team:crm"}}
groups:
  - name: growth
    owner: {{name: Growth Analytics, email: growth@shop.example}}
models:
  - name: orders
    description: One row per order.
    group: growth
    config: {{tags: [core, finance]}}
    columns:
      - name: id
        description: The order id.
        data_type: integer
      - name: amount
        description: Order total in EUR.
  - name: churn_features
    description: Per-customer order counts, the churn model's training table.
    meta: {{owner: ana@shop.example}}
    config:
      materialized: external
      location: {location}
exposures:
  - name: churn_model
    label: Churn model
    type: ml
    maturity: high
    owner: {{name: Churn ML, email: churn@shop.example}}
    description: Predicts churn from order behaviour.
    depends_on: [ref('churn_features')]
  - name: revenue_dashboard
    type: dashboard
    owner: {{name: BI}}
    depends_on: [ref('orders')]
"""


def dbt_project(root: Path, location: Path) -> Path:
    """A small dbt-duckdb project (a seed, a source, two models, two exposures) parsed
    by `dbt parse`; its external model writes `location`. Returns target/manifest.json."""
    (root / "models").mkdir(parents=True)
    (root / "seeds").mkdir()
    (root / "dbt_project.yml").write_text(
        "name: shop\nversion: '1.0'\nprofile: shop\nconfig-version: 2\n", encoding="utf-8"
    )
    (root / "profiles.yml").write_text(
        "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n"
        f"      path: {root / 'warehouse.duckdb'}\n",
        encoding="utf-8",
    )
    (root / "seeds" / "raw_orders.csv").write_text("id,customer_id,amount\n1,1,10\n", encoding="utf-8")
    (root / "models" / "schema.yml").write_text(DBT_SCHEMA.format(location=location), encoding="utf-8")
    (root / "models" / "orders.sql").write_text("select * from {{ ref('raw_orders') }}\n", encoding="utf-8")
    (root / "models" / "churn_features.sql").write_text(
        "select o.customer_id, count(*) as orders from {{ ref('orders') }} o\n"
        "join {{ source('app', 'customers') }} c on c.id = o.customer_id group by 1\n",
        encoding="utf-8",
    )
    run([tool("dbt"), "parse", "--profiles-dir", str(root), "--project-dir", str(root)], root)
    return root / "target" / "manifest.json"


def mlflow_store(root: Path, training_data: Path, holdout: Path) -> str:
    """A sqlite tracking store: two training runs of `churn` reading `training_data`
    (v1, v2; v2 is the champion) and an evaluation of v2's LoggedModel on `holdout`.
    Returns the tracking URI."""
    os.environ["MLFLOW_DISABLE_TELEMETRY"] = "true"
    import mlflow
    import pandas as pd
    from mlflow import MlflowClient

    uri = f"sqlite:///{root / 'mlflow.db'}"
    client = MlflowClient(uri, registry_uri=uri)
    experiment = client.create_experiment("churn-training", artifact_location=str(root / "artifacts"))
    frame = pd.DataFrame({"customer_id": [1, 2, 3], "orders": [4, 0, 7], "churned": [0, 1, 0]})
    train = mlflow.data.from_pandas(
        frame, source=str(training_data), name="churn_features", targets="churned"
    )
    test = mlflow.data.from_pandas(frame, source=str(holdout), name="holdout", targets="churned")
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    versions = []
    try:
        for round_ in (1, 2):
            with mlflow.start_run(experiment_id=experiment, run_name=f"train-{round_}") as run:
                mlflow.log_input(train, context="training")
                mlflow.log_input(test, context="validation")
                mlflow.log_params({"max_depth": 3 + round_})
                mlflow.log_metric("val_auc", 0.7 + round_ / 20)
                mlflow.set_tag("owner", "team:churn-ml")
                model = mlflow.create_external_model(name="churn-classifier")
                if round_ == 2:
                    mlflow.log_metric("auc", 0.83, model_id=model.model_id, dataset=test)
                    mlflow.log_metric("recall", 0.61, model_id=model.model_id, dataset=test)
            versions.append(mlflow.register_model(f"models:/{model.model_id}", "churn"))
            del run
        client.update_registered_model("churn", description="Predicts which customers leave next month.")
        client.update_model_version("churn", versions[1].version, description="Deeper trees.")
        client.set_registered_model_alias("churn", "champion", versions[1].version)
        client.set_registered_model_alias("churn", "previous", versions[0].version)
        client.set_model_version_tag("churn", versions[1].version, "validated", "yes")
    finally:
        mlflow.set_tracking_uri(None)
    return uri


FEAST_DEFINITIONS = """\
from datetime import timedelta

import pandas as pd
from feast import Entity, FeatureService, FeatureView, Field, FileSource
from feast.on_demand_feature_view import on_demand_feature_view
from feast.types import Float64, Int64

customer = Entity(name="customer", join_keys=["customer_id"], description="A shop customer.")
churn_table = FileSource(name="churn_features", path={path!r}, timestamp_field="event_timestamp")
customer_orders = FeatureView(
    name="customer_orders",
    entities=[customer],
    ttl=timedelta(days=7),
    schema=[Field(name="orders", dtype=Int64, description="Orders in the last 90 days.")],
    source=churn_table,
    owner="ana@shop.example",
    tags={{"tier": "1"}},
    description="Order counts per customer.",
)


@on_demand_feature_view(sources=[customer_orders], schema=[Field(name="orders_squared", dtype=Float64)])
def orders_transformed(inputs: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame()
    out["orders_squared"] = inputs["orders"].astype(float) ** 2
    return out


churn_v1 = FeatureService(
    name="churn_v1", features=[customer_orders, orders_transformed], owner="team:churn-ml"
)
"""


def feast_repo(root: Path, parquet: Path, relative: bool = False) -> Path:
    """A local Feast repository (local provider, sqlite online store) over `parquet`,
    registered by `feast apply`. With `relative`, the source path is given relative to
    the repository, as repositories usually do."""
    import pandas as pd

    parquet.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(
        {
            "customer_id": [1, 2],
            "orders": [3, 4],
            "event_timestamp": pd.to_datetime(["2026-01-01", "2026-01-02"], utc=True),
        }
    ).to_parquet(parquet)
    root.mkdir(parents=True, exist_ok=True)
    (root / "feature_store.yaml").write_text(
        "project: churn\nregistry: data/registry.db\nprovider: local\n"
        "online_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n",
        encoding="utf-8",
    )
    path = os.path.relpath(parquet, root) if relative else str(parquet)
    (root / "features.py").write_text(FEAST_DEFINITIONS.format(path=path), encoding="utf-8")
    run([tool("feast"), "apply"], root)
    return root
