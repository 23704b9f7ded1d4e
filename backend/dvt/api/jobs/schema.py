"""Jobs: define, change, pause, resume, delete and trigger them; read them with their next fires and history."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

import strawberry

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError, ValidationError
from dvt.api.jobs.types import JobType
from dvt.api.runs.schema import RUN_ERRORS, RunResult
from dvt.api.runs.types import RunType
from dvt.application.jobs import UNSET, JobDefinition, preview
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.jobs import AfterOutcome, JobStep, MisfirePolicy, OverlapPolicy
from dvt.domain.runs import Trigger

STEPS = "Each a dbt command line: `build -s tag:daily --exclude x --full-refresh` (one step in this phase)"


@strawberry.input
class CreateJobInput:
    environment_id: strawberry.ID
    name: str
    steps: list[str] = strawberry.field(description=STEPS)
    cron: str | None = strawberry.field(default=None, description="Five cron fields; with `timezone`")
    timezone: str | None = strawberry.field(default=None, description="An IANA time zone (default UTC)")
    after_job_id: strawberry.ID | None = strawberry.field(default=None, description="Run after this job's runs")
    after_outcome: AfterOutcome | None = None
    timeout_seconds: int | None = None
    overlap: OverlapPolicy | None = None
    misfire: MisfirePolicy | None = None
    paused: bool = False


@strawberry.input
class UpdateJobInput:
    job_id: strawberry.ID
    name: str | None = None
    steps: list[str] | None = strawberry.field(default=None, description=STEPS)
    cron: str | None = None
    timezone: str | None = None
    clear_schedule: bool = strawberry.field(default=False, description="Remove the schedule")
    after_job_id: strawberry.ID | None = None
    after_outcome: AfterOutcome | None = None
    clear_after: bool = strawberry.field(default=False, description="Stop running after another job")
    timeout_seconds: int | None = None
    overlap: OverlapPolicy | None = None
    misfire: MisfirePolicy | None = None


@strawberry.input
class JobInput:
    job_id: strawberry.ID


@strawberry.type
class SchedulePreview:
    fires: list[datetime] = strawberry.field(description="The next fire times, in UTC")


JOB_ERRORS = (domain.ValidationError, domain.NotFoundError, domain.ConflictError, domain.PermissionDeniedError)
JobResult = Annotated[
    JobType | ValidationError | NotFoundError | ConflictError | PermissionDeniedError, strawberry.union("JobResult")
]
PreviewResult = Annotated[SchedulePreview | ValidationError, strawberry.union("SchedulePreviewResult")]


def _job_id(raw: strawberry.ID) -> uuid.UUID:
    return ids.required_uuid(raw, "Job")


def _steps(lines: list[str]) -> tuple[JobStep, ...]:
    return tuple(JobStep.parse(line) for line in lines)


def _given(value: Any) -> Any:
    return UNSET if value is None else value


@strawberry.type
class JobQuery:
    @permissions.field(Permission.VIEW, description="A job by its global id")
    async def job(self, info: Info, id: strawberry.ID) -> JobType | None:
        found = ids.node_uuid(id, "Job")
        job = await info.context.loaders.job.load(found) if found else None
        return JobType.of(job) if job else None

    @permissions.field(Permission.VIEW, description="An environment's jobs, by name")
    async def jobs(self, info: Info, environment_id: strawberry.ID) -> list[JobType]:
        environment = ids.node_uuid(environment_id, "Environment")
        if environment is None:
            return []
        try:
            found = await info.context.services.jobs.jobs(info.context.access, environment)
        except domain.NotFoundError:
            return []
        return [JobType.of(j) for j in found]

    @permissions.field(Permission.VIEW, description="The next fire times of a schedule, before saving it")
    def schedule_preview(self, cron: str, timezone: str = "UTC", count: int = 5) -> PreviewResult:
        try:
            return SchedulePreview(fires=preview(cron, timezone, count, datetime.now(UTC)))
        except domain.ValidationError as error:
            return ValidationError(message=str(error), code=ErrorCode.VALIDATION)


@strawberry.type
class JobMutation:
    @permissions.mutation(Permission.EDIT, raises=JOB_ERRORS, description="Define a job in an environment")
    async def create_job(self, info: Info, input: CreateJobInput) -> JobResult:
        definition = JobDefinition(
            name=input.name,
            steps=_steps(input.steps),
            cron=input.cron,
            timezone=input.timezone if input.timezone or input.cron is None else "UTC",
            after_job_id=_job_id(input.after_job_id) if input.after_job_id else None,
            after_outcome=input.after_outcome,
            timeout_seconds=_given(input.timeout_seconds),
            overlap=_given(input.overlap),
            misfire=_given(input.misfire),
            paused=input.paused,
        )
        environment = ids.environment_id(input.environment_id)
        return JobType.of(await info.context.services.jobs.create(info.context.access, environment, definition))

    @permissions.mutation(Permission.EDIT, raises=JOB_ERRORS, description="Change a job: only the fields given")
    async def update_job(self, info: Info, input: UpdateJobInput) -> JobResult:
        schedule: dict[str, object] = {}
        if input.clear_schedule:
            schedule = {"cron": None, "timezone": None}
        elif input.cron is not None:
            schedule = {"cron": input.cron, "timezone": input.timezone or "UTC"}
        elif input.timezone is not None:
            raise domain.ValidationError("a new time zone comes with the cron expression it reads")
        after: dict[str, object] = {}
        if input.clear_after:
            after = {"after_job_id": None, "after_outcome": None}
        elif input.after_job_id is not None:
            after = {"after_job_id": _job_id(input.after_job_id), "after_outcome": input.after_outcome}
        elif input.after_outcome is not None:
            after = {"after_outcome": input.after_outcome}
        changes = JobDefinition(
            name=_given(input.name),
            steps=_steps(input.steps) if input.steps is not None else UNSET,
            timeout_seconds=_given(input.timeout_seconds),
            overlap=_given(input.overlap),
            misfire=_given(input.misfire),
            **schedule,  # type: ignore[arg-type]
            **after,  # type: ignore[arg-type]
        )
        return JobType.of(await info.context.services.jobs.update(info.context.access, _job_id(input.job_id), changes))

    @permissions.mutation(Permission.EDIT, raises=JOB_ERRORS, description="Delete a job (its runs stay)")
    async def delete_job(self, info: Info, input: JobInput) -> JobResult:
        return JobType.of(await info.context.services.jobs.delete(info.context.access, _job_id(input.job_id)))

    @permissions.mutation(Permission.EDIT, raises=JOB_ERRORS, description="Pause a job's schedule and chains")
    async def pause_job(self, info: Info, input: JobInput) -> JobResult:
        return JobType.of(await info.context.services.jobs.pause(info.context.access, _job_id(input.job_id)))

    @permissions.mutation(Permission.EDIT, raises=JOB_ERRORS, description="Resume a job from its next occurrence")
    async def resume_job(self, info: Info, input: JobInput) -> JobResult:
        return JobType.of(await info.context.services.jobs.resume(info.context.access, _job_id(input.job_id)))

    @permissions.mutation(Permission.RUN, raises=RUN_ERRORS, description="Run a job now")
    async def trigger_job(self, info: Info, input: JobInput) -> RunResult:
        access = info.context.access
        trigger = Trigger.MANUAL if access.actor.kind.value == "user" else Trigger.API
        run = await info.context.services.jobs.trigger(access, _job_id(input.job_id), trigger)
        return RunType.of(run)
