"""Role grants of a tenant, and the fixed-window request counters of the rate limit."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import (
    EnvironmentRow,
    OrganizationRow,
    ProjectRow,
    RateLimitWindowRow,
    RoleGrantRow,
)
from dvt.domain.authorization import TENANT_SCOPE, Grant, Role
from dvt.domain.tenancy import TenantScope


def _grant(row: RoleGrantRow) -> Grant:
    return Grant(row.id, row.tenant_id, row.principal, Role(row.role), row.scope, row.granted_by, row.created_at)


class SqlAccessRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def grants_for(self, principals: Sequence[str]) -> list[Grant]:
        rows = await self._session.scalars(
            select(RoleGrantRow).where(RoleGrantRow.tenant_id == self._tenant, RoleGrantRow.principal.in_(principals))
        )
        return [_grant(r) for r in rows]

    async def grants(self) -> list[Grant]:
        rows = await self._session.scalars(
            select(RoleGrantRow)
            .where(RoleGrantRow.tenant_id == self._tenant)
            .order_by(RoleGrantRow.scope, RoleGrantRow.principal, RoleGrantRow.role)
        )
        return [_grant(r) for r in rows]

    async def add_grant(self, principal: str, role: Role, scope: str, granted_by: str) -> Grant:
        statement = (
            insert(RoleGrantRow)
            .values(
                id=uuid.uuid4(),
                tenant_id=self._tenant,
                principal=principal,
                role=role.value,
                scope=scope,
                granted_by=granted_by,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id", "principal", "role", "scope"])
        )
        await self._session.execute(statement)
        row = await self._session.scalar(
            select(RoleGrantRow).where(
                RoleGrantRow.tenant_id == self._tenant,
                RoleGrantRow.principal == principal,
                RoleGrantRow.role == role.value,
                RoleGrantRow.scope == scope,
            )
        )
        assert row is not None
        return _grant(row)

    async def remove_grant(self, grant_id: uuid.UUID) -> Grant | None:
        row = await self._session.scalar(
            delete(RoleGrantRow)
            .where(RoleGrantRow.tenant_id == self._tenant, RoleGrantRow.id == grant_id)
            .returning(RoleGrantRow)
        )
        return _grant(row) if row else None

    async def remove_grants_of(self, principal: str) -> None:
        await self._session.execute(
            delete(RoleGrantRow).where(RoleGrantRow.tenant_id == self._tenant, RoleGrantRow.principal == principal)
        )

    async def scope_exists(self, scope: str) -> bool:
        """Whether every id in the scope path belongs to this tenant and to its parent in the path."""
        if scope == TENANT_SCOPE:
            return True
        parts = scope.strip("/").split("/")
        ids = [uuid.UUID(v) for v in parts[1::2]]
        org = await self._session.scalar(
            select(OrganizationRow.id).where(OrganizationRow.tenant_id == self._tenant, OrganizationRow.id == ids[0])
        )
        if org is None:
            return False
        if len(ids) > 1:
            project = await self._session.scalar(
                select(ProjectRow.id).where(
                    ProjectRow.tenant_id == self._tenant,
                    ProjectRow.id == ids[1],
                    ProjectRow.organization_id == ids[0],
                )
            )
            if project is None:
                return False
        if len(ids) > 2:
            environment = await self._session.scalar(
                select(EnvironmentRow.id).where(
                    EnvironmentRow.tenant_id == self._tenant,
                    EnvironmentRow.id == ids[2],
                    EnvironmentRow.project_id == ids[1],
                )
            )
            if environment is None:
                return False
        return True


class SqlRateLimitRepository:
    """Not tenant-scoped: callers are keyed by tenant and identity already."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def hit(self, caller: str, window_start: datetime) -> int:
        first = insert(RateLimitWindowRow).values(caller=caller, window_start=window_start, requests=1)
        statement = first.on_conflict_do_update(
            index_elements=["caller", "window_start"],
            set_={"requests": RateLimitWindowRow.requests + 1},
        ).returning(RateLimitWindowRow.requests)
        count = await self._session.scalar(statement)
        return int(count or 0)

    async def count(self, caller: str, window_start: datetime) -> int:
        found = await self._session.scalar(
            select(RateLimitWindowRow.requests).where(
                RateLimitWindowRow.caller == caller, RateLimitWindowRow.window_start == window_start
            )
        )
        return int(found or 0)

    async def forget_before(self, cutoff: datetime) -> None:
        await self._session.execute(delete(RateLimitWindowRow).where(RateLimitWindowRow.window_start < cutoff))
