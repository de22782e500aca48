"""Resource limits on untrusted input, and the check every free-form value goes through.

Input reaches mlg through manifests, stdin, OpenLineage files, the HTTP receiver and
`query --param`. Without limits a few hundred bytes can cost minutes of CPU and
gigabytes of memory (a YAML alias bomb), or crash a later stage (a lone surrogate
cannot be written to Kuzu, a 5,000-digit integer cannot be read back from props).
Each limit has a default that real input stays far below and an environment variable
to raise it; every refusal names the limit and its variable (see README, "Limits").
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

# Python refuses to convert longer digit strings to int (sys.int_info); props are stored
# as JSON text and read back with Python, so this is the ceiling of MLG_MAX_NUMBER_DIGITS.
PYTHON_INT_DIGITS = 4300


@dataclass(frozen=True)
class Limits:
    """The limits in force; `current()` reads them from the environment each time, so a
    test or a long-running receiver picks up a changed variable."""

    input_bytes: int = 1 << 30  # one input file or stdin
    nesting: int = 100  # levels of lists/mappings inside one record
    values: int = 100_000  # values in one record's free-form part, after YAML aliases expand
    yaml_aliases: int = 10_000  # alias uses (*name) in one YAML document
    string_chars: int = 1_000_000  # characters in one string
    number_digits: int = 1_000  # digits in one integer

    ENV = {
        "input_bytes": "MLG_MAX_INPUT_BYTES",
        "nesting": "MLG_MAX_NESTING",
        "values": "MLG_MAX_VALUES",
        "yaml_aliases": "MLG_MAX_YAML_ALIASES",
        "string_chars": "MLG_MAX_STRING_CHARS",
        "number_digits": "MLG_MAX_NUMBER_DIGITS",
    }

    @classmethod
    def current(cls) -> Limits:
        from mlg.errors import MlgError

        values: dict[str, int] = {}
        for name, var in cls.ENV.items():
            raw = os.environ.get(var)
            if raw is None or not raw.strip():
                continue
            try:
                number = int(raw.strip())
            except ValueError:
                raise MlgError(f"${var} must be a whole number, not {raw!r}") from None
            if number < 1:
                raise MlgError(f"${var} must be at least 1, not {number}")
            values[name] = number
        if values.get("number_digits", 0) > PYTHON_INT_DIGITS:
            raise MlgError(
                f"$MLG_MAX_NUMBER_DIGITS can be at most {PYTHON_INT_DIGITS} (Python's own limit on "
                "integer conversion)"
            )
        return cls(**values)

    def exceeded(self, name: str, what: str) -> str:
        """The message for a value over limit `name`: what it is, the limit, how to raise it."""
        return f"{what}; the limit is {getattr(self, name):,} (raise it with ${self.ENV[name]})"


def surrogate_at(text: str) -> int | None:
    """The index of the first lone surrogate in `text` (not valid Unicode: cannot be
    encoded, so Kuzu cannot store it), or None. ASCII text is answered in C."""
    if text.isascii():
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def text_problem(text: str, limits: Limits) -> str | None:
    """Why a string cannot be stored, or None."""
    if len(text) > limits.string_chars:
        return limits.exceeded("string_chars", f"is {len(text):,} characters long")
    at = surrogate_at(text)
    if at is not None:
        return (
            f"is not valid Unicode text: a lone surrogate U+{ord(text[at]):04X} at position {at} "
            "(an escape like \\ud800 without its pair, or bytes that are not UTF-8)"
        )
    return None


def int_digits(number: int) -> int:
    """Decimal digits of an integer, without converting it to text (which Python refuses
    beyond 4,300 digits); exact up to 10**18, within one digit above."""
    if -(10**18) < number < 10**18:
        return len(str(abs(number)))
    return int(abs(number).bit_length() * 0.30102999566398) + 1


def describe_char(char: str) -> str:
    """U+180E (MONGOLIAN VOWEL SEPARATOR): how an error names a character people cannot see."""
    name = unicodedata.name(char, None)
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def type_name(value: object, *, mapping: str = "a mapping") -> str:
    """What an error calls the type of `value` ("a list", "an integer", "null"); JSON
    documents say `mapping="an object"`."""
    return {
        dict: mapping,
        list: "a list",
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def value_problem(value: Any, limits: Limits, where: str = "") -> tuple[str, str] | None:
    """(path, why) for the first part of a free-form value (props, facets, a parameter)
    that mlg cannot store as JSON, or None.

    Walks without recursion, so neither depth nor a circular YAML anchor can overflow the
    stack, and counts values as they expand, so an alias bomb stops at the limit instead
    of being expanded. Keys must be strings; sets and binary data are not JSON.
    """
    budget = limits.values
    on_path: set[int] = set()
    # (value, path, depth, leaving): `leaving` entries pop a container off the path
    stack: list[tuple[Any, str, int, bool]] = [(value, where, 0, False)]
    while stack:
        item, path, depth, leaving = stack.pop()
        if leaving:
            on_path.discard(id(item))
            continue
        budget -= 1
        if budget < 0:
            return where, limits.exceeded(
                "values", "holds too many values (YAML aliases may expand it far beyond its size)"
            )
        if isinstance(item, str):
            problem = text_problem(item, limits)
            if problem:
                return path, problem
            continue
        if isinstance(item, bool) or item is None or isinstance(item, float | datetime | date):
            continue
        if isinstance(item, int):
            digits = int_digits(item)
            if digits > limits.number_digits:
                return path, limits.exceeded("number_digits", f"is an integer of {digits:,} digits")
            continue
        if isinstance(item, dict | list | tuple):
            if id(item) in on_path:
                return path, "refers to itself (a circular YAML anchor); values must be finite"
            if depth >= limits.nesting:
                return path, limits.exceeded("nesting", f"nests deeper than {limits.nesting} levels")
            on_path.add(id(item))
            stack.append((item, path, depth, True))
            if isinstance(item, dict):
                for key, child in item.items():
                    if not isinstance(key, str):
                        return path, (
                            f"has the key {key!r} ({_kind(key)}); keys must be strings — "
                            "quote it in YAML ('1': ...)"
                        )
                    problem = text_problem(key, limits)
                    if problem:
                        return f"{path}.{key!r}" if path else repr(key), "key " + problem
                    stack.append((child, f"{path}.{key}" if path else key, depth + 1, False))
            else:
                for i, child in enumerate(item):
                    stack.append((child, f"{path}[{i}]", depth + 1, False))
            continue
        if isinstance(item, set | frozenset):
            return path, "is a set (YAML !!set), which JSON cannot hold; use a list"
        if isinstance(item, bytes | bytearray):
            return path, "is binary data (YAML !!binary), which JSON cannot hold; use a string"
        return path, f"is {_kind(item)}, which JSON cannot hold"
    return None


def _kind(value: Any) -> str:
    return {
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        type(None): "null",
        str: "a string",
        datetime: "a timestamp",
        date: "a date",
        tuple: "a list",
    }.get(type(value), f"a {type(value).__name__}")
