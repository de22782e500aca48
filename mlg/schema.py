"""The lifecycle graph's vocabulary, backend-neutral (DESIGN §2): kinds, relations and
the rules between them, the columns of each table, the schema version. Each backend
turns it into its own tables (Kuzu: mlg/store/kuzu/schema.py, its DDL and upgrade
steps)."""

from __future__ import annotations

# 2: runs (Run, RUN_OF, RUN_IO) and dataset aliases (AssetAlias)
# 3: Asset.gen, the generation that last wrote each asset (mlg/generation.py); no Kuzu FTS index
# 4: sources, valid_from/valid_to, placeholders, RETIRED_DEPENDS_ON (mlg/lifecycle, issue 15)
# 5: OpenLineage ids with the namespace escaped (mlg.qualified_ids; issue 14): a step of
#    Python, not statements (mlg.store.kuzu.qualified_upgrade.upgrade_to_5)
# 6: owner links with a lifetime: OWNED_BY.valid_from, OwnerLinkHistory (issue 15)
# (each step's statements: mlg.store.kuzu.schema.UPGRADES)
SCHEMA_VERSION = 6

KINDS: tuple[str, ...] = (
    "dataset",
    "feature",
    "model",
    "evaluation",
    "workflow",
    "service",
    "experiment",
)

OWNER_KINDS: tuple[str, ...] = ("team", "person")

# relation type -> allowed (from kind, to kind) pairs. Every edge points from the
# dependent asset to what it depends on, so "upstream" follows edges forward.
RELATION_RULES: dict[str, frozenset[tuple[str, str]]] = {
    "derived_from": frozenset({("dataset", "dataset"), ("feature", "feature")}),
    "computed_from": frozenset({("feature", "dataset")}),
    "trained_on": frozenset({("model", "dataset")}),
    "uses_feature": frozenset({("model", "feature")}),
    "based_on": frozenset({("model", "model")}),
    "evaluates": frozenset({("evaluation", "model")}),
    "evaluated_on": frozenset({("evaluation", "dataset")}),
    "produced_by": frozenset({(k, "workflow") for k in ("dataset", "feature", "model", "evaluation")}),
    # a service reads what it looks up at serving time (Backstage's dependsOn a resource)
    "reads": frozenset(
        {("workflow", k) for k in ("dataset", "feature", "model")}
        | {("service", "dataset"), ("service", "feature")}
    ),
    "serves": frozenset({("service", "model")}),
    "calls": frozenset({("service", "service")}),
    "tests": frozenset({("experiment", "model"), ("experiment", "service")}),
    # job hierarchy (OpenLineage's parent run facet): a task is part of its DAG, a dbt
    # model of its dbt run, a dbt test (an evaluation) of its dbt run
    "part_of": frozenset({("workflow", "workflow"), ("evaluation", "workflow")}),
}

RELATION_TYPES: tuple[str, ...] = tuple(RELATION_RULES)

DEFAULT_OWNER_ROLE = "owner"

# Columns of the Asset node table, in table order. Shared by the DDL, the ingest
# writer and the readers so that the three cannot drift apart.
ASSET_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "STRING"),
    ("kind", "STRING"),
    ("name", "STRING"),
    ("namespace", "STRING"),
    ("family", "STRING"),
    ("version", "STRING"),
    ("description", "STRING"),
    ("domain", "STRING"),
    ("tags", "STRING[]"),
    ("props", "STRING"),
    ("created_at", "TIMESTAMP"),
    ("updated_at", "TIMESTAMP"),
)
# Optional text that mlg writes as "" instead of NULL, and reads back as None.
# Kuzu 0.11.3 corrupts a STRING column when a NULL is inserted after an update wrote
# a value into it: every later read of the column segfaults (an update of one asset's
# description, then a new asset without one — the crash of issue 9, which the old
# full-text index was merely the first to read). "" never reaches the graph as a
# value: validation drops blank text.
BLANK_FOR_NULL: dict[str, tuple[str, ...]] = {
    "Asset": ("namespace", "family", "version", "description", "domain", "props"),
    "Owner": ("email",),
}
# An asset's optional texts: read back as None where stored blank, on every backend.
OPTIONAL_TEXT = ("namespace", "family", "version", "description", "domain")

# Not one of ASSET_COLUMNS: bookkeeping for the derived indexes, never part of an Asset.
ASSET_GENERATION = ("gen", "INT64")
OWNER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "STRING"),
    ("kind", "STRING"),
    ("name", "STRING"),
    ("email", "STRING"),
)
# The stored properties of a DEPENDS_ON edge. Its ends are its `source` (the dependent)
# and `target` (what it depends on) in every result (mlg.subgraph.EDGE_COLUMNS); the
# property named `source` here is who asserted the edge (a manifest file, an OpenLineage
# producer): the name manifests and Cypher use, kept for them.
RELATION_PROPERTIES: tuple[tuple[str, str], ...] = (
    ("type", "STRING"),
    ("source", "STRING"),
    ("first_seen", "TIMESTAMP"),
    ("last_seen", "TIMESTAMP"),
)
# One execution of a workflow (an OpenLineage run). Runs hang off their workflow by
# RUN_OF and name the assets they read and wrote by RUN_IO; neither is lineage, so
# closures (which follow DEPENDS_ON only) never traverse them.
RUN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "STRING"),
    ("workflow", "STRING"),
    ("state", "STRING"),
    ("started_at", "TIMESTAMP"),
    ("ended_at", "TIMESTAMP"),
    ("last_event_at", "TIMESTAMP"),
    ("error", "STRING"),
    ("producer", "STRING"),
    ("facets", "STRING"),  # JSON object of run facets
)
RUN_IO_DIRECTIONS: tuple[str, ...] = ("input", "output")
# The states a run record may hold: OpenLineage's event types (mlg.openlineage.events).
RUN_STATES: tuple[str, ...] = ("START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER")


# Tables every mlg graph has; a Kuzu file without MlgMeta is not an mlg graph.
META_TABLE = "MlgMeta"
