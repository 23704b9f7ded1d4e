"""A job's fires: each occurrence recorded once, acted on by its job's overlap policy, in the caller's transaction.

Used by the scheduler (the due occurrences of a pass, many at once), by the end of a run (a job chained after it, or
a fire that waited behind it) and nowhere else. One fire is a batch of one, and a batch costs a handful of statements
whatever its size: its fires inserted, its jobs' active runs read, its runs triggered together, its outcomes set and
its audit records appended at once. Locks, in the one order every command takes them: the job rows (the caller's),
the jobs' earlier runs (cancel), the environment rows (the runs' numbers), the tenant's dispatch lock, the audit
chain.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from dvt.application.access import Access
from dvt.application.audit import record_many
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.ports import UnitOfWork
from dvt.application.run_records import JobRunSpec, RunRecord, UnplannedTrigger
from dvt.application.runs import RunService
from dvt.domain.audit import AuditEvent
from dvt.domain.errors import DomainError
from dvt.domain.jobs import FireOutcome, OverlapPolicy, planned_steps, run_steps
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A fire to make: the job (its row locked by the caller), the instant, what fired it and a note its record
    keeps. `settled`: its outcome is known before acting (missed by the misfire policy, or failed: its schedule
    cannot be computed), so it is recorded with that outcome (the note says why) and starts nothing."""

    job: JobRecord
    fire_at: datetime
    trigger: Trigger
    note: str | None = None
    settled: FireOutcome | None = None


async def start_run(
    uow: UnitOfWork, runs: RunService, access: Access, job: JobRecord, trigger: Trigger, *, dispatch: bool = True
) -> RunRecord:
    """A run of the job's steps, triggered in the caller's transaction (a worker plans it from the branch): its plan
    covers the planned steps; the side steps (freshness, docs) run among them in the same checkout."""
    wanted = _run_of(job, trigger)
    return await runs.trigger_in(
        uow, access, wanted.environment_id, wanted.request, trigger, job=wanted.job, dispatch=dispatch
    )


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
    [made] = await fire_many(uow, runs, scope, [Occurrence(job, fire_at, trigger, note)], dispatch=dispatch)
    return made


async def fire_many(
    uow: UnitOfWork, runs: RunService, scope: TenantScope, occurrences: Sequence[Occurrence], *, dispatch: bool = True
) -> list[JobFireRecord | None]:
    """Record the occurrences and act on each; for each, its fire, or None when it was recorded already (someone
    else fired it: the unique (job, instant) of a fire is what makes it happen once across processes)."""
    jobs = uow.job_definitions(scope)
    fires = [_recorded(occurrence) for occurrence in occurrences]
    added = await jobs.add_fires(fires)
    made = {fire.id: fire for fire in fires if fire.id in added}
    acting = [(o, fire) for o, fire in zip(occurrences, fires, strict=True) if fire.id in added and not o.settled]
    acted, canceled = await _act(uow, runs, scope, acting, dispatch)
    await jobs.set_fires(acted)
    made |= {fire.id: fire for fire in acted}
    # Last (the lock order). A triggered run is audited as run.trigger, with its job; any other fire as job.fire;
    # the earlier runs the overlap policy canceled as run.cancel.
    access = Access.system(scope)
    fired = [_audited(access, f) for f in made.values() if f.outcome != _TRIGGERED]
    await record_many(uow.audit(scope), [*canceled, *fired])
    return [made.get(fire.id) for fire in fires]


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
    [(run_id, failure)] = await start_runs(uow, runs, Access.system(scope), [(job, Trigger(first.trigger))], True)
    if failure is None:
        await jobs.set_fire(first.id, FireOutcome.TRIGGERED.value, run_id, "started after the job's previous run")
    else:
        await jobs.set_fire(first.id, FireOutcome.FAILED.value, None, failure)
    return True


async def start_runs(
    uow: UnitOfWork, runs: RunService, access: Access, starts: Sequence[tuple[JobRecord, Trigger]], dispatch: bool
) -> list[tuple[uuid.UUID | None, str | None]]:
    """For each (job, trigger): (its run's id, None), or (None, why not). A refused trigger (the job's environment
    gone, say) is its fire's outcome and writes nothing, so the fires' records and next occurrences still commit."""
    made: dict[int, uuid.UUID | DomainError] = {}
    wanted: list[tuple[int, UnplannedTrigger]] = []
    for index, (job, trigger) in enumerate(starts):
        try:
            wanted.append((index, _run_of(job, trigger)))
        except DomainError as refused:
            made[index] = refused
    triggered: list[uuid.UUID | DomainError] = []
    try:
        if wanted:
            async with uow.savepoint():  # refused as a whole (raised): none of their writes stay
                triggered = await runs.trigger_many_in(uow, access, [t for _, t in wanted], dispatch=dispatch)
    except DomainError as refused:
        triggered = [refused] * len(wanted)
    made |= dict(zip((index for index, _ in wanted), triggered, strict=True))
    outcomes: list[tuple[uuid.UUID | None, str | None]] = []
    for index, (job, _) in enumerate(starts):
        result = made[index]
        if isinstance(result, DomainError):
            log.info("job %s: its run was refused: %s", job.id, result)
            outcomes.append((None, str(result)))
        else:
            outcomes.append((result, None))
    return outcomes


_TRIGGERED = FireOutcome.TRIGGERED.value


def _run_of(job: JobRecord, trigger: Trigger) -> UnplannedTrigger:
    spec = JobRunSpec(job.id, run_steps(job.steps), job.timeout_seconds)
    return UnplannedTrigger(job.environment_id, planned_steps(job.steps)[0].request(), trigger, spec)


def _recorded(occurrence: Occurrence) -> JobFireRecord:
    """The fire as first inserted: triggered until its overlap policy says otherwise, or settled (final)."""
    if occurrence.settled is not None:
        outcome, reason = occurrence.settled.value, occurrence.note
    else:
        outcome, reason = _TRIGGERED, None
    job, at, trigger = occurrence.job, occurrence.fire_at, occurrence.trigger.value
    return JobFireRecord(uuid.uuid4(), job.id, at, trigger, outcome, None, reason)


async def _act(
    uow: UnitOfWork,
    runs: RunService,
    scope: TenantScope,
    fires: Sequence[tuple[Occurrence, JobFireRecord]],
    dispatch: bool,
) -> tuple[list[JobFireRecord], list[AuditEvent]]:
    """Each fire decided by its job's overlap policy, the runs they start triggered together; and the audit events
    of the earlier runs canceled (the caller records them last: the new runs' environment rows and the dispatch
    lock are taken before the audit chain's)."""
    if not fires:
        return [], []
    access = Access.system(scope)
    active = await uow.job_definitions(scope).active_runs_of([occurrence.job.id for occurrence, _ in fires])
    decided: dict[uuid.UUID, JobFireRecord] = {}
    starting: list[tuple[Occurrence, JobFireRecord]] = []
    canceled: list[AuditEvent] = []
    for occurrence, fire in fires:
        earlier = active.get(occurrence.job.id, [])
        overlap = OverlapPolicy(occurrence.job.overlap)
        if earlier and overlap is OverlapPolicy.SKIP:
            reason = f"skipped: the job's previous run {earlier[-1]} is still active"
            decided[fire.id] = replace(fire, outcome=FireOutcome.SKIPPED.value, reason=reason)
        elif earlier and overlap is OverlapPolicy.QUEUE:
            reason = f"waiting behind the job's run {earlier[-1]}"
            decided[fire.id] = replace(fire, outcome=FireOutcome.WAITING.value, reason=reason)
        else:
            for earlier_run in earlier:  # OverlapPolicy.CANCEL: rare enough to cancel run by run
                audited = await runs.cancel_in(uow, access, earlier_run)
                canceled += [audited] if audited is not None else []
            starting.append((occurrence, fire))
    started = await start_runs(uow, runs, access, [(o.job, o.trigger) for o, _ in starting], dispatch)
    for (occurrence, fire), (run_id, failure) in zip(starting, started, strict=True):
        if failure is None:
            decided[fire.id] = replace(fire, run_id=run_id, reason=occurrence.note)
        else:
            decided[fire.id] = replace(fire, outcome=FireOutcome.FAILED.value, reason=failure)
    return [decided[fire.id] for _, fire in fires], canceled  # in the fires' order


def _audited(access: Access, fire: JobFireRecord) -> AuditEvent:
    details = {"fire_at": fire.fire_at.isoformat(), "outcome": fire.outcome, "reason": fire.reason or ""}
    return access.event("job.fire", "job", fire.job_id, details)
