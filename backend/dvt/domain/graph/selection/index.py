"""The graph as node selection reads it: every resource by unique_id, its parents and children, grouped
the way dbt's selector methods iterate them. Built once per graph version, read by every selection.

dbt's selection graph holds every enabled resource of the manifest (nodes, sources, exposures, metrics,
semantic models, saved queries, unit tests, functions) with an edge from each `depends_on.nodes` entry to
the resource that names it. A test's `attached_node` adds no edge of its own: the test depends on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dvt.domain.graph.model import GraphNode, Manifest

# The manifest map each resource type lives in; every other type is one of the `nodes` map.
_SECTION_OF_TYPE = {
    "source": "sources",
    "exposure": "exposures",
    "metric": "metrics",
    "semantic_model": "semantic_models",
    "saved_query": "saved_queries",
    "unit_test": "unit_tests",
    "function": "functions",
}
NODES = "nodes"


def section_of(resource_type: str) -> str:
    """The manifest map a resource of this type belongs to: `nodes` for models, seeds, tests, ..."""
    return _SECTION_OF_TYPE.get(resource_type, NODES)


@dataclass(frozen=True, slots=True)
class GraphIndex:
    nodes: Mapping[str, GraphNode]
    parents: Mapping[str, tuple[str, ...]]  # depends_on entries the graph holds, in the manifest's order
    children: Mapping[str, tuple[str, ...]]
    sections: Mapping[str, tuple[str, ...]]  # manifest map -> unique_ids, in the manifest's order
    project_name: str | None = None  # what `package:this` means
    selectors: Mapping[str, Any] = field(default_factory=dict)  # YAML selectors as the manifest holds them
    patch_paths: Mapping[str, str] = field(default_factory=dict)  # unique_id -> YAML file that documents it
    dangling: tuple[tuple[str, str], ...] = ()  # (node, parent) pairs whose parent the graph lacks

    @classmethod
    def from_manifest(cls, manifest: Manifest, *, patch_paths: Mapping[str, str] | None = None) -> GraphIndex:
        return cls.from_nodes(
            manifest.nodes,
            project_name=manifest.metadata.project_name,
            selectors=manifest.selectors,
            patch_paths=patch_paths,
        )

    @classmethod
    def from_nodes(
        cls,
        nodes: Iterable[GraphNode],
        *,
        project_name: str | None = None,
        selectors: Mapping[str, Any] | None = None,
        patch_paths: Mapping[str, str] | None = None,
    ) -> GraphIndex:
        by_id: dict[str, GraphNode] = {}
        sections: dict[str, list[str]] = {}
        for node in nodes:
            by_id[node.unique_id] = node
            sections.setdefault(section_of(node.resource_type), []).append(node.unique_id)
        children: dict[str, list[str]] = {}
        parents: dict[str, tuple[str, ...]] = {}
        dangling: list[tuple[str, str]] = []
        for unique_id, node in by_id.items():
            known = node.depends_on
            for parent in known:
                if parent in by_id:
                    children.setdefault(parent, []).append(unique_id)
                else:  # dbt refuses such a manifest; the readers keep it, so selection skips the edge
                    dangling.append((unique_id, parent))
                    known = tuple(p for p in known if p in by_id)
            if known:
                parents[unique_id] = known
        paths = dict(patch_paths or {})
        for unique_id, node in by_id.items():
            patch = getattr(node, "patch_path", None) or node.extra.get("patch_path")
            if isinstance(patch, str) and unique_id not in paths:
                paths[unique_id] = patch
        return cls(
            nodes=by_id,
            parents=parents,
            children={k: tuple(v) for k, v in children.items()},
            sections={k: tuple(v) for k, v in sections.items()},
            project_name=project_name,
            selectors=dict(selectors or {}),
            patch_paths=paths,
            dangling=tuple(dangling),
        )

    def section(self, *names: str) -> Iterable[str]:
        """The unique_ids of these manifest maps, map by map."""
        for name in names:
            yield from self.sections.get(name, ())
