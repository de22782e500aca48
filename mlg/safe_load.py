"""Parsing untrusted YAML and JSON text within mlg's limits (mlg.limits).

Every door that reads a document (manifest files, stdin, OpenLineage files, the HTTP
receiver, `query --param`) parses through here, so one bad document gets one clear
`DocumentError` — with the line where the parser knows it — instead of whatever the
parser happened to raise: PyYAML's date constructor raises a bare ValueError for
`2024-13-01`, Python's int() one for 4,300+ digits, json a RecursionError at ~1,000
levels of nesting.

YAML differs from PyYAML's safe loader in three ways: a scalar that looks like a date
but is not one (`2024-02-30`) stays a string (validation then says what is wrong with
it, if anything), integers are held to MLG_MAX_NUMBER_DIGITS, and alias uses are
counted (MLG_MAX_YAML_ALIASES). What aliases expand to is bounded where values are
walked (mlg.limits.value_problem), which also finds circular anchors.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from mlg.limits import Limits

_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DIGITS = re.compile(r"[0-9a-fA-F]")


class DocumentError(ValueError):
    """The text is not a document mlg will read; the message says why and where."""


class LimitExceeded(DocumentError):
    """The text may be a fine document, but it is over one of mlg's limits."""


def read_text(path: str | os.PathLike[str], limits: Limits | None = None) -> str:
    """A file's text as UTF-8, refused before reading when it is over MLG_MAX_INPUT_BYTES.

    Raises OSError / UnicodeDecodeError as reading does, DocumentError for the size."""
    limits = limits or Limits.current()
    size = Path(path).stat().st_size
    if size > limits.input_bytes:
        raise LimitExceeded(limits.exceeded("input_bytes", f"is {size:,} bytes"))
    return Path(path).read_text(encoding="utf-8")


def check_size(text: str, limits: Limits | None = None) -> None:
    """Stdin and request bodies: the same size limit, applied to text already read."""
    limits = limits or Limits.current()
    if len(text) > limits.input_bytes:
        raise LimitExceeded(limits.exceeded("input_bytes", f"is {len(text):,} characters"))


def load_json(text: str | bytes, limits: Limits | None = None) -> Any:
    """json.loads, with integers held to the digit limit and every failure a DocumentError."""
    limits = limits or Limits.current()

    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > limits.number_digits:
            raise LimitExceeded(
                limits.exceeded("number_digits", f"holds an integer of {len(digits.lstrip('-')):,} digits")
            )
        return int(digits)

    try:
        return json.loads(text, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        # Python 3.11 raises RecursionError on `[` * 5000, 3.13 "Expecting value" at its
        # end: either way the nesting, not the syntax, is what to tell.
        if _depth_before(exc.doc, exc.pos) > limits.nesting:
            raise LimitExceeded(
                limits.exceeded("nesting", f"nests lists or objects deeper than {limits.nesting} levels")
            ) from None
        raise DocumentError(f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError as exc:
        raise DocumentError(f"is not UTF-8 text: {exc.reason} at byte {exc.start}") from None
    except RecursionError:
        raise LimitExceeded(
            limits.exceeded("nesting", "nests lists or objects too deeply for the JSON parser")
        ) from None


def _depth_before(doc: str | bytes, end: int) -> int:
    """How deep lists/objects nest in JSON text before `end` (strings skipped); only read
    on the error path, and cheap to rule out by counting brackets first."""
    if isinstance(doc, bytes):
        doc = doc.decode("utf-8", "replace")
    if doc.count("[", 0, end) + doc.count("{", 0, end) == 0:
        return 0
    depth = deepest = 0
    in_string = escaped = False
    for char in doc[:end]:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def load_yaml(text: str, limits: Limits | None = None) -> Any:
    """One YAML document, safely (no Python objects), within the limits."""
    with _yaml_loader(text, limits) as loader:
        return loader.get_single_data()


def load_yaml_documents(text: str, limits: Limits | None = None) -> list[Any]:
    """Every document of a YAML stream (`---` separated), safely, within the limits."""
    documents = []
    with _yaml_loader(text, limits) as loader:
        while loader.check_data():
            documents.append(loader.get_data())
    return documents


@contextmanager
def _yaml_loader(text: str, limits: Limits | None):
    """A safe loader within the limits; what its parsing raises becomes our error."""
    limits = limits or Limits.current()
    loader = _Loader(text)
    loader.limits = limits
    try:
        yield loader
    except yaml.YAMLError as exc:
        raise DocumentError(" ".join(str(exc).split())) from None
    except RecursionError:
        raise LimitExceeded(limits.exceeded("nesting", "nests too deeply for the YAML parser")) from None
    except (ValueError, TypeError, OverflowError) as exc:
        # a constructor refusing a value, e.g. !!float on text that is not a number
        raise DocumentError(f"holds a value YAML cannot construct: {exc}") from None
    finally:
        loader.dispose()


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    limits: Limits
    aliases = 0

    def construct_object(self, node, deep=False):
        # A node constructed before is reached again only through an alias.
        if node in self.constructed_objects:
            self.aliases += 1
            if self.aliases > self.limits.yaml_aliases:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    self.limits.exceeded("yaml_aliases", "uses more YAML aliases (*name) than allowed"),
                    node.start_mark,
                )
        return super().construct_object(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)  # looks like a date, is not one: a string

    def construct_yaml_int(self, node):
        digits = len(_DIGITS.findall(node.value))
        if digits > self.limits.number_digits:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                self.limits.exceeded("number_digits", f"holds an integer of {digits:,} digits"),
                node.start_mark,
            )
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
