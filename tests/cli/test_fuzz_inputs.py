"""Fuzzing every input door (issue 10, DESIGN §7): mutated manifests and OpenLineage
events — structured mutations and raw bytes — through `mlg ingest` in-process, and
mutated events through a real receiver.

The property, for every input: exit 0 or 1; on 1 an `error:` that names the file, no
traceback, and the graph's full content exactly as before. For the receiver: every
request is answered 201 or 4xx, and every event answered 201 is applied (none
dead-lettered, none left pending).

Bounded for CI (MLG_FUZZ_EXAMPLES examples per test, default 100). The longer run:

    MLG_FUZZ_EXAMPLES=2000 MLG_FUZZ_LOG=/tmp/fuzz.ndjson python -m pytest -q tests/cli/test_fuzz_inputs.py

MLG_FUZZ_LOG, when set, gets one JSON line per input (door, outcome, seconds): the
figures for a report (inputs run, refusals, the slowest input).
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import time
import urllib.error
import urllib.request
from itertools import count

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.cli.main import main
from mlg.openlineage.receiver import LineageReceiver
from tests.conftest import graph_content

EXAMPLES = int(os.environ.get("MLG_FUZZ_EXAMPLES", "100"))
LOG = os.environ.get("MLG_FUZZ_LOG")


def note(door: str, outcome: object, seconds: float) -> None:
    if LOG:
        with open(LOG, "a", encoding="utf-8") as f:
            f.write(json.dumps({"door": door, "outcome": outcome, "seconds": round(seconds, 3)}) + "\n")


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize="MLG_FUZZ_EXAMPLES" not in os.environ,  # CI: the same inputs every run
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
    ],
)
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"

MANIFEST = {
    "owners": [{"id": "team-data", "kind": "team", "name": "Data"}],
    "assets": [
        {
            "id": "dataset:raw",
            "kind": "dataset",
            "name": "raw",
            "tags": ["pii"],
            "props": {"rows": 12, "fields": [{"name": "id", "type": "int"}]},
            "owners": ["team-data"],
            "created_at": "2024-01-02T03:04:05Z",
        },
        {"id": "model:m@1", "kind": "model", "version": "1", "trained_on": ["dataset:raw"]},
    ],
    "relations": [{"from": "model:m@1", "to": "dataset:base", "type": "trained_on"}],
}


def an_event(i: int = 0) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": "2024-05-01T12:00:00Z",
        "producer": "https://example.com/p",
        "schemaURL": RUN_EVENT,
        "run": {"runId": f"run-{i}", "facets": {}},
        "job": {
            "namespace": "airflow",
            "name": f"etl.job{i}",
            "facets": {"documentation": {"description": "Loads."}},
        },
        "inputs": [{"namespace": "s3://lake", "name": f"in{i}", "facets": {}}],
        "outputs": [
            {
                "namespace": "s3://lake",
                "name": f"out{i}",
                "facets": {"ownership": {"owners": [{"name": "team:data", "type": "MAINTAINER"}]}},
            }
        ],
    }


# Hostile values: Python values, and raw text spliced into the serialised document
# where the placeholder string lands (what no serialiser would write).
VALUES = st.one_of(
    st.sampled_from(
        [
            None,
            True,
            0,
            -1,
            5,
            1.5,
            float("inf"),
            "",
            " ",
            "x",
            "\ud800",
            "a\udfffb",
            "\u180e",
            "\x00",
            "2024-13-01",
            "0001-01-01T00:00:00+01:00",
            "9999-12-31T23:59:59-01:00",
            "model",
            "dataset:raw",
            "team-data",
            [],
            {},
            [None],
            {"1": 2},
            {"id": "team-data", "role": "owner", "since": 2020},
        ]
    ),
    st.text(max_size=20),
    st.integers(),
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)
RAW_JSON = [
    "1" * 5000,
    "[" * 5000 + "]" * 5000,
    '"\\ud800"',
    "1e99999",
    "-0",
    "NaN",
    '{"a": ' * 3000 + "1" + "}" * 3000,
]
RAW_YAML = [
    "2024-13-01",
    "2024-02-30",
    "!!set {a, b}",
    "!!binary aGVsbG8=",
    "1" * 5000,
    "&loop [*loop]",
    "{1: a, b: c}",
    "!!python/object:os.system x",
    "*nowhere",
    "'0001-01-01T00:00:00+01:00'",
    "[" * 2000 + "]" * 2000,
    '"\\ud800"',
    "!!timestamp 2024-99-99",
]


def paths_of(value, prefix=()):
    """Every path (tuple of keys/indexes) inside a document, the root included."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths_of(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths_of(child, (*prefix, i))


@st.composite
def mutated(draw, document):
    """The document with a few structured mutations; raw splices as placeholders."""
    doc = copy.deepcopy(document)
    raws: dict[str, int] = {}
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in paths_of(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add", "raw"]))
        if action == "delete":
            del parent[last]
        elif action == "add" and isinstance(parent, dict):
            key = draw(st.sampled_from(["extra", "kind", "id", "since", "props", "trained_on"]))
            parent[key] = copy.deepcopy(draw(VALUES))  # never share (and so mutate) a constant
        elif action == "raw":
            placeholder = f"__raw{len(raws)}__"
            raws[placeholder] = draw(st.integers(0, 100))
            parent[last] = placeholder
        else:
            parent[last] = copy.deepcopy(draw(VALUES))
    return doc, raws


def serialise(doc, raws, fmt: str) -> str:
    if fmt == "yaml":
        try:
            text = yaml.safe_dump(doc, allow_unicode=False)
        except yaml.YAMLError:
            text = json.dumps(doc)  # JSON is YAML too
        for placeholder, choice in raws.items():
            text = text.replace(placeholder, RAW_YAML[choice % len(RAW_YAML)])
        return text
    text = json.dumps(doc)  # ensure_ascii: lone surrogates become \ud800 escapes
    for placeholder, choice in raws.items():
        text = text.replace(f'"{placeholder}"', RAW_JSON[choice % len(RAW_JSON)])
    return text


@st.composite
def byte_mutation(draw, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "duplicate"]))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif action == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + draw(st.integers(1, 64))]
    return bytes(data)


# -- the CLI door ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A graph holding the base manifest and one event; every example starts from a copy."""
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "template.kuzu"
    (folder / "base.json").write_text(json.dumps({**MANIFEST, "relations": []} | _base_assets()))
    (folder / "event.json").write_text(json.dumps(an_event(9)))
    with mlg.open(db) as g:
        g.ingest([folder / "base.json", folder / "event.json"])
        content = graph_content(g)
    return folder, db, content, count()


def _base_assets() -> dict:
    assets = copy.deepcopy(MANIFEST["assets"]) + [{"id": "dataset:base", "kind": "dataset"}]
    return {"assets": assets}


def run_ingest(template, name: str, data: bytes, skip_invalid: bool, via_stdin: bool) -> None:
    folder, db_template, before, counter = template
    n = next(counter)
    db = folder / f"g{n}.kuzu"
    shutil.copyfile(db_template, db)
    path = folder / f"in{n}-{name}"
    path.write_bytes(data)
    args = ["--db", str(db), "ingest", "-" if via_stdin else str(path)]
    if via_stdin and name.endswith((".json", ".ndjson")):
        args += ["--from", "openlineage" if "event" in name else "manifest"]
    if skip_invalid:
        args.append("--skip-invalid")
    started = time.monotonic()
    result = CliRunner().invoke(main, args, input=data if via_stdin else None)
    note("stdin" if via_stdin else name, result.exit_code, time.monotonic() - started)
    shown = result.output[-2000:]
    assert result.exit_code in (0, 1), shown
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output, shown
    if result.exit_code == 1:
        assert result.output.startswith("error: "), shown
        if "argument" not in result.output.splitlines()[0]:
            assert ("<stdin>" if via_stdin else str(path)) in result.output, shown
        with mlg.open(db, read_only=True) as g:
            assert graph_content(g) == before, shown
    db.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(["manifest.yaml", "manifest.json", "event.json", "events.ndjson"]),
    skip_invalid=st.booleans(),
    via_stdin=st.booleans(),
)
def test_structured_mutations_through_ingest(template, data, kind, skip_invalid, via_stdin):
    if kind.startswith("manifest"):
        doc, raws = data.draw(mutated(MANIFEST))
        text = serialise(doc, raws, "yaml" if kind.endswith(".yaml") else "json")
    elif kind == "event.json":
        doc, raws = data.draw(mutated(an_event()))
        text = serialise(doc, raws, "json")
    else:
        lines = []
        for i in range(data.draw(st.integers(1, 4))):
            doc, raws = data.draw(mutated(an_event(i)))
            lines.append(serialise(doc, raws, "json"))
        text = "\n".join(lines) + "\n"
    run_ingest(template, kind, text.encode("utf-8", "surrogatepass"), skip_invalid, via_stdin)


@FUZZ
@given(
    data=st.data(),
    kind=st.sampled_from(["manifest.yaml", "manifest.json", "event.json", "events.ndjson"]),
    skip_invalid=st.booleans(),
)
def test_raw_byte_mutations_through_ingest(template, data, kind, skip_invalid):
    if kind == "manifest.yaml":
        valid = yaml.safe_dump(MANIFEST).encode()
    elif kind == "manifest.json":
        valid = json.dumps(MANIFEST).encode()
    elif kind == "event.json":
        valid = json.dumps(an_event()).encode()
    else:
        valid = "".join(json.dumps(an_event(i)) + "\n" for i in range(3)).encode()
    run_ingest(template, kind, data.draw(byte_mutation(valid)), skip_invalid, via_stdin=False)


# -- the HTTP door -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_receiver(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz-rx")
    rx = LineageReceiver(folder / "graph.kuzu", host="127.0.0.1", port=0, retry_seconds=0.2)
    rx.start()
    rx.acknowledged = 0
    yield rx
    assert rx.wait_until_applied(timeout=120), rx.status()
    status = rx.status()
    rx.stop()
    # every event answered 201 was applied: none dead-lettered, none pending
    assert status["pending"] == 0 and status["dead_lettered"] == 0, status
    assert status["applied"] == rx.acknowledged, status


@FUZZ
@given(data=st.data(), raw=st.booleans())
def test_mutated_events_through_the_receiver(live_receiver, data, raw):
    if raw:
        body = data.draw(byte_mutation(json.dumps(an_event(data.draw(st.integers(0, 5)))).encode()))
    else:
        doc, raws = data.draw(mutated(an_event(data.draw(st.integers(0, 5)))))
        body = serialise(doc, raws, "json").encode("utf-8", "surrogatepass")
    request = urllib.request.Request(
        live_receiver.url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
        assert "error" in json.loads(error.read())
    note("http", status, time.monotonic() - started)
    assert status == 201 or 400 <= status < 500, status
    if status == 201:
        live_receiver.acknowledged += 1
