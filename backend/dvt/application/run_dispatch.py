"""Whether a queued run may move on now: quotas of its environment and tenant, and databases one run holds alone.

One dispatch pass reads what the tenant's active runs hold once, under the tenant's dispatch lock, and keeps it
current as it moves runs on, so a pass never lets two runs into one slot.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from dvt.application.run_ports import ExclusiveDatabase
from dvt.application.run_records import RunRecord
from dvt.domain.tenancy import Environment


@dataclass
class Capacity:
    """What the tenant's active runs (past `queued`, not finished) hold."""

    tenant_limit: int | None
    exclusive: ExclusiveDatabase
    in_tenant: int = 0
    in_environment: Counter[uuid.UUID] = field(default_factory=Counter)
    holders: dict[str, uuid.UUID] = field(default_factory=dict)  # exclusive database -> the run holding it

    @classmethod
    def held_by(
        cls,
        active: Iterable[RunRecord],
        environments: Mapping[uuid.UUID, Environment],
        tenant_limit: int | None,
        exclusive: ExclusiveDatabase,
    ) -> Capacity:
        capacity = cls(tenant_limit, exclusive)
        for run in active:
            capacity.take(run, environments.get(run.environment_id))
        return capacity

    def blocked(self, environment: Environment) -> str | None:
        """Why a run of this environment must stay queued now (its `reason`), or None."""
        in_environment = self.in_environment[environment.id]
        limit = environment.quotas.max_concurrent_runs
        if limit is not None and in_environment >= limit:
            return f"quota: {in_environment} of {limit} concurrent runs of this environment are active"
        if self.tenant_limit is not None and self.in_tenant >= self.tenant_limit:
            return f"quota: {self.in_tenant} of {self.tenant_limit} concurrent runs of this tenant are active"
        database = self.exclusive(environment)
        if database is not None and database in self.holders:
            return f"waiting: {database} is in use by run {self.holders[database]}"
        return None

    def take(self, run: RunRecord, environment: Environment | None) -> None:
        """Count `run` as active from now on."""
        self.in_tenant += 1
        self.in_environment[run.environment_id] += 1
        database = self.exclusive(environment) if environment is not None else None
        if database is not None:
            self.holders.setdefault(database, run.id)  # the oldest holder is the one named
