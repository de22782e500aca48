"""The README's screenshot tool takes proper arguments."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlg.tui.screenshot import parse_args


def test_help_prints_help_and_writes_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mlg.tui.screenshot", "--help"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: python -m mlg.tui.screenshot" in result.stdout and "--size" in result.stdout
    assert list(tmp_path.iterdir()) == []  # no file named --help


def test_arguments_are_parsed():
    args = parse_args(["/tmp/x.svg", "--size", "80x24", "--asset", "dataset:raw.playback_events"])
    assert (str(args.out), args.size, args.asset) == ("/tmp/x.svg", (80, 24), "dataset:raw.playback_events")
    assert parse_args([]).size == (120, 40)
    with pytest.raises(SystemExit):
        parse_args(["--size", "wide"])


def test_it_writes_the_svg(tmp_path):
    out = tmp_path / "shot.svg"
    subprocess.run(
        [sys.executable, "-m", "mlg.tui.screenshot", str(out), "--size", "80x24"],
        check=True,
        capture_output=True,
    )
    assert out.read_text().startswith("<svg")
