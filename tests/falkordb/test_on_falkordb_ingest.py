"""tests/core/test_ingest.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.core.test_ingest import *  # noqa: F403

# these two read graph_content's Kuzu rows field by field: they stay with the Kuzu suite
del test_round_trip_of_every_field, test_edge_timestamps_widen_on_reingest  # noqa: F821
