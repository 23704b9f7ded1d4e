"""Runs: trigger one from a plan, release it when its plan is approved, cancel, retry, and read or follow it.

A run's state only moves through `domain.runs`' transition table, and every move writes the run row, its
status event and (when it becomes runnable) its queue job in one transaction. Workers execute runs in
`run_execution`; this module is what people and the API do to them.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import Page, PlanRecord
from dvt.application.run_feeds import FeedHub
from dvt.application.run_ports import RunNotifier
from dvt.application.run_records import (
    NewRunEvent,
    RunEventRecord,
    RunLogRecord,
    RunNodeRecord,
    RunQuery,
    RunRecord,
)
from dvt.application.tenancy import visible_environment
from dvt.domain.authorization import Permission
from dvt.domain.errors import ConflictError, NotFoundError, ValidationError
from dvt.domain.plan.plan import Action, PlanRequest, PlanStatus
from dvt.domain.runs import (
    FailureReason,
    IllegalTransition,
    RunStatus,
    Trigger,
    check_transition,
    node_end_message,
    retry_selection,
)
from dvt.domain.tenancy import Environment, TenantScope


def plan_items(plan: PlanRecord) -> list[dict[str, Any]]:
    """The plan's RUN and PARTIAL items: exactly what its run executes."""
    items: list[dict[str, Any]] = orjson.loads(plan.document)["items"]
    return [i for i in items if i["action"] in (Action.RUN.value, Action.PARTIAL.value)]


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
    event = NewRunEvent("status", f"status:{target.value}", status=target.value, message=reason or "")
    await runs.append_event(run.id, event)
    return replace(run, status=target.value, reason=reason, **values)


class RunService:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        plans: PlanService,
        notifier: RunNotifier,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._units = units
        self._plans = plans
        self._notifier = notifier
        self._clock = clock
        self._event_feeds: FeedHub[RunEventRecord] = FeedHub(notifier)
        self._log_feeds: FeedHub[RunLogRecord] = FeedHub(notifier)

    async def _environment(self, uow: UnitOfWork, access: Access, environment_id: uuid.UUID) -> tuple[Environment, str]:
        return await visible_environment(uow, access, environment_id)

    async def _audit_illegal(self, access: Access, run_id: uuid.UUID, error: IllegalTransition) -> None:
        details = {"from": error.current.value, "to": error.target.value}
        async with self._units() as uow:
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
    ) -> RunRecord:
        """A run of a plan (made now from `request` when no plan is given), queued, then dispatched if quotas allow."""
        async with self._units() as uow:
            _, where = await self._environment(uow, access, environment_id)
            access.require(Permission.RUN, where, "trigger runs in this environment")
        if plan_id is None:
            plan = await self._plans.create(access, environment_id, request or PlanRequest())
        else:
            found = await self._plans.plan(access.scope, plan_id)
            if found is None or found.environment_id != environment_id:
                raise NotFoundError("plan not found in this environment")
            plan = found
        if plan.status == PlanStatus.REJECTED.value:
            raise ConflictError("the plan is rejected: make a new plan")
        stale = await self._plans.staleness(access.scope, plan)
        if stale is not None:
            raise ConflictError(stale)
        stored_request = orjson.loads(plan.document)["request"]
        run_id = uuid.uuid4()
        async with self._units() as uow:
            run = await uow.runs(access.scope).add(
                RunRecord(
                    id=run_id,
                    environment_id=environment_id,
                    plan_id=plan.id,
                    status=RunStatus.QUEUED.value,
                    trigger=trigger.value,
                    actor=access.actor.label,
                    trace_id=(access.trace_id or uuid.uuid4().hex)[:32],
                    request=stored_request,
                    retry_of=retry_of,
                    estimated_cost_micros=int(plan.summary.get("p50_cost_micros") or 0),
                )
            )
            await uow.runs(access.scope).append_event(
                run.id, NewRunEvent("status", "status:queued", status=RunStatus.QUEUED.value, message="queued")
            )
            details = {"plan_id": str(plan.id), "fingerprint": plan.fingerprint, "trigger": trigger.value}
            await record(uow.audit(access.scope), access.event("run.trigger", "run", run.id, details))
            await uow.commit()
        await self.dispatch(access.scope)
        found_run = await self.run(access.scope, run_id)
        assert found_run is not None
        return found_run

    async def dispatch(self, scope: TenantScope) -> int:
        """Move this tenant's queued runs on, oldest first, while their quotas allow; returns how many moved."""
        moved = 0
        async with self._units() as uow:
            waiting = await uow.runs(scope).queued(100)
        for candidate in waiting:
            async with self._units() as uow:
                # One dispatcher of this tenant at a time: two processes counting active runs at once could
                # both see a free slot and move two runs into it.
                await uow.runs(scope).lock_dispatch()
                run = await uow.runs(scope).get(candidate.id, for_update=True, skip_locked=True)
                if run is None or run.status != RunStatus.QUEUED.value:
                    continue
                blocked = await self._over_quota(uow, scope, run)
                if blocked is not None:
                    if run.reason != blocked:
                        await uow.runs(scope).update(run.id, reason=blocked)
                        await uow.commit()
                    continue
                run = await move(uow, scope, run, RunStatus.PLANNING, "checking the plan")
                plan = await uow.plans(scope).get(run.plan_id) if run.plan_id else None
                stale = await self._plans.staleness(scope, plan) if plan else "plan_expired: the plan is gone"
                if plan is None or stale is not None:
                    await move(uow, scope, run, RunStatus.FAILED, stale)
                elif plan.status == PlanStatus.REJECTED.value:
                    await move(uow, scope, run, RunStatus.FAILED, FailureReason.PLAN_REJECTED.value)
                else:
                    await self._await_approval(uow, scope, run, plan, PlanStatus(plan.status))
                await uow.commit()
                moved += 1
        return moved

    async def _over_quota(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord) -> str | None:
        environments = await uow.tenancy(scope).environments_by_ids([run.environment_id])
        tenants = await uow.platform.tenants_by_ids([scope.tenant_id])
        in_environment, in_tenant = await uow.runs(scope).active_counts(run.environment_id)
        env_limit = environments[0].quotas.max_concurrent_runs if environments else None
        tenant_limit = tenants[0].quotas.max_concurrent_runs if tenants else None
        if env_limit is not None and in_environment >= env_limit:
            return f"quota: {in_environment} of {env_limit} concurrent runs of this environment are active"
        if tenant_limit is not None and in_tenant >= tenant_limit:
            return f"quota: {in_tenant} of {tenant_limit} concurrent runs of this tenant are active"
        return None

    async def _await_approval(
        self, uow: UnitOfWork, scope: TenantScope, run: RunRecord, plan: PlanRecord, status: PlanStatus
    ) -> None:
        items = plan_items(plan)
        nodes = [
            RunNodeRecord(
                run_id=run.id,
                unique_id=i["unique_id"],
                node_uuid=uuid.UUID(i["node_uuid"]),
                resource_type=i["resource_type"],
                estimated_cost_micros=i["estimate"]["p50_cost_micros"],
            )
            for i in items
        ]
        await uow.runs(scope).add_nodes(run.id, nodes)
        if status is PlanStatus.APPROVED:
            note = f"plan approved by {plan.decided_by}" if plan.decided_by else "plan approved"
            run = await move(uow, scope, run, RunStatus.AWAITING_APPROVAL, note)
            await uow.jobs.enqueue_run(scope.tenant_id, run.id, run.attempt)
        else:
            await move(uow, scope, run, RunStatus.AWAITING_APPROVAL, "waiting for the plan's approval")

    async def plan_decided(self, scope: TenantScope, plan: PlanRecord) -> None:
        """Release (or fail) the runs waiting for this plan, now that it is approved (or rejected)."""
        async with self._units() as uow:
            page = await uow.runs(scope).of_environment(
                plan.environment_id, RunQuery(statuses=(RunStatus.AWAITING_APPROVAL.value,), limit=1000)
            )
            for waiting in page.items:
                if waiting.plan_id != plan.id:
                    continue
                run = await uow.runs(scope).get(waiting.id, for_update=True)
                if run is None or run.status != RunStatus.AWAITING_APPROVAL.value:
                    continue
                if plan.status == PlanStatus.APPROVED.value:
                    message = f"plan approved by {plan.decided_by}"
                    await uow.runs(scope).append_event(run.id, NewRunEvent("approved", "approved", message=message))
                    await uow.jobs.enqueue_run(scope.tenant_id, run.id, run.attempt)
                else:
                    await move(uow, scope, run, RunStatus.FAILED, FailureReason.PLAN_REJECTED.value)
            await uow.commit()
        await self.dispatch(scope)

    async def cancel(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """Cancel now if the run has not started; else ask its worker to stop dbt (it ends `canceled`)."""
        async with self._units() as uow:
            run = await self._visible(uow, access, run_id, for_update=True)
            _, where = await self._environment(uow, access, run.environment_id)
            access.require(Permission.CANCEL, where, "cancel runs in this environment")
            status = RunStatus(run.status)
            runs = uow.runs(access.scope)
            # Every request is an event of its own (the occurrence number): asking twice is recorded twice.
            occurrence = await runs.count_events(run.id, "cancel:") + 1
            event = NewRunEvent(
                "cancel_requested", f"cancel:{occurrence}", message=f"cancel asked by {access.actor.label}"
            )
            try:
                if status is RunStatus.RUNNING:
                    await runs.append_event(run.id, event)
                    if run.cancel_requested_at is None:
                        await runs.update(run.id, cancel_requested_at=self._clock())
                else:
                    check_transition(status, RunStatus.CANCELED)  # a finished run: refused (and audited) first
                    await runs.append_event(run.id, event)
                    await move(uow, access.scope, run, RunStatus.CANCELED, f"canceled by {access.actor.label}")
            except IllegalTransition as error:
                await self._audit_illegal(access, run.id, error)
                raise
            await record(uow.audit(access.scope), access.event("run.cancel", "run", run.id, {"was": status.value}))
            await uow.commit()
        if status is not RunStatus.RUNNING:
            await self.dispatch(access.scope)
        found = await self.run(access.scope, run_id)
        assert found is not None
        return found

    async def retry(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """A new run of what failed or was never reached (a model whose test failed is rebuilt with its test)."""
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
        return await self.trigger(access, run.environment_id, request=request, trigger=Trigger.RETRY, retry_of=run.id)

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

    async def run(self, scope: TenantScope, run_id: uuid.UUID) -> RunRecord | None:
        async with self._units() as uow:
            return await uow.runs(scope).get(run_id)

    async def runs_by_ids(self, scope: TenantScope, ids: list[uuid.UUID]) -> list[RunRecord]:
        async with self._units() as uow:
            return await uow.runs(scope).by_ids(ids)

    async def runs(self, scope: TenantScope, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        async with self._units() as uow:
            return await uow.runs(scope).of_environment(environment_id, query)

    async def nodes(self, scope: TenantScope, run_ids: list[uuid.UUID]) -> list[RunNodeRecord]:
        async with self._units() as uow:
            return await uow.runs(scope).nodes_of(run_ids)

    async def events(self, scope: TenantScope, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]:
        async with self._units() as uow:
            return await uow.runs(scope).events_after(run_id, after, limit)

    async def logs(self, scope: TenantScope, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]:
        async with self._units() as uow:
            return await uow.runs(scope).logs_after(run_id, after, limit)

    async def follow_events(
        self, scope: TenantScope, run_id: uuid.UUID, after: int
    ) -> AsyncIterator[list[RunEventRecord]]:
        """Every event after the cursor, then new ones as they commit, in batches, until the run has finished."""
        async for batch in self._event_feeds.follow(
            scope.tenant_id, run_id, after, lambda a, n: self.events(scope, run_id, a, n), self._status(scope, run_id)
        ):
            yield batch

    async def follow_logs(self, scope: TenantScope, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunLogRecord]]:
        async for batch in self._log_feeds.follow(
            scope.tenant_id, run_id, after, lambda a, n: self.logs(scope, run_id, a, n), self._status(scope, run_id)
        ):
            yield batch

    def _status(self, scope: TenantScope, run_id: uuid.UUID) -> Callable[[], Awaitable[str | None]]:
        async def status() -> str | None:
            run = await self.run(scope, run_id)
            return run.status if run else None

        return status
