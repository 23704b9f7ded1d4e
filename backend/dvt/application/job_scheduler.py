"""The scheduler: fires every due job exactly once, whichever of any number of DVT processes gets there first.

Each pass claims due jobs with their row locks (`FOR NO KEY UPDATE SKIP LOCKED`: a job another process holds
is skipped, never waited for), and for each one, in ONE transaction: computes the occurrence, records it in
`job_fires` (unique per job and instant: a second guard), triggers the run (or skips or queues it by the
overlap policy), and advances `next_fire_at`. Nothing is kept in memory between passes, so a process may die
at any point: what it did not commit is claimed again by the next pass of any process.

Fires missed while no process was up follow the job's misfire policy: `run_once` fires once, for the latest
missed occurrence; `skip` records that occurrence as missed and waits for the next one. An occurrence later
than the grace (DVT_SCHEDULER_MISFIRE_GRACE_SECONDS) counts as missed; one within it fires normally.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.job_firing import fire, release_waiting
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.runs import RunService
from dvt.application.schedules import Schedule
from dvt.domain.jobs import FireOutcome, MisfirePolicy
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope

log = logging.getLogger(__name__)

CLAIM_BATCH = 20  # jobs one transaction claims and fires (each in a savepoint of its own)
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
        while True:
            async with self._units() as uow:
                now = self._clock()
                due = await uow.due_jobs.claim(now, self._batch)
                if not due:
                    break
                for tenant, job in due:
                    recorded += await self._fire_due(uow, TenantScope(tenant), job, now)
                await uow.commit()
            # The batch's runs are dispatched once per tenant, each in its own transaction after the fires
            # committed: one dispatch pass per fire would hold the tenant's dispatch lock once per fire, and the
            # sweep starts them anyway if this process dies here.
            for tenant in sorted({tenant for tenant, _ in due}):
                try:
                    await self._runs.dispatch(TenantScope(tenant))
                except Exception:
                    log.warning("dispatch after fires: tenant %s failed; the sweep tries again", tenant, exc_info=True)
        await self._release_waiting()
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

    async def _fire_due(self, uow: UnitOfWork, scope: TenantScope, job: JobRecord, now: datetime) -> int:
        """Fire the job's due occurrence (misfire policy applied) and advance it, in the caller's transaction."""
        assert job.next_fire_at is not None and job.cron and job.timezone
        schedule = Schedule(job.cron, job.timezone)
        due_at = job.next_fire_at
        latest = schedule.latest_until(now, due_at) or due_at
        missed = latest > due_at or now - latest > self._grace
        fired = 0
        try:
            async with uow.savepoint():
                if missed and MisfirePolicy(job.misfire) is MisfirePolicy.SKIP and now - latest > self._grace:
                    fired = await self._missed(uow, scope, job, latest, due_at)
                else:
                    note = f"run once for the occurrences missed since {due_at.isoformat()}" if missed else None
                    made = await fire(uow, self._runs, scope, job, latest, Trigger.SCHEDULE, note, dispatch=False)
                    fired = int(made is not None)
        except Exception as error:  # this job's fire alone rolls back; the others of the batch go on
            log.exception("job %s: firing %s failed", job.id, latest)
            fired = await self._failed(uow, scope, job, latest, error)
        # Advanced whatever happened: a job that cannot fire must not be claimed again and again.
        upcoming = schedule.next_after(max(latest, now))
        await uow.job_definitions(scope).update(job.id, next_fire_at=upcoming)
        return fired

    async def _missed(
        self, uow: UnitOfWork, scope: TenantScope, job: JobRecord, latest: datetime, due_at: datetime
    ) -> int:
        reason = f"missed while no DVT process was up (since {due_at.isoformat()}): misfire policy skip"
        added = await uow.job_definitions(scope).add_fire(
            JobFireRecord(uuid.uuid4(), job.id, latest, Trigger.SCHEDULE.value, FireOutcome.MISSED.value, None, reason)
        )
        if added:
            details = {"fire_at": latest.isoformat(), "outcome": FireOutcome.MISSED.value, "reason": reason}
            await record(uow.audit(scope), Access.system(scope).event("job.fire", "job", job.id, details))
        return int(added)

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
