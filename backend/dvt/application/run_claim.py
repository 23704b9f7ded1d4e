"""A worker's claim on a run its job names: it starts running here, or is found lost, stale or not runnable.

One transaction, the caller's: the run row is locked first, and what the claim changes (the run started, or
failed because its worker is lost or its plan went stale, and the dispatch of the slot that frees) commits
together.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import timedelta

from dvt.application.plans import PlanService
from dvt.application.ports import UnitOfWork
from dvt.application.records import PlanRecord
from dvt.application.run_moves import move
from dvt.application.run_ports import RunLimits
from dvt.application.run_records import NewRunEvent, RunRecord
from dvt.application.run_sink import RunStillHeld
from dvt.application.runs import RunService
from dvt.domain.plan.plan import PlanStatus
from dvt.domain.runs import FailureReason, RunEventKind, RunStatus, worker_presumed_lost
from dvt.domain.tenancy import Environment, Project, TenantScope


@dataclass(frozen=True, slots=True)
class Claim:
    """A run this worker now holds, with what running it needs."""

    run: RunRecord
    plan: PlanRecord
    environment: Environment
    project: Project


@dataclass(frozen=True, slots=True)
class Claimant:
    """The worker claiming: who it is, and how it treats a run whose worker went silent."""

    worker_id: str
    limits: RunLimits
    retry_lost: bool
    contact_seconds: float  # since this process last regained its database


async def claim(
    uow: UnitOfWork,
    plans: PlanService,
    runs: RunService,
    scope: TenantScope,
    run_id: uuid.UUID,
    claimant: Claimant,
    patience: timedelta,
) -> Claim | None:
    """The claimed run, or None when there is nothing to run. Raises `RunStillHeld` when the job was handed out
    again while the worker running it is (or may still be) alive. The caller commits."""
    run = await uow.runs(scope).get(run_id, for_update=True)
    if run is None or run.plan_id is None:
        return None
    plan = await uow.plans(scope).get(run.plan_id)
    environments = await uow.tenancy(scope).environments_by_ids([run.environment_id])
    projects = await uow.tenancy(scope).projects_by_ids([environments[0].project_id]) if environments else []
    if plan is None or not projects:
        return None
    status = RunStatus(run.status)
    if status is RunStatus.RUNNING:
        return await _take_over(uow, runs, scope, Claim(run, plan, environments[0], projects[0]), claimant, patience)
    if status is not RunStatus.AWAITING_WORKER:
        return None  # finished or canceled meanwhile, or a duplicate delivery: nothing to run
    stale = await plans.staleness(scope, plan, uow)  # in this transaction: one connection
    if stale is not None:
        await runs.end_in(uow, scope, run, RunStatus.FAILED, stale)
        await runs.dispatch_in(uow, scope)  # its slot is free again
        return None
    if plan.status != PlanStatus.APPROVED.value:
        return None
    limits = claimant.limits.capped(run.limits)  # a job's timeout, recorded on the run as it starts
    run = await move(
        uow, scope, run, RunStatus.RUNNING, f"running on {claimant.worker_id}",
        worker=claimant.worker_id, attempt=run.attempt + 1, limits=limits.to_json(),
    )  # fmt: skip
    return Claim(run, plan, environments[0], projects[0])


async def _take_over(
    uow: UnitOfWork, runs: RunService, scope: TenantScope, held: Claim, claimant: Claimant, patience: timedelta
) -> Claim | None:
    """The queue handed this running run's job out again: the worker that had it went silent.

    Presumed lost only when silent longer than the patience by the database's clock, and not while this process
    itself has only just regained the database; else look again later.
    """
    run = held.run
    silent = await uow.runs(scope).silence(run.id)
    seconds = patience.total_seconds()
    if not worker_presumed_lost(silent, seconds, claimant.contact_seconds):
        raise RunStillHeld(run.id, run.worker, seconds)
    lost = f"worker {run.worker} lost (no heartbeat for {silent:.0f} s)"
    if claimant.retry_lost and run.attempt < 2:
        event = NewRunEvent(RunEventKind.WORKER_LOST, f"worker_lost:{run.attempt}", message=lost + "; retrying once")
        await uow.runs(scope).append_event(run.id, event)
        await uow.runs(scope).update(run.id, worker=claimant.worker_id, attempt=run.attempt + 1)
        return replace(held, run=replace(run, worker=claimant.worker_id, attempt=run.attempt + 1))
    await uow.runs(scope).append_event(run.id, NewRunEvent(RunEventKind.WORKER_LOST, "worker_lost", message=lost))
    await runs.end_in(uow, scope, run, RunStatus.FAILED, FailureReason.WORKER_LOST.value)
    await runs.dispatch_in(uow, scope)  # its slot is free again
    return None
