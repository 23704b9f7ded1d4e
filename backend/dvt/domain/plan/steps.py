"""One plan for a job's several planned steps (`seed`, then `build -s tag:daily`, then `test`...).

Each step is planned as a plan of its own would be (its request, the policies, the budget left after the steps
before it), then the step plans are joined into the run's one plan: one fingerprint, one approval, one estimate.
Items keep their step's index, so a node two steps run (a seed seeded, then built) is two items, and each step
executes exactly its own items.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dvt.domain.plan.plan import ApprovalRequirement, ExecutionPlan, PlanStep, PolicyRef, Totals


def join_steps(steps: Sequence[tuple[str, ExecutionPlan]]) -> ExecutionPlan:
    """The plans of the steps, in order, as one plan. One step is its own plan, unchanged."""
    if not steps:
        raise ValueError("a plan of steps needs one")
    if len(steps) == 1:
        return steps[0][1]
    first = steps[0][1]
    if any(p.head_version_id != first.head_version_id for _, p in steps):
        raise ValueError("the steps of one plan are planned on one graph version")
    items = tuple(replace(item, step=index) for index, (_, plan) in enumerate(steps) for item in plan.items)
    approvals: dict[ApprovalRequirement, None] = {}
    policies: dict[PolicyRef, None] = {}
    for _, plan in steps:
        approvals.update(dict.fromkeys(plan.approvals_required))
        policies.update(dict.fromkeys(plan.policies))
    return ExecutionPlan(
        environment_id=first.environment_id,
        base_version_id=first.base_version_id,
        head_version_id=first.head_version_id,
        request=first.request,
        selected=tuple(sorted({uid for _, plan in steps for uid in plan.selected})),
        items=items,
        totals=_totals([p.totals for _, p in steps]),
        approvals_required=tuple(approvals),
        explanation=" ".join(
            f"Step {n} (dbt {command}): {plan.explanation}" for n, (command, plan) in enumerate(steps, 1)
        ),
        policies=tuple(policies),
        steps=tuple(PlanStep(command, plan.request) for command, plan in steps),
    )


def _totals(totals: Sequence[Totals]) -> Totals:
    return Totals(
        run=sum(t.run for t in totals),
        skip=sum(t.skip for t in totals),
        partial=sum(t.partial for t in totals),
        p50_ms=sum(t.p50_ms for t in totals),
        p90_ms=sum(t.p90_ms for t in totals),
        p50_cost_micros=sum(t.p50_cost_micros for t in totals),
        p90_cost_micros=sum(t.p90_cost_micros for t in totals),
        budget_remaining_micros=totals[0].budget_remaining_micros,  # before the run: the first step's
    )
