"""From a context and its policies' outcome to the ExecutionPlan: items in order, totals, the explanation."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from dvt.domain.plan.context import RUNNABLE, PlanContext
from dvt.domain.plan.engine import Outcome, Policy, run_policies, waves
from dvt.domain.plan.estimate import ZERO
from dvt.domain.plan.plan import MICROS, Action, Decision, ExecutionPlan, PlanItem, Totals


def make_plan(
    context: PlanContext,
    policies: Sequence[Policy],
    *,
    environment_id: uuid.UUID,
    base_version_id: uuid.UUID | None,
    head_version_id: uuid.UUID,
) -> ExecutionPlan:
    outcome = run_policies(context, policies)
    planned = {uid for uid, action in outcome.actions.items() if action is not Action.SKIP}
    level = waves(context.parents_first(planned), context.parents)
    uuids, nodes, estimates, priorities, made = (
        context.node_uuids,
        context.nodes,
        context.estimates,
        outcome.priorities,
        outcome.decisions,
    )
    keyed = []
    for uid in sorted(outcome.actions):
        action = outcome.actions[uid]
        decisions = tuple(made[uid])
        wave, priority = level.get(uid, -1), priorities[uid]  # wave -1: skipped, waits for nothing
        item = PlanItem(
            node_uuid=uuids[uid],
            unique_id=uid,
            resource_type=nodes[uid].resource_type,
            action=action,
            decisions=decisions,
            wave=wave,
            priority=priority,
            estimate=estimates.get(uid, ZERO),
            partition=_partition(decisions) if action is Action.PARTIAL else None,
        )
        keyed.append(((wave, priority, uid), item))
    keyed.sort(key=itemgetter(0))  # execution order: wave, priority, unique_id (unique, so items never compare)
    items = [item for _, item in keyed]
    actions = Counter(i.action for i in items)
    p50_ms = p90_ms = p50_cost = p90_cost = 0
    for estimate in (i.estimate for i in items if i.action is not Action.SKIP):
        p50_ms += estimate.p50_ms
        p90_ms += estimate.p90_ms
        p50_cost += estimate.p50_cost_micros
        p90_cost += estimate.p90_cost_micros
    totals = Totals(
        run=actions[Action.RUN],
        skip=actions[Action.SKIP],
        partial=actions[Action.PARTIAL],
        p50_ms=p50_ms,
        p90_ms=p90_ms,
        p50_cost_micros=p50_cost,
        p90_cost_micros=p90_cost,
        budget_remaining_micros=context.budget_remaining_micros,
    )
    return ExecutionPlan(
        environment_id=environment_id,
        base_version_id=base_version_id,
        head_version_id=head_version_id,
        request=context.request,
        selected=tuple(sorted(context.selected)),
        items=tuple(items),
        totals=totals,
        approvals_required=outcome.approvals,
        explanation=explain(context, outcome, totals),
        policies=outcome.policies,
    )


def _partition(decisions: tuple[Decision, ...]) -> dict[str, Any] | None:
    """The partition of the last PARTIAL decision: what a PARTIAL item runs."""
    return next((d.partition for d in reversed(decisions) if d.action is Action.PARTIAL), None)


def _duration(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}m{seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


def explain(context: PlanContext, outcome: Outcome, totals: Totals) -> str:
    """Why these nodes, in a few sentences a reviewer can check against the items."""
    selected = len(context.selected)
    if not selected:
        request = " ".join(context.request.select) or "the request"
        return f"Nothing to do: {request} selects no node of this graph version."
    by_type = Counter(context.nodes[uid].resource_type for uid in context.selected)
    kinds = ", ".join(f"{n} {t}{'s' if n != 1 else ''}" for t, n in sorted(by_type.items()))
    request = " ".join(context.request.select) or "everything"
    parts = [f"{selected} nodes selected by {request} ({kinds})."]
    changed = sum(1 for uid in context.selected if context.modifications.get(uid) or uid in context.new_nodes)
    if changed:
        parts.append(f"{changed} of them changed or are new since the base version.")
    parts.append(f"{totals.run} run, {totals.partial} run partially, {totals.skip} skipped.")
    skipped = [uid for uid, action in outcome.actions.items() if action is Action.SKIP]
    reasons = Counter(
        d.reason
        for uid in skipped
        for d in outcome.decisions[uid]
        if d.action is Action.SKIP and d.reason != "NOT_EXECUTED"
    )
    if reasons:
        parts.append(
            "Skipped: " + ", ".join(f"{n} {r.lower().replace('_', ' ')}" for r, n in sorted(reasons.items())) + "."
        )
    not_executed = sum(1 for uid in context.selected if context.nodes[uid].resource_type not in RUNNABLE)
    if not_executed:
        parts.append(
            f"{not_executed} of the skipped are sources, exposures or metrics, which dbt build does not execute."
        )
    cost = f"{totals.p50_cost_micros / MICROS:,.2f}"
    parts.append(f"Estimated {_duration(totals.p50_ms)} of execution (p90 {_duration(totals.p90_ms)}), costing {cost}.")
    if outcome.approvals:
        needs = "; ".join(f"{a.reason} ({a.role})" for a in outcome.approvals)
        parts.append(f"Needs approval: {needs}.")
    else:
        parts.append("No approval required by policy.")
    return " ".join(parts)
