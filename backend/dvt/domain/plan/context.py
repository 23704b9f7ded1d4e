"""Everything a policy may look at. Immutable, and built only from the plan's inputs: same inputs, same plan."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from dvt.domain.graph.model import GraphNode
from dvt.domain.graph.order import topological_ranks
from dvt.domain.plan.plan import Action, Decision, Estimate, PlanRequest

RUNNABLE = frozenset({"model", "seed", "snapshot", "test", "unit_test"})


@dataclass(frozen=True, slots=True)
class NodeHistory:
    """What the environment's past runs say about one node."""

    last_success_at: str | None = None  # ISO timestamp of the end of its last successful execution
    # How the node differs now from the node that last succeeded, by dbt's `state:modified` rules (its
    # sub-kinds: body, configs, relation, ...). Empty: the same definition. None: no success on record.
    changed_since_success: frozenset[str] | None = None
    last_status: str | None = None
    durations_ms: tuple[int, ...] = ()  # recent successful execution times, newest first


@dataclass(frozen=True, slots=True)
class PolicyConfig:
    """An environment's settings of the built-in and plugged-in policies, by policy id."""

    settings: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def of(self, policy: str) -> Mapping[str, Any]:
        return self.settings.get(policy, {})

    def enabled(self, policy: str, default: bool = True) -> bool:
        return bool(self.of(policy).get("enabled", default))


@dataclass(frozen=True, slots=True)
class PlanContext:
    request: PlanRequest
    nodes: Mapping[str, GraphNode]  # the head graph, by unique_id
    node_uuids: Mapping[str, uuid.UUID]
    parents: Mapping[str, tuple[str, ...]]  # within the head graph (dangling parents dropped)
    children: Mapping[str, tuple[str, ...]]
    selected: frozenset[str]
    selection_reasons: Mapping[str, tuple[str, ...]]
    new_nodes: frozenset[str]  # not in the base version
    modifications: Mapping[str, frozenset[str]]  # unique_id -> dbt's state:modified sub-kinds vs the base
    history: Mapping[str, NodeHistory]
    freshness: Mapping[str, str]  # source unique_id -> max_loaded_at (ISO) of its latest freshness check
    estimates: Mapping[str, Estimate]
    budget_remaining_micros: int | None
    config: PolicyConfig
    actions: Mapping[str, Action] = field(default_factory=dict)  # the tentative plan, before this policy
    priorities: Mapping[str, int] = field(default_factory=dict)
    # The head graph's topological ranks (`topological_ranks`), which a server keeps with the graph version;
    # empty: worked out when asked.
    ranks: Mapping[str, int] = field(default_factory=dict)
    # The selection's own decision per selected node, in unique_id order (`engine.selection_decisions`), which
    # a server keeps with the selection; empty: made when the policies run.
    selection_decided: Mapping[str, Decision] = field(default_factory=dict)

    def with_tentative(self, actions: Mapping[str, Action], priorities: Mapping[str, int]) -> PlanContext:
        return replace(self, actions=dict(actions), priorities=dict(priorities))

    def parents_first(self, unique_ids: Iterable[str]) -> list[str]:
        """These nodes, each after its parents among them. Any such order: what is decided in it is decided
        per node from its parents' outcome alone, so every parents-first order gives the same plan."""
        ranks = self.ranks or topological_ranks(self.nodes, self.parents, self.children)
        return sorted((uid for uid in unique_ids if uid in ranks), key=ranks.__getitem__)

    def planned(self) -> list[str]:
        """Nodes the tentative plan executes (RUN or PARTIAL), in unique_id order."""
        return sorted(uid for uid, action in self.actions.items() if action is not Action.SKIP)
