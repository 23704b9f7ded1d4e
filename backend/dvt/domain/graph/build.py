"""From a manifest's resources to the LogicalGraph's edges, refusing cycles, warning on dangling parents."""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass

from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import EdgeKind, GraphNode, Manifest

TEST_TYPES = frozenset({"test", "unit_test"})


@dataclass(frozen=True, slots=True)
class Edge:
    parent: str  # unique_id
    child: str
    kind: EdgeKind


@dataclass(frozen=True, slots=True)
class LogicalGraph:
    nodes: tuple[GraphNode, ...]
    edges: tuple[Edge, ...]
    warnings: tuple[str, ...]


def root_project(manifest: Manifest) -> str | None:
    """The dbt project a manifest describes: as its metadata names it, else (older manifests do not) the
    package most of its models belong to."""
    if manifest.metadata.project_name:
        return manifest.metadata.project_name
    packages = Counter(n.package_name for n in manifest.nodes if n.resource_type == "model")
    return packages.most_common(1)[0][0] if packages else None


def build_graph(manifest: Manifest, file_name: str) -> LogicalGraph:
    known = {node.unique_id for node in manifest.nodes}
    edges: list[Edge] = []
    seen: set[tuple[str, str]] = set()
    warnings: list[str] = []
    for node in manifest.nodes:
        kind = EdgeKind.TESTS if node.resource_type in TEST_TYPES else EdgeKind.DEPENDS_ON
        parents = node.depends_on
        if node.tested_node and node.tested_node not in parents:
            parents = (*parents, node.tested_node)
        for parent in parents:
            if parent not in known:
                # Real manifests hold these (disabled or cross-project nodes): keep going, say so.
                warnings.append(f"{node.unique_id} depends on {parent}, which the manifest does not hold")
                continue
            if (parent, node.unique_id) in seen:
                continue
            seen.add((parent, node.unique_id))
            edges.append(Edge(parent, node.unique_id, kind))
    cycle = find_cycle(known, edges)
    if cycle:
        raise ArtifactError(
            file_name,
            "dependency cycle: " + " -> ".join(cycle),
            kind="manifest",
            schema_version=manifest.metadata.schema_version,
        )
    return LogicalGraph(manifest.nodes, tuple(edges), tuple(warnings))


def find_cycle(nodes: set[str], edges: list[Edge]) -> list[str] | None:
    """One cycle as a closed path of unique_ids, or None. Kahn's algorithm first, as cycles are rare."""
    children: dict[str, list[str]] = {n: [] for n in nodes}
    indegree = dict.fromkeys(nodes, 0)
    for edge in edges:
        children[edge.parent].append(edge.child)
        indegree[edge.child] += 1
    queue = deque(n for n, d in indegree.items() if d == 0)
    removed = 0
    while queue:
        current = queue.popleft()
        removed += 1
        for child in children[current]:
            indegree[child] -= 1
            if indegree[child] == 0:
                queue.append(child)
    if removed == len(nodes):
        return None
    # Every node left has a parent that is left too: walk up parents until one repeats.
    remaining = {n for n, d in indegree.items() if d > 0}
    parents: dict[str, list[str]] = {n: [] for n in remaining}
    for edge in edges:
        if edge.child in remaining and edge.parent in remaining:
            parents[edge.child].append(edge.parent)
    path: list[str] = []
    position: dict[str, int] = {}
    current = min(remaining)
    while current not in position:
        position[current] = len(path)
        path.append(current)
        current = min(parents[current])
    loop = path[position[current] :]
    loop.reverse()  # we walked upstream; print it downstream
    first = loop.index(min(loop))  # start at the smallest id, so the message is always the same
    loop = loop[first:] + loop[:first]
    return [*loop, loop[0]]
