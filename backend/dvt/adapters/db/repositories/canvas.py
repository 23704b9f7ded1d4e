"""Saved canvas layouts, one per (tenant, project, user), written by compare-and-set on their revision."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import CanvasStateRow
from dvt.domain.canvas import CanvasState
from dvt.domain.tenancy import TenantScope


def _state(row: CanvasStateRow) -> CanvasState:
    return CanvasState(project_id=row.project_id, revision=row.revision, document=row.state, updated_at=row.updated_at)


class SqlCanvasRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    def _key(self, project_id: uuid.UUID, subject: str) -> tuple[ColumnElement[bool], ...]:
        return (
            CanvasStateRow.tenant_id == self._tenant,
            CanvasStateRow.project_id == project_id,
            CanvasStateRow.user_subject == subject,
        )

    async def get(self, project_id: uuid.UUID, subject: str) -> CanvasState | None:
        row = await self._session.scalar(select(CanvasStateRow).where(*self._key(project_id, subject)))
        return _state(row) if row else None

    async def save(
        self, project_id: uuid.UUID, subject: str, expected_revision: int, document: dict[str, Any]
    ) -> CanvasState | None:
        """Store the document as the next revision if the stored one is `expected_revision` (0: none yet), in one
        statement; None when it is not. Of two saves based on one revision, the second waits for the first's
        row (or key) and then finds it moved on."""
        if expected_revision == 0:
            row = await self._session.scalar(
                insert(CanvasStateRow)
                .values(tenant_id=self._tenant, project_id=project_id, user_subject=subject, revision=1, state=document)
                .on_conflict_do_nothing(index_elements=["tenant_id", "project_id", "user_subject"])
                .returning(CanvasStateRow)
            )
        else:
            row = await self._session.scalar(
                update(CanvasStateRow)
                .where(*self._key(project_id, subject), CanvasStateRow.revision == expected_revision)
                .values(revision=CanvasStateRow.revision + 1, state=document, updated_at=func.now())
                .returning(CanvasStateRow)
            )
        return _state(row) if row else None
