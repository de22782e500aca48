"""tests/openlineage/test_ids.py's ingest and resolve tests again, unchanged, on FalkorDB:
new writes get the unambiguous ids there too (a FalkorDB graph has no schema upgrade)."""

from tests.openlineage.test_ids import (  # noqa: F401
    test_events_keep_colliding_names_apart_and_the_written_name_resolves,
)
