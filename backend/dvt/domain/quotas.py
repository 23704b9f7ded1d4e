"""Limits a tenant or an environment sets on itself: concurrent runs and the monthly cost budget.

The plan and run issues enforce them (a run over quota waits in `queued` with the reason; a plan over
budget needs approval or is trimmed); here they are defined, validated, stored and shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dvt.domain.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Quotas:
    max_concurrent_runs: int | None = None  # None: no limit of its own
    monthly_cost_budget: float | None = None  # in the rate card's currency

    def __post_init__(self) -> None:
        if self.max_concurrent_runs is not None and not 0 <= self.max_concurrent_runs <= 10_000:
            raise ValidationError("max concurrent runs must be between 0 and 10000")
        if self.monthly_cost_budget is not None and not 0 <= self.monthly_cost_budget <= 1e12:
            raise ValidationError("the monthly cost budget must be between 0 and 10^12")

    def to_json(self) -> dict[str, Any]:
        return {"max_concurrent_runs": self.max_concurrent_runs, "monthly_cost_budget": self.monthly_cost_budget}

    @staticmethod
    def from_json(stored: dict[str, Any]) -> Quotas:
        runs, budget = stored.get("max_concurrent_runs"), stored.get("monthly_cost_budget")
        return Quotas(int(runs) if runs is not None else None, float(budget) if budget is not None else None)
