"""tests/core/test_paths.py again, unchanged, on FalkorDB (see tests/falkordb/conftest.py)."""

from tests.core.test_paths import *  # noqa: F403
