"""Reading ingest input: files, directories or stdin ("-"), manifests or OpenLineage.

OpenLineage events come one per file, as a JSON array, or as NDJSON (one event per
line). With format "auto" each file is sniffed: YAML is a manifest, .ndjson/.jsonl is
OpenLineage, and JSON is OpenLineage when it looks like events (eventType, run and
job, or producer and schemaURL) and a manifest otherwise.
"""

from __future__ import annotations

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
from mlg.safe_load import DocumentError, check_size, load_json, read_text

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
            text = sys.stdin.read()
            try:
                check_size(text)
            except DocumentError as exc:
                missing.append(Problem("<stdin>", "input", None, None, str(exc)))
                continue
            found.append(("<stdin>", text))
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
            text = read_text(name)
        except (OSError, UnicodeDecodeError, DocumentError) as exc:
            if fmt == "auto":
                found.manifests.extend(read_manifest(name))  # reports it the manifest way
            else:
                found.problems.append(Problem(name, "file", None, None, f"cannot be read: {exc}"))
            return
    events, bad_lines, error = _json_events(text, ndjson_first=lower.endswith(NDJSON_SUFFIXES))
    if fmt == "auto" and not lower.endswith(NDJSON_SUFFIXES):
        if events is None or not events or not looks_like_event(events[0][0]):
            found.manifests.extend(_manifest(name, text))
            return
    if events is None:
        found.problems.append(
            Problem(name, "file", None, None, f"is not JSON, a JSON array or NDJSON: {error}")
        )
        return
    # NDJSON: a broken line is one bad record (skipped with --skip-invalid), not a bad file
    found.problems.extend(
        Problem(name, f"line {number}", None, None, f"is not a JSON event: {why}")
        for number, why in bad_lines
    )
    found.events.extend((event, Location(name, where)) for event, where in events)


def _json_events(
    text: str, ndjson_first: bool
) -> tuple[list[tuple[Any, str]] | None, list[tuple[int, str]], str]:
    """(the events in `text` with their record names, NDJSON lines that are not JSON as
    (line number, why), ""), or (None, [], why not) when `text` is neither JSON nor NDJSON.

    A file that is not one JSON document is read as NDJSON when it is named so, or when
    at least one of its lines is an event; each other line is then a bad record."""
    error = ""
    if not ndjson_first:
        try:
            document = load_json(text) if text.strip() else []
        except DocumentError as exc:
            error = str(exc)
        else:
            if isinstance(document, list):
                return [(event, f"events[{i}]") for i, event in enumerate(document)], [], ""
            return [(document, "event")], [], ""
    events: list[tuple[Any, str]] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            events.append((load_json(line), f"events[{len(events)}] (line {number})"))
        except DocumentError as exc:
            bad.append((number, str(exc).replace(" at line 1 column ", " at column ")))
    if bad and not ndjson_first and not any(looks_like_event(event) for event, _ in events):
        return None, [], error
    return events, bad, ""


def _manifest(name: str, text: str | None) -> Batch:
    if text is None:
        return read_manifest(name)
    # stdin, or a JSON file already read
    return parse_manifest_text(name, text)
