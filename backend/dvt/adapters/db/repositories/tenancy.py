"""Tenants (platform-wide) and the tenant-scoped organizations, projects and environments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import EnvironmentRow, OrganizationRow, ProjectRow, TenantRow
from dvt.domain.errors import ConflictError
from dvt.domain.quotas import Quotas
from dvt.domain.tenancy import Adapter, Environment, Organization, Project, Tenant, TenantScope


def _tenant(row: TenantRow) -> Tenant:
    return Tenant(row.id, row.slug, row.name, row.created_at, Quotas.from_json(row.quotas), row.rate_limit_per_minute)


def _organization(row: OrganizationRow) -> Organization:
    return Organization(row.id, row.tenant_id, row.slug, row.name, row.created_at)


def _project(row: ProjectRow) -> Project:
    return Project(
        row.id,
        row.tenant_id,
        row.organization_id,
        row.slug,
        row.name,
        row.repository,
        row.subdirectory,
        row.created_at,
    )


def _environment(row: EnvironmentRow) -> Environment:
    return Environment(
        id=row.id,
        tenant_id=row.tenant_id,
        project_id=row.project_id,
        slug=row.slug,
        name=row.name,
        adapter=Adapter(row.adapter),
        git_ref=row.git_ref,
        settings=dict(row.settings),
        rate_card=dict(row.rate_card),
        quotas=Quotas.from_json(row.quotas),
        policies=dict(row.policies),
        created_at=row.created_at,
    )


async def _insert(session: AsyncSession, row: object, what: str) -> None:
    """Insert in a savepoint so a duplicate slug is a clear conflict, not a poisoned transaction."""
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        raise ConflictError(f"{what} already exists") from None


class SqlPlatformRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create_tenant(self, slug: str, name: str) -> Tenant:
        row = TenantRow(id=uuid.uuid4(), slug=slug, name=name)
        await _insert(self._session, row, f"tenant {slug!r}")
        await self._session.refresh(row)
        return _tenant(row)

    async def tenants(self) -> list[Tenant]:
        rows = await self._session.scalars(select(TenantRow).order_by(TenantRow.slug))
        return [_tenant(r) for r in rows]

    async def tenant_by_slug(self, slug: str) -> Tenant | None:
        row = await self._session.scalar(select(TenantRow).where(TenantRow.slug == slug))
        return _tenant(row) if row else None

    async def tenants_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Tenant]:
        rows = await self._session.scalars(select(TenantRow).where(TenantRow.id.in_(ids)))
        return [_tenant(r) for r in rows]

    async def set_rate_limit(self, tenant_id: uuid.UUID, per_minute: int | None) -> None:
        await self._session.execute(
            update(TenantRow).where(TenantRow.id == tenant_id).values(rate_limit_per_minute=per_minute)
        )


class SqlTenancyRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def create_organization(self, slug: str, name: str) -> Organization:
        row = OrganizationRow(id=uuid.uuid4(), tenant_id=self._tenant, slug=slug, name=name)
        await _insert(self._session, row, f"organization {slug!r}")
        await self._session.refresh(row)
        return _organization(row)

    async def organizations(self) -> list[Organization]:
        rows = await self._session.scalars(
            select(OrganizationRow).where(OrganizationRow.tenant_id == self._tenant).order_by(OrganizationRow.slug)
        )
        return [_organization(r) for r in rows]

    async def organization_by_slug(self, slug: str) -> Organization | None:
        row = await self._session.scalar(
            select(OrganizationRow).where(OrganizationRow.tenant_id == self._tenant, OrganizationRow.slug == slug)
        )
        return _organization(row) if row else None

    async def organizations_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Organization]:
        rows = await self._session.scalars(
            select(OrganizationRow).where(OrganizationRow.tenant_id == self._tenant, OrganizationRow.id.in_(ids))
        )
        return [_organization(r) for r in rows]

    async def create_project(
        self, organization_id: uuid.UUID, slug: str, name: str, repository: str, subdirectory: str | None
    ) -> Project:
        row = ProjectRow(
            id=uuid.uuid4(),
            tenant_id=self._tenant,
            organization_id=organization_id,
            slug=slug,
            name=name,
            repository=repository,
            subdirectory=subdirectory,
        )
        await _insert(self._session, row, f"project {slug!r}")
        await self._session.refresh(row)
        return _project(row)

    async def projects(self, organization_id: uuid.UUID | None = None) -> list[Project]:
        query = select(ProjectRow).where(ProjectRow.tenant_id == self._tenant)
        if organization_id is not None:
            query = query.where(ProjectRow.organization_id == organization_id)
        rows = await self._session.scalars(query.order_by(ProjectRow.slug))
        return [_project(r) for r in rows]

    async def project_by_slug(self, slug: str) -> Project | None:
        row = await self._session.scalar(
            select(ProjectRow).where(ProjectRow.tenant_id == self._tenant, ProjectRow.slug == slug)
        )
        return _project(row) if row else None

    async def projects_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Project]:
        rows = await self._session.scalars(
            select(ProjectRow).where(ProjectRow.tenant_id == self._tenant, ProjectRow.id.in_(ids))
        )
        return [_project(r) for r in rows]

    async def create_environment(
        self,
        project_id: uuid.UUID,
        slug: str,
        name: str,
        adapter: Adapter,
        git_ref: str,
        settings: dict[str, Any],
    ) -> Environment:
        row = EnvironmentRow(
            id=uuid.uuid4(),
            tenant_id=self._tenant,
            project_id=project_id,
            slug=slug,
            name=name,
            adapter=adapter.value,
            git_ref=git_ref,
            settings=settings,
            rate_card={},
            quotas={},
        )
        await _insert(self._session, row, f"environment {slug!r}")
        await self._session.refresh(row)
        return _environment(row)

    async def set_tenant_quotas(self, quotas: Quotas) -> None:
        await self._session.execute(
            update(TenantRow).where(TenantRow.id == self._tenant).values(quotas=quotas.to_json())
        )

    async def set_planning(
        self, environment_id: uuid.UUID, policies: dict[str, Any], rate_card: dict[str, Any]
    ) -> bool:
        changed = await self._session.scalar(
            update(EnvironmentRow)
            .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id == environment_id)
            .values(policies=policies, rate_card=rate_card)
            .returning(EnvironmentRow.id)
        )
        return changed is not None

    async def set_environment_quotas(self, environment_id: uuid.UUID, quotas: Quotas) -> bool:
        changed = await self._session.scalar(
            update(EnvironmentRow)
            .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id == environment_id)
            .values(quotas=quotas.to_json())
            .returning(EnvironmentRow.id)
        )
        return changed is not None

    async def environments(self, project_ids: Sequence[uuid.UUID]) -> list[Environment]:
        rows = await self._session.scalars(
            select(EnvironmentRow)
            .where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.project_id.in_(project_ids))
            .order_by(EnvironmentRow.slug)
        )
        return [_environment(r) for r in rows]

    async def environment_by_slug(self, project_id: uuid.UUID, slug: str) -> Environment | None:
        row = await self._session.scalar(
            select(EnvironmentRow).where(
                EnvironmentRow.tenant_id == self._tenant,
                EnvironmentRow.project_id == project_id,
                EnvironmentRow.slug == slug,
            )
        )
        return _environment(row) if row else None

    async def environments_by_ids(self, ids: Sequence[uuid.UUID]) -> list[Environment]:
        rows = await self._session.scalars(
            select(EnvironmentRow).where(EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id.in_(ids))
        )
        return [_environment(r) for r in rows]
