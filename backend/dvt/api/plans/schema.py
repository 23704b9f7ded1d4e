"""Plans: make one, read them, approve or reject exactly what was reviewed, configure the policies."""

from __future__ import annotations

import uuid
from typing import Annotated

import strawberry

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from dvt.api.plans.types import PlanType
from dvt.api.scalars import JSON
from dvt.api.tenancy.types import EnvironmentType
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.plan.plan import PlanRequest


@strawberry.input
class CreatePlanInput:
    environment_id: strawberry.ID
    select: list[str] | None = strawberry.field(default=None, description="dbt selection (--select)")
    exclude: list[str] | None = None
    selector: str | None = strawberry.field(default=None, description="A YAML selector of the project")
    indirect_selection: str = strawberry.field(default="eager", description="eager, cautious, buildable or empty")
    full_refresh: bool = False
    vars: JSON | None = None
    state_version_id: strawberry.ID | None = strawberry.field(
        default=None, description="The graph version to compare with; the previous one when omitted"
    )
    ref: str | None = strawberry.field(
        default=None,
        description="Plan the commit this branch, tag or sha names now (dbt parses it if DVT never did); "
        "without it, the environment's current graph",
    )


@strawberry.input
class DecidePlanInput:
    plan_id: strawberry.ID
    fingerprint: str = strawberry.field(description="The fingerprint you reviewed: a different plan is refused")
    reason: str | None = None


@strawberry.input
class ConfigurePlanningInput:
    environment_id: strawberry.ID
    policies: JSON = strawberry.field(description='Settings by policy id, e.g. {"limit_cost_budget": {"mode": "trim"}}')
    rate_card: JSON = strawberry.field(
        description='{"price_per_compute_hour": 2.5}; on Snowflake {"warehouse_size": "SMALL", "price_per_credit": 3}'
    )


PlanResult = Annotated[
    PlanType | ValidationError | NotFoundError | ConflictError | PermissionDeniedError, strawberry.union("PlanResult")
]
ConfigurePlanningResult = Annotated[
    EnvironmentType | ValidationError | NotFoundError | PermissionDeniedError,
    strawberry.union("ConfigurePlanningResult"),
]


PLAN_ERRORS = (domain.ValidationError, domain.NotFoundError, domain.ConflictError, domain.PermissionDeniedError)


def _plan_id(raw: strawberry.ID) -> uuid.UUID:
    found = ids.node_uuid(raw, "Plan")
    if found is None:
        raise domain.NotFoundError("plan not found")
    return found


@strawberry.type
class PlanQuery:
    @permissions.field(Permission.VIEW, description="A plan by its global id")
    async def plan(self, info: Info, id: strawberry.ID) -> PlanType | None:
        found = ids.node_uuid(id, "Plan")
        plan = await info.context.loaders.plan.load(found) if found else None
        return PlanType.of(plan) if plan else None


@strawberry.type
class PlanMutation:
    @permissions.mutation(
        Permission.PLAN, raises=PLAN_ERRORS, description="Plan what dbt build would do for a selection, and why"
    )
    async def create_plan(self, info: Info, input: CreatePlanInput) -> PlanResult:
        environment = ids.environment_id(input.environment_id)
        state = ids.node_uuid(input.state_version_id, "GraphVersion") if input.state_version_id else None
        if input.state_version_id and state is None:
            raise domain.NotFoundError("state graph version not found")
        request = PlanRequest(
            select=tuple(input.select or ()),
            exclude=tuple(input.exclude or ()),
            selector=input.selector,
            indirect_selection=input.indirect_selection,
            full_refresh=input.full_refresh,
            vars={} if input.vars is None else input.vars,  # PlanRequest refuses anything but an object
            state_version_id=state,
        )
        plans = info.context.services.plans
        return PlanType.of(await plans.create(info.context.access, environment, request, ref=input.ref))

    @permissions.mutation(
        Permission.APPROVE, raises=PLAN_ERRORS, description="Approve exactly the plan with this fingerprint"
    )
    async def approve_plan(self, info: Info, input: DecidePlanInput) -> PlanResult:
        plans = info.context.services.plans
        return PlanType.of(await plans.approve(info.context.access, _plan_id(input.plan_id), input.fingerprint))

    @permissions.mutation(Permission.APPROVE, raises=PLAN_ERRORS)
    async def reject_plan(self, info: Info, input: DecidePlanInput) -> PlanResult:
        plans = info.context.services.plans
        found = await plans.reject(info.context.access, _plan_id(input.plan_id), input.fingerprint, input.reason)
        return PlanType.of(found)

    @permissions.mutation(
        Permission.ADMIN,
        raises=(domain.ValidationError, domain.NotFoundError, domain.PermissionDeniedError),
        description="Policy settings and the rate card of an environment",
    )
    async def configure_planning(self, info: Info, input: ConfigurePlanningInput) -> ConfigurePlanningResult:
        if not isinstance(input.policies, dict) or not isinstance(input.rate_card, dict):
            raise domain.ValidationError("policies and rateCard are JSON objects")
        environment = ids.environment_id(input.environment_id)
        configured = await info.context.services.plans.configure(
            info.context.access, environment, input.policies, input.rate_card
        )
        return EnvironmentType.of(configured)
