"""A worker's planning of a run triggered without a plan: the `planning` state made real.

The environment's ref is resolved to a commit, that commit's graph found (or parsed by dbt and ingested), and
the run's request planned on it; the run then waits for approval or for a worker. A commit dbt cannot parse ends
the run `failed` in planning with dbt's own message, and nothing is ingested.
"""

from __future__ import annotations

import logging
import uuid

from dvt.application.commit_graphs import CommitGraphs
from dvt.application.ports import UnitOfWorkFactory
from dvt.application.run_ports import CommitUnavailable, ParseFailed
from dvt.application.runs import RunService
from dvt.domain.runs import FailureReason, RunStatus
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)


class RunPlanner:
    def __init__(self, units: UnitOfWorkFactory, commits: CommitGraphs, runs: RunService) -> None:
        self._units = units
        self._commits = commits
        self._runs = runs

    async def plan(self, tenant_id: uuid.UUID, run_id: uuid.UUID) -> RunStatus | None:
        """Plan one run in `planning`; its status after, or None when there was nothing to do."""
        scope = TenantScope(tenant_id)
        async with self._units() as uow:
            run = await uow.runs(scope).get(run_id)
        if run is None or run.status != RunStatus.PLANNING.value or run.plan_id is not None:
            return None  # canceled meanwhile, or a job handed out again after its planning was done
        try:
            graph = await self._commits.graph_of(scope, run.environment_id)
        except CommitUnavailable as error:
            return await self._runs.planning_failed(scope, run_id, f"{FailureReason.CHECKOUT.value}: {error}")
        except ParseFailed as error:
            return await self._runs.planning_failed(scope, run_id, f"{FailureReason.PARSE.value}: {error}")
        except Exception as error:  # the run must not stay in planning; the worker goes on
            log.exception("run %s: planning failed", run_id)
            reason = f"{FailureReason.INTERNAL.value}: {type(error).__name__}: {error}"
            return await self._runs.planning_failed(scope, run_id, reason)
        return await self._runs.planned(scope, run_id, graph)
