"""A topological order of a whole graph version, as ranks: worked out once per version, it orders any subset.

Ranking the whole graph once and sorting a selection by rank gives a parents-first order of that selection
(a parent always ranks below its children), in C-speed sorting instead of a walk per plan.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping


def topological_ranks(
    nodes: Iterable[str], parents: Mapping[str, tuple[str, ...]], children: Mapping[str, tuple[str, ...]]
) -> dict[str, int]:
    """unique_id -> rank, parents below children (Kahn's algorithm). Nodes on or below a cycle get no rank:
    dbt refuses such a graph, and what cannot be ordered is not ordered here either."""
    waiting = {uid: len(parents.get(uid, ())) for uid in nodes}
    ready = deque(uid for uid, count in waiting.items() if count == 0)
    ranks: dict[str, int] = {}
    while ready:
        uid = ready.popleft()
        ranks[uid] = len(ranks)
        for child in children.get(uid, ()):
            if child in waiting:
                waiting[child] -= 1
                if waiting[child] == 0:
                    ready.append(child)
    return ranks
