"""Reading mlg's native manifest files (YAML or JSON, one structure) into a Batch.

source:   a name for the source this file speaks for (default: the file's absolute path);
           `mlg ingest --sync` retires what a source asserted before and no longer does
owners:    [{id, kind: team|person, name, email}]
assets:    [{id, kind, name, namespace, family, version, description, domain,
             tags: [..], props: {..}, owners: [id | {id, role}], created_at,
             updated_at, <relation type>: [target id, ..]}]
relations: [{from, to, type, source, first_seen, last_seen}]
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from mlg.batch import Batch, Location
from mlg.errors import IngestError, Problem
from mlg.limits import surrogate_at, type_name
from mlg.safe_load import DocumentError, check_size, load_json, load_yaml, read_text

if TYPE_CHECKING:
    from mlg.graph import Graph
    from mlg.model import IngestReport

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
SECTIONS = ("assets", "owners", "relations")
TOP_LEVEL = (*SECTIONS, "source", "mlg")
STDIN = "-"


def manifest_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and directories (recursively, sorted) into manifest files."""
    files: list[Path] = []
    missing: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MANIFEST_SUFFIXES
            )
            if not found:
                missing.append(
                    Problem(str(path), "directory", None, None, "holds no .yaml, .yml or .json file")
                )
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            missing.append(Problem(str(path), "path", None, None, "no such file or directory"))
    if missing:
        raise IngestError(missing)
    return files


def read_manifest(path: str | os.PathLike[str]) -> Batch:
    """Parse one manifest file. Shape problems are collected in `batch.read_problems`."""
    name = str(path)
    batch = Batch(files=[name], file_sources={name: str(Path(path).absolute())})
    try:
        text = read_text(path)
    except (OSError, UnicodeDecodeError, DocumentError) as exc:
        batch.read_problems.append(Problem(name, "file", None, None, f"cannot be read: {exc}"))
        return batch
    return parse_manifest_text(name, text, batch)


def parse_manifest_text(name: str, text: str, batch: Batch | None = None) -> Batch:
    """Parse manifest text (JSON when `name` ends in .json, else YAML) into a Batch."""
    batch = batch or Batch(files=[name])
    try:
        if name.lower().endswith(".json"):
            document = load_json(text) if text.strip() else None
        else:
            document = load_yaml(text)
    except DocumentError as exc:
        batch.read_problems.append(
            Problem(name, "file", None, None, f"is not valid {_format_name(name)}: {_first_line(exc)}")
        )
        return batch
    return parse_document(document, name, batch)


def parse_document(document: object, name: str, batch: Batch | None = None) -> Batch:
    batch = batch or Batch(files=[name])
    if document is None:
        return batch  # an empty file is an empty manifest
    if not isinstance(document, dict):
        batch.read_problems.append(
            Problem(
                name,
                "document",
                None,
                None,
                f"must be a mapping with keys assets, owners and/or relations, not {type_name(document)}",
            )
        )
        return batch
    for key in document:
        if key not in TOP_LEVEL:
            batch.read_problems.append(
                Problem(
                    name,
                    "document",
                    None,
                    str(key),
                    "unknown top-level key; expected source, assets, owners or relations",
                )
            )
    if "source" in document:
        declared = document["source"]
        if not isinstance(declared, str) or not declared.strip() or surrogate_at(declared) is not None:
            batch.read_problems.append(
                Problem(
                    name,
                    "document",
                    None,
                    "source",
                    f"expected a non-empty source name, got {type_name(declared)}",
                )
            )
        else:
            batch.file_sources[name] = declared.strip()
    for section in SECTIONS:
        records = document.get(section)
        if records is None:
            continue
        if not isinstance(records, list):
            batch.read_problems.append(
                Problem(name, section, None, None, f"must be a list, not {type_name(records)}")
            )
            continue
        target = getattr(batch, section)
        for index, record in enumerate(records):
            target.append((record, Location(name, f"{section}[{index}]")))
    return batch


def read_manifests(paths: Iterable[str | os.PathLike[str]]) -> Batch:
    batch = Batch()
    for path in manifest_files(paths):
        batch.extend(read_manifest(path))
    return batch


def read_manifest_inputs(paths: Iterable[str | os.PathLike[str]]) -> Batch:
    """Manifests from files, directories and "-" (stdin, read as YAML)."""
    paths = list(paths)
    if all(str(p) != STDIN for p in paths):
        return read_manifests(paths)
    batch = Batch()
    for path in paths:
        if str(path) != STDIN:
            batch.extend(read_manifests([path]))
            continue
        text = sys.stdin.read()
        try:
            check_size(text)
        except DocumentError as exc:
            raise IngestError([Problem("<stdin>", "input", None, None, str(exc))]) from None
        batch.extend(parse_manifest_text("<stdin>", text))
    return batch


def ingest_manifests(graph: Graph, paths, *, skip_invalid: bool = False, progress=None) -> IngestReport:
    """The "manifest" source (mlg.sources): manifests only, validated as one batch
    (`skip_invalid` is for events: an invalid manifest rejects the whole ingest)."""
    return graph.ingest_batch(read_manifest_inputs(paths), progress=progress)


def _format_name(name: str) -> str:
    return "JSON" if name.lower().endswith(".json") else "YAML"


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
