"""The policy engine: deterministic, in a declared order, with one written precedence rule.

Precedence: every selected node starts as RUN. Policies run in their declared order; each sees the
actions the policies before it settled on. A decision with an action replaces the node's current action,
unless an earlier decision on that node was `final` — then it is recorded but changes nothing. So a later
policy outranks an earlier one, and a final decision outranks everything after it. Within a policy,
decisions apply in unique_id order; a node's decisions are listed in the order they were made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Protocol

from dvt.domain.graph.model import GraphNode
from dvt.domain.plan.context import RUNNABLE, PlanContext
from dvt.domain.plan.plan import Action, ApprovalRequirement, Decision, PolicyRef

DEFAULT_PRIORITY = 1


class Policy(Protocol):
    id: str
    version: str

    def evaluate(self, context: PlanContext) -> list[Decision]:
        """Pure: the same context gives the same decisions, in any process."""
        ...


@dataclass(frozen=True, slots=True)
class Outcome:
    actions: dict[str, Action]
    decisions: dict[str, list[Decision]]
    priorities: dict[str, int]
    approvals: tuple[ApprovalRequirement, ...]
    policies: tuple[PolicyRef, ...]


def selection_decisions(
    nodes: Mapping[str, GraphNode], selected: Iterable[str], reasons: Mapping[str, tuple[str, ...]]
) -> dict[str, Decision]:
    """The selection's decision on each selected node, in unique_id order. It follows from the graph and the
    selection alone, so a server keeps it with the selection (`PlanContext.selection_decided`)."""
    return {uid: _selected(nodes, reasons, uid) for uid in sorted(selected)}


def _selected(nodes: Mapping[str, GraphNode], selection_reasons: Mapping[str, tuple[str, ...]], uid: str) -> Decision:
    reasons = ", ".join(selection_reasons.get(uid, ("the request",)))
    if nodes[uid].resource_type in RUNNABLE:
        return Decision(uid, "selection", "SELECTED", f"selected by {reasons}", Action.RUN)
    # Sources, exposures, metrics...: part of the selection (dbt lists them) but dbt build executes nothing.
    return Decision(
        uid, "selection", "NOT_EXECUTED", f"selected by {reasons}; dbt build executes nothing for it", Action.SKIP, True
    )


_by_node = attrgetter("unique_id")


def run_policies(context: PlanContext, policies: Sequence[Policy]) -> Outcome:
    first = context.selection_decided or selection_decisions(context.nodes, context.selected, context.selection_reasons)
    decisions: dict[str, list[Decision]] = {uid: [decision] for uid, decision in first.items()}
    actions = {uid: found[0].action or Action.RUN for uid, found in decisions.items()}
    priorities = dict.fromkeys(actions, DEFAULT_PRIORITY)
    locked = {uid for uid, found in decisions.items() if found[0].final}
    approvals: dict[tuple[str, str], ApprovalRequirement] = {}
    for policy in policies:
        found = policy.evaluate(context.with_tentative(actions, priorities))
        for decision in sorted(found, key=_by_node):
            if decision.approval_role is not None:
                key = (decision.policy, decision.reason)
                approvals.setdefault(
                    key, ApprovalRequirement(decision.policy, decision.message, decision.approval_role)
                )
            uid = decision.unique_id
            if uid not in actions:
                continue  # plan-level decisions and nodes outside the selection change no action
            decisions[uid].append(decision)
            if decision.priority is not None:
                priorities[uid] = decision.priority
            if decision.action is not None and uid not in locked:
                actions[uid] = decision.action
            if decision.final:
                locked.add(uid)
    return Outcome(
        actions=actions,
        decisions=decisions,
        priorities=priorities,
        approvals=tuple(approvals[k] for k in sorted(approvals)),
        policies=tuple(PolicyRef(p.id, p.version) for p in policies),
    )


def waves(parents_first: list[str], parents: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """Topological level of each planned node among the planned nodes (skipped ones are not waited on),
    given the planned nodes parents first: a planned parent has its level when its children are reached."""
    level: dict[str, int] = {}
    for uid in parents_first:
        deepest = -1
        for parent in parents.get(uid, ()):
            if parent in level and level[parent] > deepest:
                deepest = level[parent]
        level[uid] = deepest + 1
    return level
