"""A run, its per-node results, its events and its log chunks as GraphQL types."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from dvt.api.context import Info
from dvt.api.enums import (
    RESOURCE_TYPE_TEXT,
    STATUS_TEXT,
    NodeStatus,
    ResourceType,
    RunEventKind,
    RunStatus,
    Trigger,
)
from dvt.api.ids import resolve_by_uuid
from dvt.api.pagination import Connection, page_size
from dvt.api.scalars import JSON
from dvt.application.run_records import RunEventRecord, RunLogRecord, RunNodeRecord, RunRecord
from dvt.domain.plan.plan import MICROS

if TYPE_CHECKING:
    from dvt.api.graph.types import GraphVersionType
    from dvt.api.jobs.types import JobType
    from dvt.api.plans.types import PlanType
    from dvt.api.tenancy.types import EnvironmentType

MAX_ROWS = 1000


def _money(micros: int | None) -> float | None:
    return None if micros is None else micros / MICROS


@strawberry.type(name="RunEvent")
class RunEventType:
    seq: int = strawberry.field(description="The event's number in its run: resume after it with `after`")
    kind: RunEventKind
    unique_id: str | None
    run_status: RunStatus | None = strawberry.field(description="On STATUS events: the status the run moved to")
    node_status: NodeStatus | None = strawberry.field(
        description="On NODE_STARTED (RUNNING) and NODE_FINISHED events (dbt's status): the node's status"
    )
    status_text: str | None = strawberry.field(
        description="The status word as stored, on any event that has one (INVOCATION_FINISHED: success or error)"
    )
    status: str | None = strawberry.field(
        deprecation_reason="Two vocabularies in one string: read runStatus, nodeStatus or statusText"
    )
    message: str
    payload: JSON
    created_at: datetime

    @staticmethod
    def of(e: RunEventRecord) -> RunEventType:
        status = e.status
        on_node = e.kind in (RunEventKind.NODE_STARTED, RunEventKind.NODE_FINISHED)
        return RunEventType(
            seq=e.seq, kind=e.kind, unique_id=e.unique_id,
            run_status=RunStatus(status) if status and e.kind is RunEventKind.STATUS else None,
            node_status=NodeStatus.read(status) if status and on_node else None,
            status_text=status, status=status, message=e.message, payload=e.payload, created_at=e.created_at,
        )  # fmt: skip


@strawberry.type(name="RunLogChunk")
class RunLogType:
    seq: int
    stream: str = strawberry.field(description="stdout, stderr or dbt (the JSON log's messages)")
    text: str = strawberry.field(description="Lines, newline-joined, with secrets redacted when written")
    line_count: int
    created_at: datetime

    @staticmethod
    def of(c: RunLogRecord) -> RunLogType:
        return RunLogType(seq=c.seq, stream=c.stream, text=c.text, line_count=c.line_count, created_at=c.created_at)


@strawberry.type
class RunEventBatch:
    """Events of a run in order: everything new since the follower's last batch."""

    events: list[RunEventType]
    cursor: int = strawberry.field(description="The last event's seq: reconnect with `after: cursor`")


@strawberry.type
class RunLogBatch:
    chunks: list[RunLogType]
    cursor: int = strawberry.field(description="The last chunk's seq: reconnect with `after: cursor`")


@strawberry.type(name="RunNode")
class RunNodeType:
    unique_id: str
    node_uuid: uuid.UUID
    resource_type: ResourceType
    resource_type_text: str = strawberry.field(description=RESOURCE_TYPE_TEXT)
    status: NodeStatus = strawberry.field(
        description="PENDING, RUNNING, dbt's status when finished, EPHEMERAL; or, when its run ended first, "
        "NOT_RUN (never started) or INTERRUPTED (was running): `message` then says how the run ended"
    )
    status_text: str = strawberry.field(description=STATUS_TEXT)
    started_at: datetime | None
    finished_at: datetime | None
    execution_time: float | None
    rows_affected: int | None
    query_id: str | None
    message: str | None
    estimated_cost: float | None
    actual_cost: float | None
    regression: bool = strawberry.field(description="Actual cost far above the plan's estimate for this node")

    @staticmethod
    def of(n: RunNodeRecord) -> RunNodeType:
        return RunNodeType(
            unique_id=n.unique_id, node_uuid=n.node_uuid, resource_type=ResourceType.read(n.resource_type),
            resource_type_text=n.resource_type, status=NodeStatus.read(n.status), status_text=n.status,
            started_at=n.started_at, finished_at=n.finished_at, execution_time=n.execution_time,
            rows_affected=n.rows_affected, query_id=n.query_id, message=n.message,
            estimated_cost=_money(n.estimated_cost_micros), actual_cost=_money(n.actual_cost_micros),
            regression=n.regression,
        )  # fmt: skip


@strawberry.type(name="Run")
class RunType(relay.Node):
    """One execution of an approved plan by dbt, with what happened node by node."""

    id: relay.NodeID[str]
    status: RunStatus
    reason: str | None = strawberry.field(description="Why it waits (queued: quota) or why it ended as it did")
    number: int = strawberry.field(description="The run's number in its environment: 1, 2, 3…")
    trigger: Trigger
    actor: str = strawberry.field(description="Who triggered it, as a principal: user:ID, token:ID or system:dvt")
    trace_id: str
    attempt: int
    worker: str | None
    exit_code: int | None
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    cancel_requested_at: datetime | None
    estimated_cost: float | None
    actual_cost: float | None
    regressions: int
    limits: JSON = strawberry.field(description="The resource limits applied to the dbt process")
    artifacts: JSON = strawberry.field(description="Artifact files dbt wrote: name -> sha256 and size")
    event_count: int
    commit_sha: str | None = strawberry.field(
        description="The git commit it was planned from and executes (null until planning resolved it)"
    )
    record: strawberry.Private[RunRecord]

    @staticmethod
    def of(run: RunRecord) -> RunType:
        return RunType(
            id=str(run.id), number=run.number, status=RunStatus(run.status), reason=run.reason,
            trigger=Trigger(run.trigger), actor=run.actor,
            trace_id=run.trace_id, attempt=run.attempt, worker=run.worker, exit_code=run.exit_code,
            created_at=run.created_at, started_at=run.started_at, finished_at=run.finished_at,
            cancel_requested_at=run.cancel_requested_at, estimated_cost=_money(run.estimated_cost_micros),
            actual_cost=_money(run.actual_cost_micros), regressions=run.regressions, limits=run.limits,
            artifacts=run.artifacts, event_count=run.event_seq, commit_sha=run.commit_sha, record=run,
        )  # fmt: skip

    @strawberry.field(description="Who triggered it, as people know them: the account's or token's name, or DVT")
    async def actor_name(self, info: Info) -> str:
        return await info.context.loaders.actor_name.load(self.record.actor)

    @strawberry.field(description="Seconds between being triggered and starting on a worker")
    def queue_wait_seconds(self) -> float | None:
        r = self.record
        return (r.started_at - r.created_at).total_seconds() if r.started_at and r.created_at else None

    @strawberry.field
    def duration_seconds(self) -> float | None:
        r = self.record
        return (r.finished_at - r.started_at).total_seconds() if r.finished_at and r.started_at else None

    @strawberry.field(
        description="Per node: status, timing, rows, query id, estimated and actual cost. With `first`, a page of "
        "them in unique id order (the same order on every call: a run's nodes are fixed when it is dispatched), "
        "after the unique id `after` (the last of the previous page) or else from `offset`"
    )
    async def nodes(
        self, info: Info, first: int | None = None, offset: int = 0, after: str | None = None
    ) -> list[RunNodeType]:
        if first is None:
            found = await info.context.loaders.run_nodes.load(self.record.id)
            return [RunNodeType.of(n) for n in found]
        # Thousands of nodes serialise in seconds: a client reads them a page at a time, and the database
        # reads only that page.
        size = page_size(first, MAX_ROWS, MAX_ROWS)
        page = await info.context.services.runs.node_page(info.context.access, self.record.id, after, offset, size)
        return [RunNodeType.of(n) for n in page.items]

    @strawberry.field(description="How many nodes the run has (what `nodes` pages through)")
    async def node_count(self, info: Info) -> int:
        return await info.context.loaders.run_node_count.load(self.record.id)

    @strawberry.field(description="Events after the cursor `after` (0: from the start)")
    async def events(self, info: Info, after: int = 0, first: int = 500) -> list[RunEventType]:
        size = page_size(first, 500, MAX_ROWS)
        rows = await info.context.services.runs.events(info.context.access, self.record.id, after, size)
        return [RunEventType.of(e) for e in rows]

    @strawberry.field(description="Log chunks after the cursor `after`; needs view_logs on the environment")
    async def logs(self, info: Info, after: int = 0, first: int = 200) -> list[RunLogType]:
        size = page_size(first, 200, MAX_ROWS)
        rows = await info.context.services.runs.logs(info.context.access, self.record.id, after, size)
        return [RunLogType.of(c) for c in rows]

    @strawberry.field
    async def plan(self, info: Info) -> Annotated[PlanType, strawberry.lazy("dvt.api.plans.types")] | None:
        from dvt.api.plans.types import PlanType

        found = await info.context.loaders.plan.load(self.record.plan_id) if self.record.plan_id else None
        return PlanType.of(found) if found else None

    @strawberry.field
    async def environment(
        self, info: Info
    ) -> Annotated[EnvironmentType, strawberry.lazy("dvt.api.tenancy.types")] | None:
        from dvt.api.tenancy.types import EnvironmentType

        found = await info.context.loaders.environment.load(self.record.environment_id)
        return EnvironmentType.of(found) if found else None

    @strawberry.field(description="The graph version ingested from this run's artifacts")
    async def graph_version(
        self, info: Info
    ) -> Annotated[GraphVersionType, strawberry.lazy("dvt.api.graph.types")] | None:
        from dvt.api.graph.types import GraphVersionType

        if self.record.graph_version_id is None:
            return None
        found = await info.context.loaders.graph_version.load(self.record.graph_version_id)
        return GraphVersionType.of(found) if found else None

    @strawberry.field(description="The job it is a run of")
    async def job(self, info: Info) -> Annotated[JobType, strawberry.lazy("dvt.api.jobs.types")] | None:
        from dvt.api.jobs.types import JobType

        if self.record.job_id is None:
            return None
        found = await info.context.loaders.job.load(self.record.job_id)
        return JobType.of(found) if found else None

    @strawberry.field(description="The run this one retries")
    async def retry_of(self, info: Info) -> RunType | None:
        if self.record.retry_of is None:
            return None
        found = await info.context.loaders.run.load(self.record.retry_of)
        return RunType.of(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[RunType | None]:
        return await resolve_by_uuid(info.context.loaders.run, node_ids, RunType.of)


RunConnection = Connection[RunType]
