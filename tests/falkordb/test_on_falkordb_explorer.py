"""tests/tui/test_asset_view.py again, unchanged: the explorer on a FalkorDB graph
(see tests/falkordb/conftest.py)."""

from tests.tui.conftest import anyio_backend, make_app  # noqa: F401 - fixtures for these tests
from tests.tui.test_asset_view import *  # noqa: F403
