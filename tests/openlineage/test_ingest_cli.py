"""`mlg ingest` of OpenLineage events: formats, bad events, --skip-invalid, show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.openlineage import column_lineage
from tests.conftest import REPO
from tests.openlineage.conftest import dataset, run_event, write_ndjson

SAMPLE_EVENTS = REPO / "sample_data" / "openlineage"


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, input: str | None = None):  # noqa: A002
        return runner.invoke(main, ["--db", str(db_path), *args], input=input, catch_exceptions=False)

    return invoke


def events_of(n: int) -> list[dict]:
    return [
        run_event(
            "COMPLETE",
            f"2024-05-0{i + 1}T00:00:00Z",
            run=f"r{i}",
            job=f"job{i}",
            outputs=[dataset("s3://b", f"t{i}")],
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("shape", ["ndjson", "array", "one-per-file", "stdin"])
def test_every_input_shape(run, tmp_path, db_path, shape):
    events = events_of(3)
    if shape == "ndjson":
        args = [str(write_ndjson(tmp_path / "events.ndjson", events))]
    elif shape == "array":
        (tmp_path / "events.json").write_text(json.dumps(events))
        args = [str(tmp_path / "events.json")]
    elif shape == "one-per-file":
        for i, event in enumerate(events):
            (tmp_path / f"e{i}.json").write_text(json.dumps(event, indent=2))
        args = [str(tmp_path)]
    else:
        args = ["-"]
    result = run("ingest", *args, input="\n".join(json.dumps(e) for e in events))
    assert result.exit_code == 0, result.output
    assert "assets +6 added" in result.output
    assert "events: 3 applied, 0 skipped; runs +3 added, 0 updated" in result.output
    with mlg.open(db_path, read_only=True) as g:
        assert g.stats().relations == 3 and len(g.runs("job1")) == 1


def test_ndjson_in_a_json_file_is_detected(run, tmp_path):
    path = write_ndjson(tmp_path / "export.json", events_of(2))
    assert "events: 2 applied" in run("ingest", str(path)).output


def test_explicit_formats(run, tmp_path):
    path = write_ndjson(tmp_path / "events.jsonl", events_of(1))
    result = run("ingest", str(path), "--from", "openlineage", "--format", "json")
    data = json.loads(result.output)
    assert (data["events"], data["runs_added"], data["assets_added"]) == (1, 1, 2)
    manifest = tmp_path / "m.json"
    manifest.write_text(json.dumps({"assets": [{"id": "d", "kind": "dataset"}]}))
    assert "assets +1 added" in run("ingest", str(manifest), "--from", "manifest").output
    # the same JSON read as OpenLineage is not an event
    result = run("ingest", str(manifest), "--from", "openlineage")
    assert result.exit_code == 1 and "it has no run, job or dataset" in result.output
    # --format is the output format: an input format there says where it goes
    usage = run("ingest", str(path), "--format", "openlineage")
    assert usage.exit_code == 2 and "give it as --from openlineage" in usage.output
    usage = run("ingest", str(path), "--from", "json")
    assert usage.exit_code == 2


def test_a_bad_event_names_its_file_and_index_and_nothing_is_written(run, tmp_path, db_path):
    events = events_of(4)
    del events[2]["run"]["runId"]
    events[3]["eventTime"] = "not a time"
    path = write_ndjson(tmp_path / "events.ndjson", events)
    result = run("ingest", str(path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ingest rejected, nothing was written (2 problems):")
    assert f"{path}: events[2] (line 3) (id 'job2'), field 'run.runId': is required" in result.output
    assert f"{path}: events[3] (line 4) (id 'r3'), field 'eventTime': 'not a time' is not" in result.output
    with mlg.open(db_path, read_only=True) as g:
        assert g.stats().assets == 0


def test_skip_invalid_reports_and_continues(run, tmp_path, db_path):
    events = events_of(3)
    events[1]["eventType"] = "DONE"
    path = tmp_path / "events.json"
    path.write_text(json.dumps(events))
    result = run("ingest", str(path), "--skip-invalid")
    assert result.exit_code == 0
    assert "events: 2 applied, 1 skipped" in result.output
    assert f"{path}: events[1] (id 'r1'), field 'eventType'" in result.output
    data = json.loads(run("ingest", str(path), "--skip-invalid", "--format", "json").output)
    assert [p["record"] for p in data["skipped"]] == ["events[1]"]
    with mlg.open(db_path, read_only=True) as g:
        assert g.get("workflow:airflow/job1") is None and g.get("workflow:airflow/job2")


def test_skip_invalid_also_skips_events_the_graph_refuses(run, tmp_path, db_path):
    # the graph holds s/x as a service: a job cannot read it (a kind clash)
    manifest = tmp_path / "m.yaml"
    manifest.write_text("assets:\n  - {id: 'dataset:s/x', kind: service}\n")
    assert run("ingest", str(manifest)).exit_code == 0
    events = [
        run_event(job="a", inputs=[dataset("s", "y")], outputs=[dataset("s", "z")]),
        run_event(job="b", time="2024-05-02T00:00:00Z", inputs=[dataset("s", "x")]),
    ]
    path = write_ndjson(tmp_path / "events.ndjson", events)
    refused = run("ingest", str(path))
    assert refused.exit_code == 1 and "reads relation cannot go from a workflow" in refused.output
    result = run("ingest", str(path), "--skip-invalid")
    assert result.exit_code == 0 and "events: 1 applied, 1 skipped" in result.output
    with mlg.open(db_path, read_only=True) as g:
        assert g.get("workflow:airflow/a") and g.get("workflow:airflow/b") is None


def test_a_cycle_is_ingested_and_reported(run, tmp_path, db_path):
    # job a reads x and writes y; job b reads y and writes x: ordinary table-level lineage
    events = [
        run_event(job="a", inputs=[dataset("s", "x")], outputs=[dataset("s", "y")]),
        run_event(
            job="b", time="2024-05-02T00:00:00Z", inputs=[dataset("s", "y")], outputs=[dataset("s", "x")]
        ),
    ]
    path = write_ndjson(tmp_path / "events.ndjson", events)
    result = run("ingest", str(path))
    assert result.exit_code == 0, result.output
    report = run("report")
    assert "lineage cycles: 1" in report.output
    data = json.loads(run("report", "--format", "json").output)
    assert data["cycles"] == [["dataset:s/x", "dataset:s/y", "workflow:airflow/a", "workflow:airflow/b"]]
    upstream = json.loads(run("lineage", "dataset:s/x", "--format", "json").output)
    ids = [a["id"] for a in upstream["nodes"]]
    assert len(ids) == len(set(ids)) == 4  # each node once, the root included


def test_show_lists_a_workflows_recent_runs(run, tmp_path):
    events = [
        run_event("START", "2024-05-01T00:00:00Z", run="r-1", job="etl", inputs=[dataset("s3://b", "in")]),
        run_event(
            "FAIL",
            "2024-05-01T00:02:30Z",
            run="r-1",
            job="etl",
            run_facets={"errorMessage": {"message": "disk [full]", "programmingLanguage": "python"}},
        ),
    ]
    run("ingest", str(write_ndjson(tmp_path / "e.ndjson", events)))
    shown = run("show", "etl")
    assert shown.exit_code == 0
    assert "recent runs: 1" in shown.output
    assert "2024-05-01 00:00:00  FAIL  2m30s" in shown.output
    assert "error disk [full]" in shown.output and "read  dataset:s3://b/in" in shown.output
    data = json.loads(run("show", "etl", "--format", "json").output)
    assert data["runs"][0]["state"] == "FAIL" and data["runs"][0]["error"] == "disk [full]"
    assert "runs" not in json.loads(run("show", "dataset:s3://b/in", "--format", "json").output)


def test_sample_stream_lands_on_the_sample_estate(run, db_path):
    assert run("sample").exit_code == 0
    with mlg.open(db_path, read_only=True) as g:
        before = {a.id for a in g.lineage("dataset:raw.playback_events", "down").assets}
        estate_ids = {r["id"] for r in g.store.rows("MATCH (a:Asset) RETURN a.id AS id")}
    result = run("ingest", str(SAMPLE_EVENTS))
    assert result.exit_code == 0 and "0 skipped" in result.output
    again = run("ingest", str(SAMPLE_EVENTS))
    assert again.output.startswith("nothing changed")
    with mlg.open(db_path, read_only=True) as g:
        new = {r["id"] for r in g.store.rows("MATCH (a:Asset) RETURN a.id AS id")} - estate_ids
        # only the pipelines the estate does not know became new assets
        assert new == {
            "workflow:airflow://prod-airflow/airflow.qoe_regression_alerts",
            "dataset:postgres://ops-db.streamly.example:5432/ops.public.qoe_regressions",
            "workflow:flink://prod-streaming/flink.playback_anomaly_detector",
            "dataset:kafka://prod-kafka:9092/playback.anomalies.v1",
        }
        daily = g.runs("workflow:airflow.core_playback_daily")
        assert [r.state for r in daily] == ["COMPLETE", "FAIL", "COMPLETE"]
        assert "maxResultSize" in daily[1].error
        # Spark named s3a:// paths; their TABLE symlinks are the estate's tables
        spark = g.runs("workflow:spark.impressions_bot_filter")
        assert len(spark) == 3 and all(r.state == "COMPLETE" for r in spark)
        assert {a.id for a in spark[0].outputs} == {"dataset:staging.ui_impressions_bot_filtered"}
        bot = g.get("dataset:staging.ui_impressions_bot_filtered")
        assert bot.props["aliases"] == ["s3a://streamly-lake/warehouse/staging/ui_impressions_bot_filtered"]
        # out-of-order delivery: COMPLETE arrived before START
        labels = g.runs("workflow:airflow.recs_labels_daily")
        assert [r.state for r in labels] == ["COMPLETE", "COMPLETE"]
        # the new pipeline hangs off the estate's datasets and owners
        alerts = g.detail("workflow:airflow://prod-airflow/airflow.qoe_regression_alerts")
        assert [n.asset.id for n in alerts.upstream] == ["dataset:core.qoe_sessions"]
        assert {
            o.id
            for o in g.owners("dataset:postgres://ops-db.streamly.example:5432/ops.public.qoe_regressions")
        } == {"team-ml-serving-sre", "tomasz.wisniewski"}
        flink = g.lineage("workflow:flink://prod-streaming/flink.playback_anomaly_detector", "up")
        assert "dataset:raw.playback_events" in flink.ids
        after = {a.id for a in g.lineage("dataset:raw.playback_events", "down").assets}
        assert before < after
        playback = g.get("dataset:core.playback_sessions")
        assert playback.description and "session" in playback.description.lower()
        (watch,) = column_lineage(g, playback.id, "watch_seconds")
        assert watch["input_dataset"] == "dataset:staging.heartbeats_1m"


def test_sample_stream_is_up_to_date():
    import subprocess
    import sys

    stream = (SAMPLE_EVENTS / "streamly_events.ndjson").read_text(encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(SAMPLE_EVENTS / "build_events.py")], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert Path(SAMPLE_EVENTS / "streamly_events.ndjson").read_text(encoding="utf-8") == stream
