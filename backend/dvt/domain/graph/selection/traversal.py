"""The graph operators: `+` (parents), `+` suffix (children), `N+`/`+N` (to a depth) and `@` (the children
and all their parents), walked layer by layer as dbt's Graph.select_parents/select_children do.

A start node is only part of the answer when another start node reaches it. `via`, when given, records
for each node reached the node it was reached from, so explanations can name a path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def walk(
    edges: Mapping[str, tuple[str, ...]],
    start: Iterable[str],
    max_depth: int | None = None,
    via: dict[str, str] | None = None,
) -> set[str]:
    found: set[str] = set()
    layer = set(start)
    depth = 0
    while layer and (max_depth is None or depth < max_depth):
        next_layer: set[str] = set()
        # With explanations, walk a layer in order: the node a path names must not depend on set order
        # (which changes with each process's hash seed), or a plan's fingerprint would too.
        for node in sorted(layer) if via is not None else layer:
            for other in edges.get(node, ()):
                if other not in found and other not in next_layer:
                    next_layer.add(other)
                    if via is not None:
                        via.setdefault(other, node)
        found |= next_layer
        layer = next_layer
        depth += 1
    return found
