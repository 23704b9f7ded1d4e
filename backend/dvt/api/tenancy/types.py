"""Tenant, Organization, Project and Environment as GraphQL types."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import strawberry
from strawberry import relay

from dvt.api.context import Info
from dvt.api.ids import resolve_by_uuid
from dvt.api.pagination import Connection, decode_time_cursor, page_size, time_key
from dvt.api.scalars import JSON
from dvt.domain import tenancy
from dvt.domain.authorization import environment_scope
from dvt.domain.plan.estimate import currency_of
from dvt.domain.quotas import Quotas

if TYPE_CHECKING:
    from dvt.api.access.types import SecretType
    from dvt.api.graph.types import GraphVersionType, InvocationType
    from dvt.api.plans.types import PlanType

GraphTypes = "dvt.api.graph.types"
T = TypeVar("T")
V = TypeVar("V")


@strawberry.type(name="Quotas")
class QuotasType:
    max_concurrent_runs: int | None = strawberry.field(description="None: no limit of its own")
    monthly_cost_budget: float | None = strawberry.field(description="In the rate card's currency")

    @staticmethod
    def of(quotas: Quotas) -> QuotasType:
        return QuotasType(
            max_concurrent_runs=quotas.max_concurrent_runs, monthly_cost_budget=quotas.monthly_cost_budget
        )


@strawberry.type(name="Tenant")
class TenantType(relay.Node):
    id: relay.NodeID[str]
    slug: str
    name: str
    created_at: datetime
    quotas: QuotasType

    @staticmethod
    def of(tenant: tenancy.Tenant) -> TenantType:
        return TenantType(
            id=str(tenant.id),
            slug=tenant.slug,
            name=tenant.name,
            created_at=tenant.created_at,
            quotas=QuotasType.of(tenant.quotas),
        )

    @strawberry.field
    async def organizations(self, info: Info) -> list[OrganizationType]:
        if self.id != str(info.context.access.scope.tenant_id):
            return []
        return [OrganizationType.of(o) for o in await info.context.services.tenancy.organizations(info.context.access)]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[TenantType | None]:
        return await resolve_by_uuid(info.context.loaders.tenant, node_ids, TenantType.of)


@strawberry.type(name="Organization")
class OrganizationType(relay.Node):
    id: relay.NodeID[str]
    slug: str
    name: str
    created_at: datetime

    @staticmethod
    def of(org: tenancy.Organization) -> OrganizationType:
        return OrganizationType(id=str(org.id), slug=org.slug, name=org.name, created_at=org.created_at)

    @strawberry.field
    async def projects(self, info: Info) -> list[ProjectType]:
        found = await info.context.loaders.projects_of_organization.load(uuid.UUID(self.id))
        return [ProjectType.of(p) for p in found]

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrganizationType | None]:
        return await resolve_by_uuid(info.context.loaders.organization, node_ids, OrganizationType.of)


@strawberry.type(name="Project")
class ProjectType(relay.Node):
    id: relay.NodeID[str]
    slug: str
    name: str
    repository: str
    subdirectory: str | None
    created_at: datetime
    organization_id: strawberry.Private[uuid.UUID]

    @staticmethod
    def of(project: tenancy.Project) -> ProjectType:
        return ProjectType(
            id=str(project.id),
            slug=project.slug,
            name=project.name,
            repository=project.repository,
            subdirectory=project.subdirectory,
            created_at=project.created_at,
            organization_id=project.organization_id,
        )

    @strawberry.field
    async def organization(self, info: Info) -> OrganizationType | None:
        org = await info.context.loaders.organization.load(self.organization_id)
        return OrganizationType.of(org) if org else None

    @strawberry.field
    async def environments(self, info: Info) -> list[EnvironmentType]:
        found = await info.context.loaders.environments_of_project.load(uuid.UUID(self.id))
        return [EnvironmentType.of(e) for e in found]

    @strawberry.field
    async def environment(self, info: Info, slug: str) -> EnvironmentType | None:
        found = await info.context.loaders.environments_of_project.load(uuid.UUID(self.id))
        return next((EnvironmentType.of(e) for e in found if e.slug == slug), None)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ProjectType | None]:
        return await resolve_by_uuid(info.context.loaders.project, node_ids, ProjectType.of)


@strawberry.type(name="Environment")
class EnvironmentType(relay.Node):
    id: relay.NodeID[str]
    slug: str
    name: str
    adapter: str
    git_ref: str
    settings: JSON
    quotas: QuotasType
    created_at: datetime | None
    project_id: strawberry.Private[uuid.UUID]
    environment: strawberry.Private[tenancy.Environment]

    @staticmethod
    def of(environment: tenancy.Environment) -> EnvironmentType:
        settings: dict[str, Any] = dict(environment.settings)
        return EnvironmentType(
            id=str(environment.id),
            slug=environment.slug,
            name=environment.name,
            adapter=environment.adapter.value,
            git_ref=environment.git_ref,
            settings=settings,
            quotas=QuotasType.of(environment.quotas),
            created_at=environment.created_at,
            project_id=environment.project_id,
            environment=environment,
        )

    @strawberry.field
    async def project(self, info: Info) -> ProjectType | None:
        project = await info.context.loaders.project.load(self.project_id)
        return ProjectType.of(project) if project else None

    @strawberry.field(description="Its authorization scope, /o/ORG/p/PROJECT/e/ENV by ids: for permissionsOn, grants")
    async def scope(self, info: Info) -> str:
        project = await info.context.loaders.project.load(self.project_id)
        return environment_scope(project.organization_id, self.project_id, self.environment.id) if project else ""

    @strawberry.field
    async def latest_graph_version(self, info: Info) -> Annotated[GraphVersionType, strawberry.lazy(GraphTypes)] | None:
        from dvt.api.graph.types import GraphVersionType

        version = await info.context.loaders.latest_version.load(uuid.UUID(self.id))
        return GraphVersionType.of(version) if version else None

    @strawberry.field
    async def graph_versions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[GraphVersionType, strawberry.lazy(GraphTypes)]]:
        from dvt.api.graph.types import graph_versions_of

        return await graph_versions_of(info, uuid.UUID(self.id), first, after)

    @strawberry.field(description="Plan policy settings, by policy id")
    def policies(self, info: Info) -> JSON:
        return dict(self.environment.policies)

    @strawberry.field(description="What an hour of execution costs here")
    def rate_card(self, info: Info) -> JSON:
        return dict(self.environment.rate_card)

    @strawberry.field(description="The ISO 4217 currency of every cost shown for this environment (its rate card's)")
    def currency(self, info: Info) -> str:
        return currency_of(self.environment.rate_card)

    @strawberry.field(description="Plans of this environment, newest first")
    async def plans(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[PlanType, strawberry.lazy("dvt.api.plans.types")]]:
        from dvt.api.plans.types import PlanConnection, PlanType

        services = info.context.services
        limit = page_size(first, services.default_page_size, services.max_page_size)
        before = decode_time_cursor(after)
        page = await services.plans.plans(info.context.access, uuid.UUID(self.id), before, limit)
        items = [PlanType.of(p) for p in page.items]
        keys = [time_key(p.created_at, p.id) for p in page.items]
        return PlanConnection.of(items, keys, has_next=page.has_next, after=after)

    @strawberry.field(description="Secret metadata; values are write-only and never returned")
    async def secrets(self, info: Info) -> list[Annotated[SecretType, strawberry.lazy("dvt.api.access.types")]]:
        from dvt.api.access.types import SecretType

        found = await info.context.services.secrets.list(info.context.access, uuid.UUID(self.id))
        return [SecretType.of(s) for s in found]

    @strawberry.field
    async def invocations(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[Annotated[InvocationType, strawberry.lazy(GraphTypes)]]:
        from dvt.api.graph.types import invocations_of

        return await invocations_of(info, uuid.UUID(self.id), first, after)

    @strawberry.field
    async def invocation(
        self, info: Info, invocation_id: str
    ) -> Annotated[InvocationType, strawberry.lazy(GraphTypes)] | None:
        from dvt.api.graph.types import InvocationType

        found = await info.context.services.graph.invocation(info.context.access, uuid.UUID(self.id), invocation_id)
        return InvocationType.of(found) if found else None

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[EnvironmentType | None]:
        return await resolve_by_uuid(info.context.loaders.environment, node_ids, EnvironmentType.of)
