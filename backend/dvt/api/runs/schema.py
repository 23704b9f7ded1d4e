"""Runs: trigger one (from a plan, or planned now), cancel, retry, list, read, and follow events and logs live."""

from __future__ import annotations

import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Annotated, TypeVar

import strawberry
from graphql import GraphQLError

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.enums import RunStatus, Trigger
from dvt.api.errors import ConflictError, NotFoundError, PermissionDeniedError, QuotaExceededError, ValidationError
from dvt.api.pagination import decode_time_cursor, page_size, time_key
from dvt.api.runs.types import RunConnection, RunEventBatch, RunEventType, RunLogBatch, RunLogType, RunType
from dvt.api.scalars import JSON
from dvt.application.run_records import RunQuery
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.plan.plan import PlanRequest


@strawberry.input
class TriggerRunInput:
    environment_id: strawberry.ID
    plan_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Run this plan; without it, a worker plans the selection below from the commit the "
        "environment's branch names when the run's turn comes (the run is `planning` meanwhile)",
    )
    select: list[str] | None = None
    exclude: list[str] | None = None
    selector: str | None = None
    full_refresh: bool = False
    vars: JSON | None = None
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="A key of the client's choosing: the same key again (in this environment) returns the run it "
        "made instead of a new one, so a retried call never runs twice",
    )


RUN_ERRORS = (
    domain.ValidationError,
    domain.NotFoundError,
    domain.ConflictError,
    domain.PermissionDeniedError,
    domain.QuotaExceededError,
)
RunResult = Annotated[
    RunType | ValidationError | NotFoundError | ConflictError | PermissionDeniedError | QuotaExceededError,
    strawberry.union("RunResult"),
]


B = TypeVar("B")
_NO_RUN = uuid.UUID(int=0)  # what a malformed id follows: no run has it, so it is not found like any other


def _run_id(raw: strawberry.ID) -> uuid.UUID:
    found = ids.node_uuid(raw, "Run")
    if found is None:
        raise domain.NotFoundError("run not found")
    return found


@strawberry.type
class RunQueryFields:
    @permissions.field(Permission.VIEW, description="A run by its global id")
    async def run(self, info: Info, id: strawberry.ID) -> RunType | None:
        found = ids.node_uuid(id, "Run")
        run = await info.context.loaders.run.load(found) if found else None
        return RunType.of(run) if run else None

    @permissions.field(Permission.VIEW, description="Runs of an environment, newest first")
    async def runs(
        self,
        info: Info,
        environment_id: strawberry.ID,
        status: list[RunStatus] | None = None,
        trigger: Trigger | None = None,
        actor: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> RunConnection:
        environment = ids.node_uuid(environment_id, "Environment")
        if environment is None:
            return RunConnection.empty()
        services = info.context.services
        size = page_size(first, services.default_page_size, services.max_page_size)
        statuses = tuple(s.value for s in status or ())
        query = RunQuery(statuses, trigger.value if trigger else None, actor, decode_time_cursor(after), size)
        page = await services.runs.runs(info.context.access, environment, query)
        nodes = [RunType.of(r) for r in page.items]
        keys = [time_key(r.created_at, r.id) for r in page.items]
        return RunConnection.of(nodes, keys, has_next=page.has_next, after=after)


@strawberry.type
class RunMutation:
    @permissions.mutation(
        Permission.RUN, raises=RUN_ERRORS, description="Run a plan (or plan the selection now, then run it)"
    )
    async def trigger_run(self, info: Info, input: TriggerRunInput) -> RunResult:
        environment = ids.environment_id(input.environment_id)
        plan = ids.node_uuid(input.plan_id, "Plan") if input.plan_id else None
        if input.plan_id and plan is None:
            raise domain.NotFoundError("plan not found")
        request = PlanRequest(
            select=tuple(input.select or ()),
            exclude=tuple(input.exclude or ()),
            selector=input.selector,
            full_refresh=input.full_refresh,
            vars={} if input.vars is None else input.vars,  # PlanRequest refuses anything but an object
        )
        access = info.context.access
        trigger = Trigger.MANUAL if access.actor.kind.value == "user" else Trigger.API
        run = await info.context.services.runs.trigger(
            access,
            environment,
            plan_id=plan,
            request=None if plan else request,
            trigger=trigger,
            idempotency_key=input.idempotency_key,
        )
        return RunType.of(run)

    @permissions.mutation(
        Permission.CANCEL, raises=RUN_ERRORS, description="Cancel a run: dbt is interrupted, finished nodes kept"
    )
    async def cancel_run(self, info: Info, run_id: strawberry.ID) -> RunResult:
        return RunType.of(await info.context.services.runs.cancel(info.context.access, _run_id(run_id)))

    @permissions.mutation(Permission.RUN, raises=RUN_ERRORS, description="A new run of what failed or was not reached")
    async def retry_run(self, info: Info, run_id: strawberry.ID) -> RunResult:
        return RunType.of(await info.context.services.runs.retry(info.context.access, _run_id(run_id)))


async def _followed(batches: AsyncIterator[list[B]]) -> AsyncIterator[list[B]]:
    """A run's batches as the use case hands them; its refusal (not found, not allowed) as the field's error."""
    try:
        async for batch in batches:
            yield batch
    except (domain.NotFoundError, domain.PermissionDeniedError) as refused:
        raise GraphQLError(str(refused), extensions={"code": refused.code}) from None


@strawberry.type
class RunSubscription:
    @permissions.subscription(
        Permission.VIEW,
        description="Every event after `after`, then live ones to the run's end, in batches (one per message)",
    )
    async def run_events(self, info: Info, run_id: strawberry.ID, after: int = 0) -> AsyncGenerator[RunEventBatch]:
        events = info.context.services.runs.follow_events(
            info.context.access, ids.node_uuid(run_id, "Run") or _NO_RUN, after
        )
        async for batch in _followed(events):
            yield RunEventBatch(events=[RunEventType.of(e) for e in batch], cursor=batch[-1].seq)

    @permissions.subscription(Permission.VIEW_LOGS, description="Log chunks after `after`, then live ones, in batches")
    async def run_logs(self, info: Info, run_id: strawberry.ID, after: int = 0) -> AsyncGenerator[RunLogBatch]:
        logs = info.context.services.runs.follow_logs(
            info.context.access, ids.node_uuid(run_id, "Run") or _NO_RUN, after
        )
        async for batch in _followed(logs):
            yield RunLogBatch(chunks=[RunLogType.of(c) for c in batch], cursor=batch[-1].seq)
