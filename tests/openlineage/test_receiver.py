"""`mlg serve-lineage`: the real openlineage-python HTTP transport, 4xx for bad events,
spooling while another process holds the graph, and no acknowledged event lost to kill -9.
Loopback only; every wait is bounded."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime

import pytest

import mlg
from tests.graph_holder import GraphHolder
from tests.http_client import get_status, post
from tests.openlineage.conftest import dataset, run_event


def test_openlineage_python_client_over_http(receiver, db_path):
    from openlineage.client import OpenLineageClient
    from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
    from openlineage.client.facet_v2 import (
        documentation_job,
        error_message_run,
        ownership_dataset,
        schema_dataset,
    )
    from openlineage.client.transport.http import HttpConfig, HttpTransport

    rx = receiver(api_key="s3cret")
    transport = HttpTransport(
        HttpConfig.from_dict(
            {
                "url": f"http://127.0.0.1:{rx.port}",
                "endpoint": "api/v1/lineage",
                "auth": {"type": "api_key", "apiKey": "s3cret"},
                "compression": "gzip",
                "timeout": 10,
            }
        )
    )
    client = OpenLineageClient(transport=transport)
    job = Job(
        namespace="airflow://prod",
        name="orders.load",
        facets={"documentation": documentation_job.DocumentationJobFacet(description="Loads orders.")},
    )
    inputs = [
        InputDataset(
            namespace="postgres://db:5432",
            name="shop.public.orders",
            facets={
                "schema": schema_dataset.SchemaDatasetFacet(
                    fields=[schema_dataset.SchemaDatasetFacetFields(name="id", type="bigint")]
                )
            },
        )
    ]
    outputs = [
        OutputDataset(
            namespace="s3://lake",
            name="orders",
            facets={
                "ownership": ownership_dataset.OwnershipDatasetFacet(
                    owners=[ownership_dataset.Owner(name="team:sales-data", type="MAINTAINER")]
                )
            },
        )
    ]
    run_ids = [str(uuid.uuid4()), str(uuid.uuid4())]
    for run_id, end in zip(run_ids, (RunState.COMPLETE, RunState.FAIL)):
        for state in (RunState.START, end):
            facets = (
                {
                    "errorMessage": error_message_run.ErrorMessageRunFacet(
                        message="connection reset", programmingLanguage="python"
                    )
                }
                if state == RunState.FAIL
                else {}
            )
            client.emit(
                RunEvent(
                    eventType=state,
                    eventTime=datetime.now(UTC).isoformat(),
                    run=Run(runId=run_id, facets=facets),
                    job=job,
                    producer="https://example.com/etl",
                    inputs=inputs,
                    outputs=outputs,
                )
            )
    assert rx.wait_until_applied(timeout=60), rx.status()
    assert rx.status()["applied"] == 4
    rx.stop()
    with mlg.open(db_path, read_only=True) as g:
        wf = g.get("workflow:airflow://prod/orders.load")
        assert wf.description == "Loads orders."
        runs = {r.id: r for r in g.runs(wf.id)}
        assert runs[run_ids[0]].state == "COMPLETE" and runs[run_ids[1]].state == "FAIL"
        assert runs[run_ids[1]].error == "connection reset"
        assert [a.id for a in runs[run_ids[0]].outputs] == ["dataset:s3://lake/orders"]
        assert [o.id for o in g.owners("dataset:s3://lake/orders")] == ["team:sales-data"]
    assert not list((db_path.parent / (db_path.name + ".spool") / "pending").iterdir())


def test_invalid_events_get_4xx_and_nothing_is_kept(receiver, db_path):
    rx = receiver()
    bad = run_event()
    del bad["job"]["name"]
    status, body = post(rx.url, json.dumps(bad).encode())
    assert status == 400
    assert body["problems"] == ["job.name: is required"]
    assert post(rx.url, b"{not json")[0] == 400
    assert post(rx.url, json.dumps([run_event()]).encode())[0] == 400
    status, body = post(rx.url.replace("/lineage", "/nope"), json.dumps(run_event()).encode())
    assert status == 404
    assert rx.spool.count() == 0 and not db_path.exists()

    # the real client raises on a 4xx (and does not retry it)
    from openlineage.client.transport.http import HttpConfig, HttpTransport
    from requests import HTTPError

    transport = HttpTransport(HttpConfig.from_dict({"url": f"http://127.0.0.1:{rx.port}"}))

    with pytest.raises(HTTPError) as caught:
        transport.session.post(
            rx.url,
            data=json.dumps(dict(run_event(), eventType="DONE")),
            headers={"Content-Type": "application/json"},
            timeout=10,
        ).raise_for_status()
    assert caught.value.response.status_code == 400
    assert "eventType" in caught.value.response.json()["problems"][0]


def test_api_key_is_required_when_set(receiver):
    rx = receiver(api_key="k")
    event = json.dumps(run_event()).encode()
    assert post(rx.url, event)[0] == 401
    assert post(rx.url, event, {"Authorization": "Bearer wrong"})[0] == 401
    assert post(rx.url, event, {"Authorization": "Bearer k"})[0] == 201
    gz = gzip.compress(event)
    assert post(rx.url, gz, {"Authorization": "Bearer k", "Content-Encoding": "gzip"})[0] == 201
    assert rx.wait_until_applied(timeout=60)


def test_keeps_accepting_while_another_process_holds_the_graph(receiver, db_path):
    mlg.open(db_path).close()
    with GraphHolder(db_path):
        rx = receiver()
        for i in range(5):
            status, _ = post(
                rx.url, json.dumps(run_event(run=f"r{i}", outputs=[dataset("s3://b", f"t{i}")])).encode()
            )
            assert status == 201
        deadline = time.monotonic() + 30
        while rx.status()["state"] != "waiting for the graph" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert rx.status()["state"] == "waiting for the graph"
        assert rx.spool.count() == 5
    assert rx.wait_until_applied(timeout=60), rx.status()
    rx.stop()
    with mlg.open(db_path, read_only=True) as g:
        assert len(g.runs("workflow:airflow/etl.daily")) == 5


def test_no_acknowledged_event_is_lost_to_kill_9(db_path, tmp_path):
    """Accept events while nothing can be applied, kill -9 the receiver, restart it: every
    event it answered 201 to ends up in the graph."""
    mlg.open(db_path).close()
    server = None
    with GraphHolder(db_path):
        try:
            server, url = _serve(db_path)
            accepted = []
            for i in range(20):
                event = run_event(
                    "COMPLETE",
                    f"2024-05-01T12:{i:02d}:00Z",
                    run=f"run-{i}",
                    job=f"job{i % 3}",
                    outputs=[dataset("s3://b", f"t{i}")],
                )
                status, _ = post(url, json.dumps(event).encode())
                assert status == 201
                accepted.append(f"run-{i}")
            os.kill(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
        finally:
            if server and server.poll() is None:
                server.kill()
    with mlg.open(db_path, read_only=True) as g:
        assert g.stats().assets == 0  # nothing was applied before the kill

    server, url = _serve(db_path)
    try:
        deadline = time.monotonic() + 60
        status = {}
        while time.monotonic() < deadline:
            status = get_status(url)
            if status["pending"] == 0 and status["state"] == "idle":
                break
            time.sleep(0.1)
        assert status["pending"] == 0 and status["applied"] == 20, status
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with mlg.open(db_path, read_only=True) as g:
        found = {r.id for job in range(3) for r in g.runs(f"workflow:airflow/job{job}", limit=50)}
        assert found == set(accepted)


def _serve(db_path):
    """`mlg serve-lineage` in its own process on a free loopback port."""
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mlg",
            "--db",
            str(db_path),
            "serve-lineage",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    line = server.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), line
    return server, line.split()[2]
