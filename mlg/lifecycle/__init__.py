"""Where facts came from and how long they held (issue 15).

Every asset, owner link and lineage edge records the sources that assert it
(`sources`, a list of source names). A sync (`Graph.ingest_batch(batch, sync=True)`,
`mlg ingest --sync`) takes its input as the whole truth of each of its sources: what a
source asserted before and no longer does loses that source; an asset or edge that no
source asserts any more is retired, never deleted.

Retired, not lost: an asset keeps its row with `valid_to` set (alive assets have
`valid_to = FOREVER`); a retired edge moves from DEPENDS_ON to RETIRED_DEPENDS_ON with
its [valid_from, valid_to) interval. Today's lineage walks DEPENDS_ON only, so it pays
nothing for history; `include_retired` walks both tables.

Invariant: a DEPENDS_ON edge joins two alive assets. Retiring an asset moves its edges
to RETIRED_DEPENDS_ON (keeping the sources that still assert them: "dormant"); restoring
it, or a source asserting it again, brings back the dormant edges whose other end is
alive, as new intervals.
"""
