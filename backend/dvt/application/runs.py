"""Runs: trigger one from a plan, release it when its plan is approved, cancel, retry, and read or follow it.

`RunService` is the one door the API, the CLI, workers and jobs use; each use case lives in a module of its own:
`run_triggers` (trigger, retry, a job's batch of runs), `run_dispatch` (queued runs moved on as capacity allows,
plans made by workers, approved or rejected), `run_cancel`, `run_reads` (read and follow), and `run_moves`
(every state change, with its status event). Workers execute runs in `run_execution`.

A run's state only moves through `domain.runs`' transition table, and every move writes the run row, its status
event and (when it becomes runnable) its queue job in one transaction. Each command is one unit of work on one
connection, handed down to the helpers it calls (docs/decisions/0007-unit-of-work.md). Every command takes its
locks in one order (run and plan rows, then the tenant's dispatch lock, then the audit chain's), so no two
commands wait for each other.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta

from dvt.application.access import Access
from dvt.application.commit_graphs import CommitGraph
from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import Page, PlanRecord
from dvt.application.run_cancel import RunCancels
from dvt.application.run_dispatch import RunDispatcher
from dvt.application.run_moves import RunEnded, move
from dvt.application.run_ports import ExclusiveDatabase, RunNotifier
from dvt.application.run_reads import RunReads
from dvt.application.run_records import (
    JobRunSpec,
    RunEventRecord,
    RunLogRecord,
    RunNodeRecord,
    RunQuery,
    RunRecord,
    UnplannedTrigger,
)
from dvt.application.run_triggers import RunTriggers
from dvt.domain.audit import AuditEvent
from dvt.domain.errors import DomainError
from dvt.domain.plan.plan import PlanRequest
from dvt.domain.runs import RunStatus, Trigger
from dvt.domain.tenancy import TenantScope


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
        self._clock = clock
        # Called in the transaction that ends a run (after its terminal move): jobs chained after it start there.
        self.ended_listeners: list[RunEnded] = []
        self._dispatcher = RunDispatcher(units, plans, exclusive, self.ended)
        self._triggers = RunTriggers(units, plans, self._dispatcher)
        self._cancels = RunCancels(units, self._dispatcher, self.ended, clock)
        self._reads = RunReads(units, notifier)

    # -- commands (run_triggers, run_cancel, run_dispatch) --------------------------------------------------

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
        """A run of a plan, or of `request` (a worker plans it from the branch); see `RunTriggers.trigger`."""
        return await self._triggers.trigger(
            access, environment_id, plan_id=plan_id, request=request, trigger=trigger, retry_of=retry_of,
            idempotency_key=idempotency_key,
        )  # fmt: skip

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
        """Many `trigger_in`s as one step of the caller's command: see `RunTriggers.trigger_many_in`."""
        return await self._triggers.trigger_many_in(uow, access, triggers, dispatch=dispatch)

    async def retry(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """A new run of what failed or was never reached: see `RunTriggers.retry`."""
        return await self._triggers.retry(access, run_id)

    async def cancel(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """Cancel now if the run has not started; else ask its worker to stop dbt (it ends `canceled`)."""
        return await self._cancels.cancel(access, run_id)

    async def cancel_in(self, uow: UnitOfWork, access: Access, run_id: uuid.UUID) -> AuditEvent | None:
        """`cancel` as a step of the caller's command (a job's fire cancelling its earlier run); returns its audit
        event for the caller to record last (the lock order): see `RunCancels.cancel_in`."""
        return await self._cancels.cancel_in(uow, access, run_id)

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

    async def dispatch(self, scope: TenantScope) -> int:
        """Move this tenant's queued runs on, oldest first, while capacity allows; returns how many moved."""
        return await self._dispatcher.dispatch(scope)

    async def sweep(self) -> int:
        """Dispatch every tenant with queued runs (workers call it periodically): see `RunDispatcher.sweep`."""
        return await self._dispatcher.sweep()

    async def dispatch_in(self, uow: UnitOfWork, scope: TenantScope) -> int:
        """`dispatch` as a step of the caller's command (a run's end frees its slot in the same transaction)."""
        return await self._dispatcher.dispatch_in(uow, scope)

    async def plan_decided(self, uow: UnitOfWork, scope: TenantScope, plan: PlanRecord) -> None:
        """Release (or fail) the runs waiting for this plan, in the transaction that approved (or rejected) it."""
        await self._dispatcher.plan_decided(uow, scope, plan)

    async def planned(self, scope: TenantScope, run_id: uuid.UUID, graph: CommitGraph) -> RunStatus | None:
        """A worker's plan of a run in `planning`: see `RunDispatcher.planned`."""
        return await self._dispatcher.planned(scope, run_id, graph)

    async def planning_failed(self, scope: TenantScope, run_id: uuid.UUID, reason: str) -> RunStatus | None:
        """A run whose planning could not make a plan ends `failed` with why; its slot is free again."""
        return await self._dispatcher.planning_failed(scope, run_id, reason)

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

    # -- queries (run_reads) ---------------------------------------------------------------------------------

    async def run(self, access: Access, run_id: uuid.UUID) -> RunRecord | None:
        found = await self.runs_by_ids(access, [run_id])
        return found[0] if found else None

    async def runs_by_ids(self, access: Access, ids: list[uuid.UUID]) -> list[RunRecord]:
        return await self._reads.runs_by_ids(access, ids)

    async def runs(self, access: Access, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        return await self._reads.runs(access, environment_id, query)

    async def nodes(self, access: Access, run_ids: list[uuid.UUID]) -> list[RunNodeRecord]:
        return await self._reads.nodes(access, run_ids)

    async def node_page(
        self, access: Access, run_id: uuid.UUID, after: str | None, offset: int, limit: int
    ) -> Page[RunNodeRecord]:
        """A page of a run's nodes in unique id order: what a table shows first, without reading the rest."""
        return await self._reads.node_page(access, run_id, after, offset, limit)

    async def node_counts(self, access: Access, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many nodes each visible run has, counted in the database (absent: not visible)."""
        return await self._reads.node_counts(access, run_ids)

    async def events(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]:
        return await self._reads.events(access, run_id, after, limit)

    async def logs(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]:
        """Log chunks after the cursor, for whoever holds view_logs on the run's environment (else none)."""
        return await self._reads.logs(access, run_id, after, limit)

    async def follow_events(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunEventRecord]]:
        """Every event after the cursor, then new ones as they commit, in batches, until the run has finished."""
        async for batch in self._reads.follow_events(access, run_id, after):
            yield batch

    async def follow_logs(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunLogRecord]]:
        async for batch in self._reads.follow_logs(access, run_id, after):
            yield batch
