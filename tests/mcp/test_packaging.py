"""`mlg.mcp` ships in the wheel, and the extras name the SDK it was written against."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO


def test_mlg_mcp_is_packaged_and_the_mcp_extra_pins_the_2x_sdk():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert "mlg.mcp" in project["tool"]["setuptools"]["packages"]
    extras = project["project"]["optional-dependencies"]
    assert extras["mcp"] == ["mcp>=2.3,<3"]
    assert any(dep.startswith("mlg[") and "mcp" in dep for dep in extras["test"])
