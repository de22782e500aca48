"""OpenLineage: build the graph from the events pipelines already emit.

    import mlg
    from mlg.openlineage import ingest_events

    with mlg.open("graph.kuzu") as g:
        g.ingest("events.ndjson")                  # files, directories, NDJSON, arrays
        ingest_events(g, [event_dict, ...])         # events already in memory
        g.runs("workflow:airflow/etl.daily")        # recent runs with their inputs/outputs
        g.dataset_runs("dataset:s3://b/orders")     # which runs read/wrote which versions

`mlg serve-lineage` (mlg.openlineage.receiver) accepts events over the OpenLineage
HTTP transport, spools them durably and applies them in batches.
"""

from mlg.openlineage.columns import column_lineage, column_upstream, dataset_column_inputs
from mlg.openlineage.events import LineageEvent, parse_event
from mlg.openlineage.loader import LineageIngestReport, ingest_events, ingest_sources
from mlg.openlineage.mapping import dataset_id, workflow_id
from mlg.openlineage.runs import DatasetRun, Run

__all__ = [
    "DatasetRun",
    "LineageEvent",
    "LineageIngestReport",
    "Run",
    "column_lineage",
    "column_upstream",
    "dataset_column_inputs",
    "dataset_id",
    "ingest_events",
    "ingest_sources",
    "parse_event",
    "workflow_id",
]
