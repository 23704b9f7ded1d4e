"""From a manifest's resources to the LogicalGraph's edges, refusing cycles, warning on dangling parents."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from dvt.domain.errors import ArtifactError
from dvt.domain.graph.model import ArtifactMetadata, EdgeKind, GraphNode, Manifest

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


class Linked(Protocol):
    """What linking reads of a node: a GraphNode, or an ingestion's NodeOutline."""

    @property
    def unique_id(self) -> str: ...
    @property
    def resource_type(self) -> str: ...
    @property
    def package_name(self) -> str: ...
    @property
    def depends_on(self) -> tuple[str, ...]: ...
    @property
    def tested_node(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Links:
    edges: tuple[Edge, ...]
    warnings: tuple[str, ...]
    project_name: str | None  # as root_project names it


def root_project(manifest: Manifest) -> str | None:
    """The dbt project a manifest describes: as its metadata names it, else (older manifests do not) the
    package most of its models belong to."""
    return _project(manifest.metadata, manifest.nodes)


def _project(metadata: ArtifactMetadata, nodes: Sequence[Linked]) -> str | None:
    if metadata.project_name:
        return metadata.project_name
    packages = Counter(n.package_name for n in nodes if n.resource_type == "model")
    return packages.most_common(1)[0][0] if packages else None


def build_graph(manifest: Manifest, file_name: str) -> LogicalGraph:
    links = link(manifest.nodes, manifest.metadata, file_name)
    return LogicalGraph(manifest.nodes, links.edges, links.warnings)


def link(nodes: Sequence[Linked], metadata: ArtifactMetadata, file_name: str) -> Links:
    """The edges between a manifest's nodes, refusing cycles, warning on parents it does not hold."""
    known = {node.unique_id for node in nodes}
    edges: list[Edge] = []
    warnings: list[str] = []
    for node in nodes:
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
            schema_version=metadata.schema_version,
        )
    return Links(tuple(edges), tuple(warnings), _project(metadata, nodes))


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
