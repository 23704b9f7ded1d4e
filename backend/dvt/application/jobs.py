"""Jobs: define, change, pause, resume, delete and trigger them; read them, their fires and their runs.

Every command is one transaction: checked input (steps, schedule, chain) first, so bad input stores nothing;
then the job row, its next occurrence and the audit record commit together. Permissions on the job's
environment: view to read, edit to define and pause, run to trigger. Another tenant's job is not found.
The scheduler (`job_scheduler`) fires what is due; `run_ended` chains jobs in the transaction ending a run.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.job_firing import fire, release_waiting, start_run
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import Page
from dvt.application.run_records import RunQuery, RunRecord
from dvt.application.runs import RunService
from dvt.application.schedules import Schedule
from dvt.application.tenancy import visible_environment
from dvt.application.visibility import only_visible
from dvt.domain.authorization import Permission
from dvt.domain.errors import ConflictError, NotFoundError, ValidationError
from dvt.domain.jobs import (
    DEFAULT_TIMEOUT_SECONDS,
    AfterOutcome,
    JobStep,
    MisfirePolicy,
    OverlapPolicy,
    check_chain,
    check_job_name,
    check_steps,
    check_timeout,
)
from dvt.domain.runs import Trigger
from dvt.domain.tenancy import TenantScope

JOB = "job"  # its kind in Access.whereabouts
MAX_PREVIEW = 20
UNSET: Any = object()  # an update field left as it is


@dataclass(frozen=True, slots=True)
class JobDefinition:
    """A job as people define it (create), or the changes to one (update: UNSET fields stay as they are)."""

    name: str = UNSET
    steps: tuple[JobStep, ...] = UNSET
    cron: str | None = UNSET  # with `timezone`; None: no schedule
    timezone: str | None = UNSET
    after_job_id: uuid.UUID | None = UNSET  # None: not chained
    after_outcome: AfterOutcome | None = UNSET
    timeout_seconds: int = UNSET
    overlap: OverlapPolicy = UNSET
    misfire: MisfirePolicy = UNSET
    paused: bool = UNSET


def preview(cron: str, timezone: str, count: int, after: datetime) -> list[datetime]:
    """The next `count` fires of a schedule not yet saved (refused as a save would refuse it)."""
    if not 1 <= count <= MAX_PREVIEW:
        raise ValidationError(f"count must be 1 to {MAX_PREVIEW}, got {count}")
    return Schedule.of(cron, timezone).next_fires(after, count)


class JobService:
    def __init__(
        self, units: UnitOfWorkFactory, runs: RunService, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._units = units
        self._runs = runs
        self._clock = clock

    # -- commands ---------------------------------------------------------------------------------------

    async def create(self, access: Access, environment_id: uuid.UUID, definition: JobDefinition) -> JobRecord:
        given = {k: v for k, v in _fields(definition).items() if v is not UNSET}
        if "name" not in given or "steps" not in given:
            raise ValidationError("a job needs a name and a step")
        job = JobRecord(
            id=uuid.uuid4(),
            environment_id=environment_id,
            name=given["name"],
            steps=given["steps"],
            timeout_seconds=given.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS),
            overlap=OverlapPolicy(given.get("overlap", OverlapPolicy.SKIP)).value,
            misfire=MisfirePolicy(given.get("misfire", MisfirePolicy.RUN_ONCE)).value,
            paused=bool(given.get("paused", False)),
            cron=given.get("cron"),
            timezone=given.get("timezone"),
            after_job_id=given.get("after_job_id"),
            after_outcome=_outcome(given.get("after_outcome")),
            created_by=access.actor.label,
        )
        async with self._units() as uow:
            await self._may(uow, access, environment_id, Permission.EDIT, "define jobs in this environment")
            job = await self._checked(uow, access, job)
            added = await uow.job_definitions(access.scope).add(job)
            if added is None:
                raise ConflictError(f"the environment already has a job named {job.name!r}")
            await record(uow.audit(access.scope), access.event("job.create", JOB, added.id, _audited(added)))
            await uow.commit()
        return added

    async def update(self, access: Access, job_id: uuid.UUID, changes: JobDefinition) -> JobRecord:
        async with self._units() as uow:
            current = await self._visible(uow, access, job_id, for_update=True)
            await self._may(uow, access, current.environment_id, Permission.EDIT, "change jobs in this environment")
            given = {k: v for k, v in _fields(changes).items() if v is not UNSET}
            if "after_outcome" in given:
                given["after_outcome"] = _outcome(given["after_outcome"])
            for key in ("overlap", "misfire"):
                if key in given:
                    given[key] = str(given[key])
            job = await self._checked(uow, access, replace(current, **given))
            values = {k: getattr(job, k) for k in given}
            if given.keys() & {"cron", "timezone", "paused"}:  # else the next occurrence stays as it is
                values.update(cron=job.cron, timezone=job.timezone, next_fire_at=job.next_fire_at)
            updated = await uow.job_definitions(access.scope).update(job_id, **values)
            if updated is None:
                raise ConflictError(f"the environment already has a job named {job.name!r}")
            await record(uow.audit(access.scope), access.event("job.update", JOB, job_id, _audited(updated)))
            await uow.commit()
        return updated

    async def pause(self, access: Access, job_id: uuid.UUID) -> JobRecord:
        return await self._set_paused(access, job_id, True)

    async def resume(self, access: Access, job_id: uuid.UUID) -> JobRecord:
        return await self._set_paused(access, job_id, False)

    async def _set_paused(self, access: Access, job_id: uuid.UUID, paused: bool) -> JobRecord:
        async with self._units() as uow:
            current = await self._visible(uow, access, job_id, for_update=True)
            verb = "pause" if paused else "resume"
            await self._may(uow, access, current.environment_id, Permission.EDIT, f"{verb} jobs in this environment")
            # Resumed: from the next occurrence after now (what fell while paused is not a misfire).
            job = _scheduled(replace(current, paused=paused), self._clock())
            updated = await uow.job_definitions(access.scope).update(
                job_id, paused=paused, next_fire_at=job.next_fire_at
            )
            assert updated is not None
            await record(uow.audit(access.scope), access.event(f"job.{verb}", JOB, job_id))
            await uow.commit()
        return updated

    async def delete(self, access: Access, job_id: uuid.UUID) -> JobRecord:
        async with self._units() as uow:
            seen = await self._visible(uow, access, job_id)
            await self._may(uow, access, seen.environment_id, Permission.EDIT, "delete jobs in this environment")
            # Its runs' locks before the job's, the order of a run's end (its run, then its job, to start a fire
            # waiting behind it): the job first would deadlock with that end (nulling the run's job_id).
            await uow.job_definitions(access.scope).lock_runs(job_id)
            current = await self._visible(uow, access, job_id, for_update=True)
            # Its runs stay (their job_id becomes null); jobs chained after it lose that trigger.
            await uow.job_definitions(access.scope).delete(job_id)
            details = {"name": current.name}
            await record(uow.audit(access.scope), access.event("job.delete", JOB, job_id, details))
            await uow.commit()
        return current

    async def trigger(self, access: Access, job_id: uuid.UUID, trigger: Trigger = Trigger.API) -> RunRecord:
        """A run of the job now, asked by a person or a system (its overlap policy is for its own fires)."""
        async with self._units() as uow:
            job = await self._visible(uow, access, job_id)
            run = await start_run(uow, self._runs, access, job, trigger)  # checks the run permission
            await uow.commit()
        return run

    # -- the end of a run (a listener of RunService.ended) ---------------------------------------------

    async def run_ended(self, uow: UnitOfWork, scope: TenantScope, run: RunRecord) -> None:
        """In the transaction ending a run of a job: start a fire waiting behind it, and the jobs chained after
        the job on this outcome."""
        if run.job_id is None:
            return
        await release_waiting(uow, self._runs, scope, run.job_id)
        jobs = uow.job_definitions(scope)
        now = self._clock()
        for chained in await jobs.after(run.job_id):
            outcome = AfterOutcome(chained.after_outcome or AfterOutcome.SUCCESS)
            if chained.paused or not outcome.follows(run.status):
                continue
            locked = await jobs.get(chained.id, for_update=True)
            if locked is None or locked.paused:
                continue
            note = f"after run {run.id} of the upstream job ended {run.status}"
            await fire(uow, self._runs, scope, locked, now, Trigger.JOB_COMPLETION, note)

    # -- queries -----------------------------------------------------------------------------------------

    async def job(self, access: Access, job_id: uuid.UUID) -> JobRecord | None:
        found = await self.jobs_by_ids(access, [job_id])
        return found[0] if found else None

    async def jobs_by_ids(self, access: Access, ids: list[uuid.UUID]) -> list[JobRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, JOB, await uow.job_definitions(access.scope).by_ids(ids))

    async def jobs(self, access: Access, environment_id: uuid.UUID) -> list[JobRecord]:
        async with self._units() as uow:
            await visible_environment(uow, access, environment_id)
            return await uow.job_definitions(access.scope).of_environment(environment_id)

    async def job_named(self, access: Access, environment_id: uuid.UUID, name: str) -> JobRecord:
        async with self._units() as uow:
            await visible_environment(uow, access, environment_id)
            found = await uow.job_definitions(access.scope).by_name(environment_id, name)
        if found is None:
            raise NotFoundError(f"job {name!r} not found in this environment")
        return found

    async def fires(self, access: Access, job_id: uuid.UUID, limit: int = 50) -> list[JobFireRecord]:
        async with self._units() as uow:
            await self._visible(uow, access, job_id)
            return await uow.job_definitions(access.scope).fires(job_id, limit)

    async def runs(self, access: Access, job_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        async with self._units() as uow:
            job = await self._visible(uow, access, job_id)
            return await uow.runs(access.scope).of_environment(job.environment_id, replace(query, job_id=job_id))

    def next_fires(self, job: JobRecord, count: int) -> list[datetime]:
        if not job.cron or not job.timezone:
            return []
        return preview(job.cron, job.timezone, count, self._clock())

    # -- helpers -----------------------------------------------------------------------------------------

    async def _visible(
        self, uow: UnitOfWork, access: Access, job_id: uuid.UUID, *, for_update: bool = False
    ) -> JobRecord:
        job = await uow.job_definitions(access.scope).get(job_id, for_update=for_update)
        if job is None:
            raise NotFoundError("job not found")
        try:
            await visible_environment(uow, access, job.environment_id)
        except NotFoundError:
            raise NotFoundError("job not found") from None
        return job

    async def _may(
        self, uow: UnitOfWork, access: Access, environment_id: uuid.UUID, permission: Permission, what: str
    ) -> None:
        _, where = await visible_environment(uow, access, environment_id)
        access.require(permission, where, what)

    async def _checked(self, uow: UnitOfWork, access: Access, job: JobRecord) -> JobRecord:
        """The job, every part checked (nothing is stored otherwise), with its next occurrence computed."""
        check_job_name(job.name)
        check_steps(job.steps)
        check_timeout(job.timeout_seconds)
        if (job.cron is None) != (job.timezone is None):
            if job.cron is not None:
                job = replace(job, timezone="UTC")  # a schedule without a zone reads in UTC
            else:
                raise ValidationError("a time zone needs a cron schedule")
        if job.cron is not None and job.timezone is not None:
            schedule = Schedule.of(job.cron, job.timezone)
            job = replace(job, cron=schedule.cron)
        if job.after_job_id is None:
            job = replace(job, after_outcome=None)
        else:
            upstream = await uow.job_definitions(access.scope).get(job.after_job_id)
            if upstream is None or upstream.environment_id != job.environment_id:
                raise NotFoundError("the job to run after is not in this environment")
            links = await uow.job_definitions(access.scope).upstream_of(job.environment_id)
            check_chain(job.id, job.after_job_id, links.get)
            job = replace(job, after_outcome=job.after_outcome or AfterOutcome.SUCCESS.value)
        return _scheduled(job, self._clock())


def _scheduled(job: JobRecord, now: datetime) -> JobRecord:
    """The job with its next occurrence after now (none when paused or unscheduled)."""
    if job.paused or not job.cron or not job.timezone:
        return replace(job, next_fire_at=None)
    # Checked again (`of`): a row may hold a schedule stored before a check, or a zone this host's tz database
    # lacks; resuming such a job is then refused with what is wrong, as editing it would be.
    return replace(job, next_fire_at=Schedule.of(job.cron, job.timezone).next_after(now))


def _outcome(value: Any) -> str | None:
    return None if value is None else AfterOutcome(value).value


def _fields(definition: JobDefinition) -> dict[str, Any]:
    return {name: getattr(definition, name) for name in JobDefinition.__slots__}


def _audited(job: JobRecord) -> dict[str, Any]:
    return {
        "name": job.name,
        "steps": [s.command_line() for s in job.steps],
        "cron": job.cron,
        "timezone": job.timezone,
        "after_job_id": str(job.after_job_id) if job.after_job_id else None,
        "after_outcome": job.after_outcome,
        "overlap": job.overlap,
        "misfire": job.misfire,
        "paused": job.paused,
        "timeout_seconds": job.timeout_seconds,
    }
