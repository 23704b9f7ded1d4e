"""Jobs and their fires; and the scheduler's claim of due jobs across tenants (row locks, SKIP LOCKED)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.job_models import JobFireRow, JobRow
from dvt.adapters.db.models import table_of
from dvt.adapters.db.run_models import RunRow
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.domain.jobs import FireOutcome, JobStep, steps_document
from dvt.domain.runs import ACTIVE, RunStatus
from dvt.domain.tenancy import TenantScope

_UNFINISHED = [RunStatus.QUEUED.value, *(s.value for s in ACTIVE)]


def _job(row: JobRow) -> JobRecord:
    steps: list[dict[str, Any]] = row.steps if isinstance(row.steps, list) else []
    return JobRecord(
        id=row.id, environment_id=row.environment_id, name=row.name,
        steps=tuple(JobStep.from_document(s) for s in steps), timeout_seconds=row.timeout_seconds,
        overlap=row.overlap, misfire=row.misfire, paused=row.paused, cron=row.cron, timezone=row.timezone,
        after_job_id=row.after_job_id, after_outcome=row.after_outcome, next_fire_at=row.next_fire_at,
        created_by=row.created_by, created_at=row.created_at, updated_at=row.updated_at,
    )  # fmt: skip


def _fire(row: JobFireRow) -> JobFireRecord:
    return JobFireRecord(
        id=row.id, job_id=row.job_id, fire_at=row.fire_at, trigger=row.trigger, outcome=row.outcome,
        run_id=row.run_id, reason=row.reason, created_at=row.created_at,
    )  # fmt: skip


def _values(job: JobRecord) -> dict[str, Any]:
    return {
        "id": job.id, "environment_id": job.environment_id, "name": job.name,
        "steps": steps_document(job.steps), "timeout_seconds": job.timeout_seconds, "overlap": job.overlap,
        "misfire": job.misfire, "paused": job.paused, "cron": job.cron, "timezone": job.timezone,
        "after_job_id": job.after_job_id, "after_outcome": job.after_outcome, "next_fire_at": job.next_fire_at,
        "created_by": job.created_by,
    }  # fmt: skip


class SqlJobRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    def _mine(self) -> Any:
        return select(JobRow).where(JobRow.tenant_id == self._tenant)

    async def add(self, job: JobRecord) -> JobRecord | None:
        statement = (
            insert(JobRow)
            .values(**_values(job), tenant_id=self._tenant)
            .on_conflict_do_nothing(index_elements=["environment_id", "name"])
            .returning(JobRow.id)
        )
        if await self._session.scalar(statement) is None:
            return None
        return await self.get(job.id)

    async def get(self, job_id: uuid.UUID, *, for_update: bool = False) -> JobRecord | None:
        query = self._mine().where(JobRow.id == job_id)
        if for_update:  # NO KEY UPDATE: a fire row's foreign key (KEY SHARE) never waits for it
            query = query.with_for_update(key_share=True)
        row = await self._session.scalar(query)
        if row is not None and for_update:
            await self._session.refresh(row)
        return _job(row) if row else None

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[JobRecord]:
        rows = await self._session.scalars(self._mine().where(JobRow.id.in_(ids)))
        return [_job(r) for r in rows]

    async def by_name(self, environment_id: uuid.UUID, name: str) -> JobRecord | None:
        row = await self._session.scalar(
            self._mine().where(JobRow.environment_id == environment_id, JobRow.name == name)
        )
        return _job(row) if row else None

    async def of_environment(self, environment_id: uuid.UUID) -> list[JobRecord]:
        rows = await self._session.scalars(
            self._mine().where(JobRow.environment_id == environment_id).order_by(JobRow.name)
        )
        return [_job(r) for r in rows]

    async def update(self, job_id: uuid.UUID, **values: Any) -> JobRecord | None:
        if "steps" in values:
            values["steps"] = steps_document(values["steps"])
        try:
            async with self._session.begin_nested():  # a taken name must not end the caller's transaction
                await self._session.execute(
                    update(JobRow)
                    .where(JobRow.tenant_id == self._tenant, JobRow.id == job_id)
                    .values(**values, updated_at=datetime.now().astimezone())
                )
        except IntegrityError:
            return None
        self._session.expire_all()
        return await self.get(job_id)

    async def delete(self, job_id: uuid.UUID) -> None:
        await self._session.execute(delete(JobRow).where(JobRow.tenant_id == self._tenant, JobRow.id == job_id))

    async def after(self, upstream_id: uuid.UUID) -> list[JobRecord]:
        rows = await self._session.scalars(self._mine().where(JobRow.after_job_id == upstream_id).order_by(JobRow.id))
        return [_job(r) for r in rows]

    async def upstream_of(self, environment_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]:
        found = await self._session.execute(
            select(JobRow.id, JobRow.after_job_id).where(
                JobRow.tenant_id == self._tenant,
                JobRow.environment_id == environment_id,
                JobRow.after_job_id.is_not(None),
            )
        )
        return {job: upstream for job, upstream in found.tuples() if upstream is not None}

    async def add_fire(self, fire: JobFireRecord) -> bool:
        return bool(await self.add_fires([fire]))

    async def add_fires(self, fires: Sequence[JobFireRecord]) -> set[uuid.UUID]:
        """One insert; the ids of the fires stored (an occurrence recorded already is not: the unique (job,
        fire_at) is what makes a fire happen once across processes)."""
        if not fires:
            return set()
        values = [
            {
                "id": fire.id, "tenant_id": self._tenant, "job_id": fire.job_id, "fire_at": fire.fire_at,
                "trigger": fire.trigger, "outcome": fire.outcome, "run_id": fire.run_id, "reason": fire.reason,
            }
            for fire in fires
        ]  # fmt: skip
        table = table_of(JobFireRow)
        statement = insert(table).on_conflict_do_nothing(index_elements=["job_id", "fire_at"]).returning(table.c.id)
        return set(await self._session.scalars(statement, values))

    async def set_fire(self, fire_id: uuid.UUID, outcome: str, run_id: uuid.UUID | None, reason: str | None) -> None:
        await self._session.execute(
            update(JobFireRow)
            .where(JobFireRow.tenant_id == self._tenant, JobFireRow.id == fire_id)
            .values(outcome=outcome, run_id=run_id, reason=reason)
        )

    async def set_fires(self, fires: Sequence[JobFireRecord]) -> None:
        """`set_fire` of each fire (its outcome, run and reason), in one round trip."""
        if not fires:
            return
        table = table_of(JobFireRow)
        await self._session.execute(
            update(table)
            .where(table.c.tenant_id == self._tenant, table.c.id == bindparam("fire"))
            .values(outcome=bindparam("v_outcome"), run_id=bindparam("v_run_id"), reason=bindparam("v_reason")),
            [{"fire": f.id, "v_outcome": f.outcome, "v_run_id": f.run_id, "v_reason": f.reason} for f in fires],
        )

    async def waiting_fires(self, job_id: uuid.UUID) -> list[JobFireRecord]:
        rows = await self._session.scalars(
            select(JobFireRow)
            .where(
                JobFireRow.tenant_id == self._tenant,
                JobFireRow.job_id == job_id,
                JobFireRow.outcome == FireOutcome.WAITING.value,
            )
            .order_by(JobFireRow.created_at, JobFireRow.fire_at)
        )
        return [_fire(r) for r in rows]

    async def fires(self, job_id: uuid.UUID, limit: int) -> list[JobFireRecord]:
        rows = await self._session.scalars(
            select(JobFireRow)
            .where(JobFireRow.tenant_id == self._tenant, JobFireRow.job_id == job_id)
            .order_by(JobFireRow.fire_at.desc())
            .limit(limit)
        )
        return [_fire(r) for r in rows]

    async def lock_runs(self, job_id: uuid.UUID) -> None:
        await self._session.execute(
            select(RunRow.id)
            .where(RunRow.tenant_id == self._tenant, RunRow.job_id == job_id)
            .order_by(RunRow.id)
            .with_for_update()
        )

    async def active_runs(self, job_id: uuid.UUID) -> list[uuid.UUID]:
        return (await self.active_runs_of([job_id])).get(job_id, [])

    async def active_runs_of(self, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]:
        """Each job's queued or active runs, oldest first (a job with none is absent), in one query."""
        found = await self._session.execute(
            select(RunRow.job_id, RunRow.id)
            .where(RunRow.tenant_id == self._tenant, RunRow.job_id.in_(job_ids), RunRow.status.in_(_UNFINISHED))
            .order_by(RunRow.created_at, RunRow.id)
        )
        runs: dict[uuid.UUID, list[uuid.UUID]] = {}
        for job_id, run_id in found.tuples():
            if job_id is not None:
                runs.setdefault(job_id, []).append(run_id)
        return runs


class SqlDueJobs:
    """Across tenants on purpose: the scheduler claims due jobs wherever they are, then fires each in its
    tenant's scope."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(self, now: datetime, limit: int) -> list[tuple[uuid.UUID, JobRecord]]:
        """Due, unpaused jobs, oldest occurrence first, each row locked until the caller's transaction ends;
        rows another scheduler holds are skipped, so no two schedulers fire the same job at once."""
        rows = await self._session.scalars(
            select(JobRow)
            .where(JobRow.next_fire_at.is_not(None), JobRow.next_fire_at <= now, JobRow.paused.is_(False))
            .order_by(JobRow.next_fire_at)
            .limit(limit)
            .with_for_update(skip_locked=True, key_share=True)
        )
        return [(r.tenant_id, _job(r)) for r in rows]

    async def advance(self, next_fires: Sequence[tuple[uuid.UUID, uuid.UUID, datetime | None]]) -> None:
        """(tenant, job, its next occurrence) for jobs this transaction claimed, in one round trip."""
        if not next_fires:
            return
        table = table_of(JobRow)
        await self._session.execute(
            update(table)
            .where(table.c.tenant_id == bindparam("tenant"), table.c.id == bindparam("job"))
            .values(next_fire_at=bindparam("v_next"), updated_at=bindparam("v_updated")),
            [
                {"tenant": tenant, "job": job, "v_next": upcoming, "v_updated": datetime.now().astimezone()}
                for tenant, job, upcoming in next_fires
            ],
        )

    async def untold_ends(self, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        found = await self._session.execute(
            select(RunRow.tenant_id, RunRow.id).where(RunRow.end_untold.is_(True)).order_by(RunRow.id).limit(limit)
        )
        return [(tenant, run) for tenant, run in found.tuples()]

    async def take_untold_end(self, tenant_id: uuid.UUID, run_id: uuid.UUID) -> bool:
        """Whether this transaction is the one to tell the run's end (the flag cleared under the run's row lock)."""
        taken = await self._session.scalar(
            update(RunRow)
            .where(RunRow.tenant_id == tenant_id, RunRow.id == run_id, RunRow.end_untold.is_(True))
            .values(end_untold=False)
            .returning(RunRow.id)
        )
        return taken is not None

    async def with_waiting_fires(self, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        found = await self._session.execute(
            select(JobFireRow.tenant_id, JobFireRow.job_id)
            .where(JobFireRow.outcome == FireOutcome.WAITING.value)
            .distinct()
            .limit(limit)
        )
        return [(tenant, job) for tenant, job in found.tuples()]
