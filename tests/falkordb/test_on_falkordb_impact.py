"""tests/core/test_impact.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.core.test_impact import *  # noqa: F403
