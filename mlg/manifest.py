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

import json
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
    (`skip_invalid` is for events: an invalid manifest rejects the whole ingest). mlg
    records NDJSON files (`*.mlg.ndjson`, `ndjson_chunks`) are read in chunks."""
    paths = list(paths)
    if paths and all(is_records_file(p) for p in paths):
        return graph.ingest_chunks(ndjson_chunks(paths), progress=progress)
    return graph.ingest_batch(read_manifest_inputs(paths), progress=progress)


def _format_name(name: str) -> str:
    return "JSON" if name.lower().endswith(".json") else "YAML"


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


# -- mlg records as NDJSON: an estate too big for one document, read in chunks ----------

RECORDS_SUFFIX = ".mlg.ndjson"
_SECTION_OF = {"owner": "owners", "asset": "assets", "relation": "relations"}
DEFAULT_CHUNK = 50_000


def is_records_file(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(RECORDS_SUFFIX)


def ndjson_chunks(paths: Iterable[str | os.PathLike[str]], size: int = DEFAULT_CHUNK):
    """A Chunks reader (mlg.ingest.write_chunks, Graph.ingest_chunks) over mlg records
    NDJSON files (`*.mlg.ndjson`): one object per line, `{"owner": {...}}`,
    `{"asset": {...}}` or `{"relation": {...}}` with the manifest's record fields, and
    optionally a first line `{"source": NAME}` naming the source the file speaks for.
    Each call reads the files again, `size` records at a time; a record's place is its
    line ("line 12")."""
    files = [str(p) for p in paths]
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")

    def read() -> Iterable[Batch]:
        for path in files:
            sources: dict[str, str] = {}

            def fresh(path: str = path, sources: dict[str, str] = sources) -> Batch:
                return Batch(files=[path], file_sources=dict(sources))

            chunk, held = fresh(), 0
            try:
                handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below; a generator
            except OSError as exc:
                chunk.read_problems.append(Problem(path, "file", None, None, f"cannot be read: {exc}"))
                yield chunk
                continue
            with handle:
                for number, line in enumerate(handle, 1):
                    if not line.strip():
                        continue
                    place = f"line {number}"
                    try:
                        item = json.loads(line)
                    except ValueError as exc:
                        chunk.read_problems.append(Problem(path, place, None, None, f"is not JSON: {exc}"))
                        continue
                    key = next(iter(item), None) if isinstance(item, dict) and len(item) == 1 else None
                    if key == "source" and isinstance(item[key], str) and not held and not sources:
                        sources[path] = item[key]
                        chunk.file_sources[path] = item[key]
                        continue
                    if key not in _SECTION_OF:
                        chunk.read_problems.append(
                            Problem(
                                path,
                                place,
                                None,
                                None,
                                'must be one of {"owner": {...}}, {"asset": {...}}, {"relation": {...}} '
                                '(or, first, {"source": NAME})',
                            )
                        )
                        continue
                    getattr(chunk, _SECTION_OF[key]).append((item[key], Location(path, place)))
                    held += 1
                    if held % size == 0:
                        yield chunk
                        chunk = fresh()
            yield chunk

    return read
