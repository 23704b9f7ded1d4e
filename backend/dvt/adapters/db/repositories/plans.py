"""Execution plans, as sealed documents with their status."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import PlanRow
from dvt.application.records import Page, PlanRecord
from dvt.domain.tenancy import TenantScope


def _plan(row: PlanRow) -> PlanRecord:
    return PlanRecord(
        id=row.id,
        environment_id=row.environment_id,
        base_version_id=row.base_version_id,
        head_version_id=row.head_version_id,
        status=row.status,
        fingerprint=row.fingerprint,
        document=row.document,
        summary=dict(row.summary),
        created_by=row.created_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        commit_sha=row.commit_sha,
    )


class SqlPlanRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def add(self, plan: PlanRecord) -> PlanRecord:
        row = PlanRow(
            id=plan.id,
            tenant_id=self._tenant,
            environment_id=plan.environment_id,
            base_version_id=plan.base_version_id,
            head_version_id=plan.head_version_id,
            status=plan.status,
            fingerprint=plan.fingerprint,
            document=plan.document,
            summary=plan.summary,
            created_by=plan.created_by,
            expires_at=plan.expires_at,
            decided_by=plan.decided_by,
            decided_at=plan.decided_at,
            decision_note=plan.decision_note,
            commit_sha=plan.commit_sha,
        )
        self._session.add(row)
        await self._session.flush()
        # Only what the database set: reading the whole document back would copy megabytes for nothing.
        await self._session.refresh(row, ["created_at"])
        return _plan(row)

    async def get(self, plan_id: uuid.UUID, *, for_update: bool = False) -> PlanRecord | None:
        query = select(PlanRow).where(PlanRow.tenant_id == self._tenant, PlanRow.id == plan_id)
        row = await self._session.scalar(query.with_for_update() if for_update else query)
        return _plan(row) if row else None

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[PlanRecord]:
        rows = await self._session.scalars(
            select(PlanRow).where(PlanRow.tenant_id == self._tenant, PlanRow.id.in_(ids))
        )
        return [_plan(r) for r in rows]

    async def of_environment(
        self, environment_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> Page[PlanRecord]:
        query = select(PlanRow).where(PlanRow.tenant_id == self._tenant, PlanRow.environment_id == environment_id)
        if before is not None:
            created_at, plan_id = before
            query = query.where(
                or_(PlanRow.created_at < created_at, and_(PlanRow.created_at == created_at, PlanRow.id < plan_id))
            )
        rows = list(
            await self._session.scalars(query.order_by(PlanRow.created_at.desc(), PlanRow.id.desc()).limit(limit + 1))
        )
        return Page([_plan(r) for r in rows[:limit]], has_next=len(rows) > limit)

    async def decide(self, plan_id: uuid.UUID, status: str, decided_by: str, note: str | None) -> PlanRecord:
        row = await self._session.scalar(
            update(PlanRow)
            .where(PlanRow.tenant_id == self._tenant, PlanRow.id == plan_id)
            .values(status=status, decided_by=decided_by, decided_at=func.now(), decision_note=note)
            .returning(PlanRow)
        )
        assert row is not None, "the plan was read under lock in this transaction"
        return _plan(row)
