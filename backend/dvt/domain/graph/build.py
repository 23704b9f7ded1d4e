"""From a manifest's resources to the LogicalGraph's edges, refusing cycles, warning on dangling parents."""

from __future__ import annotations

from collections import Counter
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
    warnings: list[str] = []
    for node in manifest.nodes:
        kind = EdgeKind.TESTS if node.resource_type in TEST_TYPES else EdgeKind.DEPENDS_ON
        parents = node.depends_on
        if node.tested_node and node.tested_node not in parents:
            parents = (*parents, node.tested_node)
        if len(parents) > 1:
            parents = tuple(dict.fromkeys(parents))  # one edge per (parent, child), whatever the file repeats
        for parent in parents:
            if parent not in known:
                # Real manifests hold these (disabled or cross-project nodes): keep going, say so.
                warnings.append(f"{node.unique_id} depends on {parent}, which the manifest does not hold")
                continue
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
    """One cycle as a closed path of unique_ids, or None. Kahn's algorithm first, as cycles are rare.

    On positions rather than unique_ids: a manifest of 15,000 nodes is checked on every ingestion.
    """
    index_of = {n: i for i, n in enumerate(nodes)}
    children: list[list[int]] = [[] for _ in index_of]
    indegree = [0] * len(index_of)
    for edge in edges:
        child = index_of[edge.child]
        children[index_of[edge.parent]].append(child)
        indegree[child] += 1
    ready = [i for i, d in enumerate(indegree) if d == 0]
    removed = 0
    while ready:  # the order nodes leave in does not matter: only whether all of them do
        at = ready.pop()
        removed += 1
        for child in children[at]:
            indegree[child] -= 1
            if indegree[child] == 0:
                ready.append(child)
    if removed == len(index_of):
        return None
    # Every node left has a parent that is left too: walk up parents until one repeats.
    remaining = {n for n, i in index_of.items() if indegree[i] > 0}
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
