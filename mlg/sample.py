"""The bundled sample estate: a fictional streaming company's ML platform."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def sample_dir() -> Path:
    """The folder of the sample estate's manifests (inside the installed package)."""
    return Path(str(resources.files("mlg.sample_data") / "estate"))


def sample_paths() -> list[Path]:
    return [sample_dir()]
