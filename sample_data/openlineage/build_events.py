#!/usr/bin/env python3
"""Generate sample_data/openlineage/streamly_events.ndjson: three days of OpenLineage
events from Streamly's pipelines, shaped as the Airflow, Spark, dbt and Flink
integrations emit them, naming the datasets of the sample estate (sample_data/estate).

    python sample_data/openlineage/build_events.py

Deterministic (fixed times, uuid5 run ids). What it exercises:

- airflow.core_playback_daily (an estate workflow): daily START/COMPLETE runs, a FAIL
  with an errorMessage facet, schema and columnLineage on its outputs;
- spark.impressions_bot_filter: Spark names physical s3a:// paths, with a TABLE symlink
  to the estate's Iceberg table, so the events land on the estate's datasets; a
  RUNNING event; a parent facet pointing at the Airflow task that launched it;
- dbt.profile_dimensions: dbt's SQL, jobType and data-quality input facets;
- airflow.recs_labels_daily: events delivered out of order (COMPLETE before START);
- airflow.qoe_regression_alerts: a new workflow and a new dataset with ownership
  (team:ml-serving-sre, user:tomasz.wisniewski), documentation and tags, and a spec 2.x
  DatasetEvent that updates the dataset's documentation;
- flink.playback_anomaly_detector: a spec 2.x JobEvent declaring a streaming job.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

OUT = Path(__file__).resolve().parent / "streamly_events.ndjson"
SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/"
AIRFLOW = "https://github.com/apache/airflow/tree/providers-openlineage/1.12.0"
SPARK = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/spark"
DBT = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/dbt"
FLINK = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/flink"
FACETS = "https://openlineage.io/spec/facets/"
AIRFLOW_NS = "airflow://prod-airflow"

events: list[dict] = []


def facet(producer: str, facet_name: str, schema_version: str = "1-0-1", **fields) -> dict:
    return {"_producer": producer, "_schemaURL": f"{FACETS}{schema_version}/{facet_name}.json", **fields}


def run_id(*parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "streamly/" + "/".join(parts)))


def table(name: str, **facets) -> dict:
    """A dataset of the estate's lake, as the Airflow integration names it."""
    layer, _, base = name.partition(".")
    return {"namespace": f"iceberg://lake.{layer}/{base}", "name": name, "facets": facets}


def raw(name: str, **facets) -> dict:
    return {
        "namespace": f"s3://streamly-raw/{name.split('.', 1)[1].replace('_', '-')}",
        "name": name,
        "facets": facets,
    }


def run_event(
    event_type: str,
    time: str,
    producer: str,
    job: tuple[str, str],
    run: str,
    inputs=(),
    outputs=(),
    run_facets=None,
    job_facets=None,
) -> None:
    events.append(
        {
            "eventType": event_type,
            "eventTime": time,
            "producer": producer,
            "schemaURL": SPEC + "RunEvent",
            "run": {"runId": run, "facets": run_facets or {}},
            "job": {"namespace": job[0], "name": job[1], "facets": job_facets or {}},
            "inputs": list(inputs),
            "outputs": list(outputs),
        }
    )


def schema(producer: str, *fields: tuple[str, str, str | None]) -> dict:
    return facet(
        producer,
        "SchemaDatasetFacet",
        "1-1-1",
        fields=[{"name": n, "type": t, **({"description": d} if d else {})} for n, t, d in fields],
    )


def airflow_job_facets(task: str) -> dict:
    return {
        "jobType": facet(
            AIRFLOW, "JobTypeJobFacet", "2-0-3", processingType="BATCH", integration="AIRFLOW", jobType="TASK"
        ),
        "documentation": facet(AIRFLOW, "DocumentationJobFacet", description=f"Airflow task {task}."),
    }


def airflow_run_facets(dag: str, task: str, day: str, try_number: int = 1) -> dict:
    return {
        "nominalTime": facet(
            AIRFLOW,
            "NominalTimeRunFacet",
            nominalStartTime=f"{day}T06:00:00Z",
            nominalEndTime=f"{day}T06:00:00Z",
        ),
        "airflow": {
            "_producer": AIRFLOW,
            "dag": {"dag_id": dag, "schedule_interval": "0 6 * * *"},
            "dagRun": {"run_id": f"scheduled__{day}T06:00:00+00:00"},
            "taskInstance": {"try_number": try_number},
            "task": {"task_id": task},
        },
        "processing_engine": facet(
            AIRFLOW,
            "ProcessingEngineRunFacet",
            "1-1-1",
            version="2.9.3",
            name="Airflow",
            openlineageAdapterVersion="1.12.0",
        ),
    }


# -- airflow.core_playback_daily --------------------------------------------------------

PLAYBACK_JOB = (AIRFLOW_NS, "airflow.core_playback_daily")
SESSIONS_SCHEMA = schema(
    AIRFLOW,
    ("session_id", "string", "One viewing session: plays with gaps under 30 min."),
    ("account_id", "bigint", None),
    ("profile_id", "bigint", None),
    ("title_id", "bigint", None),
    ("started_at", "timestamp", None),
    ("watch_seconds", "int", "Seconds actually watched (heartbeat-confirmed)."),
    ("device_class", "string", None),
    ("dt", "date", None),
)
SESSIONS_LINEAGE = facet(
    AIRFLOW,
    "ColumnLineageDatasetFacet",
    "1-2-0",
    fields={
        "session_id": {
            "inputFields": [
                {
                    "namespace": "iceberg://lake.staging/playback_events_dedup",
                    "name": "staging.playback_events_dedup",
                    "field": "playback_id",
                    "transformations": [{"type": "INDIRECT", "subtype": "GROUP_BY"}],
                }
            ]
        },
        "watch_seconds": {
            "inputFields": [
                {
                    "namespace": "iceberg://lake.staging/heartbeats_1m",
                    "name": "staging.heartbeats_1m",
                    "field": "seconds_played",
                    "transformations": [
                        {
                            "type": "DIRECT",
                            "subtype": "AGGREGATION",
                            "description": "sum of heartbeat seconds",
                        }
                    ],
                }
            ]
        },
        "profile_id": {
            "inputFields": [
                {
                    "namespace": "iceberg://lake.core/dim_profile",
                    "name": "core.dim_profile",
                    "field": "profile_id",
                    "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}],
                }
            ]
        },
    },
)
for day, outcome in (("2024-09-16", "COMPLETE"), ("2024-09-17", "FAIL"), ("2024-09-18", "COMPLETE")):
    rid = run_id("core_playback_daily", day)
    inputs = [
        table("staging.playback_events_dedup"),
        table("staging.heartbeats_1m"),
        table("core.dim_profile"),
    ]
    run_event(
        "START",
        f"{day}T06:00:41.153000Z",
        AIRFLOW,
        PLAYBACK_JOB,
        rid,
        inputs,
        [table("core.playback_sessions"), table("core.daily_viewing_by_profile")],
        airflow_run_facets("core_playback_daily", "build_sessions", day),
        airflow_job_facets("core_playback_daily.build_sessions"),
    )
    if outcome == "FAIL":
        run_event(
            "FAIL",
            f"{day}T06:47:02.918000Z",
            AIRFLOW,
            PLAYBACK_JOB,
            rid,
            inputs,
            [],
            {
                **airflow_run_facets("core_playback_daily", "build_sessions", day),
                "errorMessage": facet(
                    AIRFLOW,
                    "ErrorMessageRunFacet",
                    "1-0-1",
                    message="SparkException: Job aborted due to stage failure: "
                    "Total size of serialized results of 2203 tasks "
                    "(4.0 GiB) is bigger than spark.driver.maxResultSize",
                    programmingLanguage="python",
                    stackTrace="Traceback (most recent call last): ...",
                ),
            },
        )
        continue
    run_event(
        "COMPLETE",
        f"{day}T07:34:12.004000Z",
        AIRFLOW,
        PLAYBACK_JOB,
        rid,
        inputs,
        [
            table("core.playback_sessions", schema=SESSIONS_SCHEMA, columnLineage=SESSIONS_LINEAGE),
            table("core.daily_viewing_by_profile"),
        ],
        airflow_run_facets("core_playback_daily", "build_sessions", day),
        airflow_job_facets("core_playback_daily.build_sessions"),
    )

# -- spark.impressions_bot_filter ---------------------------------------------------------

SPARK_JOB = (AIRFLOW_NS, "spark.impressions_bot_filter")


def lake_path(name: str, **facets) -> dict:
    """A lake table as Spark sees it: a physical path, with the table as a symlink."""
    layer, _, base = name.partition(".")
    return {
        "namespace": "s3a://streamly-lake",
        "name": f"warehouse/{layer}/{base}",
        "facets": {
            "symlinks": facet(
                SPARK,
                "SymlinksDatasetFacet",
                identifiers=[{"namespace": f"iceberg://lake.{layer}/{base}", "name": name, "type": "TABLE"}],
            ),
            "dataSource": facet(
                SPARK, "DatasourceDatasetFacet", name="s3a://streamly-lake", uri="s3a://streamly-lake"
            ),
            "storage": facet(SPARK, "StorageDatasetFacet", storageLayer="iceberg", fileFormat="parquet"),
            **facets,
        },
    }


for day in ("2024-09-16", "2024-09-17", "2024-09-18"):
    rid = run_id("impressions_bot_filter", day)
    parent = {
        "parent": facet(
            SPARK,
            "ParentRunFacet",
            run={"runId": run_id("airflow", day)},
            job={"namespace": AIRFLOW_NS, "name": "airflow.impressions_staging_hourly"},
        ),
        "spark_properties": {
            "_producer": SPARK,
            "properties": {
                "spark.master": "k8s://https://kubernetes.default.svc",
                "spark.app.name": "impressions_bot_filter",
            },
        },
    }
    job_facets = {
        "jobType": facet(
            SPARK, "JobTypeJobFacet", "2-0-3", processingType="BATCH", integration="SPARK", jobType="SQL_JOB"
        )
    }
    inputs = [lake_path("staging.ui_impressions_dedup"), lake_path("ts.bot_device_list")]
    outputs = [
        lake_path(
            "staging.ui_impressions_bot_filtered",
            version=facet(
                SPARK, "DatasetVersionDatasetFacet", datasetVersion=f"snap-{day.replace('-', '')}01"
            ),
        )
    ]
    run_event("START", f"{day}T04:10:00.000000Z", SPARK, SPARK_JOB, rid, inputs, outputs, parent, job_facets)
    run_event(
        "RUNNING", f"{day}T04:25:30.500000Z", SPARK, SPARK_JOB, rid, inputs, outputs, parent, job_facets
    )
    stats = {
        "outputStatistics": facet(
            SPARK,
            "OutputStatisticsOutputDatasetFacet",
            "1-0-2",
            rowCount=118_000_000 + int(day[-2:]) * 1000,
            size=61_000_000_000,
        )
    }
    run_event(
        "COMPLETE",
        f"{day}T04:41:17.250000Z",
        SPARK,
        SPARK_JOB,
        rid,
        inputs,
        [{**outputs[0], "outputFacets": stats}],
        parent,
        job_facets,
    )

# -- dbt.profile_dimensions -----------------------------------------------------------------

DBT_JOB = ("dbt://analytics", "dbt.profile_dimensions")
DBT_SQL = (
    "select p.profile_id, p.account_id, p.maturity_level, p.language,\n"
    "       p.created_at, p.updated_at\n"
    "from {{ ref('profiles_scd2') }} p where p.is_current"
)
for day in ("2024-09-17", "2024-09-18"):
    rid = run_id("dbt_profile_dimensions", day)
    job_facets = {
        "jobType": facet(
            DBT, "JobTypeJobFacet", "2-0-3", processingType="BATCH", integration="DBT", jobType="JOB"
        ),
        "sql": facet(DBT, "SQLJobFacet", query=DBT_SQL),
        "sourceCodeLocation": facet(
            DBT,
            "SourceCodeLocationJobFacet",
            type="git",
            url="https://git.streamly.example/data/core_dims",
            repoUrl="https://git.streamly.example/data/core_dims",
            path="models/dim_profile.sql",
            branch="main",
        ),
    }
    quality = {
        "dataQualityAssertions": facet(
            DBT,
            "DataQualityAssertionsDatasetFacet",
            assertions=[{"assertion": "not_null", "success": True, "column": "profile_id"}],
        )
    }
    inputs = [{**raw("raw.user_profiles"), "inputFacets": quality}]
    outputs = [
        table("staging.profiles_scd2"),
        table(
            "core.dim_profile",
            schema=schema(
                DBT,
                ("profile_id", "bigint", "Primary key."),
                ("account_id", "bigint", None),
                ("maturity_level", "varchar", None),
                ("language", "varchar", None),
            ),
        ),
    ]
    run_event(
        "START",
        f"{day}T02:00:03.871234567Z",
        DBT,
        DBT_JOB,
        rid,
        inputs,
        outputs,
        {"processing_engine": facet(DBT, "ProcessingEngineRunFacet", "1-1-1", name="dbt", version="1.8.6")},
        job_facets,
    )
    run_event("COMPLETE", f"{day}T02:09:44.102938475Z", DBT, DBT_JOB, rid, inputs, outputs, {}, job_facets)

# -- airflow.recs_labels_daily: delivered out of order -------------------------------------

LABELS_JOB = (AIRFLOW_NS, "airflow.recs_labels_daily")
for day in ("2024-09-17", "2024-09-18"):
    rid = run_id("recs_labels_daily", day)
    inputs = [table("core.impression_outcomes")]
    outputs = [table("recs.labeled_impressions")]
    # the COMPLETE event reached the collector before the START event
    run_event(
        "COMPLETE",
        f"{day}T09:58:10Z",
        AIRFLOW,
        LABELS_JOB,
        rid,
        inputs,
        outputs,
        airflow_run_facets("recs_labels_daily", "label_impressions", day),
        airflow_job_facets("recs_labels_daily.label_impressions"),
    )
    run_event(
        "START",
        f"{day}T09:12:00Z",
        AIRFLOW,
        LABELS_JOB,
        rid,
        inputs,
        outputs,
        airflow_run_facets("recs_labels_daily", "label_impressions", day),
        airflow_job_facets("recs_labels_daily.label_impressions"),
    )

# -- airflow.qoe_regression_alerts: a pipeline the estate does not know yet -----------------

ALERTS_JOB = (AIRFLOW_NS, "airflow.qoe_regression_alerts")
ALERTS = {"namespace": "postgres://ops-db.streamly.example:5432", "name": "ops.public.qoe_regressions"}
alerts_facets = {
    "documentation": facet(
        AIRFLOW,
        "DocumentationDatasetFacet",
        description="Hourly QoE regressions by CDN, device and region, read by the on-call dashboard.",
    ),
    "ownership": facet(
        AIRFLOW,
        "OwnershipDatasetFacet",
        owners=[
            {"name": "team:ml-serving-sre", "type": "MAINTAINER"},
            {"name": "user:tomasz.wisniewski", "type": "STEWARD"},
        ],
    ),
    "schema": schema(
        AIRFLOW,
        ("hour", "timestamp", None),
        ("cdn", "text", None),
        ("device_class", "text", None),
        ("region", "text", None),
        ("rebuffer_ratio", "double precision", None),
        ("baseline_ratio", "double precision", None),
    ),
    # facets without _producer/_schemaURL, as some custom extractors send them
    "tags": {
        "tags": [
            {"key": "tier-2", "value": "true", "source": "MANUAL"},
            {"key": "retention", "value": "30d", "source": "MANUAL"},
        ]
    },
}
alerts_job_facets = {
    **airflow_job_facets("qoe_regression_alerts.detect"),
    "ownership": facet(
        AIRFLOW, "OwnershipJobFacet", owners=[{"name": "team:ml-serving-sre", "type": "MAINTAINER"}]
    ),
    "documentation": facet(
        AIRFLOW,
        "DocumentationJobFacet",
        description="Compares each hour's rebuffering with a 28-day baseline and pages on regressions.",
    ),
}
for hour, outcome in (("10", "COMPLETE"), ("11", "COMPLETE"), ("12", "FAIL"), ("13", "COMPLETE")):
    rid = run_id("qoe_regression_alerts", hour)
    start = f"2024-09-18T{hour}:05:00.000Z"
    run_event(
        "START",
        start,
        AIRFLOW,
        ALERTS_JOB,
        rid,
        [table("core.qoe_sessions")],
        [{**ALERTS, "facets": alerts_facets}],
        airflow_run_facets("qoe_regression_alerts", "detect", "2024-09-18"),
        alerts_job_facets,
    )
    error = (
        {
            "errorMessage": facet(
                AIRFLOW,
                "ErrorMessageRunFacet",
                message="psycopg2.OperationalError: could not connect to server: Connection timed out",
                programmingLanguage="python",
            )
        }
        if outcome == "FAIL"
        else {}
    )
    run_event(
        outcome,
        f"2024-09-18T{hour}:06:12.500Z",
        AIRFLOW,
        ALERTS_JOB,
        rid,
        [table("core.qoe_sessions")],
        [] if outcome == "FAIL" else [ALERTS],
        {**airflow_run_facets("qoe_regression_alerts", "detect", "2024-09-18"), **error},
        alerts_job_facets,
    )

# a spec 2.x DatasetEvent: metadata about a dataset, outside any run
events.append(
    {
        "eventTime": "2024-09-18T14:00:00Z",
        "producer": AIRFLOW,
        "schemaURL": SPEC + "DatasetEvent",
        "dataset": {
            **ALERTS,
            "facets": {
                "documentation": facet(
                    AIRFLOW,
                    "DocumentationDatasetFacet",
                    description="Hourly QoE regressions by CDN, device and region (rebuffer ratio "
                    "against a 28-day baseline), read by the on-call dashboard.",
                )
            },
        },
    }
)

# -- flink.playback_anomaly_detector: a spec 2.x JobEvent ------------------------------------

events.append(
    {
        "eventTime": "2024-09-16T00:00:00Z",
        "producer": FLINK,
        "schemaURL": SPEC + "JobEvent",
        "job": {
            "namespace": "flink://prod-streaming",
            "name": "flink.playback_anomaly_detector",
            "facets": {
                "jobType": facet(
                    FLINK,
                    "JobTypeJobFacet",
                    "2-0-3",
                    processingType="STREAMING",
                    integration="FLINK",
                    jobType="JOB",
                ),
                "documentation": facet(
                    FLINK,
                    "DocumentationJobFacet",
                    description="Streams playback events and flags error-rate spikes per title.",
                ),
            },
        },
        "inputs": [
            {
                "namespace": "kafka://prod-kafka:9092",
                "name": "playback.events.v3",
                "facets": {
                    "symlinks": facet(
                        FLINK,
                        "SymlinksDatasetFacet",
                        identifiers=[
                            {
                                "namespace": "s3://streamly-raw/playback-events",
                                "name": "raw.playback_events",
                                "type": "TABLE",
                            }
                        ],
                    )
                },
            }
        ],
        "outputs": [
            {
                "namespace": "kafka://prod-kafka:9092",
                "name": "playback.anomalies.v1",
                "facets": {
                    "documentation": facet(
                        FLINK,
                        "DocumentationDatasetFacet",
                        description="Title-level playback error spikes, one message per alert.",
                    )
                },
            }
        ],
    }
)


def main() -> None:
    # the file order is the order a collector received them in, not event time
    OUT.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    print(f"wrote {len(events)} events to {OUT}")


if __name__ == "__main__":
    main()
