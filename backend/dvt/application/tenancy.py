"""Creating and finding tenants, organizations, projects and environments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.visibility import (
    environment_visible,
    note_projects,
    seen_environments,
    sees_organization,
    sees_project,
    sees_tenant,
)
from dvt.domain.audit import AuditEvent, AuditResult
from dvt.domain.authorization import (
    TENANT_SCOPE,
    Permission,
    environment_scope,
    organization_scope,
    project_scope,
)
from dvt.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from dvt.domain.identity import SYSTEM, Actor, ActorKind
from dvt.domain.quotas import Quotas
from dvt.domain.tenancy import (
    DEFAULT_ORGANIZATION,
    DEFAULT_TENANT,
    Adapter,
    Environment,
    Organization,
    Project,
    Tenant,
    TenantScope,
    check_slug,
)


async def require_project(uow: UnitOfWork, scope: TenantScope, slug: str) -> Project:
    project = await uow.tenancy(scope).project_by_slug(check_slug("project", slug))
    if project is None:
        raise NotFoundError(f"project {slug!r} not found")
    return project


async def require_environment(uow: UnitOfWork, scope: TenantScope, project: Project, slug: str) -> Environment:
    environment = await uow.tenancy(scope).environment_by_slug(project.id, check_slug("environment", slug))
    if environment is None:
        raise NotFoundError(f"environment {slug!r} not found in project {project.slug!r}")
    return environment


async def environment_scope_of(uow: UnitOfWork, scope: TenantScope, environment_id: uuid.UUID) -> str | None:
    """The scope path of an environment of this tenant, or None if it has no such environment."""
    environments = await uow.tenancy(scope).environments_by_ids([environment_id])
    if not environments:
        return None
    projects = await uow.tenancy(scope).projects_by_ids([environments[0].project_id])
    if not projects:
        return None
    return environment_scope(projects[0].organization_id, projects[0].id, environment_id)


async def visible_environment(uow: UnitOfWork, access: Access, environment_id: uuid.UUID) -> tuple[Environment, str]:
    """The environment and its scope path; not found unless the caller may view it (no existence leak)."""
    found = await uow.tenancy(access.scope).environments_by_ids([environment_id])
    where = await environment_scope_of(uow, access.scope, environment_id) if found else None
    if not found or where is None or not access.can(Permission.VIEW, where):
        raise NotFoundError("environment not found")
    return found[0], where


async def visible_project(uow: UnitOfWork, access: Access, project_id: uuid.UUID) -> Project:
    """The project, if the caller may view it or something inside it (as the API shows projects); not found
    otherwise, another tenant's included (no existence leak)."""
    found = await uow.tenancy(access.scope).projects_by_ids([project_id])
    if not found or not access.reaches(Permission.VIEW, project_scope(found[0].organization_id, found[0].id)):
        raise NotFoundError("project not found")
    return found[0]


class TenancyService:
    def __init__(self, units: UnitOfWorkFactory) -> None:
        self._units = units

    async def ensure_default(self) -> Tenant:
        """The embedded default: a tenant and organization named `default`, so one user can start at once."""
        async with self._units() as uow:
            tenant = await uow.platform.tenant_by_slug(DEFAULT_TENANT)
            if tenant is not None:
                return tenant
        try:
            return await self.create_tenant(SYSTEM, DEFAULT_TENANT, "Default")
        except ConflictError:
            # Another process created it between our read and our write.
            return await self.tenant(DEFAULT_TENANT)

    async def create_tenant(self, by: Actor | Access, slug: str, name: str | None = None) -> Tenant:
        """A platform administrator (or DVT itself) creates tenants; a refusal is audited in the caller's tenant."""
        actor = by.actor if isinstance(by, Access) else by
        if not (actor.platform_admin or actor.kind is ActorKind.SYSTEM):
            if isinstance(by, Access):
                details = {"attempt": "create a tenant", "slug": slug[:63]}
                by.denials.append(by.event("tenant.create", "tenant", slug[:63], details, AuditResult.DENIED))
            raise PermissionDeniedError("only a platform administrator creates tenants")
        check_slug("tenant", slug)
        async with self._units() as uow:
            tenant = await uow.platform.create_tenant(slug, name or slug)
            # Every tenant starts with a default organization, so `--org` can default to it.
            await uow.tenancy(TenantScope(tenant.id)).create_organization(DEFAULT_ORGANIZATION, "Default")
            event = AuditEvent.of(actor, "tenant.create", AuditResult.SUCCESS, "tenant", tenant.id, {"slug": slug})
            await record(uow.audit(None), event)  # the platform's own chain
            await uow.commit()
        return tenant

    async def set_rate_limit(self, by: Actor | Access, slug: str, per_minute: int | None) -> Tenant:
        """A platform administrator's (or DVT's) override of the server's requests per minute per caller for one
        tenant; None: back to the server's. A tenant cannot raise its own: abuse limits are the platform's."""
        actor = by.actor if isinstance(by, Access) else by
        if not (actor.platform_admin or actor.kind is ActorKind.SYSTEM):
            raise PermissionDeniedError("only a platform administrator sets a tenant's rate limit")
        if per_minute is not None and not 0 <= per_minute <= 1_000_000:
            raise ValidationError("a rate limit is 0 (none) to 1000000 requests per minute")
        found = await self.tenant(slug)
        async with self._units() as uow:
            await uow.platform.set_rate_limit(found.id, per_minute)
            details = {"slug": slug, "rate_limit_per_minute": per_minute}
            event = AuditEvent.of(actor, "tenant.rate_limit", AuditResult.SUCCESS, "tenant", found.id, details)
            await record(uow.audit(None), event)  # the platform's own chain
            await uow.commit()
        return replace(found, rate_limit_per_minute=per_minute)

    async def tenants(self) -> list[Tenant]:
        async with self._units() as uow:
            return await uow.platform.tenants()

    async def tenants_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[Tenant]:
        """Of these, the caller's own tenant, once it may view anything in it."""
        own = [i for i in ids if i == access.scope.tenant_id]
        if not own or not sees_tenant(access):
            return []
        async with self._units() as uow:
            return await uow.platform.tenants_by_ids(own)

    async def tenant(self, slug: str) -> Tenant:
        try:
            check_slug("tenant", slug)
        except ValidationError:
            raise NotFoundError(f"tenant {slug[:64]!r} not found") from None  # no such slug can exist
        async with self._units() as uow:
            tenant = await uow.platform.tenant_by_slug(slug)
        if tenant is None:
            raise NotFoundError(f"tenant {slug!r} not found")
        return tenant

    async def create_organization(self, access: Access, slug: str, name: str | None = None) -> Organization:
        check_slug("organization", slug)
        access.require(Permission.ADMIN, TENANT_SCOPE, "create organizations")
        async with self._units() as uow:
            organization = await uow.tenancy(access.scope).create_organization(slug, name or slug)
            event = access.event("organization.create", "organization", organization.id, {"slug": slug})
            await record(uow.audit(access.scope), event)
            await uow.commit()
        return organization

    async def organizations(self, access: Access) -> list[Organization]:
        async with self._units() as uow:
            found = await uow.tenancy(access.scope).organizations()
        return [o for o in found if sees_organization(access, o)]

    async def organizations_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[Organization]:
        async with self._units() as uow:
            found = await uow.tenancy(access.scope).organizations_by_ids(ids)
        return [o for o in found if sees_organization(access, o)]

    async def create_project(
        self,
        access: Access,
        slug: str,
        repository: str,
        *,
        subdirectory: str | None = None,
        organization: str = DEFAULT_ORGANIZATION,
        name: str | None = None,
    ) -> Project:
        check_slug("project", slug)
        async with self._units() as uow:
            org = await uow.tenancy(access.scope).organization_by_slug(organization)
            if org is None:
                raise NotFoundError(f"organization {organization!r} not found")
            access.require(Permission.EDIT, organization_scope(org.id), "create projects in this organization")
            project = await uow.tenancy(access.scope).create_project(
                org.id, slug, name or slug, repository, subdirectory
            )
            details = {"slug": slug, "organization": organization, "repository": repository}
            await record(uow.audit(access.scope), access.event("project.create", "project", project.id, details))
            await uow.commit()
        return project

    async def projects(self, access: Access, organization: str | None = None) -> list[Project]:
        """The projects the caller may see, of one organization when named (one it may not see is not found)."""
        async with self._units() as uow:
            org_id = None
            if organization is not None:
                org = await uow.tenancy(access.scope).organization_by_slug(organization)
                if org is None or not sees_organization(access, org):
                    raise NotFoundError(f"organization {organization!r} not found")
                org_id = org.id
            found = await uow.tenancy(access.scope).projects(org_id)
        note_projects(access, found)
        return [p for p in found if sees_project(access, p)]

    async def project(self, access: Access, slug: str) -> Project:
        async with self._units() as uow:
            found = await require_project(uow, access.scope, slug)
        if not sees_project(access, found):
            raise NotFoundError(f"project {slug!r} not found")
        return found

    async def projects_of(self, access: Access, organization_ids: Sequence[uuid.UUID]) -> list[Project]:
        async with self._units() as uow:
            found = await uow.tenancy(access.scope).projects()
        note_projects(access, found)
        wanted = set(organization_ids)
        return [p for p in found if p.organization_id in wanted and sees_project(access, p)]

    async def projects_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[Project]:
        async with self._units() as uow:
            found = await uow.tenancy(access.scope).projects_by_ids(ids)
        note_projects(access, found)
        return [p for p in found if sees_project(access, p)]

    async def create_environment(
        self,
        access: Access,
        project: str,
        slug: str,
        adapter: str,
        *,
        git_ref: str = "HEAD",
        settings: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Environment:
        check_slug("environment", slug)
        kind = Adapter.parse(adapter)
        async with self._units() as uow:
            owner = await require_project(uow, access.scope, project)
            where = project_scope(owner.organization_id, owner.id)
            access.require(Permission.EDIT, where, "create environments in this project")
            environment = await uow.tenancy(access.scope).create_environment(
                owner.id, slug, name or slug, kind, git_ref, settings or {}
            )
            details = {"slug": slug, "project": project, "adapter": kind.value, "git_ref": git_ref}
            event = access.event("environment.create", "environment", environment.id, details)
            await record(uow.audit(access.scope), event)
            await uow.commit()
        return environment

    async def set_quotas(self, access: Access, quotas: Quotas, environment_id: uuid.UUID | None = None) -> Quotas:
        """Quotas of the tenant, or of one environment; an administrator of that scope sets them."""
        async with self._units() as uow:
            if environment_id is None:
                access.require(Permission.ADMIN, TENANT_SCOPE, "set the tenant's quotas")
                await uow.tenancy(access.scope).set_tenant_quotas(quotas)
                resource: tuple[str, uuid.UUID] = ("tenant", access.scope.tenant_id)
            else:
                where = await environment_scope_of(uow, access.scope, environment_id)
                if where is None:
                    raise NotFoundError("environment not found")
                access.require(Permission.ADMIN, where, "set this environment's quotas")
                await uow.tenancy(access.scope).set_environment_quotas(environment_id, quotas)
                resource = ("environment", environment_id)
            await record(uow.audit(access.scope), access.event("quotas.set", *resource, quotas.to_json()))
            await uow.commit()
        return quotas

    async def environments(self, access: Access, project_ids: Sequence[uuid.UUID]) -> list[Environment]:
        async with self._units() as uow:
            return await seen_environments(uow, access, await uow.tenancy(access.scope).environments(project_ids))

    async def environments_by_ids(self, access: Access, ids: Sequence[uuid.UUID]) -> list[Environment]:
        async with self._units() as uow:
            return await seen_environments(uow, access, await uow.tenancy(access.scope).environments_by_ids(ids))

    async def environment(self, access: Access, project: str, slug: str) -> Environment:
        """The environment, for whoever may view it; not found otherwise, as another tenant's is."""
        async with self._units() as uow:
            owner = await require_project(uow, access.scope, project)
            found = await require_environment(uow, access.scope, owner, slug)
            if not await environment_visible(uow, access, found.id):
                raise NotFoundError(f"environment {slug!r} not found in project {project!r}")
        return found
