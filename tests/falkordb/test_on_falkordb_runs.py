"""tests/openlineage/test_runs.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.openlineage.test_runs import *  # noqa: F403
