"""Issue 10: each hostile or careless input found by fuzzing gets one clear error (exit 1,
`error:` naming the file, the record and the field), never a traceback, and leaves the
graph exactly as it was."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from tests.conftest import graph_content

BASE = "owners:\n  - {id: team-data-platform, kind: team}\nassets:\n  - {id: d0, kind: dataset}\n"
RUN_EVENT = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def event(run: str = "r1", job: str = "j", time: str = "2024-05-01T12:00:00Z", **extra) -> dict:
    return {
        "eventType": "COMPLETE",
        "eventTime": time,
        "producer": "https://example.com/p",
        "schemaURL": RUN_EVENT,
        "run": {"runId": run},
        "job": {"namespace": "n", "name": job},
        **extra,
    }


def alias_bomb() -> str:
    lines = [
        "assets:",
        "  - id: a",
        "    kind: dataset",
        "    props:",
        "      l0: &l0 [x, x, x, x, x, x, x, x, x, x]",
    ]
    for i in range(1, 10):
        lines.append(f"      l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def asset(fields: str) -> str:
    return f"assets:\n  - {{id: a, kind: dataset, {fields}}}\n"


# (file name, content, what the one-paragraph error must say)
CASES = [
    ("date.yaml", asset("created_at: 2024-13-01"), ["assets[0]", "'created_at'", "'2024-13-01'"]),
    (
        "bigint.yaml",
        asset("props: {n: " + "1" * 5000 + "}"),
        ["5,000 digits", "MLG_MAX_NUMBER_DIGITS", "line 2"],
    ),
    (
        "bigint.json",
        '{"assets": [{"id": "a", "kind": "dataset", "props": {"n": ' + "1" * 5000 + "}}]}",
        ["5,000 digits", "MLG_MAX_NUMBER_DIGITS"],
    ),
    ("year1.yaml", asset("created_at: '0001-01-01T00:00:00+01:00'"), ["'created_at'", "before year 1"]),
    (
        "deep.json",
        '{"assets": [{"id": "a", "kind": "dataset", "props": {"n": ' + "[" * 100_000 + "]" * 100_000 + "}}]}",
        ["deep.json: file", "nests", "MLG_MAX_NESTING"],
    ),
    ("keys.yaml", asset("props: {1: a, b: c}"), ["'props'", "key 1", "keys must be strings"]),
    ("circular.yaml", asset("props: &p {b: *p}"), ["'props.b'", "refers to itself"]),
    ("set.yaml", asset("props: {s: !!set {a, b}}"), ["'props.s'", "!!set"]),
    ("binary.yaml", asset("props: {s: !!binary aGVsbG8=}"), ["'props.s'", "!!binary"]),
    (
        "surrogate.json",
        '{"assets": [{"id": "a\\ud800", "kind": "dataset"}]}',
        ["assets[0]", "'id'", "U+D800"],
    ),
    (
        "surrogate_tag.json",
        '{"assets": [{"id": "a", "kind": "dataset", "tags": ["\\udfff"]}]}',
        ["'tags[0]'"],
    ),
    ("kind5.yaml", "assets:\n  - {id: a, kind: 5}\n", ["(id 'a')", "'kind'", "got an integer 5"]),
    (
        "owner.yaml",
        "assets:\n  - {id: a, kind: dataset, owners: [{id: team-data-platform, role: owner, since: 2020}]}\n",
        ["'owners[0]'", "'since'"],
    ),
    ("bomb.yaml", alias_bomb(), ["'props'", "MLG_MAX_VALUES"]),
    (
        "event_year1.json",
        json.dumps(event(time="0001-01-01T00:00:00+01:00")),
        ["'eventTime'", "years 1 and 9999"],
    ),
    ("event_run.json", json.dumps(event(run="poison\ud800")), ["'run.runId'", "U+D800"]),
    ("event_job.json", json.dumps(event(job="j\ud800")), ["'job.name'", "U+D800"]),
    ("event_deep.ndjson", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}\n", ["line 1", "MLG_MAX_NESTING"]),
]


@pytest.fixture
def base_db(tmp_path):
    db = tmp_path / "graph.kuzu"
    (tmp_path / "base.yaml").write_text(BASE)
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(tmp_path / "base.yaml")]).exit_code == 0
    with mlg.open(db, read_only=True) as g:
        before = graph_content(g)
    return db, before


def assert_refused(result, db, before, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.output.startswith("error: "), result.output
    for text in expected:
        assert text in result.output, (text, result.output)
    with mlg.open(db, read_only=True) as g:
        assert graph_content(g) == before


@pytest.mark.parametrize(("name", "text", "expected"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("skip_invalid", [False, True], ids=["strict", "skip-invalid"])
def test_hostile_file_gets_one_clear_error(tmp_path, base_db, name, text, expected, skip_invalid):
    db, before = base_db
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    args = ["--db", str(db), "ingest", str(path)] + (["--skip-invalid"] * skip_invalid)
    result = CliRunner().invoke(main, args)
    if skip_invalid and name.startswith("event"):
        # the event is left out and listed; nothing else was in the file
        assert result.exit_code == 0, result.output
        assert "0 applied, 1 skipped" in result.output
        assert all(text in result.output for text in expected), result.output
        with mlg.open(db, read_only=True) as g:
            assert graph_content(g) == before
        return
    assert_refused(result, db, before, str(path), *expected)


def test_hostile_stdin_gets_the_same_error(base_db):
    db, before = base_db
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", "-"], input=asset("kind: 5"))
    assert_refused(result, db, before, "<stdin>", "'kind'")


def test_an_invalid_date_that_is_only_text_is_kept_as_text(tmp_path, graph):
    path = tmp_path / "m.yaml"
    path.write_text(asset("description: 2024-02-30"))
    graph.ingest(path)
    assert graph.get("a").description == "2024-02-30"


def test_the_alias_bomb_is_refused_at_the_limit_and_the_limit_can_be_raised(tmp_path, base_db, monkeypatch):
    db, before = base_db
    path = tmp_path / "aliases.yaml"
    lines = [
        "assets:",
        "  - id: a",
        "    kind: dataset",
        "    props:",
        "      l0: &l0 [x, x, x, x, x, x, x, x, x, x]",
    ]
    lines += [f"      l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in (1, 2)]
    path.write_text("\n".join(lines) + "\n")  # 1,000 values once expanded
    monkeypatch.setenv("MLG_MAX_VALUES", "500")
    assert_refused(
        CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)]), db, before, "MLG_MAX_VALUES"
    )
    monkeypatch.setenv("MLG_MAX_VALUES", "5000")
    assert CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)]).exit_code == 0


def test_too_many_yaml_aliases_and_too_large_files(tmp_path, base_db, monkeypatch):
    db, before = base_db
    path = tmp_path / "m.yaml"
    path.write_text("assets:\n  - {id: a, kind: dataset, tags: &t [x], props: {a: *t, b: *t, c: *t}}\n")
    monkeypatch.setenv("MLG_MAX_YAML_ALIASES", "2")
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)])
    assert_refused(result, db, before, "MLG_MAX_YAML_ALIASES", "line 2")
    monkeypatch.delenv("MLG_MAX_YAML_ALIASES")
    monkeypatch.setenv("MLG_MAX_INPUT_BYTES", "10")
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)])
    assert_refused(result, db, before, "MLG_MAX_INPUT_BYTES", "bytes")
    monkeypatch.setenv("MLG_MAX_INPUT_BYTES", "ten")
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)])
    assert_refused(result, db, before, "$MLG_MAX_INPUT_BYTES must be a whole number")


def test_skip_invalid_skips_the_broken_line_not_the_file(tmp_path, graph):
    lines = [json.dumps(event(run=f"r{i}", job=f"j{i}")) for i in range(5)]
    lines[2] = lines[2][: len(lines[2]) // 2]
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n")
    graph.close()
    result = CliRunner().invoke(main, ["--db", str(graph.path), "ingest", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "events: 4 applied, 1 skipped" in result.output
    assert f"{path}: line 3: is not a JSON event" in result.output
    with mlg.open(graph.path, read_only=True) as g:
        assert {h.asset.id for h in g.search("", kind="workflow")} == {
            f"workflow:n/j{i}" for i in (0, 1, 3, 4)
        }


def test_without_skip_invalid_the_broken_line_rejects_the_ingest(tmp_path, base_db):
    db, before = base_db
    lines = [json.dumps(event(run=f"r{i}", job=f"j{i}")) for i in range(3)]
    lines[1] = lines[1][:20]
    path = tmp_path / "events.ndjson"
    path.write_text("\n".join(lines) + "\n")
    assert_refused(CliRunner().invoke(main, ["--db", str(db), "ingest", str(path)]), db, before, "line 2")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('{"a": {"b": {"c": 1}}}', None),  # a nested struct binds (as a STRUCT)
        ("[" * 5000, "MLG_MAX_NESTING"),
        ('"\\ud800"', "U+D800"),
        ("1" * 5000, "MLG_MAX_NUMBER_DIGITS"),
        ("[[1], [[2]]]", "cannot bind the parameters"),
        (str(10**30), "cannot bind the parameters"),
    ],
)
def test_query_params_get_a_clear_error(base_db, value, expected):
    db, before = base_db
    result = CliRunner().invoke(main, ["--db", str(db), "query", "RETURN $x AS v", "--param", f"x={value}"])
    if expected is None:
        assert result.exit_code == 0, result.output
        return
    assert_refused(result, db, before, expected)


@pytest.mark.parametrize("command", [["show"], ["lineage"], ["impact"], ["uses"], ["search"]])
def test_asset_arguments_that_are_not_text(base_db, command):
    db, before = base_db
    for bad, expected in (("d0\udcff", "the byte 0xFF at position 2"), ("\ud800", "U+D800")):
        result = CliRunner().invoke(main, ["--db", str(db), *command, bad])
        assert_refused(result, db, before, expected)


def test_the_library_answers_not_found_for_ids_that_are_not_text(graph):
    assert graph.get("x\ud800") is None
    with pytest.raises(mlg.errors.AssetNotFound):
        graph.resolve("x\ud800")
