"""The embedded Kuzu backend of the storage port: every line of Kuzu Cypher and every
Kuzu workaround of mlg lives in this package, each workaround next to its reason."""
