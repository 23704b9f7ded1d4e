"""`limit_cost_budget`: when the plan's estimate exceeds what is left of the month's budget.

Mode `approval` (default) asks an admin to approve the plan. Mode `trim` drops work until the estimate
fits: the least important first (not feeding an exposure, then the most expensive, then by unique_id),
and always together with everything planned downstream of it, so no node runs without its inputs.
"""

from __future__ import annotations

from dvt.domain.plan.context import PlanContext
from dvt.domain.plan.plan import MICROS, Action, Decision


def _money(micros: int) -> str:
    return f"{micros / MICROS:,.2f}"


class LimitCostBudget:
    id = "limit_cost_budget"
    version = "1"

    def evaluate(self, context: PlanContext) -> list[Decision]:
        remaining = context.budget_remaining_micros
        if not context.config.enabled(self.id) or remaining is None:
            return []
        planned = context.planned()
        cost = {uid: context.estimates[uid].p50_cost_micros for uid in planned if uid in context.estimates}
        total = sum(cost.values())
        if total <= remaining:
            return []
        summary = f"estimated {_money(total)} exceeds the {_money(remaining)} left in this month's budget"
        role = str(context.config.of(self.id).get("approver_role", "admin"))
        if context.config.of(self.id).get("mode", "approval") != "trim":
            return [Decision("", self.id, "OVER_BUDGET", summary, approval_role=role)]
        return self._trim(context, planned, cost, total, remaining, summary)

    def _trim(
        self, context: PlanContext, planned: list[str], cost: dict[str, int], total: int, remaining: int, summary: str
    ) -> list[Decision]:
        kept = set(planned)
        out: list[Decision] = []
        order = sorted(planned, key=lambda uid: (-context.priorities.get(uid, 1), -cost.get(uid, 0), uid))
        for uid in order:
            if total <= remaining:
                break
            if uid not in kept:
                continue
            dropped = _with_descendants(context, uid, kept)
            for victim in sorted(dropped):
                kept.discard(victim)
                total -= cost.get(victim, 0)
                why = "trimmed to fit the budget" if victim == uid else f"trimmed with its upstream {uid}"
                out.append(
                    Decision(victim, self.id, "TRIMMED_FOR_BUDGET", f"{why}: {summary}", Action.SKIP, final=True)
                )
        return out


def _with_descendants(context: PlanContext, uid: str, kept: set[str]) -> set[str]:
    found = {uid}
    stack = [uid]
    while stack:
        for child in context.children.get(stack.pop(), ()):
            if child in kept and child not in found:
                found.add(child)
                stack.append(child)
    return found
