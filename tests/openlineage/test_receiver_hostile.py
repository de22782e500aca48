"""The receiver's contract under hostile input (issue 10): 2xx only for an event it will
apply, an answer (never a dropped connection) for every request, a dead-letter folder for
what still fails at apply time, and an applier and a /status that survive all of it.
Real receivers on 127.0.0.1 (threads, and a real `mlg serve-lineage` process); every wait
is bounded and nothing asserts on time."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.errors import MlgError
from mlg.openlineage.receiver import LineageReceiver
from mlg.openlineage.spool import Spool
from tests.graph_holder import GraphHolder
from tests.http_client import get_status, post, raw_request
from tests.openlineage.conftest import dataset, run_event


def valid(i: int) -> dict:
    return run_event(run=f"run-{i}", job=f"job{i % 3}", outputs=[dataset("s3://b", f"t{i}")])


# -- the poison event, end to end through a real receiver process -----------------------


def test_poison_and_kind_clash_are_refused_before_the_answer_and_everything_acknowledged_is_applied(
    db_path, tmp_path
):
    """Cycles are lineage: a pair of events closing one is acknowledged and applied. An
    event the graph refuses (reading what the graph holds as a service) gets 400."""
    manifest = tmp_path / "m.yaml"
    manifest.write_text("assets:\n  - {id: 'dataset:s3://c/svc', kind: service}\n")
    with mlg.open(db_path) as g:
        g.ingest(manifest)
    key_file = tmp_path / "key"
    key_file.write_text("s3cret\n")
    auth = {"Authorization": "Bearer s3cret"}
    server, url = _serve(db_path, "--api-key-file", str(key_file))
    try:
        statuses = []
        for i in range(10):
            statuses.append(post(url, json.dumps(valid(i)).encode(), auth)[0])
        poison = run_event(run="poison\ud800")
        status, body = post(url, json.dumps(poison).encode(), auth)
        assert status == 400 and "run.runId" in body["problems"][0] and "U+D800" in body["problems"][0]
        # two spec-valid events closing a lineage cycle: both acknowledged
        first = run_event(
            run="c1", job="copy.ab", inputs=[dataset("s3://c", "a")], outputs=[dataset("s3://c", "b")]
        )
        back = run_event(
            run="c2", job="copy.ba", inputs=[dataset("s3://c", "b")], outputs=[dataset("s3://c", "a")]
        )
        assert post(url, json.dumps(first).encode(), auth)[0] == 201
        assert post(url, json.dumps(back).encode(), auth)[0] == 201
        clash = run_event(run="k1", job="reads.svc", inputs=[dataset("s3://c", "svc")])
        status, body = post(url, json.dumps(clash).encode(), auth)
        assert status == 400 and "reads relation cannot go from a workflow" in body["problems"][0], body
        for i in range(10, 20):
            statuses.append(post(url, json.dumps(valid(i)).encode(), auth)[0])
        assert statuses == [201] * 20
        status = _wait_applied(url, auth)
        assert status["applied"] == 22 and status["dead_lettered"] == 0, status
        assert status["state"] == "idle" and status["last_error"] is None
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with mlg.open(db_path, read_only=True) as g:
        found = {r.id for job in range(3) for r in g.runs(f"workflow:airflow/job{job}", limit=50)}
        assert found == {f"run-{i}" for i in range(20)}
        assert [r.id for r in g.runs("workflow:airflow/copy.ab")] == ["c1"]
        assert [r.id for r in g.runs("workflow:airflow/copy.ba")] == ["c2"]
        assert g.get("workflow:airflow/reads.svc") is None
    result = CliRunner().invoke(main, ["--db", str(db_path), "serve-lineage", "--status", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) | {"spool": None, "dead_letters": None} == {
        "spool": None,
        "receiver_running": False,
        "pending": 0,
        "dead_lettered": 0,
        "dead_letters": None,
    }


def test_a_spool_left_with_a_poison_event_is_drained_past_it(db_path):
    """The issue's state: an older receiver spooled a poison event and 20 valid ones after
    it. A new receiver applies the 20, dead-letters the poison with its reason, and says so."""
    spool = Spool(db_path.with_name(db_path.name + ".spool"))
    spool.put(json.dumps(run_event(run="poison\ud800")).encode())
    spool.put(b"{not json")
    for i in range(20):
        spool.put(json.dumps(valid(i)).encode())
    server, url = _serve(db_path)
    try:
        status = _wait_applied(url)
        assert status["applied"] == 20 and status["dead_lettered"] == 2, status
        assert status["state"] == "idle"
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    with mlg.open(db_path, read_only=True) as g:
        found = {r.id for job in range(3) for r in g.runs(f"workflow:airflow/job{job}", limit=50)}
        assert found == {f"run-{i}" for i in range(20)}
    result = CliRunner().invoke(main, ["--db", str(db_path), "serve-lineage", "--status"])
    assert result.exit_code == 0
    assert "0 event(s) pending, 2 dead-lettered" in result.output
    assert "U+D800" in result.output and "cannot be read as JSON" in result.output


def test_what_fails_at_apply_time_is_dead_lettered_not_lost(receiver, db_path):
    """While another process holds the graph the receiver cannot check against it: an
    event reading what the graph holds as a service is acknowledged. When the graph is
    free, it goes to the dead-letter folder with the reason, counted; the others apply."""
    manifest = db_path.with_name("m.yaml")
    manifest.write_text("assets:\n  - {id: 'dataset:s3://c/svc', kind: service}\n")
    with mlg.open(db_path) as g:
        g.ingest(manifest)
    with GraphHolder(db_path):
        rx = receiver()
        a, b = dataset("s3://c", "a"), dataset("s3://c", "b")
        assert (
            post(rx.url, json.dumps(run_event(run="c1", job="ab", inputs=[a], outputs=[b])).encode())[0]
            == 201
        )
        clash = run_event(run="k1", job="reads.svc", inputs=[dataset("s3://c", "svc")])
        assert post(rx.url, json.dumps(clash).encode())[0] == 201
        assert post(rx.url, json.dumps(valid(1)).encode())[0] == 201
        assert rx.status()["unchecked"] == 3
    assert rx.wait_until_applied(timeout=60), rx.status()
    status = rx.status()
    assert status["applied"] == 2 and status["dead_lettered"] == 1 and status["pending"] == 0, status
    (reason,) = [r for _, r in rx.spool.dead_letters()]
    assert "reads relation cannot go from a workflow" in reason
    assert any("dead-lettered" in line for line in rx.logs)


# -- every request gets an answer --------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "MLG_MAX_NESTING"),
        (b'{"a": ' + b"1" * 5000 + b"}", "MLG_MAX_NUMBER_DIGITS"),
        (json.dumps(run_event(time="0001-01-01T00:00:00+01:00")).encode(), "eventTime"),
        (json.dumps(run_event(job="j\ud800")).encode(), "job.name"),
        (b'{"a": "\xff"}', "not UTF-8"),
    ],
    ids=["deep", "huge-int", "year-1", "surrogate", "not-utf8"],
)
def test_hostile_bodies_get_400_and_nothing_is_kept(receiver, body, expected):
    rx = receiver()
    status, answer = post(rx.url, body)
    assert status == 400
    assert expected in json.dumps(answer, ensure_ascii=False), answer
    assert rx.spool.count() == 0
    assert rx.status()["state"] == "idle"


def test_a_content_length_that_is_not_ascii_digits_gets_411(receiver):
    rx = receiver()
    request = (
        "POST /api/v1/lineage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: \u00b2\r\n\r\n{}"
    ).encode("latin-1")
    answer = raw_request(rx.port, request)
    assert answer.startswith(b"HTTP/1.1 411 "), answer


def test_browser_requests_are_refused_without_a_key(receiver):
    rx = receiver()
    event = json.dumps(valid(1)).encode()
    evil = {"Origin": "https://evil.example"}
    assert post(rx.url, event, {**evil, "Content-Type": "text/plain"})[0] == 403
    assert post(rx.url, event, evil)[0] == 403
    assert post(rx.url, event, {"Content-Type": "text/plain"})[0] == 415
    assert post(rx.url, event, {"Content-Type": "application/x-www-form-urlencoded"})[0] == 415
    assert rx.spool.count() == 0
    assert post(rx.url, event)[0] == 201  # the OpenLineage client: JSON, no Origin


def test_an_allowed_origin_or_a_key_lets_browser_requests_in(receiver):
    rx = receiver(allowed_origins=["https://lineage.example"])
    assert post(rx.url, json.dumps(valid(1)).encode(), {"Origin": "https://lineage.example"})[0] == 201
    assert post(rx.url, json.dumps(valid(2)).encode(), {"Origin": "https://evil.example"})[0] == 403
    keyed = receiver(api_key="k", spool_dir=rx.spool.directory.with_name("other.spool"))
    headers = {"Origin": "https://any.example", "Authorization": "Bearer k"}
    assert post(keyed.url, json.dumps(valid(3)).encode(), headers)[0] == 201
    assert post(keyed.url, json.dumps(valid(4)).encode(), {"Origin": "https://any.example"})[0] == 401


def test_listening_beyond_loopback_needs_a_key(db_path, monkeypatch):
    with pytest.raises(MlgError, match="refusing to listen on 0.0.0.0 without an API key"):
        LineageReceiver(db_path, host="0.0.0.0", port=0)
    monkeypatch.delenv("MLG_API_KEY", raising=False)
    result = CliRunner().invoke(
        main, ["--db", str(db_path), "serve-lineage", "--host", "0.0.0.0", "--port", "0"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("error: refusing to listen on 0.0.0.0 without an API key")
    result = CliRunner().invoke(main, ["--db", str(db_path), "serve-lineage", "--api-key", "visible"])
    assert result.exit_code == 1 and "ps" in result.output and "--api-key-file" in result.output


def test_stalled_connections_cannot_pile_up_threads(receiver):
    rx = receiver(max_connections=8, read_timeout=600)
    baseline = threading.active_count()
    stalled = [socket.create_connection(("127.0.0.1", rx.port), timeout=30) for _ in range(60)]
    try:
        for sock in stalled:
            sock.sendall(b"POST /api/v1/lineage HTTP/1.1\r\n")  # and never the rest
        # the last one is beyond the limit: it is answered 503 and closed, not queued
        answer = stalled[-1].recv(65536)
        assert answer.startswith(b"HTTP/1.1 503 "), answer
        assert threading.active_count() <= baseline + 8
    finally:
        for sock in stalled:
            sock.close()


def test_silent_connections_are_closed_after_the_read_timeout(receiver):
    rx = receiver(read_timeout=0.5)
    with socket.create_connection(("127.0.0.1", rx.port), timeout=30) as sock:
        sock.sendall(b"POST /api/v1/lineage HTTP/1.1\r\nContent-Length: 10\r\n")
        assert sock.recv(65536) == b""  # closed by the receiver (bounded by the 30 s timeout)
    assert post(rx.url, json.dumps(valid(1)).encode())[0] == 201


def test_a_client_that_goes_away_is_one_log_line(receiver, capfd):
    rx = receiver()
    with socket.create_connection(("127.0.0.1", rx.port), timeout=30) as sock:
        sock.sendall(
            b"POST /api/v1/lineage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"half": '
        )
    deadline = time.monotonic() + 30
    while not rx.logs and time.monotonic() < deadline:
        time.sleep(0.02)
    assert rx.logs == ["connection from 127.0.0.1 ended mid-request"]
    assert "Traceback" not in capfd.readouterr().err


# -- helpers -----------------------------------------------------------------------------------


def _serve(db_path, *options: str):
    """`mlg serve-lineage` in its own process on a free loopback port."""
    env = {k: v for k, v in os.environ.items() if k != "MLG_API_KEY"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mlg", "--db", str(db_path), "serve-lineage", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    line = server.stdout.readline()
    assert line.startswith("listening on http://127.0.0.1:"), line
    return server, line.split()[2]


def _wait_applied(url: str, headers: dict | None = None) -> dict:
    deadline = time.monotonic() + 60
    status: dict = {}
    while time.monotonic() < deadline:
        status = get_status(url, headers)
        if status["pending"] == 0 and status["state"] == "idle":
            break
        time.sleep(0.1)
    return status


def test_an_applier_that_cannot_write_dead_letters_and_keeps_serving(receiver, tmp_path):
    """A graph file that is not a graph: nothing can be applied. The applier retries,
    then dead-letters each event with the reason instead of blocking forever, survives,
    and /status says so; new events are still answered."""
    broken = tmp_path / "broken.kuzu"
    broken.write_text("this is not a Kuzu database\n")
    rx = LineageReceiver(broken, host="127.0.0.1", port=0, retry_seconds=0.1, linger=0.0)
    rx.start()
    try:
        assert post(rx.url, json.dumps(valid(1)).encode())[0] == 201
        assert rx.status()["unchecked"] == 1  # the graph could not be opened to check it
        deadline = time.monotonic() + 60
        while rx.status()["dead_lettered"] < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        status = rx.status()
        assert status["dead_lettered"] == 1 and status["pending"] == 0, status
        (reason,) = [r for _, r in rx.spool.dead_letters()]
        assert "could not be applied after 3 attempts" in reason and str(broken) in reason
        assert rx._threads[1].is_alive() and not status["state"].startswith("stopped")
        assert post(rx.url, json.dumps(valid(2)).encode())[0] == 201
    finally:
        rx.stop()
