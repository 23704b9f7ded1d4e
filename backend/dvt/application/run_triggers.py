"""Triggering runs: of a plan, of a request a worker plans from the branch (a job's run, a schedule's batch), or
again (a retry of what failed). A trigger's run starts `queued` and is dispatched in the same transaction.

Idempotency: a client's key names at most one run of an environment, so a client's retry gets the run its first
call made. Locks, in the one order every command takes them: the plan and environment rows (the runs' numbers),
then the tenant's dispatch lock, then the audit chain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from dvt.application.access import Access
from dvt.application.audit import record, record_many
from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.run_dispatch import RunDispatcher
from dvt.application.run_reads import visible_run
from dvt.application.run_records import JobRunSpec, NewRunEvent, RunRecord, UnplannedTrigger
from dvt.application.tenancy import visible_environment
from dvt.domain.audit import AuditEvent
from dvt.domain.authorization import Permission
from dvt.domain.errors import ConflictError, DomainError, NotFoundError, ValidationError
from dvt.domain.plan.plan import ExecutionPlan, PlanRequest, PlanStatus
from dvt.domain.runs import RunEventKind, RunStatus, Trigger, retry_selection

IDEMPOTENCY_KEY_CHARS = 200

_QUEUED = NewRunEvent(RunEventKind.STATUS, "status:queued", status=RunStatus.QUEUED.value, message="queued")


def client_key(key: str | None) -> str | None:
    """A client's idempotency key, checked: printable text of at most 200 characters (None: no key)."""
    if key is None:
        return None
    if not key or len(key) > IDEMPOTENCY_KEY_CHARS or not key.isprintable():
        raise ValidationError(
            f"idempotencyKey must be 1 to {IDEMPOTENCY_KEY_CHARS} printable characters (no control characters)"
        )
    return key


def _trigger_details(trigger: Trigger, job: JobRunSpec | None) -> dict[str, Any]:
    """What a run.trigger audit record of an unplanned run says."""
    return {"trigger": trigger.value, **({"job_id": str(job.job_id)} if job else {})}


class RunTriggers:
    def __init__(self, units: UnitOfWorkFactory, plans: PlanService, dispatcher: RunDispatcher) -> None:
        self._units = units
        self._plans = plans
        self._dispatcher = dispatcher

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

    async def trigger_many_in(
        self, uow: UnitOfWork, access: Access, triggers: Sequence[UnplannedTrigger], *, dispatch: bool = True
    ) -> list[uuid.UUID | DomainError]:
        """Many unplanned triggers as one step of the caller's command, in a handful of statements whatever their
        number (a scheduler pass fires hundreds of jobs): for each, its run's id, or why it was refused (nothing of
        it is written). `dispatch=False`: the caller dispatches once, after its commit (the scheduler's batch of
        fires).

        The lock order of a trigger: the environment rows (the runs' numbers), the dispatch lock, the audit chain."""
        if not triggers:
            return []
        refused = await self._refusals(uow, access, {t.environment_id for t in triggers})
        wanted = [
            _unplanned_run(access, t.environment_id, t.request, t.trigger, None, None, t.job)
            for t in triggers
            if t.environment_id not in refused
        ]
        runs = uow.runs(access.scope)
        stored = set(await runs.add_many(wanted))
        await runs.append_to_each([run.id for run in wanted if run.id in stored], _QUEUED)
        if dispatch:
            await self._dispatcher.dispatch_in(uow, access.scope)
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

    async def retry(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """A new run of what failed or was never reached (a model whose test failed is rebuilt with its test).

        One transaction: the failed run read, the retry's plan made, and the new run triggered.
        """
        async with self._units() as uow:
            run = await visible_run(uow, access, run_id)
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

    async def _refusals(
        self, uow: UnitOfWork, access: Access, environment_ids: Iterable[uuid.UUID]
    ) -> dict[uuid.UUID, DomainError]:
        """Why the caller may not trigger unplanned runs in each environment that refuses them."""
        refused: dict[uuid.UUID, DomainError] = {}
        for environment_id in sorted(environment_ids):
            try:
                _, where = await visible_environment(uow, access, environment_id)
                access.require(Permission.RUN, where, "trigger runs in this environment")
                access.require(Permission.PLAN, where, "plan runs in this environment")
            except DomainError as refusal:
                refused[environment_id] = refusal
        return refused

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
    ) -> tuple[RunRecord, bool]:
        """`trigger` in the caller's transaction: (the run, whether it is new)."""
        if plan_id is None:
            return await self._trigger_unplanned(
                uow, access, environment_id, request or PlanRequest(), trigger, retry_of, key
            )
        return await self._trigger_planned(uow, access, environment_id, plan_id, trigger, retry_of, key)

    async def _trigger_unplanned(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        request: PlanRequest,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
    ) -> tuple[RunRecord, bool]:
        """A run whose plan a worker makes from the branch's commit (the caller may plan and run here)."""
        refused = await self._refusals(uow, access, [environment_id])
        if environment_id in refused:
            raise refused[environment_id]
        runs = uow.runs(access.scope)
        earlier = await runs.by_idempotency_key(environment_id, key) if key is not None else None
        if earlier is not None:
            return earlier, False
        added = await runs.add(_unplanned_run(access, environment_id, request, trigger, retry_of, key, None))
        return await self._queued(uow, access, added, environment_id, key, _trigger_details(trigger, None))

    async def _trigger_planned(
        self,
        uow: UnitOfWork,
        access: Access,
        environment_id: uuid.UUID,
        plan_id: uuid.UUID,
        trigger: Trigger,
        retry_of: uuid.UUID | None,
        key: str | None,
    ) -> tuple[RunRecord, bool]:
        """(the run, whether it is new): the caller commits a new one."""
        _, where = await visible_environment(uow, access, environment_id)
        access.require(Permission.RUN, where, "trigger runs in this environment")
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
            )
        )
        details = {"plan_id": str(plan.id), "fingerprint": plan.fingerprint, "trigger": trigger.value}
        return await self._queued(uow, access, added, environment_id, key, details)

    async def _queued(
        self,
        uow: UnitOfWork,
        access: Access,
        added: RunRecord | None,
        environment_id: uuid.UUID,
        key: str | None,
        details: dict[str, Any],
    ) -> tuple[RunRecord, bool]:
        """A run just added: its queued event, a dispatch pass and the audit record (last: the lock order)."""
        runs = uow.runs(access.scope)
        if added is None:  # a concurrent call with the same key committed its run first: that run is the answer
            assert key is not None
            earlier = await runs.by_idempotency_key(environment_id, key)
            assert earlier is not None
            return earlier, False
        await runs.append_event(added.id, _QUEUED)
        await self._dispatcher.dispatch_in(uow, access.scope)
        await record(uow.audit(access.scope), access.event("run.trigger", "run", added.id, details))
        run = await runs.get(added.id)
        assert run is not None
        return run, True


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
