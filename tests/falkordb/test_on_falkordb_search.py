"""tests/core/test_search.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.core.test_search import *  # noqa: F403
