"""tests/core/test_search_relevance.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.core.test_search_relevance import *  # noqa: F403
