"""The OpenLineage receiver on a FalkorDB graph writes each event as it arrives: when the
201 comes back, the event is in the graph, and explorers read it meanwhile."""

from __future__ import annotations

import mlg
from mlg.openlineage.receiver import LineageReceiver
from tests.http_client import post_json


def _event(run: str, job: str, output: str) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2026-11-30T10:00:00Z",
        "producer": "https://example.org/tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
        "run": {"runId": run},
        "job": {"namespace": "tests", "name": job},
        "inputs": [{"namespace": "warehouse", "name": "raw.events"}],
        "outputs": [{"namespace": "warehouse", "name": output}],
    }


def test_each_event_is_in_the_graph_when_acknowledged_while_a_reader_has_it_open(falkordb_url):
    with mlg.open(falkordb_url) as graph:
        graph.load_sample()
    receiver = LineageReceiver(falkordb_url, port=0)
    receiver.start()
    try:
        with mlg.open(falkordb_url, read_only=True) as reader:  # an explorer, open throughout
            before = reader.stats().assets
            for i in range(3):
                status, body = post_json(
                    receiver.url,
                    _event(f"0190a6f1-0000-7000-8000-00000000000{i}", f"job_{i}", f"clean.out_{i}"),
                )
                assert (status, body["status"]) == (201, "applied")
                # committed when acknowledged: no spool, no waiting for the applier
                assert reader.stats().assets > before
                before = reader.stats().assets
            assert receiver.status()["pending"] == 0 and receiver.status()["applied"] == 3
            status, body = post_json(receiver.url, {"eventType": "COMPLETE"})
            assert status == 400 and "nothing was stored" in body["error"]
    finally:
        receiver.stop()
