"""Sealed secret versions in PostgreSQL. The tenant-scoped repository filters every statement by tenant."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.models import EnvironmentRow
from dvt.adapters.db.secret_models import EnvironmentSecretRow as Row
from dvt.application.secret_ports import StoredSecret
from dvt.domain.errors import ConflictError
from dvt.domain.secrets import SealedSecret, SecretMetadata
from dvt.domain.tenancy import TenantScope


def _stored(row: Row) -> StoredSecret:
    return StoredSecret(
        id=row.id,
        tenant_id=row.tenant_id,
        metadata=SecretMetadata(
            environment_id=row.environment_id,
            name=row.name,
            version=row.version,
            key_version=row.key_version,
            created_at=row.created_at,
            rotated_at=row.rotated_at,
            retired_at=row.retired_at,
        ),
        sealed=SealedSecret(row.key_version, row.wrapped_key, row.key_nonce, row.nonce, row.ciphertext),
    )


class SqlSecretRepository:
    def __init__(self, session: AsyncSession, scope: TenantScope) -> None:
        self._session = session
        self._tenant = scope.tenant_id

    async def environment_exists(self, environment_id: uuid.UUID) -> bool:
        found = await self._session.scalar(
            select(EnvironmentRow.id).where(
                EnvironmentRow.tenant_id == self._tenant, EnvironmentRow.id == environment_id
            )
        )
        return found is not None

    async def lock_name(self, environment_id: uuid.UUID, name: str) -> None:
        # A transaction-level advisory lock also covers a name's first version, which has no row to lock.
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"environment_secrets|{self._tenant}|{environment_id}|{name}"},
        )

    async def latest_version(self, environment_id: uuid.UUID, name: str) -> int:
        latest = await self._session.scalar(
            select(func.max(Row.version)).where(
                Row.tenant_id == self._tenant, Row.environment_id == environment_id, Row.name == name
            )
        )
        return int(latest or 0)

    async def current(self, environment_id: uuid.UUID, name: str) -> StoredSecret | None:
        row = await self._session.scalar(
            select(Row).where(
                Row.tenant_id == self._tenant,
                Row.environment_id == environment_id,
                Row.name == name,
                Row.retired_at.is_(None),
            )
        )
        return _stored(row) if row else None

    async def current_of(self, environment_id: uuid.UUID) -> list[StoredSecret]:
        rows = await self._session.scalars(
            select(Row)
            .where(Row.tenant_id == self._tenant, Row.environment_id == environment_id, Row.retired_at.is_(None))
            .order_by(Row.name)
        )
        return [_stored(r) for r in rows]

    async def add(self, environment_id: uuid.UUID, name: str, version: int, sealed: SealedSecret) -> StoredSecret:
        row = Row(
            id=uuid.uuid4(),
            tenant_id=self._tenant,
            environment_id=environment_id,
            name=name,
            version=version,
            key_version=sealed.key_version,
            wrapped_key=sealed.wrapped_key,
            key_nonce=sealed.key_nonce,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
        )
        try:
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            raise ConflictError(f"secret {name} version {version} already exists") from None
        await self._session.refresh(row)
        return _stored(row)

    async def retire(self, secret_id: uuid.UUID) -> SecretMetadata:
        row = await self._session.scalar(
            update(Row)
            .where(Row.tenant_id == self._tenant, Row.id == secret_id, Row.retired_at.is_(None))
            .values(retired_at=func.now())
            .returning(Row)
            .execution_options(synchronize_session=False)
        )
        if row is None:
            raise ConflictError("that secret version is already retired")
        return _stored(row).metadata


class SqlSecretKeyRepository:
    """Platform-wide: key rotation re-wraps every tenant's rows under the deployment's one active key."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def wrapped_under_other_keys(
        self, active_key_version: str, after: uuid.UUID | None, limit: int
    ) -> list[StoredSecret]:
        query = select(Row).where(Row.key_version != active_key_version)
        if after is not None:
            query = query.where(Row.id > after)
        # FOR UPDATE (not SKIP LOCKED): a row a concurrent put is retiring is waited for, not skipped, and
        # PostgreSQL re-checks key_version after the wait, so two rotations never re-wrap a row twice.
        rows = await self._session.scalars(query.order_by(Row.id).limit(limit).with_for_update())
        return [_stored(r) for r in rows]

    async def rewrap(self, secret_id: uuid.UUID, sealed: SealedSecret) -> None:
        await self._session.execute(
            update(Row)
            .where(Row.id == secret_id)
            .values(
                key_version=sealed.key_version,
                wrapped_key=sealed.wrapped_key,
                key_nonce=sealed.key_nonce,
                rotated_at=func.now(),
            )
            .execution_options(synchronize_session=False)
        )

    async def count_by_key_version(self) -> dict[str, int]:
        rows = await self._session.execute(
            select(Row.key_version, func.count()).group_by(Row.key_version).order_by(Row.key_version)
        )
        return {version: count for version, count in rows.tuples()}
