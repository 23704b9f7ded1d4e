"""Reading a whole graph version, and one node's lineage, the way a client does: through GraphQL.

The whole graph is read two ways: the `graph` field, one request for one document (the LogicalGraph
contract, built by PostgreSQL), which is what the target is judged on; and paging the `nodes` and
`edges` connections, kept for comparison. The same reads straight from the application layer
(GraphQueries, no GraphQL) serve as the baselines that show what GraphQL itself costs.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import orjson

from dvt.application.access import Access
from dvt.application.ports import NodeFilter
from dvt.application.services import Services
from dvt.domain.tenancy import TenantScope

NODE_FIELDS = "id nodeUuid uniqueId name resourceType packageName path tags materialized"
EDGE_FIELDS = "parentUuid childUuid kind"
PAGE = 10_000  # the server's maximum page size
CONTRACT = "dvt.logical-graph.v1"

DOCUMENT_QUERY = "query($id: ID!) { graphVersion(id: $id) { graph } }"

LINEAGE_QUERY = f"""
query Lineage($id: ID!, $node: UUID!) {{
  graphVersion(id: $id) {{
    lineage(nodeUuid: $node, upstream: 1, downstream: 1) {{
      nodes {{ {NODE_FIELDS} }}
      edges {{ {EDGE_FIELDS} }}
    }}
  }}
}}
"""

Post = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class GraphRead:
    nodes: int
    edges: int
    requests: int
    response_bytes: int


def poster(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[Post, list[int]]:
    """POST a query and decode the answer with orjson; the list collects the size of every response."""
    sizes: list[int] = []

    async def post(query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await client.post(
            "/graphql",
            content=orjson.dumps({"query": query, "variables": variables}),
            headers={"content-type": "application/json", **headers},
        )
        sizes.append(len(response.content))
        if response.status_code != 200:
            raise RuntimeError(f"GraphQL answered {response.status_code}: {response.text[:500]}")
        body: dict[str, Any] = orjson.loads(response.content)
        if body.get("errors"):
            raise RuntimeError(f"GraphQL errors: {body['errors']}")
        data: dict[str, Any] = body["data"]
        return data

    return post, sizes


VERSION_ID_QUERY = """
query Version($project: String!, $environment: String!) {
  environment(project: $project, slug: $environment) { latestGraphVersion { id } }
}
"""


async def version_global_id(post: Post, project: str, environment: str) -> str:
    """The GraphQL id of the environment's latest version, as `graphVersion(id:)` takes it."""
    found = (await post(VERSION_ID_QUERY, {"project": project, "environment": environment}))["environment"]
    if not found or not found["latestGraphVersion"]:
        raise RuntimeError(f"no graph version in {project}/{environment}")
    global_id: str = found["latestGraphVersion"]["id"]
    return global_id


def _graph_query(with_nodes: bool, with_edges: bool) -> str:
    variables = ["$id: ID!"]
    parts = []
    if with_nodes:
        variables.append("$nodesAfter: String")
        parts.append(
            f"nodes(first: {PAGE}, after: $nodesAfter) {{ nodes {{ {NODE_FIELDS} }} "
            "pageInfo { hasNextPage endCursor } }"
        )
    if with_edges:
        variables.append("$edgesAfter: String")
        parts.append(
            f"edges(first: {PAGE}, after: $edgesAfter) {{ nodes {{ {EDGE_FIELDS} }} "
            "pageInfo { hasNextPage endCursor } }"
        )
    return f"query Graph({', '.join(variables)}) {{ graphVersion(id: $id) {{ {' '.join(parts)} }} }}"


def _document_read(document: dict[str, Any], requests: int, response_bytes: int) -> GraphRead:
    if document.get("contract") != CONTRACT:
        raise RuntimeError(f"the graph document is not a {CONTRACT}: {str(document)[:200]}")
    return GraphRead(len(document["nodes"]), len(document["edges"]), requests, response_bytes)


async def graph_document(post: Post, sizes: list[int], version_id: str) -> GraphRead:
    """The whole version in ONE request: `graphVersion(id:) { graph }`, decoded by the client with orjson."""
    sizes.clear()
    version = (await post(DOCUMENT_QUERY, {"id": version_id}))["graphVersion"]
    if version is None:
        raise RuntimeError(f"graphVersion(id: {version_id!r}) found nothing")
    return _document_read(version["graph"], 1, sum(sizes))


async def graph_document_direct(services: Services, scope: TenantScope, version_id: uuid.UUID) -> GraphRead:
    """The same document from GraphQueries.document: PostgreSQL's one statement and its parse, no GraphQL."""
    document = await services.graph.document(Access.system(scope), version_id)
    if document.get("graph_version_id") != str(version_id):
        raise RuntimeError(f"asked for version {version_id}, got {document.get('graph_version_id')}")
    return _document_read(document, 1, 0)


async def whole_graph(post: Post, sizes: list[int], version_id: str) -> GraphRead:
    """Every node and every edge of the version through the connections: one request per page, nodes and
    edges paged together (for comparison with the one-document read)."""
    nodes_after: str | None = None
    edges_after: str | None = None
    more_nodes = more_edges = True
    n_nodes = n_edges = requests = 0
    sizes.clear()
    while more_nodes or more_edges:
        variables: dict[str, Any] = {"id": version_id}
        if more_nodes:
            variables["nodesAfter"] = nodes_after
        if more_edges:
            variables["edgesAfter"] = edges_after
        version = (await post(_graph_query(more_nodes, more_edges), variables))["graphVersion"]
        if version is None:
            raise RuntimeError(f"graphVersion(id: {version_id!r}) found nothing")
        requests += 1
        if more_nodes:
            n_nodes += len(version["nodes"]["nodes"])
            info = version["nodes"]["pageInfo"]
            more_nodes, nodes_after = info["hasNextPage"], info["endCursor"]
        if more_edges:
            n_edges += len(version["edges"]["nodes"])
            info = version["edges"]["pageInfo"]
            more_edges, edges_after = info["hasNextPage"], info["endCursor"]
    return GraphRead(n_nodes, n_edges, requests, sum(sizes))


async def lineage(post: Post, version_id: str, node: uuid.UUID) -> tuple[int, int]:
    found = (await post(LINEAGE_QUERY, {"id": version_id, "node": str(node)}))["graphVersion"]["lineage"]
    return len(found["nodes"]), len(found["edges"])


async def whole_graph_direct(services: Services, scope: TenantScope, version_id: uuid.UUID) -> GraphRead:
    """The same pages from GraphQueries: the database and the repository, without GraphQL."""
    n_nodes = n_edges = requests = 0
    after: str | None = None
    while True:
        page = await services.graph.nodes(Access.system(scope), version_id, NodeFilter(), after, PAGE)
        requests += 1
        n_nodes += len(page.items)
        if not page.has_next:
            break
        after = page.items[-1].unique_id
    anchor: tuple[uuid.UUID, uuid.UUID] | None = None
    while True:
        edges = await services.graph.edges(Access.system(scope), version_id, anchor, PAGE)
        requests += 1
        n_edges += len(edges.items)
        if not edges.has_next:
            break
        anchor = (edges.items[-1].parent_uuid, edges.items[-1].child_uuid)
    return GraphRead(n_nodes, n_edges, requests, 0)


async def lineage_direct(
    services: Services, scope: TenantScope, version_id: uuid.UUID, node: uuid.UUID
) -> tuple[int, int]:
    nodes, edges = await services.graph.lineage(Access.system(scope), version_id, node, 1, 1)
    return len(nodes), len(edges)


def mid_dag_model(document: dict[str, Any]) -> str:
    """A model in the middle of the DAG: an intermediate model with model parents and model children,
    the middle one of those in unique_id order (so every run of the same project picks the same)."""
    nodes = document["nodes"]
    children = document.get("child_map", {})

    def is_model(unique_id: str) -> bool:
        return unique_id.startswith("model.")

    candidates = sorted(
        uid
        for uid, node in nodes.items()
        if is_model(uid)
        and node.get("name", "").startswith("int_")
        and any(is_model(p) for p in node.get("depends_on", {}).get("nodes", []))
        and any(is_model(c) for c in children.get(uid, []))
    )
    if not candidates:  # tiny projects: any model with a parent and a child
        candidates = sorted(
            uid
            for uid, node in nodes.items()
            if is_model(uid) and node.get("depends_on", {}).get("nodes") and children.get(uid)
        )
    if not candidates:
        candidates = sorted(uid for uid in nodes if is_model(uid))
    middle: str = candidates[len(candidates) // 2]
    return middle
