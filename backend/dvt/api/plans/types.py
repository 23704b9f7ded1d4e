"""ExecutionPlan v2 as GraphQL types: the stored, sealed document, read back with the plan's live status."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import orjson
import strawberry
from strawberry import relay

from dvt.api.context import Info
from dvt.api.enums import RESOURCE_TYPE_TEXT, Action, Confidence, PlanStatus, ResourceType
from dvt.api.ids import resolve_by_uuid
from dvt.api.pagination import Connection, page_size
from dvt.api.scalars import JSON
from dvt.application.records import PlanRecord
from dvt.domain.errors import ValidationError
from dvt.domain.plan.plan import MICROS, ExecutionPlan, PlanItem

if TYPE_CHECKING:
    from dvt.api.graph.types import GraphNodeType, GraphVersionType
    from dvt.api.tenancy.types import EnvironmentType

MAX_ITEMS = 2000  # items in one page of `items(first:)`


@strawberry.type
class PlanEstimate:
    p50_ms: int
    p90_ms: int
    p50_cost: float = strawberry.field(description="In the rate card's currency")
    p90_cost: float
    confidence: Confidence
    evidence: str
    runs: int


@strawberry.type
class PlanDecision:
    policy: str
    reason: str
    message: str
    action: Action | None
    final: bool


@strawberry.type
class PlanItemType:
    unique_id: str
    node_uuid: uuid.UUID
    resource_type: ResourceType
    resource_type_text: str = strawberry.field(description=RESOURCE_TYPE_TEXT)
    action: Action
    wave: int = strawberry.field(description="Topological level among what runs; -1 when skipped")
    priority: int
    estimate: PlanEstimate
    decisions: list[PlanDecision]
    why: str = strawberry.field(description="What decided its action: the deciding policies' messages, joined")
    partition: JSON | None
    step: int = strawberry.field(description="The index in the plan's `steps` of the step that runs it")
    head_version_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="The node in the plan's head graph version")
    async def node(self, info: Info) -> Annotated[GraphNodeType, strawberry.lazy("dvt.api.graph.types")] | None:
        from dvt.api.graph.types import GraphNodeType

        found = await info.context.loaders.node.load((self.head_version_id, self.node_uuid))
        return GraphNodeType.of(found) if found else None


@strawberry.type
class PlanStepType:
    index: int = strawberry.field(description="Its place among the plan's steps, from 0: its items' `step`")
    command: str = strawberry.field(description="The dbt command: build, run, test, seed or snapshot")
    request: JSON


@strawberry.type
class PlanTotals:
    run: int
    skip: int
    partial: int
    p50_ms: int
    p90_ms: int
    p50_cost: float
    p90_cost: float
    budget_remaining: float | None


@strawberry.type
class PlanApproval:
    policy: str
    reason: str
    role: str


def _money(micros: int | None) -> float | None:
    return None if micros is None else micros / MICROS


def _why(item: PlanItem) -> str:
    deciding = [d.message for d in item.decisions if d.final or d.action is not None]
    return "; ".join(deciding) or (item.decisions[0].message if item.decisions else "")


def _item(item: PlanItem, head: uuid.UUID) -> PlanItemType:
    e = item.estimate
    return PlanItemType(
        unique_id=item.unique_id,
        node_uuid=item.node_uuid,
        resource_type=ResourceType.read(item.resource_type),
        resource_type_text=item.resource_type,
        action=item.action,
        wave=item.wave,
        priority=item.priority,
        estimate=PlanEstimate(
            p50_ms=e.p50_ms,
            p90_ms=e.p90_ms,
            p50_cost=e.p50_cost_micros / MICROS,
            p90_cost=e.p90_cost_micros / MICROS,
            confidence=e.confidence,
            evidence=e.evidence,
            runs=e.runs,
        ),
        decisions=[
            PlanDecision(policy=d.policy, reason=d.reason, message=d.message, action=d.action, final=d.final)
            for d in item.decisions
        ],
        why=_why(item),
        partition=item.partition,
        step=item.step,
        head_version_id=head,
    )


@strawberry.type(name="Plan")
class PlanType(relay.Node):
    """An ExecutionPlan v2: what `dbt build` would do, node by node, and why; sealed by its fingerprint."""

    id: relay.NodeID[str]
    fingerprint: str = strawberry.field(description="sha256 of the plan's canonical JSON (RFC 8785)")
    created_by: str
    created_at: datetime | None
    expires_at: datetime
    decided_by: str | None = strawberry.field(description="Who approved or rejected it; `policy` when none was needed")
    decided_at: datetime | None
    decision_note: str | None
    commit_sha: str | None = strawberry.field(
        description="The git commit whose graph it was planned on, when DVT parsed it from the repository"
    )
    record: strawberry.Private[PlanRecord]

    @staticmethod
    def of(plan: PlanRecord) -> PlanType:
        return PlanType(
            id=str(plan.id),
            fingerprint=plan.fingerprint,
            created_by=plan.created_by,
            created_at=plan.created_at,
            expires_at=plan.expires_at,
            decided_by=plan.decided_by,
            decided_at=plan.decided_at,
            decision_note=plan.decision_note,
            commit_sha=plan.commit_sha,
            record=plan,
        )

    @strawberry.field(description="Who made it, as people know them: the account's or token's name, or DVT")
    async def created_by_name(self, info: Info) -> str:
        return await info.context.loaders.actor_name.load(self.record.created_by)

    @strawberry.field(description="Who decided it, as people know them; `policy` when no decision was needed")
    async def decided_by_name(self, info: Info) -> str | None:
        decided_by = self.record.decided_by
        return None if decided_by is None else await info.context.loaders.actor_name.load(decided_by)

    @property
    def parsed(self) -> ExecutionPlan:
        """The sealed document, read only by the fields that need it (a list of plans' statuses does not)."""
        return ExecutionPlan.from_document(self.record.document)

    @strawberry.field(description="DRAFT, APPROVED, REJECTED or EXPIRED (a run of it may no longer start)")
    async def status(self, info: Info) -> PlanStatus:
        return await info.context.services.plans.status(info.context.access, self.record)

    @strawberry.field(description="Why these nodes, in a few sentences")
    def explanation(self) -> str:
        return self.parsed.explanation

    @strawberry.field
    def request(self) -> JSON:
        return self.parsed.request.as_document()

    @strawberry.field(
        description="The dbt commands it plans, in order: a job's planned steps (seed, then build...), or one build"
    )
    def steps(self) -> list[PlanStepType]:
        return [
            PlanStepType(index=index, command=step.command, request=step.request.as_document())
            for index, step in enumerate(self.parsed.planned_steps())
        ]

    @strawberry.field(description="The raw selection, in dbt's semantics")
    def selected(self) -> list[str]:
        return list(self.parsed.selected)

    @strawberry.field
    def totals(self) -> PlanTotals:
        t = self.parsed.totals
        return PlanTotals(
            run=t.run,
            skip=t.skip,
            partial=t.partial,
            p50_ms=t.p50_ms,
            p90_ms=t.p90_ms,
            p50_cost=t.p50_cost_micros / MICROS,
            p90_cost=t.p90_cost_micros / MICROS,
            budget_remaining=_money(t.budget_remaining_micros),
        )

    @strawberry.field
    def approvals_required(self) -> list[PlanApproval]:
        return [PlanApproval(policy=a.policy, reason=a.reason, role=a.role) for a in self.parsed.approvals_required]

    @strawberry.field(description="Policies that decided, with their versions")
    def policies(self) -> JSON:
        return [{"id": p.id, "version": p.version} for p in self.parsed.policies]

    @strawberry.field(
        description="Items in execution order (wave, priority, unique_id); filter by action. With `first`, that "
        "many from position `offset` among them: a sealed plan never changes, so positions are stable (a table "
        "shows its first page while the rest are read)"
    )
    def items(self, action: Action | None = None, first: int | None = None, offset: int = 0) -> list[PlanItemType]:
        head = self.record.head_version_id
        items = [i for i in self.parsed.items if action is None or i.action is action]
        if first is not None:
            if offset < 0:
                raise ValidationError(f"`offset` must be at least 0, got {offset}")
            items = items[offset : offset + page_size(first, MAX_ITEMS, MAX_ITEMS)]
        return [_item(i, head) for i in items]

    @strawberry.field(description="How many items the plan has (what `items(first:, offset:)` pages through)")
    def item_count(self) -> int:
        return len(self.parsed.items)

    @strawberry.field(description="The whole plan as its contract (schema/contracts/execution-plan.v2.schema.json)")
    def document(self) -> JSON:
        # The stored bytes are the contract document's canonical JSON: reading them back is ten times faster
        # than building the document again from the plan's objects.
        return {**orjson.loads(self.record.document), "fingerprint": self.parsed.fingerprint}

    @strawberry.field
    async def environment(
        self, info: Info
    ) -> Annotated[EnvironmentType, strawberry.lazy("dvt.api.tenancy.types")] | None:
        from dvt.api.tenancy.types import EnvironmentType

        found = await info.context.loaders.environment.load(self.record.environment_id)
        return EnvironmentType.of(found) if found else None

    @strawberry.field
    async def head_version(
        self, info: Info
    ) -> Annotated[GraphVersionType, strawberry.lazy("dvt.api.graph.types")] | None:
        from dvt.api.graph.types import GraphVersionType

        found = await info.context.loaders.graph_version.load(self.record.head_version_id)
        return GraphVersionType.of(found) if found else None

    @strawberry.field
    async def base_version(
        self, info: Info
    ) -> Annotated[GraphVersionType, strawberry.lazy("dvt.api.graph.types")] | None:
        from dvt.api.graph.types import GraphVersionType

        if self.record.base_version_id is None:
            return None
        found = await info.context.loaders.graph_version.load(self.record.base_version_id)
        return GraphVersionType.of(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[PlanType | None]:
        return await resolve_by_uuid(info.context.loaders.plan, node_ids, PlanType.of)


PlanConnection = Connection[PlanType]
