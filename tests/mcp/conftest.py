"""Fixtures for `mlg mcp`: the real server on real graphs, reached through the SDK's own client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import mlg
from tests.conftest import REPO

HUB = "dataset:raw.playback_events"
MODEL = "model:recs.continue_watching@2"
SERVICE = "service:web-edge-gateway"
WORKFLOW = "workflow:airflow.core_playback_daily"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def runs_db(tmp_path_factory) -> Path:
    """The sample estate plus its OpenLineage events (workflow runs)."""
    path = tmp_path_factory.mktemp("runs") / "runs.kuzu"
    with mlg.open(path) as g:
        g.load_sample()
        g.ingest(REPO / "sample_data" / "openlineage")
    return path


def payload(result: Any) -> dict[str, Any]:
    """A successful tool result's answer; the JSON text and the structured content agree."""
    assert not result.is_error, result.content[0].text
    answer = json.loads(result.content[0].text)
    assert answer == result.structured_content
    return answer


def error_text(result: Any) -> str:
    """A tool error's message."""
    assert result.is_error, result.content[0].text[:500]
    return result.content[0].text
