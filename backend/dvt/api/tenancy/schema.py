"""Queries and mutations of the tenancy tree."""

from __future__ import annotations

from typing import Annotated

import strawberry

from dvt.api import ids, permissions
from dvt.api.context import Info
from dvt.api.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from dvt.api.scalars import JSON
from dvt.api.tenancy.types import EnvironmentType, OrganizationType, ProjectType, QuotasType, TenantType
from dvt.domain import errors as domain
from dvt.domain.authorization import Permission
from dvt.domain.quotas import Quotas
from dvt.domain.tenancy import DEFAULT_ORGANIZATION


@strawberry.type
class TenancyQuery:
    @permissions.field(Permission.VIEW, description="The tenant this request acts in")
    async def tenant(self, info: Info) -> TenantType | None:
        tenant = await info.context.loaders.tenant.load(info.context.access.scope.tenant_id)
        return TenantType.of(tenant) if tenant else None

    @permissions.field(Permission.VIEW)
    async def organizations(self, info: Info) -> list[OrganizationType]:
        return [OrganizationType.of(o) for o in await info.context.services.tenancy.organizations(info.context.access)]

    @permissions.field(Permission.VIEW)
    async def projects(self, info: Info, organization: str | None = None) -> list[ProjectType]:
        found = await info.context.services.tenancy.projects(info.context.access, organization)
        return [ProjectType.of(p) for p in found]

    @permissions.field(Permission.VIEW)
    async def project(self, info: Info, slug: str) -> ProjectType | None:
        try:
            found = await info.context.services.tenancy.project(info.context.access, slug)
        except domain.NotFoundError:
            return None
        return ProjectType.of(found)


@strawberry.input
class CreateTenantInput:
    slug: str
    name: str | None = None


@strawberry.input
class CreateOrganizationInput:
    slug: str
    name: str | None = None


@strawberry.input
class CreateProjectInput:
    slug: str
    repository: str = strawberry.field(description="Git URL or local path of the dbt project")
    subdirectory: str | None = None
    organization: str = DEFAULT_ORGANIZATION
    name: str | None = None


@strawberry.input
class CreateEnvironmentInput:
    project: str
    slug: str
    adapter: str = strawberry.field(description="duckdb, postgres or snowflake")
    git_ref: str = "HEAD"
    settings: JSON | None = strawberry.field(default=None, description="Non-secret connection settings")
    name: str | None = None


CREATE_ERRORS = (domain.ValidationError, domain.ConflictError, domain.PermissionDeniedError)
CreateTenantResult = Annotated[
    TenantType | ValidationError | ConflictError | PermissionDeniedError,
    strawberry.union("CreateTenantResult"),
]
CreateOrganizationResult = Annotated[
    OrganizationType | ValidationError | ConflictError | PermissionDeniedError,
    strawberry.union("CreateOrganizationResult"),
]
CreateProjectResult = Annotated[
    ProjectType | ValidationError | ConflictError | NotFoundError | PermissionDeniedError,
    strawberry.union("CreateProjectResult"),
]
CreateEnvironmentResult = Annotated[
    EnvironmentType | ValidationError | ConflictError | NotFoundError | PermissionDeniedError,
    strawberry.union("CreateEnvironmentResult"),
]


@strawberry.input
class SetQuotasInput:
    environment_id: strawberry.ID | None = strawberry.field(
        default=None, description="An environment's global id; the tenant's quotas when omitted"
    )
    max_concurrent_runs: int | None = None
    monthly_cost_budget: float | None = None


SetQuotasResult = Annotated[
    QuotasType | ValidationError | NotFoundError | PermissionDeniedError, strawberry.union("SetQuotasResult")
]


@strawberry.type
class TenancyMutation:
    @permissions.mutation(
        Permission.ADMIN,
        raises=(domain.ValidationError, domain.NotFoundError, domain.PermissionDeniedError),
        description="Limits of the tenant or of one environment",
    )
    async def set_quotas(self, info: Info, input: SetQuotasInput) -> SetQuotasResult:
        quotas = Quotas(input.max_concurrent_runs, input.monthly_cost_budget)
        environment = ids.environment_id(input.environment_id) if input.environment_id else None
        return QuotasType.of(await info.context.services.tenancy.set_quotas(info.context.access, quotas, environment))

    @permissions.mutation(Permission.ADMIN, raises=CREATE_ERRORS, description="Platform administrators only")
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> CreateTenantResult:
        return TenantType.of(
            await info.context.services.tenancy.create_tenant(info.context.access, input.slug, input.name)
        )

    @permissions.mutation(Permission.ADMIN, raises=CREATE_ERRORS)
    async def create_organization(self, info: Info, input: CreateOrganizationInput) -> CreateOrganizationResult:
        return OrganizationType.of(
            await info.context.services.tenancy.create_organization(info.context.access, input.slug, input.name)
        )

    @permissions.mutation(Permission.EDIT, raises=(*CREATE_ERRORS, domain.NotFoundError))
    async def create_project(self, info: Info, input: CreateProjectInput) -> CreateProjectResult:
        created = await info.context.services.tenancy.create_project(
            info.context.access,
            input.slug,
            input.repository,
            subdirectory=input.subdirectory,
            organization=input.organization,
            name=input.name,
        )
        return ProjectType.of(created)

    @permissions.mutation(Permission.EDIT, raises=(*CREATE_ERRORS, domain.NotFoundError))
    async def create_environment(self, info: Info, input: CreateEnvironmentInput) -> CreateEnvironmentResult:
        settings = input.settings if isinstance(input.settings, dict) else {}
        created = await info.context.services.tenancy.create_environment(
            info.context.access,
            input.project,
            input.slug,
            input.adapter,
            git_ref=input.git_ref,
            settings=settings,
            name=input.name,
        )
        return EnvironmentType.of(created)
