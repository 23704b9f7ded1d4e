"""A job, its fires, and its policies as GraphQL types."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from dvt.api.context import Info
from dvt.api.ids import resolve_by_uuid
from dvt.api.pagination import Connection, decode_time_cursor, page_size, time_key
from dvt.api.runs.types import RunConnection, RunType
from dvt.api.scalars import JSON
from dvt.application.job_records import JobFireRecord, JobRecord
from dvt.application.run_records import RunQuery
from dvt.domain.jobs import AfterOutcome, FireOutcome, MisfirePolicy, OverlapPolicy
from dvt.domain.runs import Trigger

if TYPE_CHECKING:
    from dvt.api.tenancy.types import EnvironmentType

strawberry.enum(OverlapPolicy, name="JobOverlapPolicy", description="What a fire does while the job's run is active")
strawberry.enum(MisfirePolicy, name="JobMisfirePolicy", description="Fires missed while no DVT process was up")
strawberry.enum(AfterOutcome, name="JobAfterOutcome", description="On which outcome of the upstream job's run")
strawberry.enum(FireOutcome, name="JobFireOutcome", description="What became of one fire of a job")

MAX_FIRES = 200


@strawberry.type(name="JobStep")
class JobStepType:
    command: str = strawberry.field(description="build, run, test, seed or snapshot")
    select: list[str]
    exclude: list[str]
    selector: str | None
    vars: JSON
    full_refresh: bool
    command_line: str = strawberry.field(description="The step as a dbt command line")


@strawberry.type(name="JobFire")
class JobFireType:
    fire_at: datetime = strawberry.field(description="The occurrence, or when the upstream run ended (chains)")
    trigger: Trigger
    outcome: FireOutcome
    reason: str | None
    created_at: datetime | None
    record: strawberry.Private[JobFireRecord]

    @staticmethod
    def of(f: JobFireRecord) -> JobFireType:
        return JobFireType(
            fire_at=f.fire_at, trigger=Trigger(f.trigger), outcome=FireOutcome(f.outcome), reason=f.reason,
            created_at=f.created_at, record=f,
        )  # fmt: skip

    @strawberry.field(description="The run it triggered")
    async def run(self, info: Info) -> RunType | None:
        found = await info.context.loaders.run.load(self.record.run_id) if self.record.run_id else None
        return RunType.of(found) if found else None


@strawberry.type(name="Job")
class JobType(relay.Node):
    """What an environment runs by itself: a dbt command on a schedule, after another job, or when asked."""

    id: relay.NodeID[str]
    name: str
    steps: list[JobStepType]
    timeout_seconds: int
    overlap: OverlapPolicy
    misfire: MisfirePolicy
    paused: bool
    cron: str | None
    timezone: str | None
    after_outcome: AfterOutcome | None
    next_fire_at: datetime | None = strawberry.field(description="The schedule's next occurrence (null when paused)")
    created_by: str
    created_at: datetime | None
    updated_at: datetime | None
    record: strawberry.Private[JobRecord]

    @staticmethod
    def of(job: JobRecord) -> JobType:
        steps = [
            JobStepType(
                command=s.command,
                select=list(s.select),
                exclude=list(s.exclude),
                selector=s.selector,
                vars=s.vars,
                full_refresh=s.full_refresh,
                command_line=s.command_line(),
            )
            for s in job.steps
        ]
        return JobType(
            id=str(job.id), name=job.name, steps=steps, timeout_seconds=job.timeout_seconds,
            overlap=OverlapPolicy(job.overlap), misfire=MisfirePolicy(job.misfire), paused=job.paused, cron=job.cron,
            timezone=job.timezone, after_outcome=AfterOutcome(job.after_outcome) if job.after_outcome else None,
            next_fire_at=job.next_fire_at, created_by=job.created_by, created_at=job.created_at,
            updated_at=job.updated_at, record=job,
        )  # fmt: skip

    @strawberry.field(description="The job this one runs after, on `afterOutcome`")
    async def after_job(self, info: Info) -> JobType | None:
        if self.record.after_job_id is None:
            return None
        found = await info.context.loaders.job.load(self.record.after_job_id)
        return JobType.of(found) if found else None

    @strawberry.field(description="The schedule's next fire times (in UTC), at most 20")
    def next_fires(self, info: Info, count: int = 5) -> list[datetime]:
        if self.record.paused:
            return []
        return info.context.services.jobs.next_fires(self.record, count)

    @strawberry.field(description="Its fires, newest first: triggered, skipped, waiting, missed or failed")
    async def fires(self, info: Info, first: int = 20) -> list[JobFireType]:
        size = page_size(first, 20, MAX_FIRES)
        found = await info.context.services.jobs.fires(info.context.access, self.record.id, size)
        return [JobFireType.of(f) for f in found]

    @strawberry.field(description="Its runs, newest first")
    async def runs(self, info: Info, first: int | None = None, after: str | None = None) -> RunConnection:
        services = info.context.services
        size = page_size(first, services.default_page_size, services.max_page_size)
        query = RunQuery(before=decode_time_cursor(after), limit=size)
        page = await services.jobs.runs(info.context.access, self.record.id, query)
        keys = [time_key(r.created_at, r.id) for r in page.items]
        return RunConnection.of([RunType.of(r) for r in page.items], keys, has_next=page.has_next, after=after)

    @strawberry.field
    async def environment(
        self, info: Info
    ) -> Annotated[EnvironmentType, strawberry.lazy("dvt.api.tenancy.types")] | None:
        from dvt.api.tenancy.types import EnvironmentType

        found = await info.context.loaders.environment.load(self.record.environment_id)
        return EnvironmentType.of(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[JobType | None]:
        return await resolve_by_uuid(info.context.loaders.job, node_ids, JobType.of)


JobConnection = Connection[JobType]
