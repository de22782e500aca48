"""mlg's own exceptions: each carries what the user needs to act on it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class MlgError(Exception):
    """Base of every error mlg raises on purpose (the CLI exits 1 on these)."""


class GraphError(MlgError):
    """The graph file cannot be used: missing, not an mlg graph, too new, damaged."""


class GraphLocked(GraphError):
    """Another process holds the graph."""

    def __init__(self, path: str, read_only: bool):
        self.path = path
        hint = (
            "it is open for writing by another process; close that process first"
            if read_only
            else "it is open by another process; close that process or open the graph read-only"
        )
        super().__init__(f"graph at {path} is in use: {hint}.")


class ReadOnlyGraph(MlgError):
    """A write was attempted on a graph opened read-only."""


class CypherError(MlgError):
    """The store refused a Cypher statement: its own message, without a traceback."""


class AssetNotFound(MlgError):
    def __init__(self, ref: str, suggestions: Sequence[str] = ()):
        self.ref = ref
        self.suggestions = list(suggestions)
        msg = f"no asset with id or name {ref!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(self.suggestions)
        super().__init__(msg)


class AmbiguousAsset(MlgError):
    def __init__(self, ref: str, candidates: Sequence[str]):
        self.ref = ref
        self.candidates = list(candidates)
        super().__init__(
            f"{ref!r} names {len(self.candidates)} assets; use one of these ids: "
            + ", ".join(self.candidates)
        )


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, and where it is."""

    file: str
    record: str  # e.g. "assets[3]" or "event 12"
    record_id: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.record}"
        if self.record_id is not None:
            where += f" (id {self.record_id!r})"
        if self.field:
            where += f", field {self.field!r}"
        return f"{where}: {self.message}"


class IngestError(MlgError):
    """The input was rejected; nothing was written."""

    def __init__(self, problems: Sequence[Problem], total: int | None = None):
        self.problems = list(problems)
        self.total = total if total is not None else len(self.problems)
        lines = [str(p) for p in self.problems]
        more = self.total - len(self.problems)
        if more > 0:
            lines.append(f"... and {more} more problem(s)")
        noun = "problem" if self.total == 1 else "problems"
        super().__init__(
            f"ingest rejected, nothing was written ({self.total} {noun}):\n  " + "\n  ".join(lines)
        )
