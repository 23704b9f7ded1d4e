"""The policies DVT knows, by id, and the order they run in. Plugins register theirs here."""

from __future__ import annotations

from collections.abc import Sequence

from dvt.domain.errors import ConflictError, ValidationError
from dvt.domain.plan.engine import Policy
from dvt.domain.plan.policies.full_refresh import FullRefresh
from dvt.domain.plan.policies.limit_cost_budget import LimitCostBudget
from dvt.domain.plan.policies.manual_approval import ManualApproval
from dvt.domain.plan.policies.partial_by_partition import PartialByPartition
from dvt.domain.plan.policies.prioritize_exposures import PrioritizeExposures
from dvt.domain.plan.policies.skip_if_no_change import SkipIfNoChange

# The order is the precedence (engine.py): a later policy outranks an earlier one. Skipping comes before
# partial runs (a skipped node needs no partition), priorities before budget trimming (which drops the
# least important first), and the budget last among actions so nothing it trims comes back.
BUILT_IN: tuple[Policy, ...] = (
    FullRefresh(),
    SkipIfNoChange(),
    PartialByPartition(),
    PrioritizeExposures(),
    LimitCostBudget(),
    ManualApproval(),
)


class PolicyRegistry:
    def __init__(self, policies: Sequence[Policy] = BUILT_IN) -> None:
        self._policies: dict[str, Policy] = {}
        self._order: list[str] = []
        for policy in policies:
            self.register(policy)

    def register(self, policy: Policy, *, before: str | None = None) -> None:
        if policy.id in self._policies:
            raise ConflictError(f"a policy {policy.id!r} is registered already")
        if before is not None and before not in self._policies:
            raise ValidationError(f"no policy {before!r} to register {policy.id!r} before")
        self._policies[policy.id] = policy
        self._order.insert(self._order.index(before) if before else len(self._order), policy.id)

    def ordered(self) -> tuple[Policy, ...]:
        return tuple(self._policies[i] for i in self._order)
