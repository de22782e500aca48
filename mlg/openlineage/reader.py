"""Reading ingest input: files, directories or stdin ("-"), manifests or OpenLineage.

OpenLineage events come one per file, as a JSON array, or as NDJSON (one event per
line). With format "auto" each file is sniffed: YAML is a manifest, .ndjson/.jsonl is
OpenLineage, and JSON is OpenLineage when it looks like events (eventType, run and
job, or producer and schemaURL) and a manifest otherwise.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mlg.batch import Batch, Location
from mlg.errors import IngestError, MlgError, Problem
from mlg.manifest import parse_manifest_text, read_manifest
from mlg.openlineage.events import looks_like_event

FORMATS: tuple[str, ...] = ("auto", "manifest", "openlineage")
MANIFEST_SUFFIXES = (".yaml", ".yml")
NDJSON_SUFFIXES = (".ndjson", ".jsonl")
INPUT_SUFFIXES = (*MANIFEST_SUFFIXES, ".json", *NDJSON_SUFFIXES)
STDIN = "-"


@dataclass
class Input:
    """Everything read: manifest records, raw events with where each came from, problems."""

    manifests: Batch = field(default_factory=Batch)
    events: list[tuple[Any, Location]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # unreadable OpenLineage input
    files: list[str] = field(default_factory=list)


def read_inputs(paths: Iterable[str | os.PathLike[str]], fmt: str = "auto") -> Input:
    """Read every path (a file, a directory, or "-" for stdin) in the given format."""
    if fmt not in FORMATS:
        raise MlgError(f"unknown input format {fmt!r}; expected one of {', '.join(FORMATS)}")
    found = Input()
    for name, text in _sources(paths, fmt):
        found.files.append(name)
        _read_one(found, name, text, fmt)
    return found


def _sources(paths: Iterable[str | os.PathLike[str]], fmt: str):
    """(name, text or None) for each input file; text is read later for real files."""
    suffixes = {"manifest": (*MANIFEST_SUFFIXES, ".json"), "openlineage": (".json", *NDJSON_SUFFIXES)}.get(
        fmt, INPUT_SUFFIXES
    )
    missing: list[Problem] = []
    found: list[tuple[str, str | None]] = []
    for raw in paths:
        if str(raw) == STDIN:
            found.append(("<stdin>", sys.stdin.read()))
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes)
            if not files:
                missing.append(
                    Problem(
                        str(path),
                        "directory",
                        None,
                        None,
                        "holds no " + ", ".join(suffixes[:-1]) + f" or {suffixes[-1]} file",
                    )
                )
            found.extend((str(p), None) for p in files)
        elif path.is_file():
            found.append((str(path), None))
        else:
            missing.append(Problem(str(path), "path", None, None, "no such file or directory"))
    if missing:
        raise IngestError(missing)
    return found


def _read_one(found: Input, name: str, text: str | None, fmt: str) -> None:
    lower = name.lower()
    if fmt == "manifest" or (fmt == "auto" and lower.endswith(MANIFEST_SUFFIXES)):
        found.manifests.extend(_manifest(name, text))
        return
    if text is None:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            if fmt == "auto":
                found.manifests.extend(read_manifest(name))  # reports it the manifest way
            else:
                found.problems.append(Problem(name, "file", None, None, f"cannot be read: {exc}"))
            return
    events, error = _json_events(text, ndjson_first=lower.endswith(NDJSON_SUFFIXES))
    if fmt == "auto" and not lower.endswith(NDJSON_SUFFIXES):
        if events is None or not events or not looks_like_event(events[0][0]):
            found.manifests.extend(_manifest(name, text))
            return
    if events is None:
        found.problems.append(
            Problem(name, "file", None, None, f"is not JSON, a JSON array or NDJSON: {error}")
        )
        return
    found.events.extend((event, Location(name, where)) for event, where in events)


def _json_events(text: str, ndjson_first: bool) -> tuple[list[tuple[Any, str]] | None, str]:
    """The events in `text` with their record names, or (None, why not)."""
    if not ndjson_first:
        try:
            document = json.loads(text) if text.strip() else []
        except json.JSONDecodeError as exc:
            error = f"{exc.msg} at line {exc.lineno} column {exc.colno}"
        else:
            if isinstance(document, list):
                return [(event, f"events[{i}]") for i, event in enumerate(document)], ""
            return [(document, "event")], ""
    events = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append((json.loads(line), f"events[{len(events)}] (line {number})"))
        except json.JSONDecodeError as exc:
            if ndjson_first:
                return None, f"line {number}: {exc.msg} at column {exc.colno}"
            return None, error
    return events, ""


def _manifest(name: str, text: str | None) -> Batch:
    if text is None:
        return read_manifest(name)
    # stdin, or a JSON file already read
    return parse_manifest_text(name, text)
