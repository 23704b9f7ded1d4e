"""Runs: trigger one from a plan, release it when its plan is approved, cancel, retry, and read or follow it.

A run's state only moves through `domain.runs`' transition table, and every move writes the run row, its
status event and (when it becomes runnable) its queue job in one transaction. Each command is one unit of
work on one connection, handed down to the helpers it calls: a trigger writes the run, its events, its
dispatch and its audit record in one transaction. Every command takes its locks in one order (run and plan
rows, then the tenant's dispatch lock, then the audit chain's), so no two commands wait for each other.
Workers execute runs in `run_execution`; this module is what people and the API do to them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from dvt.application.access import Access
from dvt.application.audit import record, record_many
from dvt.application.commit_graphs import CommitGraph
from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import Page, PlanRecord
from dvt.application.run_dispatch import Capacity
from dvt.application.run_feeds import FeedHub
from dvt.application.run_ports import ExclusiveDatabase, RunNotifier
from dvt.application.run_records import (
    JobRunSpec,
    NewRunEvent,
    RunEventRecord,
    RunLogRecord,
    RunNodeRecord,
    RunQuery,
    RunRecord,
    UnplannedTrigger,
)
from dvt.application.tenancy import visible_environment
from dvt.application.visibility import note, only_visible, visible_environments, visible_ids
from dvt.domain.audit import AuditEvent
from dvt.domain.authorization import Permission
from dvt.domain.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError, ValidationError
from dvt.domain.plan.plan import ExecutionPlan, PlanItem, PlanRequest, PlanStatus
from dvt.domain.runs import (
    FailureReason,
    IllegalTransition,
    RunEventKind,
    RunStatus,
    Trigger,
    check_transition,
    node_end_message,
    retry_selection,
)
from dvt.domain.tenancy import Environment, TenantScope

log = logging.getLogger(__name__)
DISPATCH_BATCH = 100  # queued runs one dispatch pass looks at, oldest first
IDEMPOTENCY_KEY_CHARS = 200
RUN = "run"  # its kind in Access.whereabouts
# Why an approved run waits. Who approved is the plan's `decided_by` and its audit event, not this text: a reason
# is shown as it is, and a principal id (user:UUID) is no name to show people.
APPROVED_WAITING = "plan approved: waiting for a worker"


_QUEUED = NewRunEvent(RunEventKind.STATUS, "status:queued", status=RunStatus.QUEUED.value, message="queued")


def _trigger_details(trigger: Trigger, job: JobRunSpec | None) -> dict[str, Any]:
    """What a run.trigger audit record of an unplanned run says."""
    return {"trigger": trigger.value, **({"job_id": str(job.job_id)} if job else {})}


def client_key(key: str | None) -> str | None:
    """A client's idempotency key, checked: printable text of at most 200 characters (None: no key)."""
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_CHARS or not key.isprintable():
        raise ValidationError(
            f"idempotencyKey must be 1 to {IDEMPOTENCY_KEY_CHARS} printable characters (no control characters)"
        )
    return key


def plan_items(plan: PlanRecord) -> tuple[PlanItem, ...]:
    """The plan's RUN and PARTIAL items: exactly what its run executes."""
    return ExecutionPlan.from_document(plan.document).executed()


async def move(
    uow: UnitOfWork, scope: TenantScope, run: RunRecord, target: RunStatus, reason: str | None = None, **values: Any
) -> RunRecord:
    """One legal state change of a run, with its status event, in the caller's transaction."""
    check_transition(RunStatus(run.status), target)
    runs = uow.runs(scope)
    now = datetime.now(UTC)
    if target is RunStatus.RUNNING:
        values.setdefault("started_at", now)
    if target.finished:
        values.setdefault("finished_at", now)
    await runs.update(run.id, status=target.value, reason=reason, **values)
    if target.finished:  # node rows end with their run, whoever ends it
        await runs.end_unfinished_nodes(run.id, node_end_message(target, reason))
    event = NewRunEvent(RunEventKind.STATUS, f"status:{target.value}", status=target.value, message=reason or "")
    await runs.append_event(run.id, event)
    return replace(run, status=target.value, reason=reason, **values)


async def move_all(
    uow: UnitOfWork, scope: TenantScope, runs: Sequence[RunRecord], target: RunStatus, reason: str
) -> None:
    """`move` of many runs to a state that neither starts nor ends them, with one reason, in one statement per step
    whatever their number (a dispatch pass sends hundreds of a schedule's runs to `planning`)."""
    if target is RunStatus.RUNNING or target.finished:
        raise ValueError(f"runs become {target.value} one by one (`move`)")
    if not runs:
        return
    for run in runs:
        check_transition(RunStatus(run.status), target)
    ids = [run.id for run in runs]
    await uow.runs(scope).update_all(ids, status=target.value, reason=reason)
    event = NewRunEvent(RunEventKind.STATUS, f"status:{target.value}", status=target.value, message=reason)
    await uow.runs(scope).append_to_each(ids, event)


class RunService:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        plans: PlanService,
        notifier: RunNotifier,
        *,
        exclusive: ExclusiveDatabase = lambda _environment: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._units = units
        self._plans = plans
        self._notifier = notifier
        self._exclusive = exclusive
        self._clock = clock
        self._event_feeds: FeedHub[RunEventRecord] = FeedHub(notifier)
        # Called in the transaction that ends a run (after its terminal move): jobs chained after it start there.
        self.ended_listeners: list[Callable[[UnitOfWork, TenantScope, RunRecord], Awaitable[None]]] = []
        self._log_feeds: FeedHub[RunLogRecord] = FeedHub(notifier)

    async def _environment(self, uow: UnitOfWork, access: Access, environment_id: uuid.UUID) -> tuple[Environment, str]:
        return await visible_environment(uow, access, environment_id)

    async def _refuse(self, uow: UnitOfWork, access: Access, run_id: uuid.UUID, error: IllegalTransition) -> None:
        """Audit a refused move and commit: called before the command wrote anything, so the refusal's record
        is all its transaction keeps. Then the caller raises."""
        details = {"from": error.current.value, "to": error.target.value}
        await record(uow.audit(access.scope), access.event("run.illegal_transition", "run", run_id, details))
        await uow.commit()

    # -- commands ---------------------------------------------------------------------------------------

    async def trigger(
        self,
        access: Access,
        environment_id: uuid.UUID,
        *,
        plan_id: uuid.UUID | None = None,
        request: PlanRequest | None = None,
        trigger: Trigger = Trigger.MANUAL,
        retry_of: uuid.UUID | None = None,
        idempotency_key: str | None = None,
    ) -> RunRecord:
        """A run of a plan, or of `request` when no plan is given: then a worker plans it from the commit the
        environment's branch names when its turn comes (`planning`). Queued, then dispatched if capacity allows.

        With an idempotency key, the environment's run with that key when there is one: a client's retry.
        One transaction: the run, its status event, its dispatch (and queue job) and the audit records commit
        together, or nothing does.
        """
        key = client_key(idempotency_key)
        async with self._units() as uow:
            run, created = await self._trigger_from(
                uow, access, environment_id, plan_id, request, trigger, retry_of, key
            )
            if created:  # else an earlier run answers, and the plan made for this call is rolled back with it
                await uow.commit()
        return run

    async def trigger_in(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        trigger: Trigger,
        *,
        job: JobRunSpec | None = None,
        dispatch: bool = True,
    ) -> RunRecord:
        """`trigger` of `request` (a worker plans it from the branch), as a step of the caller's command (a job's
        run): the caller commits. `job`: the job whose run it is, its steps and timeout. A batch of one: see
        `trigger_many_in`; a refusal is raised."""
        [made] = await self.trigger_many_in(
            uow, access, [UnplannedTrigger(environment_id, request, trigger, job)], dispatch=dispatch
        )
        if isinstance(made, DomainError):
            raise made
        run = await uow.runs(access.scope).get(made)
        assert run is not None
        return run

    async def trigger_many_in(
        self, uow: UnitOfWork, access: Access, triggers: Sequence[UnplannedTrigger], *, dispatch: bool = True
    ) -> list[uuid.UUID | DomainError]:
        """Many `trigger_in`s as one step of the caller's command, in a handful of statements whatever their number
        (a scheduler pass fires hundreds of jobs): for each, its run's id, or why it was refused (nothing of it is
        written). `dispatch=False`: the caller dispatches once, after its commit (the scheduler's batch of fires).

        The lock order of a trigger: the environment rows (the runs' numbers), the dispatch lock, the audit chain."""
        if not triggers:
            return []
        refused = await self._refusals(uow, access, {t.environment_id for t in triggers})
        wanted = [
            self._unplanned_run(access, t.environment_id, t.request, t.trigger, None, None, t.job)
            for t in triggers
            if t.environment_id not in refused
        ]
        runs = uow.runs(access.scope)
        stored = set(await runs.add_many(wanted))
        await runs.append_to_each([run.id for run in wanted if run.id in stored], _QUEUED)
        if dispatch:
            await self._dispatch(uow, access.scope)
        made: list[uuid.UUID | DomainError] = []
        audits: list[AuditEvent] = []
        runs_of = iter(wanted)
        for t in triggers:
            if t.environment_id in refused:
                made.append(refused[t.environment_id])
                continue
            run = next(runs_of)
            if run.id not in stored:  # its environment went between the check and the numbering
                made.append(NotFoundError(f"environment {t.environment_id} is not in this tenant"))
                continue
            made.append(run.id)
            audits.append(access.event("run.trigger", "run", run.id, _trigger_details(t.trigger, t.job)))
        await record_many(uow.audit(access.scope), audits)
        return made

    async def _refusals(
        self, uow: UnitOfWork, access: Access, environment_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, DomainError]:
        """Why the caller may not trigger unplanned runs in each environment that refuses them."""
        refused: dict[uuid.UUID, DomainError] = {}
        for environment_id in sorted(environment_ids):
            try:
                _, where = await self._environment(uow, access, environment_id)
                access.require(Permission.RUN, where, "trigger runs in this environment")
                access.require(Permission.PLAN, where, "plan runs in this environment")
            except DomainError as refusal:
                refused[environment_id] = refusal
        return refused

    async def end_in(
        self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, status: RunStatus, reason: str | None
    ) -> RunRecord:
        """A run's terminal move in the caller's transaction, told to the listeners (jobs chained after it)."""
        ended = await move(uow, scope, run, status, reason)
        await self.ended(uow, scope, ended)
        return ended

    async def ended(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord) -> None:
        """A run reached its terminal status in the caller's transaction: tell the listeners (job chains)."""
        for listener in self.ended_listeners:
            await listener(uow, scope, run)

    async def _trigger_from(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        plan_id: uuid.UUID | None,
        request: PlanRequest | None,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
        *,
        job: JobRunSpec | None = None,
        dispatch: bool = True,
    ) -> tuple[RunRecord, bool]:
        """`trigger` in the caller's transaction. `job`: the job whose run it is (if any)."""
        if plan_id is None:
            return await self._trigger_unplanned(
                uow, access, environment_id, request or PlanRequest(), trigger, retry_of, key, job, dispatch
            )
        return await self._trigger(
            uow, access, environment_id, plan_id, trigger, retry_of, key, [], job=job, dispatch=dispatch
        )

    async def _trigger_unplanned(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
        job: JobRunSpec | None,
        dispatch: bool,
    ) -> tuple[RunRecord, bool]:
        """A run whose plan a worker makes from the branch's commit (the caller may plan and run here)."""
        refused = await self._refusals(uow, access, [environment_id])
        if environment_id in refused:
            raise refused[environment_id]
        runs = uow.runs(access.scope)
        earlier = await runs.by_idempotency_key(environment_id, key) if key is not None else None
        if earlier is not None:
            return earlier, False
        added = await runs.add(self._unplanned_run(access, environment_id, request, trigger, retry_of, key, job))
        details = _trigger_details(trigger, job)
        return await self._queued(uow, access, added, environment_id, key, details, [], dispatch)

    @staticmethod
    def _unplanned_run(
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
        job: JobRunSpec | None,
    ) -> RunRecord:
        return RunRecord(
            id=uuid.uuid4(),
            environment_id=environment_id,
            plan_id=None,
            status=RunStatus.QUEUED.value,
            trigger=trigger.value,
            actor=access.actor.label,
            trace_id=(access.trace_id or uuid.uuid4().hex)[:32],
            request=request.as_document(),
            retry_of=retry_of,
            idempotency_key=key,
            **(job.run_values() if job else {}),
        )

    async def _may_run(self, uow: UnitOfWork, access: Access, environment_id: uuid.UUID) -> None:
        _, where = await self._environment(uow, access, environment_id)
        access.require(Permission.RUN, where, "trigger runs in this environment")

    async def _trigger(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        plan_id: uuid.UUID,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
        audits: list[AuditEvent],
        *,
        job: JobRunSpec | None = None,
        dispatch: bool = True,
    ) -> tuple[RunRecord, bool]:
        """(the run, whether it is new): the caller commits a new one. Audited last (see the lock order above),
        after `audits`, the caller's own events of this command."""
        await self._may_run(uow, access, environment_id)
        runs = uow.runs(access.scope)
        earlier = await runs.by_idempotency_key(environment_id, key) if key is not None else None
        if earlier is not None:
            return earlier, False
        plan = await uow.plans(access.scope).get(plan_id)
        if plan is None or plan.environment_id != environment_id:
            raise NotFoundError("plan not found in this environment")
        if plan.status == PlanStatus.REJECTED.value:
            raise ConflictError("the plan is rejected: make a new plan")
        stale = await self._plans.staleness(access.scope, plan, uow)
        if stale is not None:
            raise ConflictError(stale)
        added = await runs.add(
            RunRecord(
                id=uuid.uuid4(),
                environment_id=environment_id,
                plan_id=plan.id,
                status=RunStatus.QUEUED.value,
                trigger=trigger.value,
                actor=access.actor.label,
                trace_id=(access.trace_id or uuid.uuid4().hex)[:32],
                request=ExecutionPlan.from_document(plan.document).request.as_document(),
                retry_of=retry_of,
                estimated_cost_micros=int(plan.summary.get("p50_cost_micros") or 0),
                idempotency_key=key,
                commit_sha=plan.commit_sha,
                **(job.run_values() if job else {}),
            )
        )
        details = {"plan_id": str(plan.id), "fingerprint": plan.fingerprint, "trigger": trigger.value}
        if job is not None:
            details["job_id"] = str(job.job_id)
        return await self._queued(uow, access, added, environment_id, key, details, audits, dispatch)

    async def _queued(
        self,
        uow: UnitOfWork,
        access: Access,
        added: RunRecord | None,
        environment_id: uuid.UUID,
        key: str | None,
        details: dict[str, Any],
        audits: list[AuditEvent],
        dispatch: bool = True,
    ) -> tuple[RunRecord, bool]:
        """A run just added: its queued event, a dispatch pass and the audit records (last: the lock order)."""
        runs = uow.runs(access.scope)
        if added is None:  # a concurrent call with the same key committed its run first: that run is the answer
            assert key is not None
            earlier = await runs.by_idempotency_key(environment_id, key)
            assert earlier is not None
            return earlier, False
        await runs.append_event(added.id, _QUEUED)
        if dispatch:
            await self._dispatch(uow, access.scope)
        for event in (*audits, access.event("run.trigger", "run", added.id, details)):
            await record(uow.audit(access.scope), event)
        run = await runs.get(added.id)
        assert run is not None
        return run, True

    async def dispatch(self, scope: TenantScope) -> int:
        """Move this tenant's queued runs on, oldest first, while capacity allows; returns how many moved."""
        async with self._units() as uow:
            moved = await self._dispatch(uow, scope)
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
        """`dispatch` as a step of the caller's command (a run's end frees its slot in the same transaction)."""
        return await self._dispatch(uow, scope)

    async def _dispatch(self, uow: UnitOfWork, scope: TenantScope) -> int:
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
            await self.ended(uow, scope, run)
        return moved

    async def _await_approval(
        self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, plan: PlanRecord, status: PlanStatus
    ) -> None:
        items = plan_items(plan)
        nodes = [
            RunNodeRecord(
                run_id=run.id,
                unique_id=i.unique_id,
                node_uuid=i.node_uuid,
                resource_type=i.resource_type,
                estimated_cost_micros=i.estimate.p50_cost_micros,
            )
            for i in items
        ]
        await uow.runs(scope).add_nodes(run.id, nodes)
        if status is PlanStatus.APPROVED:
            await self._await_worker(uow, scope, run, APPROVED_WAITING)
        else:
            await move(uow, scope, run, RunStatus.AWAITING_APPROVAL, "waiting for the plan's approval")

    async def _await_worker(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, note: str) -> None:
        """Approved: the run waits for a worker, its job queued in the same transaction."""
        run = await move(uow, scope, run, RunStatus.AWAITING_WORKER, note)
        await uow.jobs.enqueue_run(scope.tenant_id, run.id, run.attempt)

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
                await self.end_in(uow, scope, run, RunStatus.FAILED, FailureReason.PLAN_REJECTED.value)
                failed = True
        if failed:  # the failed runs' slots are free again
            await self._dispatch(uow, scope)

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
                plan, audited = await self._plans.draft(
                    uow, Access.system(scope), run.environment_id, PlanRequest.from_document(run.request),
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
            await self.end_in(uow, scope, run, RunStatus.FAILED, reason)
            await self._dispatch(uow, scope)
            await uow.commit()
        return RunStatus.FAILED

    async def cancel(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """Cancel now if the run has not started; else ask its worker to stop dbt (it ends `canceled`)."""
        async with self._units() as uow:
            found = await self._cancel(uow, access, run_id, standalone=True)
            await uow.commit()
        return found

    async def cancel_in(self, uow: UnitOfWork, access: Access, run_id: uuid.UUID) -> RunRecord:
        """`cancel` as a step of the caller's command (a job's fire cancelling its earlier run). No dispatch:
        the caller triggers next, which dispatches (and takes the dispatch lock in the one order)."""
        return await self._cancel(uow, access, run_id, standalone=False)

    async def _cancel(self, uow: UnitOfWork, access: Access, run_id: uuid.UUID, *, standalone: bool) -> RunRecord:
        run = await self._visible(uow, access, run_id, for_update=True)
        _, where = await self._environment(uow, access, run.environment_id)
        access.require(Permission.CANCEL, where, "cancel runs in this environment")
        status = RunStatus(run.status)
        if status is not RunStatus.RUNNING:
            # A finished run: refused (and audited) before anything is written, since nothing may follow
            # its terminal status event.
            try:
                check_transition(status, RunStatus.CANCELED)
            except IllegalTransition as error:
                if not standalone:  # a step of another command: a run that ended meanwhile needs no cancel
                    return run
                await self._refuse(uow, access, run_id, error)
                raise
        runs = uow.runs(access.scope)
        # Every request is an event of its own (the occurrence number): asking twice is recorded twice.
        occurrence = await runs.count_events(run.id, "cancel:") + 1
        event = NewRunEvent(
            RunEventKind.CANCEL_REQUESTED, f"cancel:{occurrence}", message=f"cancel asked by {access.actor.label}"
        )
        await runs.append_event(run.id, event)
        if status is RunStatus.RUNNING:
            if run.cancel_requested_at is None:
                await runs.update(run.id, cancel_requested_at=self._clock())
        else:
            ended = await move(uow, access.scope, run, RunStatus.CANCELED, f"canceled by {access.actor.label}")
            await self.ended(uow, access.scope, ended)
            if standalone:
                await self._dispatch(uow, access.scope)  # its slot is free again
        details = {"was": status.value}  # audited last: locks in the one order
        await record(uow.audit(access.scope), access.event("run.cancel", "run", run.id, details))
        found = await runs.get(run_id)
        assert found is not None
        return found

    async def retry(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """A new run of what failed or was never reached (a model whose test failed is rebuilt with its test).

        One transaction: the failed run read, the retry's plan made, and the new run triggered.
        """
        async with self._units() as uow:
            run = await self._visible(uow, access, run_id)
            if run.status not in (RunStatus.FAILED.value, RunStatus.CANCELED.value):
                raise ConflictError(f"a {run.status} run has nothing to retry: only failed or canceled runs do")
            nodes = await uow.runs(access.scope).nodes_of([run.id])
            plan = await uow.plans(access.scope).get(run.plan_id) if run.plan_id else None
            if plan is None:
                raise ConflictError("the run's plan is gone: trigger a new run")
            head = await uow.graphs(access.scope).latest_version(run.environment_id)
            if head is None:
                raise ValidationError("the environment has no graph")
            graph = await uow.graphs(access.scope).all_nodes(head.id)
            by_id = {node.unique_id: node for _, node in graph}
            tests_of: dict[str, list[str]] = {}
            for node in by_id.values():
                if node.resource_type == "test":
                    for parent in node.depends_on:
                        tests_of.setdefault(parent, []).append(node.unique_id)
            planned = [n.unique_id for n in nodes]
            selection = retry_selection(planned, {n.unique_id: n.status for n in nodes}, tests_of)
            known = sorted(u for u in selection.unique_ids if u in by_id and by_id[u].fqn)
            if not known:
                raise ConflictError("every node of the run finished: nothing to retry")
            request = PlanRequest(
                select=tuple("fqn:" + ".".join(by_id[u].fqn) for u in known),
                indirect_selection="empty",
                full_refresh=bool(run.request.get("full_refresh")),
                vars=dict(run.request.get("vars") or {}),
            )
            again, _ = await self._trigger_from(
                uow, access, run.environment_id, None, request, Trigger.RETRY, run.id, None
            )
            await uow.commit()
        return again

    async def prune(self, keep: timedelta) -> tuple[int, int]:
        """Retention: the events and logs of runs that finished longer than `keep` ago, in every tenant.

        Run rows and node results stay. Maintenance done by DVT itself (workers, `dvt runs prune`), one
        tenant-scoped transaction per tenant.
        """
        cutoff = self._clock() - keep
        events = chunks = 0
        async with self._units() as uow:
            tenants = await uow.platform.tenants()
        for tenant in tenants:
            async with self._units() as uow:
                found = await uow.runs(TenantScope(tenant.id)).prune(cutoff)
                await uow.commit()
            events, chunks = events + found[0], chunks + found[1]
        return events, chunks

    # -- queries -----------------------------------------------------------------------------------------

    async def _visible(
        self, uow: UnitOfWork, access: Access, run_id: uuid.UUID, *, for_update: bool = False
    ) -> RunRecord:
        run = await uow.runs(access.scope).get(run_id, for_update=for_update)
        if run is None:
            raise NotFoundError("run not found")
        await self._environment(uow, access, run.environment_id)  # not found unless the caller may view it
        return run

    async def _visible_runs(
        self, uow: UnitOfWork, access: Access, ids: list[uuid.UUID], permission: Permission = Permission.VIEW
    ) -> set[uuid.UUID]:
        return await visible_ids(uow, access, RUN, ids, uow.runs(access.scope).by_ids, permission)

    async def run(self, access: Access, run_id: uuid.UUID) -> RunRecord | None:
        found = await self.runs_by_ids(access, [run_id])
        return found[0] if found else None

    async def runs_by_ids(self, access: Access, ids: list[uuid.UUID]) -> list[RunRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, RUN, await uow.runs(access.scope).by_ids(ids))

    async def runs(self, access: Access, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return Page([], False)
            page = await uow.runs(access.scope).of_environment(environment_id, query)
        note(access, RUN, page.items)
        return page

    async def nodes(self, access: Access, run_ids: list[uuid.UUID]) -> list[RunNodeRecord]:
        async with self._units() as uow:
            visible = await self._visible_runs(uow, access, run_ids)
            return await uow.runs(access.scope).nodes_of(list(visible)) if visible else []

    async def node_page(
        self, access: Access, run_id: uuid.UUID, after: str | None, offset: int, limit: int
    ) -> Page[RunNodeRecord]:
        """A page of a run's nodes in unique id order: what a table shows first, without reading the rest."""
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                return Page([], False)
            return await uow.runs(access.scope).node_page(run_id, after, max(offset, 0), limit)

    async def node_counts(self, access: Access, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many nodes each visible run has, counted in the database (absent: not visible)."""
        async with self._units() as uow:
            visible = await self._visible_runs(uow, access, run_ids)
            counts = await uow.runs(access.scope).count_nodes(list(visible)) if visible else {}
        return {run_id: counts.get(run_id, 0) for run_id in visible}

    async def events(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]:
        _check_cursor(after)
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                return []
            return await uow.runs(access.scope).events_after(run_id, after, limit)

    async def logs(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]:
        """Log chunks after the cursor, for whoever holds view_logs on the run's environment (else none)."""
        _check_cursor(after)
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id], Permission.VIEW_LOGS):
                return []
            return await uow.runs(access.scope).logs_after(run_id, after, limit)

    async def _followable(self, access: Access, run_id: uuid.UUID, permission: Permission) -> None:
        """Not found unless the caller may view the run; refused without the permission to follow it."""
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                raise NotFoundError("run not found")
            if not await self._visible_runs(uow, access, [run_id], permission):
                raise PermissionDeniedError(f"{permission.value} permission needed")

    async def follow_events(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunEventRecord]]:
        """Every event after the cursor, then new ones as they commit, in batches, until the run has finished."""
        _check_cursor(after)
        await self._followable(access, run_id, Permission.VIEW)
        scope = access.scope  # one feed serves every follower of the run: it reads as DVT, once they are let in
        read = self._read_events(scope, run_id)
        async for batch in self._event_feeds.follow(scope.tenant_id, run_id, after, read, self._status(scope, run_id)):
            yield batch

    async def follow_logs(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunLogRecord]]:
        _check_cursor(after)
        await self._followable(access, run_id, Permission.VIEW_LOGS)
        scope = access.scope
        read = self._read_logs(scope, run_id)
        async for batch in self._log_feeds.follow(scope.tenant_id, run_id, after, read, self._status(scope, run_id)):
            yield batch

    def _read_events(
        self, scope: TenantScope, run_id: uuid.UUID
    ) -> Callable[[int, int], Awaitable[list[RunEventRecord]]]:
        async def read(after: int, limit: int) -> list[RunEventRecord]:
            async with self._units() as uow:
                return await uow.runs(scope).events_after(run_id, after, limit)

        return read

    def _read_logs(self, scope: TenantScope, run_id: uuid.UUID) -> Callable[[int, int], Awaitable[list[RunLogRecord]]]:
        async def read(after: int, limit: int) -> list[RunLogRecord]:
            async with self._units() as uow:
                return await uow.runs(scope).logs_after(run_id, after, limit)

        return read

    def _status(self, scope: TenantScope, run_id: uuid.UUID) -> Callable[[], Awaitable[str | None]]:
        async def status() -> str | None:
            async with self._units() as uow:
                run = await uow.runs(scope).get(run_id)
            return run.status if run else None

        return status


def _check_cursor(after: int) -> None:
    """Event and log cursors are sequence numbers: 0 means from the start, nothing is below it."""
    if after < 0:
        raise ValidationError(f"`after` must be 0 or a sequence number, got {after}")
