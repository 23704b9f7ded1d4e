"""Records of the raw artifact files DVT stored (the bytes live in the artifact store)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import ArtifactRow
from dvt.application.records import ArtifactRecord
from dvt.domain.graph.model import ArtifactMetadata
from dvt.domain.tenancy import TenantScope


def _artifact(row: ArtifactRow) -> ArtifactRecord:
    return ArtifactRecord(
        id=row.id,
        environment_id=row.environment_id,
        graph_version_id=row.graph_version_id,
        invocation_id=row.invocation_id,
        kind=row.kind,
        schema_version=row.schema_version,
        dbt_version=row.dbt_version,
        generated_at=row.generated_at,
        sha256=row.sha256,
        size_bytes=row.size_bytes,
        file_name=row.file_name,
        storage_key=row.storage_key,
        created_at=row.created_at,
    )


class SqlArtifactRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def find(self, environment_id: uuid.UUID, kind: str, sha256: str) -> ArtifactRecord | None:
        row = await self._session.scalar(
            select(ArtifactRow).where(
                ArtifactRow.tenant_id == self._tenant,
                ArtifactRow.environment_id == environment_id,
                ArtifactRow.kind == kind,
                ArtifactRow.sha256 == sha256,
            )
        )
        return _artifact(row) if row else None

    async def add(
        self,
        environment_id: uuid.UUID,
        graph_version_id: uuid.UUID | None,
        metadata: ArtifactMetadata,
        sha256: str,
        size_bytes: int,
        file_name: str,
        storage_key: str,
    ) -> ArtifactRecord:
        # One round trip: INSERT ... RETURNING gives the row as stored (created_at is the server's).
        statement = insert(ArtifactRow).values(
            id=uuid.uuid4(),
            tenant_id=self._tenant,
            environment_id=environment_id,
            graph_version_id=graph_version_id,
            invocation_id=metadata.invocation_id,
            kind=metadata.kind.value,
            schema_version=metadata.schema_version,
            dbt_version=metadata.dbt_version,
            generated_at=metadata.generated_at,
            sha256=sha256,
            size_bytes=size_bytes,
            file_name=file_name,
            storage_key=storage_key,
        )
        row = (await self._session.scalars(statement.returning(ArtifactRow))).one()
        return _artifact(row)

    async def of_versions(self, version_ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        rows = await self._session.scalars(
            select(ArtifactRow)
            .where(ArtifactRow.tenant_id == self._tenant, ArtifactRow.graph_version_id.in_(version_ids))
            .order_by(ArtifactRow.created_at, ArtifactRow.kind)
        )
        return [_artifact(r) for r in rows]

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[ArtifactRecord]:
        rows = await self._session.scalars(
            select(ArtifactRow).where(ArtifactRow.tenant_id == self._tenant, ArtifactRow.id.in_(ids))
        )
        return [_artifact(r) for r in rows]
