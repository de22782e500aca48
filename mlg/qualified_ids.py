"""Ids of assets named by a namespace and a name: OpenLineage datasets and jobs, and the
datasets the connectors name the same way (mlg.connectors.identity).

The id is `<kind>:<namespace>/<name>` with the namespace escaped so that the first `/`
after it always ends it, and no two (namespace, name) pairs share an id:

- `%` is written `%25`, every `/` `%2F` - except the `//` of a leading `scheme://`
  followed by more than a `/` (`s3://bucket`, `postgres://host:5432` stay as they are);
- a namespace ending in `:` ends in `%3A` (else `s3:` + `//x/y` would read as `s3://x`);
- the name is kept as it is: everything after that `/` is the name.

So `(s3://bucket, dir/file.csv)` is `dataset:s3://bucket/dir/file.csv` and
`(s3://bucket/dir, file.csv)` is `dataset:s3://bucket%2Fdir/file.csv`; job namespace
`a/x` + name `y` is `workflow:a%2Fx/y`, `a` + `x/y` is `workflow:a/x/y`. The ids of the
usual namespaces (a scheme and an authority, or a plain word) are the ones schema 4
gave (`<kind>:<namespace>/<name>` unescaped); mlg.store.kuzu.qualified_upgrade re-keys
the others.

People write such a dataset as namespace + "/" + name (`s3://bucket/dir/file.csv`):
`written_form` shows an id that way and `candidates` lists the ids a written name may
stand for (Graph.resolve tries them). Bottom layer: imports nothing of mlg.
"""

from __future__ import annotations

import re

# the kinds whose ids OpenLineage and the connectors make from a namespace and a name
QUALIFIED_KINDS: tuple[str, ...] = ("dataset", "workflow", "evaluation")

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?=[^/])")
_ESCAPE = re.compile(r"%(25|2F|3A)", re.IGNORECASE)
_UNESCAPED = {"25": "%", "2F": "/", "3A": ":"}


def qualified_id(kind: str, namespace: str, name: str) -> str:
    """The id of the `kind` asset named `name` in `namespace` (the rule above)."""
    return f"{kind}:{escape_namespace(namespace)}/{name}"


def escape_namespace(namespace: str) -> str:
    """`namespace` as it stands in an id: no `/` but a leading `scheme://`'s, no final `:`."""
    text = namespace.replace("%", "%25")
    match = _SCHEME.match(text)
    head, rest = (text[: match.end()], text[match.end() :]) if match else ("", text)
    rest = rest.replace("/", "%2F")
    if rest.endswith(":"):
        rest = rest[:-1] + "%3A"
    return head + rest


def split_qualified(asset_id: str) -> tuple[str, str, str] | None:
    """(kind, namespace, name) of an id made by `qualified_id`, else None."""
    kind, sep, rest = asset_id.partition(":")
    if not sep or not kind:
        return None
    match = _SCHEME.match(rest)
    cut = rest.find("/", match.end() if match else 0)
    if cut < 0:
        return None
    namespace = _ESCAPE.sub(lambda m: _UNESCAPED[m.group(1).upper()], rest[:cut])
    parts = (kind, namespace, rest[cut + 1 :])
    return parts if qualified_id(*parts) == asset_id else None


def written_form(asset_id: str) -> str:
    """The id as people write it: the namespace unescaped (`dataset:s3://bucket/dir/f.csv`
    for `dataset:s3://bucket%2Fdir/f.csv`); any other id as it is."""
    parts = split_qualified(asset_id)
    if parts is None:
        return asset_id
    kind, namespace, name = parts
    return f"{kind}:{namespace}/{name}"


def people_write(asset_id: str) -> str | None:
    """How people write the dataset or job of an id whose namespace is escaped
    (`s3://bucket/dir/file.csv` for `dataset:s3://bucket%2Fdir/file.csv`): namespace/name,
    which Graph.resolve takes; None for any other id (it is written as it is)."""
    parts = split_qualified(asset_id)
    if parts is None or written_form(asset_id) == asset_id:
        return None
    return f"{parts[1]}/{parts[2]}"


def candidates(text: str) -> list[str]:
    """The ids `text` may stand for when written as namespace/name, with or without a
    kind (`s3://bucket/dir/file.csv`, `dataset:s3://bucket/dir/file.csv`): one for each
    `/` that may end the namespace, in order; `text` itself left out."""
    kind, sep, rest = text.partition(":")
    if sep and kind in QUALIFIED_KINDS:
        kinds, written = (kind,), rest
    else:
        kinds, written = QUALIFIED_KINDS, text
    found: list[str] = []
    for at, char in enumerate(written):
        if char == "/":
            for k in kinds:
                candidate = qualified_id(k, written[:at], written[at + 1 :])
                if candidate != text and candidate not in found:
                    found.append(candidate)
    return found
