"""MCP resources: the graph's vocabulary (`mlg://schema`) and one asset (`mlg://asset/{id}`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from mlg.schema import KINDS, OWNER_KINDS, RELATION_RULES

if TYPE_CHECKING:
    from mcp.server import MCPServer

    from mlg.mcp.access import GraphAccess

SCHEMA_URI = "mlg://schema"
ASSET_URI = "mlg://asset/{+asset_id}"  # `+`: ids hold ':' '/' '@', which stay as they are

KIND_MEANINGS: dict[str, str] = {
    "dataset": "a table, file set or stream of data",
    "feature": "a feature (feature store view or column) computed for models",
    "model": "a trained model version",
    "evaluation": "an evaluation run or report of a model",
    "workflow": "a pipeline or job that reads and writes assets (Airflow DAG, Spark job, ...)",
    "service": "a production system: serves models, calls other services",
    "experiment": "an A/B test of a model or a service",
}

RELATION_MEANINGS: dict[str, str] = {
    "derived_from": "built from",
    "computed_from": "feature computed from data",
    "trained_on": "training data",
    "uses_feature": "model input",
    "based_on": "fine-tuned, distilled or ensemble member of",
    "evaluates": "evaluation of a model",
    "evaluated_on": "evaluation data",
    "produced_by": "which workflow wrote it",
    "reads": "workflow input",
    "serves": "production system serving a model",
    "calls": "service dependency",
    "tests": "A/B test of a model or service",
    "part_of": "task of a DAG, model or test of a dbt run (OpenLineage parent)",
}


def schema_description() -> dict[str, Any]:
    """Kinds, relation types (allowed kinds at each end, meaning) and how to read edges."""
    return {
        "edges": (
            "every edge points from the dependent asset to what it depends on: upstream means "
            "following edges forward (what it is built from), downstream backward (what depends "
            "on it, what a change breaks)"
        ),
        "asset_ids": "'<kind>:<name>[@<version>]', e.g. dataset:raw.playback_events; tools take an "
        "id or a name that matches exactly one asset",
        "kinds": [{"kind": k, "meaning": KIND_MEANINGS.get(k, "")} for k in KINDS],
        "relation_types": [
            {
                "type": rel,
                "meaning": RELATION_MEANINGS.get(rel, ""),
                "from_to": sorted(f"{a}->{b}" for a, b in pairs),
            }
            for rel, pairs in RELATION_RULES.items()
        ],
        "owner_kinds": list(OWNER_KINDS),
        "ownership": "owners (teams and people) hang off assets; ownership is never lineage",
    }


def register_resources(server: MCPServer, access: GraphAccess, limit: int = 50) -> None:
    """Add the schema and the asset resources to `server`."""
    from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
    from mcp.server.mcpserver.resources import ResourceSecurity

    from mlg.errors import AssetNotFound, MlgError
    from mlg.mcp.answers import detail_answer

    @server.resource(
        SCHEMA_URI,
        name="schema",
        title="mlg schema",
        description="Asset kinds, relation types and what each means; how edges point.",
        mime_type="application/json",
    )
    def schema() -> str:
        return json.dumps(schema_description(), ensure_ascii=False)

    @server.resource(
        ASSET_URI,
        name="asset",
        title="one asset",
        description="Everything about one asset (as the show tool): fields, owners, versions, "
        "direct upstream and downstream. The id is percent-encoded where needed.",
        mime_type="application/json",
        # The id only ever reaches a query parameter, never the file system: ids such as
        # 'dataset:s3://bucket/x' are not path traversal.
        security=ResourceSecurity(exempt_params={"asset_id"}),
    )
    def asset(asset_id: str) -> str:
        try:
            with access.reading() as graph:
                answer = detail_answer(graph.detail(asset_id), limit)
        except AssetNotFound as exc:
            raise ResourceNotFoundError(str(exc)) from None
        except MlgError as exc:
            raise ResourceError(str(exc)) from None
        return json.dumps(answer, ensure_ascii=False, default=str)
