"""Read-only means read-only whatever Unicode the statement holds (issue 10).

Kuzu's lexer skips characters Python does not call whitespace (U+180E, U+FEFF), which
once hid `COPY ... TO` and `EXPORT DATABASE` from the statement-kind guard. Every space,
separator, format and control character is tried in front of every statement kind a
read-only transaction would still let through; none may run or write a file."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

from mlg.batch import Batch
from mlg.cypher import CypherError
from mlg.errors import MlgError, ReadOnlyGraph
from tests.conftest import graph_content


def _invisible_characters() -> list[str]:
    """Every character Unicode calls a space, separator, format or control character, and
    every one Python's str.isspace() accepts — except tab and newlines, which stay allowed."""
    found = []
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        if char in "\t\n\r":
            continue
        if unicodedata.category(char) in ("Zs", "Zl", "Zp", "Cf", "Cc") or char.isspace():
            if char != " ":
                found.append(char)
    return found


INVISIBLE = _invisible_characters()


@pytest.fixture
def estate(graph):
    graph.ingest_batch(
        Batch.from_records(assets=[{"id": "dataset:plays", "kind": "dataset", "description": "café ☕"}])
    )
    return graph


def statements(out) -> dict[str, str]:
    """One statement of every kind a read-only transaction allows that is not a read."""
    return {
        "COPY": f"COPY (MATCH (a:Asset) RETURN a.id) TO '{out / 'leak.csv'}'",
        "EXPORT": f"EXPORT DATABASE '{out / 'export'}'",
        "IMPORT": f"IMPORT DATABASE '{out / 'export'}'",
        "ATTACH": f"ATTACH '{out / 'other.kuzu'}' AS other (dbtype kuzu)",
        "DETACH": "DETACH other",
        "USE": "USE other",
        "BEGIN": "BEGIN TRANSACTION",
        "COMMIT": "COMMIT",
        "ROLLBACK": "ROLLBACK",
        "CHECKPOINT": "CHECKPOINT",
    }


def test_the_issue_inputs_are_refused_and_write_nothing(estate, tmp_path):
    before = graph_content(estate)
    out = tmp_path / "out"
    out.mkdir()
    for cypher in (
        f"\u180eCOPY (MATCH (a:Asset) RETURN a.id) TO '{out / 'leak.csv'}'",
        f"\ufeffEXPORT DATABASE '{out / 'dir'}'",
    ):
        with pytest.raises(
            CypherError, match=r"U\+(180E|FEFF) \(.*\) at position 0, outside a string literal"
        ):
            estate.query(cypher)
    assert list(out.iterdir()) == []
    assert graph_content(estate) == before


@pytest.mark.parametrize("kind", list(statements(Path("."))))
def test_no_invisible_character_hides_a_statement_kind(estate, tmp_path, kind):
    out = tmp_path / "out"
    out.mkdir()
    cypher = statements(out)[kind]
    # the guard itself, without tricks
    with pytest.raises(ReadOnlyGraph):
        estate.query(cypher)
    for char in INVISIBLE:
        for text in (
            char + cypher,
            f"/* note */{char}{cypher}",
            f"// it's a note\n{char}{cypher}",
            f"EXPLAIN{char}{cypher}",
            f"{cypher[:2]}{char}{cypher[2:]}",
        ):
            with pytest.raises(MlgError) as caught:
                estate.query(text)
            assert isinstance(caught.value, CypherError | ReadOnlyGraph)
    assert list(out.iterdir()) == []


def test_the_character_and_its_position_are_named(estate):
    with pytest.raises(CypherError, match=r"U\+00A0 \(NO-BREAK SPACE\) at position 5"):
        estate.query("MATCH\u00a0(a:Asset) RETURN a.id")


def test_unicode_inside_literals_and_quoted_names_is_fine(estate):
    frame = estate.query("MATCH (a:Asset) WHERE a.description = 'café ☕' RETURN a.id AS `idé`")
    assert frame["idé"].tolist() == ["dataset:plays"]
    frame = estate.query('RETURN "it\\"s ☕" AS v, \'\u180e\' AS w')
    assert frame["w"].tolist() == ["\u180e"]
    # with --write the statement runs as given (Kuzu checks what it does)
    assert estate.query("RETURN 1 AS\u00a0v", write=True)["v"].tolist() == [1]


def test_read_only_queries_can_read_local_files_as_documented(estate, tmp_path):
    """Documented, not a hole: reading a local file is what any local tool can do."""
    csv = tmp_path / "rows.csv"
    csv.write_text("x\n1\n2\n")
    frame = estate.query(f"LOAD FROM '{csv}' (header = true) RETURN count(*) AS n")
    assert frame["n"].tolist() == [2]
