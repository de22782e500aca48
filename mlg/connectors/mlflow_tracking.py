"""MLflow: a tracking server or store (any tracking URI) read through `MlflowClient`.

- every registered model version -> a `model` asset `model:mlflow/<name>@<version>`
  (family = the registered model's name, version, description of the version else of
  the model); the registered model's aliases pointing at the version -> tags, with the
  version's and the model's MLflow tags, status, source and LoggedModel id in props;
- the run that produced a version -> a run of the `workflow` asset of its experiment
  (`workflow:mlflow/<experiment name>`), which the model is `produced_by`;
- the run's `inputs.dataset_inputs` -> datasets named physically (their source's uri,
  path or table, mlg.connectors.identity): context `training` (or none) -> `trained_on`
  (and the workflow `reads` it); any other context (evaluation, validation, test) -> an
  `evaluation` asset of that run and dataset that `evaluates` the version and is
  `evaluated_on` the dataset, with the run's metrics;
- the LoggedModel a version's source names (`models:/m-...`): its metrics, which carry
  the run and dataset that measured them -> `evaluation` assets as above (one per run
  and dataset), props.metrics = {key: latest value};
- owners: the tag `owner` (of the version, else the registered model, else the run),
  else the run's user (a person).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlflow import MlflowClient

from mlg.batch import Batch
from mlg.connectors import MissingExtra, identity
from mlg.connectors.builder import SourceRecords
from mlg.connectors.targets import batch_of_each
from mlg.errors import MlgError

if TYPE_CHECKING:
    from mlg.graph import Graph

TRAINING_CONTEXTS = ("training", "train", "")
RUN_STATES = {"FINISHED": "COMPLETE", "FAILED": "FAIL", "KILLED": "ABORT", "RUNNING": "RUNNING"}
PAGE = 1000
RUN_BATCH = 200


def read(targets: list[str | os.PathLike[str]], graph: Graph | None = None, progress=None) -> Batch:
    """Each target is a tracking URI (sqlite:///mlflow.db, http://host:5000, ...)."""
    return batch_of_each(targets, lambda target: read_tracking(target, graph, progress))


def read_tracking(uri: str, graph: Graph | None = None, progress=None) -> Batch:
    """Map one tracking server's registered models, their runs, datasets and evaluations."""
    if "://" not in uri and os.path.exists(uri) and uri.endswith(".db"):
        uri = f"sqlite:///{os.path.abspath(uri)}"
    try:
        client = MlflowClient(tracking_uri=uri, registry_uri=uri)
        reader = _Reader(client, SourceRecords(f"mlflow:{uri}", uri), progress)
        reader.read()
    except ModuleNotFoundError as exc:  # a store's driver: sqlalchemy, alembic, ...
        raise MissingExtra("mlflow", "mlflow", exc.name or "?") from None
    except Exception as exc:
        if type(exc).__name__ != "MlflowException" and not isinstance(exc, OSError):
            raise
        raise MlgError(f"cannot read the MLflow tracking store at {uri}: {exc}") from None
    return reader.records.finish(graph)


class _Reader:
    def __init__(self, client: MlflowClient, records: SourceRecords, progress):
        self.client = client
        self.records = records
        self.progress = progress
        self.experiments: dict[str, str] = {}
        self.runs: dict[str, Any] = {}
        self.run_outputs: dict[str, list[str]] = {}
        self.evaluations: dict[str, dict[str, Any]] = {}

    def read(self) -> None:
        registered = {m.name: m for m in _pages(self.client.search_registered_models, PAGE)}
        versions = list(_pages(self.client.search_model_versions, 10_000))
        self._prefetch_runs({v.run_id for v in versions if v.run_id})
        for done, version in enumerate(versions):
            if self.progress and done % 200 == 0:
                self.progress("reading MLflow versions", done, len(versions))
            self._version(version, registered.get(version.name))
        for run_id, outputs in self.run_outputs.items():
            self._run(run_id, outputs)
        for evaluation in self.evaluations.values():
            self.records.asset(evaluation["record"], evaluation["where"])

    def _version(self, mv, model) -> None:
        where = f"registered_models[{mv.name!r}].versions[{mv.version}]"
        model_tags = dict(model.tags) if model is not None else {}
        aliases = sorted(
            a for a, v in (model.aliases if model is not None else {}).items() if str(v) == str(mv.version)
        )
        model_id = getattr(mv, "model_id", None) or _logged_model_id(mv.source)
        run = self._get_run(mv.run_id)
        props: dict[str, Any] = {
            "mlflow": {
                k: v
                for k, v in {
                    "registered_model": mv.name,
                    "status": mv.status,
                    "source": mv.source,
                    "run_id": mv.run_id,
                    "logged_model_id": model_id,
                    "aliases": aliases,
                    "tags": dict(mv.tags),
                    "registered_model_tags": model_tags,
                }.items()
                if v
            }
        }
        asset_id = f"model:mlflow/{mv.name}@{mv.version}"
        record: dict[str, Any] = {
            "id": asset_id,
            "kind": "model",
            "name": mv.name,
            "namespace": "mlflow",
            "family": mv.name,
            "version": str(mv.version),
            "description": mv.description or (model.description if model is not None else None) or None,
            "tags": aliases,
            "props": props,
            "created_at": _time(mv.creation_timestamp),
        }
        owner = (
            mv.tags.get("owner") or model_tags.get("owner") or (run.data.tags.get("owner") if run else None)
        )
        if owner:
            record["owners"] = [self.records.owner(owner, where + ".tags.owner")]
        elif mv.user_id or (run and run.info.user_id):
            record["owners"] = [
                self.records.owner(mv.user_id or run.info.user_id, where + ".user_id", "person")
            ]
        self.records.asset(record, where)
        if run is not None:
            self.run_outputs.setdefault(run.info.run_id, []).append(asset_id)
            for dataset, context, name, _ in self._inputs(run, detail=True):
                if context in TRAINING_CONTEXTS:
                    self.records.relate(asset_id, "trained_on", dataset, where + ".run.inputs")
                else:
                    metrics = dict(run.data.metrics)
                    self._evaluation(asset_id, mv, run, dataset, context, metrics, where, name)
        if model_id:
            self._logged_model_metrics(asset_id, mv, model_id, where)

    def _logged_model_metrics(self, asset_id: str, mv, model_id: str, where: str) -> None:
        try:
            logged = self.client.get_logged_model(model_id)
        except Exception as exc:  # a version registered from a LoggedModel since deleted
            if type(exc).__name__ != "MlflowException":
                raise
            return
        latest: dict[tuple[str, str, str], dict[str, tuple[int, int, float]]] = {}
        for m in logged.metrics or ():
            key = (m.run_id or "", m.dataset_name or "", m.dataset_digest or "")
            seen = latest.setdefault(key, {})
            if m.key not in seen or (m.step, m.timestamp) >= seen[m.key][:2]:
                seen[m.key] = (m.step, m.timestamp, m.value)
        for (run_id, name, digest), metrics in sorted(latest.items()):
            run = self._get_run(run_id) if run_id else None
            dataset = None
            if run is not None and name:
                dataset = next(
                    (d for d, _, n, g in self._inputs(run, detail=True) if n == name and g in (digest, "")),
                    None,
                )
            values = {k: v[2] for k, v in metrics.items()}
            self._evaluation(
                asset_id, mv, run, dataset, "evaluation", values, where + ".logged_model.metrics", name
            )

    def _evaluation(self, model: str, mv, run, dataset, context, metrics, where, dataset_name=None) -> None:
        run_id = run.info.run_id if run is not None else "no-run"
        label = dataset_name or (dataset.rpartition("/")[2] if dataset else "no-dataset")
        eval_id = f"evaluation:mlflow/{mv.name}@{mv.version}/{run_id}/{label}"
        found = self.evaluations.get(eval_id)
        if found is None:
            record = {
                "id": eval_id,
                "kind": "evaluation",
                "name": f"{mv.name} v{mv.version} on {label}",
                "namespace": "mlflow",
                "family": f"{mv.name}/{label}",
                "version": str(mv.version),
                "props": {"metrics": {}, "mlflow": {"run_id": run_id, "context": context}},
            }
            found = self.evaluations[eval_id] = {"record": record, "where": where}
            self.records.relate(eval_id, "evaluates", model, where)
        found["record"]["props"]["metrics"].update(metrics)
        if dataset is not None:
            self.records.relate(eval_id, "evaluated_on", dataset, where)

    def _run(self, run_id: str, outputs: list[str]) -> None:
        run = self.runs[run_id]
        where = f"runs[{run_id!r}]"
        experiment = self.experiments.get(run.info.experiment_id)
        if experiment is None:
            experiment = self.client.get_experiment(run.info.experiment_id).name
            self.experiments[run.info.experiment_id] = experiment
        workflow = f"workflow:mlflow/{experiment}"
        self.records.asset(
            {
                "id": workflow,
                "kind": "workflow",
                "name": experiment,
                "namespace": "mlflow",
                "props": {"mlflow": {"experiment_id": run.info.experiment_id}},
            },
            f"experiments[{experiment!r}]",
        )
        inputs = [d for d, context in self._inputs(run) if context in TRAINING_CONTEXTS]
        for dataset in inputs:
            self.records.relate(workflow, "reads", dataset, where + ".inputs")
        for model in outputs:
            self.records.relate(model, "produced_by", workflow, where)
        started, ended = _time(run.info.start_time), _time(run.info.end_time)
        self.records.run(
            {
                "id": f"mlflow:{run_id}",
                "workflow": workflow,
                "state": RUN_STATES.get(run.info.status),
                "started_at": started,
                "ended_at": ended,
                "last_event_at": ended or started,
                "producer": "mlflow",
                "facets": {
                    "run_name": run.info.run_name,
                    "params": dict(run.data.params),
                    "metrics": dict(run.data.metrics),
                },
                "inputs": [d for d, _ in self._inputs(run)],
                "outputs": outputs,
            },
            where,
        )

    def _prefetch_runs(self, run_ids: set[str]) -> None:
        """The producing runs, RUN_BATCH at a time (one get_run each is ~10 ms apiece)."""
        if not run_ids:
            return
        experiments = [e.experiment_id for e in _pages(self.client.search_experiments, PAGE)]
        ids = sorted(run_ids)
        for start in range(0, len(ids), RUN_BATCH):
            chunk = ids[start : start + RUN_BATCH]
            quoted = ", ".join(f"'{i}'" for i in chunk if i.isalnum())  # run ids are hex
            for run in self.client.search_runs(
                experiments, f"attributes.run_id IN ({quoted})", max_results=RUN_BATCH
            ):
                self.runs[run.info.run_id] = run
            if self.progress:
                self.progress("reading MLflow runs", start + len(chunk), len(ids))

    def _get_run(self, run_id: str | None):
        if not run_id:
            return None
        if run_id not in self.runs:
            try:
                self.runs[run_id] = self.client.get_run(run_id)
            except Exception as exc:  # the run was deleted; the version stays
                if type(exc).__name__ != "MlflowException":
                    raise
                self.runs[run_id] = None
        return self.runs[run_id]

    def _inputs(self, run, detail: bool = False) -> list:
        """(dataset key, context) per dataset input; with `detail`, also name and digest."""
        found = []
        for i, item in enumerate(run.inputs.dataset_inputs if run.inputs else ()):
            ds = item.dataset
            context = next((t.value for t in item.tags if t.key == "mlflow.data.context"), "")
            names = _physical_names(ds)
            key = self.records.dataset(names, f"runs[{run.info.run_id!r}].inputs.dataset_inputs[{i}]")
            found.append((key, context.lower(), ds.name, ds.digest) if detail else (key, context.lower()))
        return found


def _physical_names(ds) -> list[identity.PhysicalName]:
    try:
        source = json.loads(ds.source) if ds.source else {}
    except json.JSONDecodeError:
        source = {"uri": ds.source}
    if not isinstance(source, dict):
        source = {}
    for key in ("uri", "path", "url"):
        if isinstance(source.get(key), str) and source[key]:
            return [identity.location(source[key])]
    for key in ("table_name", "delta_table_name", "table"):
        if isinstance(source.get(key), str) and source[key]:
            return [identity.relation(ds.source_type or "mlflow", source[key])]
    return [("mlflow", f"{ds.name}@{ds.digest}")]


def _logged_model_id(source: str | None) -> str | None:
    if source and source.startswith("models:/m-"):
        return source.removeprefix("models:/").split("/")[0]
    return None


def _pages(search, size: int):
    token = None
    while True:
        page = search(max_results=size, page_token=token)
        yield from page
        token = page.token
        if not token:
            return


def _time(ms: int | None) -> datetime | None:
    if not ms:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None, microsecond=0)
