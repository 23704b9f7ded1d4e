"""The scheduler: fires every due job exactly once, whichever of any number of DVT processes gets there first.

Each pass claims a batch of due jobs with their row locks (`FOR NO KEY UPDATE SKIP LOCKED`: a job another process
holds is skipped, never waited for) and, in ONE transaction, computes each job's occurrence, fires each tenant's
share as one batch (`job_firing.fire_many`: the occurrences recorded in `job_fires`, unique per job and instant, a
second guard; the runs triggered, or the fires skipped or queued by the overlap policy) and advances every claimed
job's `next_fire_at`. Nothing is kept in memory between passes, so a process may die at any point: what it did not
commit is claimed again by the next pass of any process.

Fires missed while no process was up follow the job's misfire policy: `run_once` fires once, for the latest
missed occurrence; `skip` records that occurrence as missed and waits for the next one. An occurrence later
than the grace (DVT_SCHEDULER_MISFIRE_GRACE_SECONDS) counts as missed; one within it fires normally.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from dvt.application.job_firing import Occurrence, fire_many, release_waiting
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.run_dispatch import DISPATCH_BATCH
from dvt.application.runs import RunService
from dvt.application.schedules import Schedule
from dvt.domain.jobs import FireOutcome, MisfirePolicy
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)

CLAIM_BATCH = 200  # jobs one transaction claims and fires, each tenant's share as one batch of fires
WAITING_BATCH = 100


class JobScheduler:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        runs: RunService,
        *,
        interval: timedelta = timedelta(seconds=2),
        grace: timedelta = timedelta(seconds=60),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        batch: int = CLAIM_BATCH,
    ) -> None:
        self._units = units
        self._runs = runs
        self._interval = interval
        self._grace = grace
        self._clock = clock
        self._batch = batch

    async def tick(self) -> int:
        """One pass: every job due now fired (by this process or, concurrently, another); returns how many
        occurrences this process recorded."""
        recorded = 0
        fired_in: set[uuid.UUID] = set()
        while True:
            async with self._units() as uow:
                now = self._clock()
                due = await uow.due_jobs.claim(now, self._batch)
                if not due:
                    break
                upcoming: list[tuple[uuid.UUID, uuid.UUID, datetime | None]] = []
                for tenant, jobs in _by_tenant(due):
                    planned = [self._occurrence(job, now) for job in jobs]
                    recorded += await self._fire(uow, TenantScope(tenant), [occurrence for occurrence, _ in planned])
                    upcoming += [(tenant, occurrence.job.id, after) for occurrence, after in planned]
                # Advanced whatever happened: a job that cannot fire must not be claimed again and again.
                await uow.due_jobs.advance(upcoming)
                await uow.commit()
            fired_in |= {tenant for tenant, _ in due}
        # The pass's runs are dispatched once its fires have committed, tenant by tenant, each dispatch in its own
        # transaction: dispatching between batches would hold back the fires after them (a pass of due jobs ends
        # in seconds), and one dispatch per fire would take the tenant's dispatch lock per fire. The sweep starts
        # them anyway if this process dies here.
        for tenant in sorted(fired_in):
            await self._dispatch(TenantScope(tenant))
        await self._release_waiting()
        await self._tell_untold_ends()
        return recorded

    async def run(self, stop: asyncio.Event) -> None:
        """Pass after pass until `stop` is set; a failed pass (the database away) is logged and tried again."""
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.warning("scheduler pass failed; the next one tries again", exc_info=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self._interval.total_seconds())

    def _occurrence(self, job: JobRecord, now: datetime) -> tuple[Occurrence, datetime | None]:
        """The job's due occurrence (misfire policy applied), and the occurrence after it.

        A stored schedule that cannot be computed (a cron or time zone stored before the API refused it, or a zone
        this host's tz database does not know) fails this job alone, never the pass: the job records one failed
        fire at its due instant saying why (its history and the audit log show it, as Dagster shows a failed tick)
        and stops being due, as a job without a schedule, until its schedule is edited (which computes its next
        occurrence). There is no next instant to advance it to, and being claimed again every pass would only
        repeat the failure. It is not paused: a pause is a person's decision, audited as theirs."""
        assert job.next_fire_at is not None
        due_at = job.next_fire_at
        try:
            latest, upcoming = _instants(job.cron or "", job.timezone or "", due_at, now)
        except Exception as error:  # pure computation (croniter, zoneinfo): what it raises is this schedule's fault
            log.warning("job %s: its schedule %r in %r cannot be computed", job.id, job.cron, job.timezone)
            reason = f"schedule {job.cron!r} in {job.timezone!r} cannot be computed ({_why(error)})"
            reason += ": the job fires again once its schedule is edited"
            return Occurrence(job, due_at, Trigger.SCHEDULE, reason, settled=FireOutcome.FAILED), None
        missed = latest > due_at or now - latest > self._grace
        if missed and MisfirePolicy(job.misfire) is MisfirePolicy.SKIP and now - latest > self._grace:
            reason = f"missed while no DVT process was up (since {due_at.isoformat()}): misfire policy skip"
            return Occurrence(job, latest, Trigger.SCHEDULE, reason, settled=FireOutcome.MISSED), upcoming
        note = f"run once for the occurrences missed since {due_at.isoformat()}" if missed else None
        return Occurrence(job, latest, Trigger.SCHEDULE, note), upcoming

    async def _fire(self, uow: UnitOfWork, scope: TenantScope, occurrences: list[Occurrence]) -> int:
        """The tenant's due fires as one batch, in the caller's transaction; how many were recorded. Should the
        batch fail, it rolls back and each fire is made alone (the same path, a batch of one), so one job's
        failure is recorded as its own fire's and the others still commit."""
        if len(occurrences) > 1:
            try:
                async with uow.savepoint():
                    made = await fire_many(uow, self._runs, scope, occurrences, dispatch=False)
                return sum(1 for fire in made if fire is not None)
            except Exception:
                log.warning("a batch of %d fires failed: firing them one by one", len(occurrences), exc_info=True)
        return sum([await self._fire_alone(uow, scope, occurrence) for occurrence in occurrences])

    async def _fire_alone(self, uow: UnitOfWork, scope: TenantScope, occurrence: Occurrence) -> int:
        try:
            async with uow.savepoint():
                [made] = await fire_many(uow, self._runs, scope, [occurrence], dispatch=False)
            return int(made is not None)
        except Exception as error:  # this job's fire alone rolls back; the others of the batch go on
            log.exception("job %s: firing %s failed", occurrence.job.id, occurrence.fire_at)
            return await self._failed(uow, scope, occurrence.job, occurrence.fire_at, error)

    async def _dispatch(self, scope: TenantScope) -> None:
        try:
            while await self._runs.dispatch(scope) >= DISPATCH_BATCH:  # a full dispatch pass: more may be queued
                pass
        except Exception:
            log.warning("dispatch after fires: tenant %s failed; the sweep tries again", scope.tenant_id, exc_info=True)

    async def _failed(self, uow: UnitOfWork, scope: TenantScope, job: JobRecord, at: datetime, error: Exception) -> int:
        reason = f"internal error: {type(error).__name__}"
        return int(
            await uow.job_definitions(scope).add_fire(
                JobFireRecord(uuid.uuid4(), job.id, at, Trigger.SCHEDULE.value, FireOutcome.FAILED.value, None, reason)
            )
        )

    async def _release_waiting(self) -> None:
        """Fires waiting behind a run whose end did not release them (a worker lost, say) start here."""
        async with self._units() as uow:
            waiting = await uow.due_jobs.with_waiting_fires(WAITING_BATCH)
        for tenant, job_id in waiting:
            try:
                async with self._units() as uow:
                    if await release_waiting(uow, self._runs, TenantScope(tenant), job_id):
                        await uow.commit()
            except Exception:
                log.warning("job %s: starting its waiting fire failed", job_id, exc_info=True)

    async def _tell_untold_ends(self) -> None:
        """The ends of runs a fire canceled, told to the jobs after theirs (chained fires, fires waiting behind them),
        each in a transaction of its own that takes the locks in the one order: the run, then the jobs. Exactly once:
        the transaction that clears the run's flag tells it, and commits both together."""
        async with self._units() as uow:
            untold = await uow.due_jobs.untold_ends(WAITING_BATCH)
        for tenant, run_id in untold:
            scope = TenantScope(tenant)
            try:
                async with self._units() as uow:
                    run = await uow.runs(scope).get(run_id, for_update=True)
                    if run is None or not await uow.due_jobs.take_untold_end(tenant, run_id):
                        continue  # told by another scheduler meanwhile
                    await self._runs.ended(uow, scope, run)
                    await uow.commit()
            except Exception:
                log.warning("run %s: telling its end to the jobs after it failed", run_id, exc_info=True)


def _by_tenant(due: list[tuple[uuid.UUID, JobRecord]]) -> list[tuple[uuid.UUID, list[JobRecord]]]:
    """The claimed jobs of each tenant, tenants in one order: two passes take the tenants' locks in that order."""
    jobs: dict[uuid.UUID, list[JobRecord]] = {}
    for tenant, job in due:
        jobs.setdefault(tenant, []).append(job)
    return sorted(jobs.items())


@functools.lru_cache(maxsize=256)
def _instants(cron: str, timezone: str, due_at: datetime, now: datetime) -> tuple[datetime, datetime | None]:
    """(the occurrence to fire: the latest one due by `now`, the one after it). Cached: the jobs a pass claims are
    mostly due at one instant on a few schedules, and walking a schedule costs more than firing its job."""
    schedule = Schedule(cron, timezone)
    latest = schedule.latest_until(now, due_at) or due_at
    return latest, schedule.next_after(max(latest, now))


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
