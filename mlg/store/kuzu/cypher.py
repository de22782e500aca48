"""User Cypher on a Kuzu graph: one statement, read-only unless asked to write.

How read-only is enforced, in three layers, none of which reads the query text for
keywords (so neither case, comments nor string literals can fool it):

1. Kuzu prepares the statement first: syntax errors come back as Kuzu's message, and
   several statements in one string are refused (Kuzu prepares one statement only),
   so nothing can follow a ``COMMIT``.
2. The statement runs inside ``BEGIN TRANSACTION READ ONLY`` on a connection of its
   own: Kuzu itself refuses every write to the database there (CREATE, MERGE, SET,
   DELETE, DDL, COPY FROM, INSTALL, LOAD EXTENSION, index calls, ...). The connection
   is closed afterwards, so a ``CALL setting=value`` cannot change mlg's connections.
3. A few statement kinds are still allowed in a read-only transaction but are not
   reads of this graph: ``COPY ... TO`` and ``EXPORT``/``IMPORT DATABASE`` (write
   files), ``ATTACH``/``DETACH``/``USE`` (other databases), transaction control and
   ``CHECKPOINT``. Their first keyword (after comments and EXPLAIN/PROFILE) is checked
   against that list; prepared already, the statement is known to be one statement.
   That check must see the statement as Kuzu's lexer does, and Kuzu's lexer skips
   characters Python does not call whitespace (U+180E, U+FEFF: ``\ufeffEXPORT
   DATABASE`` once exported the graph). Rather than guess the lexer, a read-only
   statement may hold nothing but printable ASCII, tab and newlines outside its string
   literals (and quoted names); anything else is refused, naming the character.

Read-only queries can still read local files (``LOAD FROM 'file.csv'``), as any local
tool can.

A graph opened read-only refuses writes at the database level as well.
"""

from __future__ import annotations

import re
from typing import Any

import kuzu
import pyarrow as pa

from mlg.errors import CypherError, MlgError, ReadOnlyGraph
from mlg.limits import describe_char
from mlg.store.kuzu.database import new_connection
from mlg.store.kuzu.generation import mark_untracked

# Statements a read-only transaction lets through that are not reads of the graph.
_NOT_READS = (
    "COPY",
    "EXPORT",
    "IMPORT",
    "ATTACH",
    "DETACH",
    "USE",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "CHECKPOINT",
)
_LEADING = re.compile(r"\s+|//[^\n]*|/\*.*?\*/", re.S)
_WORD = re.compile(r"[A-Za-z_]+")
# What the console offers to run before the first query (KuzuStore.cypher_examples).
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Services and the models they serve",
        "MATCH (s:Asset {kind: 'service'})-[e:DEPENDS_ON {type: 'serves'}]->(m:Asset) "
        "RETURN s, e, m LIMIT 20",
    ),
    ("Assets by kind", "MATCH (a:Asset) RETURN a.kind AS kind, count(*) AS n ORDER BY n DESC"),
    (
        "Assets nobody owns",
        "MATCH (a:Asset) WHERE NOT EXISTS { MATCH (a)-[:OWNED_BY]->(:Owner) } RETURN a.id, a.kind LIMIT 50",
    ),
    (
        "Owners and how much they own",
        "MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) RETURN o.name, o.email, count(a) AS assets "
        "ORDER BY assets DESC",
    ),
    (
        "Most depended-on datasets",
        "MATCH (d:Asset {kind: 'dataset'})<-[:DEPENDS_ON]-(x:Asset) RETURN d.id, count(x) AS dependents "
        "ORDER BY dependents DESC LIMIT 20",
    ),
)
_WRITE_REFUSED = (
    "Can not execute a write query inside a read-only transaction",
    "Cannot execute write operations in a read-only database",
)


def run(store, cypher: str, params: dict[str, Any] | None, *, write: bool) -> pa.Table:
    """Run `cypher` on a connection of its own (closed afterwards, so a
    `CALL setting=value` cannot change mlg's connections); the result as Arrow."""
    params = dict(params or {})
    if not write:
        _refuse_unseen_characters(cypher)
        _refuse_non_reads(cypher)
    # Like every other connection: user Cypher must not be cut at Kuzu's 30 hops (DESIGN §3).
    conn = new_connection(store.handle.database)
    try:
        try:
            prepared = kuzu.PreparedStatement(conn, cypher, params)
        except (RuntimeError, TypeError, ValueError, OverflowError) as exc:
            raise CypherError(f"Kuzu cannot bind the parameters: {exc}") from None
        if not prepared.is_success():
            raise _refused(prepared.get_error_message())
        if write:
            # Any Cypher may change any asset: the derived indexes are told to rebuild
            # (mlg/generation.py), before the write so that a crash during it cannot
            # leave them looking current.
            mark_untracked(store)
            return _table_of(conn, prepared, params)
        conn.execute("BEGIN TRANSACTION READ ONLY").close()
        try:
            return _table_of(conn, prepared, params)
        finally:
            try:
                conn.execute("ROLLBACK").close()
            except RuntimeError:
                pass  # Kuzu already ended the transaction after a failed statement
    finally:
        conn.close()


def _table_of(conn: kuzu.Connection, prepared: kuzu.PreparedStatement, params: dict[str, Any]) -> pa.Table:
    try:
        result = conn.execute(prepared, params)
    except RuntimeError as exc:
        raise _refused(str(exc)) from None
    except (TypeError, ValueError, OverflowError) as exc:  # a parameter Kuzu cannot convert
        raise CypherError(f"Kuzu cannot bind the parameters: {exc}") from None
    try:
        # Results must be closed before their connection: Kuzu crashes otherwise.
        if not result.get_column_names():
            return pa.table({})  # a statement without RETURN
        return result.get_as_arrow()
    finally:
        result.close()


def _refused(message: str) -> MlgError:
    """Kuzu's refusal as mlg's error: a write refused in read-only mode, or CypherError."""
    text = message.strip() or "Kuzu refused the query without saying why"
    if any(refusal in text for refusal in _WRITE_REFUSED):
        return ReadOnlyGraph(
            "this query writes to the graph; queries are read-only unless "
            "asked to write (write=True, or --write on the command line)"
        )
    return CypherError(text)


_ALLOWED_OUTSIDE_LITERALS = frozenset(chr(c) for c in range(0x20, 0x7F)) | {"\t", "\n", "\r"}


def _refuse_unseen_characters(cypher: str) -> None:
    """Refuse a character outside printable ASCII anywhere but inside a string literal
    ('..', "..") or a quoted name (`..`); comments are scanned like code."""
    i, n = 0, len(cypher)
    while i < n:
        char = cypher[i]
        if char in "'\"`":
            end = _literal_end(cypher, i)
            if end is None:
                return  # unterminated: Kuzu refuses it as a syntax error
            i = end + 1
            continue
        if cypher.startswith("//", i):
            end = cypher.find("\n", i)
            stop = n if end < 0 else end
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            stop = n if end < 0 else end + 2
        else:
            stop = i + 1
        for j in range(i, stop):
            if cypher[j] not in _ALLOWED_OUTSIDE_LITERALS:
                raise CypherError(
                    f"the query holds {describe_char(cypher[j])} at position {j}, outside a string "
                    "literal; a read-only query may hold only printable ASCII, tabs and newlines "
                    "outside its string literals (Kuzu skips some invisible characters that would "
                    "hide what the statement is)"
                )
        i = stop


def _literal_end(cypher: str, start: int) -> int | None:
    """The index of the quote closing the literal opened at `start` (backslash escapes;
    a doubled quote is an escaped quote too)."""
    quote = cypher[start]
    i = start + 1
    while i < len(cypher):
        char = cypher[i]
        if char == "\\" and quote != "`":
            i += 2
            continue
        if char == quote:
            if i + 1 < len(cypher) and cypher[i + 1] == quote:
                i += 2
                continue
            return i
        i += 1
    return None


def _refuse_non_reads(cypher: str) -> None:
    rest = cypher
    while True:
        stripped = _LEADING.match(rest)
        if stripped and stripped.end() > 0:
            rest = rest[stripped.end() :]
            continue
        word = _WORD.match(rest)
        if word and word.group().upper() in ("EXPLAIN", "PROFILE"):
            rest = rest[word.end() :]
            continue
        break
    keyword = word.group().upper() if word else ""
    if keyword in _NOT_READS:
        raise ReadOnlyGraph(
            f"{keyword} is not a read of this graph; queries are read-only "
            "unless asked to write (write=True, or --write on the command line)"
        )
