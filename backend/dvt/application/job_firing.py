"""A job's fire: one occurrence recorded once, acted on by the job's overlap policy, in the caller's transaction.

Used by the scheduler (a schedule's occurrence), by the end of a run (a job chained after it, or a fire that
waited behind it) and nowhere else. Locks, in the one order every command takes them: the job row, the job's
earlier runs (cancel), the environment row (the run's number), the tenant's dispatch lock, the audit chain.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.ports import UnitOfWork
from dvt.application.run_records import JobRunSpec, RunRecord
from dvt.application.runs import RunService
from dvt.domain.errors import DomainError
from dvt.domain.jobs import FireOutcome, OverlapPolicy, planned_step, run_steps
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)


async def start_run(
    uow: UnitOfWork, runs: RunService, access: Access, job: JobRecord, trigger: Trigger, *, dispatch: bool = True
) -> RunRecord:
    """A run of the job's steps, triggered in the caller's transaction (a worker plans it from the branch): its plan
    is the planned step's; the side steps (freshness, docs) run around it in the same checkout."""
    spec = JobRunSpec(job.id, run_steps(job.steps), job.timeout_seconds)
    request = planned_step(job.steps).request()
    return await runs.trigger_in(uow, access, job.environment_id, request, trigger, job=spec, dispatch=dispatch)


async def fire(
    uow: UnitOfWork,
    runs: RunService,
    scope: TenantScope,
    job: JobRecord,
    fire_at: datetime,
    trigger: Trigger,
    note: str | None = None,
    *,
    dispatch: bool = True,
) -> JobFireRecord | None:
    """Record the occurrence and act on it; None when it was recorded already (someone else fired it)."""
    jobs = uow.job_definitions(scope)
    access = Access.system(scope)
    fire_id = uuid.uuid4()
    if not await jobs.add_fire(JobFireRecord(fire_id, job.id, fire_at, trigger.value, FireOutcome.TRIGGERED.value)):
        return None
    active = await jobs.active_runs(job.id)
    overlap = OverlapPolicy(job.overlap)
    outcome, run_id, reason = FireOutcome.TRIGGERED, None, note
    if active and overlap is OverlapPolicy.SKIP:
        outcome, reason = FireOutcome.SKIPPED, f"skipped: the job's previous run {active[-1]} is still active"
    elif active and overlap is OverlapPolicy.QUEUE:
        outcome, reason = FireOutcome.WAITING, f"waiting behind the job's run {active[-1]}"
    else:
        if active:  # OverlapPolicy.CANCEL
            for earlier in active:
                await runs.cancel_in(uow, access, earlier)
        run_id, failure = await _start(uow, runs, access, job, trigger, dispatch)
        if failure is not None:
            outcome, reason = FireOutcome.FAILED, failure
    await jobs.set_fire(fire_id, outcome.value, run_id, reason)
    if outcome is not FireOutcome.TRIGGERED:  # a triggered run is audited as run.trigger, with its job
        details = {"fire_at": fire_at.isoformat(), "outcome": outcome.value, "reason": reason or ""}
        await record(uow.audit(scope), access.event("job.fire", "job", job.id, details))
    return JobFireRecord(fire_id, job.id, fire_at, trigger.value, outcome.value, run_id, reason)


async def release_waiting(uow: UnitOfWork, runs: RunService, scope: TenantScope, job_id: uuid.UUID) -> bool:
    """Start the oldest fire waiting behind the job's runs once none is active; whether one started."""
    jobs = uow.job_definitions(scope)
    waiting = await jobs.waiting_fires(job_id)
    if not waiting:
        return False
    job = await jobs.get(job_id, for_update=True)
    if job is None or await jobs.active_runs(job_id):
        return False
    waiting = await jobs.waiting_fires(job_id)  # again, under the job's lock
    if not waiting:
        return False
    first = waiting[0]
    run_id, failure = await _start(uow, runs, Access.system(scope), job, Trigger(first.trigger), True)
    if failure is None:
        await jobs.set_fire(first.id, FireOutcome.TRIGGERED.value, run_id, "started after the job's previous run")
    else:
        await jobs.set_fire(first.id, FireOutcome.FAILED.value, None, failure)
    return True


async def _start(
    uow: UnitOfWork, runs: RunService, access: Access, job: JobRecord, trigger: Trigger, dispatch: bool
) -> tuple[uuid.UUID | None, str | None]:
    """(the run's id, None), or (None, why not): a refused trigger (the job's environment gone, say) is the fire's
    outcome, and its writes roll back alone, so the fire's record and the job's next occurrence still commit."""
    try:
        async with uow.savepoint():
            run = await start_run(uow, runs, access, job, trigger, dispatch=dispatch)
    except DomainError as refused:
        log.info("job %s: its run was refused: %s", job.id, refused)
        return None, str(refused)
    return run.id, None
