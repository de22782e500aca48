"""The connectors at a realistic size, against the real systems built in a scratch dir.

    python benchmarks/bench_connectors.py --dbt-models 2000 --mlflow-runs 10000 \
        --feast-views 200 --backstage-entities 2000

- dbt: a generated project of N models (each selects from 1-3 earlier models or from
  one of N/10 sources), parsed by the real `dbt parse`;
- MLflow: a sqlite tracking store with N runs written through MlflowClient, each with a
  training and an evaluation dataset input and metrics, each registering a version
  (N/20 registered models) with an alias on the latest;
- Feast: V feature views of 10 features over V parquet files, `feast apply`;
- Backstage: one catalog-info.yaml of N entities (services calling services, reading
  resources).

For each: the time to build the system (not mlg's), mlg's read (connector -> Batch),
the first ingest, and a re-ingest (a no-op). Prints the load average.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mlg

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("FEAST_USAGE", "False")


def tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def measure(label: str, connector: str, target, db: Path) -> None:
    from mlg.connectors import read_source

    with mlg.open(db) as g:
        t = time.perf_counter()
        batch = read_source(connector, [target], g)
        read_s = time.perf_counter() - t
        t = time.perf_counter()
        report = g.ingest_batch(batch)
        first_s = time.perf_counter() - t
        t = time.perf_counter()
        again = g.ingest_from(connector, target)
        again_s = time.perf_counter() - t
    print(
        f"{label}: read {read_s:.2f} s ({len(batch.assets)} assets, {len(batch.relations)} relations, "
        f"{len(batch.runs)} runs, {len(batch.aliases)} aliases); first ingest {first_s:.2f} s "
        f"(+{report.assets_added} assets, +{report.relations_added} relations); "
        f"re-ingest {again_s:.2f} s (changed: {again.changed})",
        flush=True,
    )


def dbt_project(root: Path, models: int, rng: random.Random) -> Path:
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text("name: big\nversion: '1.0'\nprofile: big\nconfig-version: 2\n")
    (root / "profiles.yml").write_text(
        f"big:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: {root / 'w.duckdb'}\n"
    )
    sources = max(1, models // 10)
    schema = ["version: 2", "sources:", "  - name: raw", "    tables:"]
    schema += [
        f"      - name: table_{i}\n        meta: {{owner: 'team:ingest-{i % 7}'}}" for i in range(sources)
    ]
    schema += ["models:"]
    for i in range(models):
        if i < 20 or rng.random() < 0.2:
            parents = [f"{{{{ source('raw', 'table_{rng.randrange(sources)}') }}}}"]
        else:
            parents = [f"{{{{ ref('model_{j}') }}}}" for j in rng.sample(range(i), min(i, rng.randint(1, 3)))]
        body = " union all ".join(f"select * from {p}" for p in parents)
        (root / "models" / f"model_{i}.sql").write_text(body + "\n")
        schema.append(
            f"  - name: model_{i}\n    description: Model {i}.\n"
            f"    meta: {{owner: 'team:analytics-{i % 13}'}}\n"
            f"    columns:\n      - name: id\n        description: The id.\n"
        )
    schema += ["exposures:"]
    for i in range(max(1, models // 100)):
        schema.append(
            f"  - name: ml_model_{i}\n    type: ml\n    owner: {{name: ML {i % 5}}}\n"
            f"    depends_on: [ref('model_{models - 1 - i}')]"
        )
    (root / "models" / "schema.yml").write_text("\n".join(schema) + "\n")
    t = time.perf_counter()
    subprocess.run(
        [tool("dbt"), "parse", "--profiles-dir", str(root), "--project-dir", str(root)],
        check=True,
        capture_output=True,
    )
    print(f"dbt parse of {models} models: {time.perf_counter() - t:.1f} s", flush=True)
    return root / "target" / "manifest.json"


def mlflow_store(root: Path, runs: int, rng: random.Random) -> str:
    import mlflow.data
    import pandas as pd
    from mlflow import MlflowClient
    from mlflow.entities import DatasetInput, InputTag, Metric, Param

    uri = f"sqlite:///{root / 'mlflow.db'}"
    client = MlflowClient(uri, registry_uri=uri)
    t = time.perf_counter()
    frame = pd.DataFrame({"x": [1, 2], "y": [0, 1]})
    families = max(1, runs // 20)
    experiments = [client.create_experiment(f"exp-{i}") for i in range(max(1, runs // 200))]
    for f in range(families):
        client.create_registered_model(f"model-{f}", description=f"Model family {f}.")
    for i in range(runs):
        run = client.create_run(experiments[i % len(experiments)], run_name=f"run-{i}")
        rid = run.info.run_id
        train = mlflow.data.from_pandas(
            frame, source=f"s3://lake/train/{i % 300}.parquet", name=f"train-{i % 300}"
        )
        test = mlflow.data.from_pandas(
            frame, source=f"s3://lake/test/{i % 50}.parquet", name=f"test-{i % 50}"
        )
        client.log_inputs(
            rid,
            [
                DatasetInput(train._to_mlflow_entity(), [InputTag("mlflow.data.context", "training")]),
                DatasetInput(test._to_mlflow_entity(), [InputTag("mlflow.data.context", "evaluation")]),
            ],
        )
        now = int(time.time() * 1000)
        client.log_batch(
            rid, metrics=[Metric("auc", rng.random(), now, 0)], params=[Param("depth", str(i % 9))]
        )
        client.set_tag(rid, "owner", f"team:ml-{i % 11}")
        client.set_terminated(rid)
        client.create_model_version(f"model-{i % families}", f"runs:/{rid}/model", run_id=rid)
        if i % 1000 == 0:
            print(f"  mlflow: {i} runs written", flush=True)
    for f in range(families):
        latest = client.search_model_versions(
            f"name='model-{f}'", max_results=1, order_by=["version_number DESC"]
        )
        client.set_registered_model_alias(f"model-{f}", "champion", latest[0].version)
    print(f"MLflow store of {runs} runs and versions: {time.perf_counter() - t:.1f} s", flush=True)
    return uri


def feast_repo(root: Path, views: int) -> Path:
    import pandas as pd

    root.mkdir(parents=True)
    (root / "feature_store.yaml").write_text(
        "project: big\nregistry: data/registry.db\nprovider: local\n"
        "online_store:\n  type: sqlite\n  path: data/online.db\nentity_key_serialization_version: 3\n"
    )
    (root / "data").mkdir()
    frame = pd.DataFrame({"id": [1], **{f"f{j}": [1.0] for j in range(10)}})
    frame["ts"] = pd.Timestamp("2026-01-01", tz="UTC")
    lines = [
        "from datetime import timedelta",
        "from feast import Entity, FeatureView, Field, FileSource",
        "from feast.types import Float64",
        "e = Entity(name='thing', join_keys=['id'])",
    ]
    for v in range(views):
        frame.to_parquet(root / "data" / f"table_{v}.parquet")
        fields = ", ".join(f"Field(name='f{j}', dtype=Float64)" for j in range(10))
        lines.append(
            f"fv_{v} = FeatureView(name='view_{v}', entities=[e], ttl=timedelta(days=1), schema=[{fields}], "
            f"source=FileSource(name='src_{v}', path='data/table_{v}.parquet', timestamp_field='ts'), "
            f"owner='team-{v % 9}@shop.example')"
        )
    (root / "features.py").write_text("\n".join(lines) + "\n")
    t = time.perf_counter()
    subprocess.run([tool("feast"), "apply"], cwd=root, check=True, capture_output=True)
    print(f"feast apply of {views} views: {time.perf_counter() - t:.1f} s", flush=True)
    return root


def backstage_catalog(path: Path, entities: int, rng: random.Random) -> Path:
    docs = []
    resources = max(1, entities // 4)
    for r in range(resources):
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: db-{r}\n"
            f"spec:\n  type: database\n  owner: group:team-{r % 17}\n"
        )
    for s in range(entities - resources):
        deps = [f"resource:db-{rng.randrange(resources)}"] + (
            [f"component:svc-{rng.randrange(s)}"] if s else []
        )
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{s}\n"
            f"  description: Service {s}.\nspec:\n  type: service\n  lifecycle: production\n"
            f"  owner: group:team-{s % 17}\n  dependsOn: [{', '.join(deps)}]\n"
        )
    path.write_text("---\n".join(docs))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--dbt-models", type=int, default=2000)
    parser.add_argument("--mlflow-runs", type=int, default=10_000)
    parser.add_argument("--feast-views", type=int, default=200)
    parser.add_argument("--backstage-entities", type=int, default=2000)
    parser.add_argument("--only", choices=["dbt", "mlflow", "feast", "backstage"], action="append")
    args = parser.parse_args()
    rng = random.Random(0)
    scratch = Path(tempfile.mkdtemp(prefix="mlg-bench-connectors-"))
    print("load average:", open("/proc/loadavg").read().strip(), "scratch:", scratch, flush=True)
    only = set(args.only or ["dbt", "mlflow", "feast", "backstage"])
    if "dbt" in only:
        manifest = dbt_project(scratch / "dbt", args.dbt_models, rng)
        measure(f"dbt ({args.dbt_models} models)", "dbt", manifest, scratch / "dbt.kuzu")
    if "mlflow" in only:
        (scratch / "mlflow").mkdir()
        uri = mlflow_store(scratch / "mlflow", args.mlflow_runs, rng)
        measure(f"mlflow ({args.mlflow_runs} runs/versions)", "mlflow", uri, scratch / "mlflow.kuzu")
    if "feast" in only:
        repo = feast_repo(scratch / "feast", args.feast_views)
        measure(
            f"feast ({args.feast_views} views, {args.feast_views * 10} features)",
            "feast",
            repo,
            scratch / "f.kuzu",
        )
    if "backstage" in only:
        catalog = backstage_catalog(scratch / "catalog-info.yaml", args.backstage_entities, rng)
        measure(f"backstage ({args.backstage_entities} entities)", "backstage", catalog, scratch / "b.kuzu")
    print("load average:", open("/proc/loadavg").read().strip(), flush=True)


if __name__ == "__main__":
    main()
