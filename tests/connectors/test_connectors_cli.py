"""`mlg ingest --from CONNECTOR` through the real CLI (click's runner, real Kuzu)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mlg.cli.main import main

CARDS = Path(__file__).parent / "files"


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", str(db_path), *args])

    return invoke


def test_dry_run_prints_what_would_change_and_writes_nothing(run):
    result = run("ingest", "--from", "model-card", str(CARDS / "churn-distil"), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("dry run, nothing written to ")
    assert "would add 4 and update 0 assets" in result.output
    assert "0 assets" in run("stats").output
    data = json.loads(
        run("ingest", "--from", "model-card", str(CARDS), "--dry-run", "--format", "json").output
    )
    assert data["dry_run"] is True and data["assets_added"] == 4


def test_ingest_from_a_connector_then_again(run):
    first = run("ingest", "--from", "model-card", str(CARDS / "churn-distil"))
    assert first.exit_code == 0 and "assets +4 added" in first.output
    again = run("ingest", "--from", "model-card", str(CARDS / "churn-distil"))
    assert again.output.startswith("nothing changed in ")
    dry = run("ingest", "--from", "model-card", str(CARDS / "churn-distil"), "--dry-run")
    assert dry.output.startswith("dry run: nothing would change")


def test_sync_of_a_connector_is_a_no_op_when_nothing_vanished(run):
    first = run("ingest", "--from", "model-card", str(CARDS), "--sync")
    assert first.exit_code == 0, first.output
    again = run("ingest", "--from", "model-card", str(CARDS), "--sync")
    assert again.exit_code == 0 and again.output.startswith("nothing changed in "), again.output


def test_a_missing_extra_is_named(run, monkeypatch):
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "mlg.connectors.model_card", raising=False)
    result = run("ingest", "--from", "model-card", str(CARDS))
    assert result.exit_code == 1
    assert "pip install 'mlg[modelcard]'" in result.output


def test_format_is_the_output_and_dry_run_needs_a_connector(run):
    result = run("ingest", "--from", "dbt", "x", "--format", "manifest")
    assert result.exit_code == 2 and "give it as --from manifest" in result.output
    result = run("ingest", str(CARDS / "catalog-info.yaml"), "--dry-run")
    assert result.exit_code == 2 and "--from a connector" in result.output


def test_bad_connector_input_is_an_ingest_error(run, tmp_path):
    result = run("ingest", "--from", "backstage", str(tmp_path / "missing.yaml"))
    assert result.exit_code == 1
    assert "missing.yaml: path: no such file or directory" in result.output
