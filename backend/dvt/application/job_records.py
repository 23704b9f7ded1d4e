"""What the job service reads and writes: jobs, their fires, and the store ports behind them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from dvt.domain.jobs import JobStep


@dataclass(frozen=True, slots=True)
class JobRecord:
    id: uuid.UUID
    environment_id: uuid.UUID
    name: str
    steps: tuple[JobStep, ...]
    timeout_seconds: int
    overlap: str  # OverlapPolicy
    misfire: str  # MisfirePolicy
    paused: bool = False
    cron: str | None = None
    timezone: str | None = None
    after_job_id: uuid.UUID | None = None
    after_outcome: str | None = None  # AfterOutcome
    next_fire_at: datetime | None = None  # the schedule's next occurrence (None: no schedule, or paused)
    created_by: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class JobFireRecord:
    id: uuid.UUID
    job_id: uuid.UUID
    fire_at: datetime  # the occurrence (schedule) or the moment the upstream run ended (chain)
    trigger: str  # Trigger: schedule or job_completion
    outcome: str  # FireOutcome
    run_id: uuid.UUID | None = None
    reason: str | None = None
    created_at: datetime | None = None


class JobRepository(Protocol):
    """Jobs and fires of one tenant, in the caller's transaction."""

    async def add(self, job: JobRecord) -> JobRecord | None: ...  # None: the name is taken in the environment
    async def get(self, job_id: uuid.UUID, *, for_update: bool = False) -> JobRecord | None: ...
    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[JobRecord]: ...
    async def by_name(self, environment_id: uuid.UUID, name: str) -> JobRecord | None: ...
    async def of_environment(self, environment_id: uuid.UUID) -> list[JobRecord]: ...
    async def update(self, job_id: uuid.UUID, **values: Any) -> JobRecord | None: ...  # None: name taken
    async def delete(self, job_id: uuid.UUID) -> None: ...
    async def after(self, upstream_id: uuid.UUID) -> list[JobRecord]: ...  # jobs chained after it
    async def upstream_of(self, environment_id: uuid.UUID) -> dict[uuid.UUID, uuid.UUID]: ...  # job -> upstream
    async def add_fire(self, fire: JobFireRecord) -> bool: ...  # False: that occurrence is already recorded
    async def add_fires(self, fires: Sequence[JobFireRecord]) -> set[uuid.UUID]: ...  # the ids stored
    async def set_fire(
        self, fire_id: uuid.UUID, outcome: str, run_id: uuid.UUID | None, reason: str | None
    ) -> None: ...
    async def set_fires(self, fires: Sequence[JobFireRecord]) -> None: ...  # outcome, run and reason of each
    async def waiting_fires(self, job_id: uuid.UUID) -> list[JobFireRecord]: ...  # oldest first
    async def fires(self, job_id: uuid.UUID, limit: int) -> list[JobFireRecord]: ...  # newest first
    async def active_runs(self, job_id: uuid.UUID) -> list[uuid.UUID]: ...  # queued or active, oldest first
    async def active_runs_of(self, job_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[uuid.UUID]]: ...
    async def lock_runs(self, job_id: uuid.UUID) -> None: ...  # every run of the job, FOR UPDATE


class DueJobs(Protocol):
    """The scheduler's view across tenants: jobs whose next occurrence is due, claimed with their row lock."""

    async def claim(self, now: datetime, limit: int) -> list[tuple[uuid.UUID, JobRecord]]: ...  # (tenant, job)
    async def advance(
        self, next_fires: Sequence[tuple[uuid.UUID, uuid.UUID, datetime | None]]
    ) -> None: ...  # (tenant, job, next occurrence) of claimed jobs
    async def with_waiting_fires(self, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]: ...  # (tenant, job)
    async def untold_ends(self, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]: ...  # (tenant, run)
    async def take_untold_end(self, tenant_id: uuid.UUID, run_id: uuid.UUID) -> bool: ...
