"""The test run's FalkorDB server is real: it answers graph queries."""

from __future__ import annotations

import falkordb


def test_the_server_answers_cypher(falkordb_server):
    db = falkordb.FalkorDB(host=falkordb_server.host, port=falkordb_server.port)
    graph = db.select_graph("mlg_test_server")
    try:
        result = graph.query("CREATE (a:Probe {id: $id}) RETURN a.id", {"id": "x"})
        assert result.result_set == [["x"]]
    finally:
        graph.delete()
