"""Dispatch: queued runs move on while their environment's and tenant's quotas allow (and the databases one run
holds alone are free), and runs waiting on a plan move on once it is made, approved or rejected.

One dispatch pass reads what the tenant's active runs hold once, under the tenant's dispatch lock, and keeps it
current as it moves runs on, so a pass never lets two runs into one slot.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.commit_graphs import CommitGraph
from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import PlanRecord
from dvt.application.run_moves import RunEnded, move, move_all
from dvt.application.run_ports import ExclusiveDatabase
from dvt.application.run_records import RunNodeRecord, RunQuery, RunRecord
from dvt.domain.errors import NotFoundError, ValidationError
from dvt.domain.plan.plan import ExecutionPlan, PlanItem, PlanRequest, PlanStatus
from dvt.domain.runs import FailureReason, RunStatus, RunStep
from dvt.domain.tenancy import Environment, TenantScope

log = logging.getLogger(__name__)
DISPATCH_BATCH = 100  # queued runs one dispatch pass looks at, oldest first
# Why an approved run waits. Who approved is the plan's `decided_by` and its audit event, not this text: a reason
# is shown as it is, and a principal id (user:UUID) is no name to show people.
APPROVED_WAITING = "plan approved: waiting for a worker"


def plan_items(plan: PlanRecord) -> tuple[PlanItem, ...]:
    """The plan's RUN and PARTIAL items: exactly what its run executes."""
    return ExecutionPlan.from_document(plan.document).executed()


def planned_requests(run: RunRecord) -> list[tuple[str, PlanRequest]]:
    """What a worker plans for a run: each planned step's (dbt command, request), in order. The first is the
    run's own command and request; a job's later planned steps hold theirs."""
    later = [step for step in map(RunStep.from_document, run.steps) if step.planned][1:]
    return [
        (run.command, PlanRequest.from_document(run.request)),
        *(
            (s.command, PlanRequest(s.select, s.exclude, s.selector, vars=s.vars, full_refresh=s.full_refresh))
            for s in later
        ),
    ]


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


class RunDispatcher:
    """Moves queued runs on as capacity allows, and the runs waiting on a plan (its approval, or its making by a
    worker) once there is one. A step of a command (`dispatch_in`, `plan_decided`) runs in the caller's transaction
    and takes the tenant's dispatch lock there; the others are commands of their own."""

    def __init__(self, units: UnitOfWorkFactory, plans: PlanService, exclusive: ExclusiveDatabase, ended: RunEnded):
        self._units = units
        self._plans = plans
        self._exclusive = exclusive
        self._ended = ended

    async def dispatch(self, scope: TenantScope) -> int:
        """Move this tenant's queued runs on, oldest first, while capacity allows; returns how many moved."""
        async with self._units() as uow:
            moved = await self.dispatch_in(uow, scope)
            await uow.commit()
        return moved

    async def sweep(self) -> int:
        """Dispatch every tenant with queued runs: workers call it periodically, so no run stays queued while
        capacity is free (whatever ended a run without dispatching, such as a crash or a database outage)."""
        async with self._units() as uow:
            tenants = await uow.jobs.waiting_tenants()
        moved = 0
        for tenant in tenants:  # one transaction per tenant, deliberately: each holds only its own tenant's lock
            try:
                moved += await self.dispatch(TenantScope(tenant))
            except Exception:  # one tenant's failure must not stop the others'; the next sweep tries again
                log.warning("dispatch sweep: tenant %s failed", tenant, exc_info=True)
        return moved

    async def dispatch_in(self, uow: UnitOfWork, scope: TenantScope) -> int:
        """Dispatch in the caller's transaction, under the tenant's dispatch lock (held until it ends)."""
        runs = uow.runs(scope)
        # One dispatcher of this tenant at a time: two counting active runs at once could both see one free slot.
        await runs.lock_dispatch()
        waiting = await runs.queued(DISPATCH_BATCH)
        if not waiting:
            return 0
        active = await runs.active()
        wanted = sorted({r.environment_id for r in (*waiting, *active)})
        environments = {e.id: e for e in await uow.tenancy(scope).environments_by_ids(wanted)}
        tenants = await uow.platform.tenants_by_ids([scope.tenant_id])
        tenant_limit = tenants[0].quotas.max_concurrent_runs if tenants else None
        capacity = Capacity.held_by(active, environments, tenant_limit, self._exclusive)
        moved = 0
        ended: list[RunRecord] = []  # told to the listeners once this pass is over: a chained trigger dispatches
        to_plan: dict[str, list[RunRecord]] = {}  # by reason: runs its workers plan, moved together after the loop
        for run in waiting:
            environment = environments.get(run.environment_id)
            if environment is None:
                continue
            blocked = capacity.blocked(environment)
            if blocked is not None:
                if run.reason != blocked:
                    await runs.update(run.id, reason=blocked)
                continue
            if run.plan_id is None:  # a worker plans it from the branch's commit, then moves it on
                to_plan.setdefault(f"planning from the commit {environment.git_ref!r} names now", []).append(run)
                capacity.take(run, environment)
                moved += 1
                continue
            plan_id = run.plan_id
            run = await move(uow, scope, run, RunStatus.PLANNING, "checking the plan")
            plan = await uow.plans(scope).get(plan_id)
            stale = await self._plans.staleness(scope, plan, uow) if plan else "plan_expired: the plan is gone"
            if plan is None or stale is not None:
                ended.append(await move(uow, scope, run, RunStatus.FAILED, stale))
            elif plan.status == PlanStatus.REJECTED.value:
                ended.append(await move(uow, scope, run, RunStatus.FAILED, FailureReason.PLAN_REJECTED.value))
            else:
                await self._await_approval(uow, scope, run, plan, PlanStatus(plan.status))
                capacity.take(run, environment)
            moved += 1
        # Before the listeners: a chained trigger dispatches again, and must find these runs moved on.
        for reason, planned_by_workers in to_plan.items():
            await move_all(uow, scope, planned_by_workers, RunStatus.PLANNING, reason)
        await uow.jobs.enqueue_planning(scope.tenant_id, [run.id for group in to_plan.values() for run in group])
        for run in ended:
            await self._ended(uow, scope, run)
        return moved

    async def _await_approval(
        self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, plan: PlanRecord, status: PlanStatus
    ) -> None:
        # One node per unique id: a node two steps run (seeded, then built) is one node, estimated at both runs.
        nodes: dict[str, RunNodeRecord] = {}
        for i in plan_items(plan):
            known = nodes.get(i.unique_id)
            cost = i.estimate.p50_cost_micros + (known.estimated_cost_micros or 0 if known else 0)
            nodes[i.unique_id] = RunNodeRecord(
                run_id=run.id,
                unique_id=i.unique_id,
                node_uuid=i.node_uuid,
                resource_type=i.resource_type,
                estimated_cost_micros=cost,
            )
        await uow.runs(scope).add_nodes(run.id, list(nodes.values()))
        if status is PlanStatus.APPROVED:
            await self._await_worker(uow, scope, run, APPROVED_WAITING)
        else:
            await move(uow, scope, run, RunStatus.AWAITING_APPROVAL, "waiting for the plan's approval")

    async def _await_worker(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, note: str) -> None:
        """Approved: the run waits for a worker, its job queued in the same transaction."""
        run = await move(uow, scope, run, RunStatus.AWAITING_WORKER, note)
        await uow.jobs.enqueue_run(scope.tenant_id, run.id, run.attempt)

    async def _end(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, status: RunStatus, reason: str) -> None:
        await self._ended(uow, scope, await move(uow, scope, run, status, reason))

    async def plan_decided(self, uow: UnitOfWork, scope: TenantScope, plan: PlanRecord) -> None:
        """Release (or fail) the runs waiting for this plan, in the transaction that approved (or rejected) it."""
        page = await uow.runs(scope).of_environment(
            plan.environment_id, RunQuery(statuses=(RunStatus.AWAITING_APPROVAL.value,), limit=1000)
        )
        failed = False  # the caller records its audit event after this: locks in the one order
        for waiting in page.items:
            if waiting.plan_id != plan.id:
                continue
            run = await uow.runs(scope).get(waiting.id, for_update=True)
            if run is None or run.status != RunStatus.AWAITING_APPROVAL.value:
                continue
            if plan.status == PlanStatus.APPROVED.value:
                await self._await_worker(uow, scope, run, APPROVED_WAITING)
            else:
                await self._end(uow, scope, run, RunStatus.FAILED, FailureReason.PLAN_REJECTED.value)
                failed = True
        if failed:  # the failed runs' slots are free again
            await self.dispatch_in(uow, scope)

    async def planned(self, scope: TenantScope, run_id: uuid.UUID, graph: CommitGraph) -> RunStatus | None:
        """A worker's plan of a run in `planning`, made on its commit's graph; then the run waits for approval or
        for a worker. One transaction: the plan, the run's plan and commit, its nodes, its next state (and queue
        job) and the audit record. None when the run moved meanwhile (canceled, or planned by an earlier try)."""
        try:
            async with self._units() as uow:
                runs = uow.runs(scope)
                run = await runs.get(run_id, for_update=True)
                if run is None or run.status != RunStatus.PLANNING.value or run.plan_id is not None:
                    return None
                plan, audited = await self._plans.draft_steps(
                    uow, Access.system(scope), run.environment_id, planned_requests(run),
                    head=graph.version, created_by=run.actor,
                )  # fmt: skip
                estimated = int(plan.summary.get("p50_cost_micros") or 0)
                await runs.update(run.id, plan_id=plan.id, commit_sha=graph.commit_sha, estimated_cost_micros=estimated)
                run = replace(run, plan_id=plan.id, commit_sha=graph.commit_sha, estimated_cost_micros=estimated)
                await self._await_approval(uow, scope, run, plan, PlanStatus(plan.status))
                await record(uow.audit(scope), audited)
                after = await runs.get(run.id)
                await uow.commit()
        except (ValidationError, NotFoundError) as error:  # the request does not fit this commit's graph
            return await self.planning_failed(scope, run_id, f"{FailureReason.PLANNING.value}: {error}")
        return RunStatus(after.status) if after else None

    async def planning_failed(self, scope: TenantScope, run_id: uuid.UUID, reason: str) -> RunStatus | None:
        """A run whose planning could not make a plan ends `failed` with why; its slot is free again."""
        async with self._units() as uow:
            run = await uow.runs(scope).get(run_id, for_update=True)
            if run is None or run.status != RunStatus.PLANNING.value:
                return None
            await self._end(uow, scope, run, RunStatus.FAILED, reason)
            await self.dispatch_in(uow, scope)
            await uow.commit()
        return RunStatus.FAILED
