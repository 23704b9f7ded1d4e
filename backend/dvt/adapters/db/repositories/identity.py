"""Local accounts, API tokens and signing keys in PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.identity_models import ApiTokenRow, LocalAccountRow, SigningKeyRow
from dvt.adapters.db.models import TenantRow
from dvt.application.identity_ports import ApiToken, ApiTokenCredential, LocalAccount, SigningKey
from dvt.domain.errors import ConflictError
from dvt.domain.tenancy import TenantScope


def _account(row: LocalAccountRow) -> LocalAccount:
    return LocalAccount(
        id=row.id,
        tenant_id=row.tenant_id,
        username=row.username,
        email=row.email,
        display_name=row.display_name,
        password_hash=row.password_hash,
        platform_admin=row.platform_admin,
        must_change_password=row.must_change_password,
        created_at=row.created_at,
        last_login_at=row.last_login_at,
    )


def _token(row: ApiTokenRow) -> ApiToken:
    return ApiToken(
        id=row.id,
        tenant_id=row.tenant_id,
        name=row.name,
        roles=tuple(row.roles),
        created_by=row.created_by,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _signing_key(row: SigningKeyRow) -> SigningKey:
    return SigningKey(row.kid, row.algorithm, row.private_pem, row.created_at, row.retired_at)


class SqlIdentityRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def account(self, scope: TenantScope, username: str) -> LocalAccount | None:
        row = await self._session.scalar(
            select(LocalAccountRow).where(
                LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.username == username
            )
        )
        return _account(row) if row is not None else None

    async def account_by_id(self, scope: TenantScope, account_id: uuid.UUID) -> LocalAccount | None:
        row = await self._session.scalar(
            select(LocalAccountRow).where(
                LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.id == account_id
            )
        )
        return _account(row) if row is not None else None

    async def account_names(self, scope: TenantScope, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = await self._session.execute(
            select(LocalAccountRow.id, LocalAccountRow.display_name, LocalAccountRow.username).where(
                LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.id.in_(account_ids)
            )
        )
        return {row.id: row.display_name or row.username for row in rows}

    async def token_names(self, scope: TenantScope, token_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
        rows = await self._session.execute(
            select(ApiTokenRow.id, ApiTokenRow.name).where(
                ApiTokenRow.tenant_id == scope.tenant_id, ApiTokenRow.id.in_(token_ids)
            )
        )
        return {row.id: row.name for row in rows}

    async def add_account(self, account: LocalAccount) -> LocalAccount:
        row = LocalAccountRow(
            id=account.id,
            tenant_id=account.tenant_id,
            username=account.username,
            email=account.email,
            display_name=account.display_name,
            password_hash=account.password_hash,
            platform_admin=account.platform_admin,
            must_change_password=account.must_change_password,
        )
        try:
            # A savepoint, so a taken username is a clear conflict, not a poisoned transaction.
            async with self._session.begin_nested():
                self._session.add(row)
                await self._session.flush()
        except IntegrityError:
            raise ConflictError(f"account {account.username!r} already exists") from None
        await self._session.refresh(row)
        return _account(row)

    async def has_platform_admin(self, scope: TenantScope) -> bool:
        found = await self._session.scalar(
            select(LocalAccountRow.id)
            .where(LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.platform_admin)
            .limit(1)
        )
        return found is not None

    async def set_password(
        self, scope: TenantScope, account_id: uuid.UUID, password_hash: str, *, must_change: bool
    ) -> None:
        await self._session.execute(
            update(LocalAccountRow)
            .where(LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.id == account_id)
            .values(password_hash=password_hash, must_change_password=must_change)
        )

    async def record_login(
        self, scope: TenantScope, account_id: uuid.UUID, at: datetime, new_password_hash: str | None
    ) -> None:
        values: dict[str, object] = {"last_login_at": at}
        if new_password_hash is not None:
            values["password_hash"] = new_password_hash
        await self._session.execute(
            update(LocalAccountRow)
            .where(LocalAccountRow.tenant_id == scope.tenant_id, LocalAccountRow.id == account_id)
            .values(**values)
        )

    async def add_api_token(self, token: ApiToken, secret_hash: str) -> ApiToken:
        row = ApiTokenRow(
            id=token.id,
            tenant_id=token.tenant_id,
            name=token.name,
            secret_hash=secret_hash,
            roles=list(token.roles),
            created_by=token.created_by,
        )
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _token(row)

    async def api_token(self, token_id: uuid.UUID) -> ApiTokenCredential | None:
        row = await self._session.get(ApiTokenRow, token_id)
        return ApiTokenCredential(_token(row), row.secret_hash) if row is not None else None

    async def api_tokens(self, scope: TenantScope) -> list[ApiToken]:
        rows = await self._session.scalars(
            select(ApiTokenRow)
            .where(ApiTokenRow.tenant_id == scope.tenant_id)
            .order_by(ApiTokenRow.created_at, ApiTokenRow.id)
        )
        return [_token(r) for r in rows]

    async def touch_api_token(self, token_id: uuid.UUID, at: datetime, unless_since: datetime) -> None:
        # The condition lives in the statement, so concurrent requests write the row at most once.
        await self._session.execute(
            update(ApiTokenRow)
            .where(
                ApiTokenRow.id == token_id,
                or_(ApiTokenRow.last_used_at.is_(None), ApiTokenRow.last_used_at < unless_since),
            )
            .values(last_used_at=at)
        )

    async def revoke_api_token(self, scope: TenantScope, token_id: uuid.UUID, at: datetime) -> bool:
        result = await self._session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.tenant_id == scope.tenant_id, ApiTokenRow.id == token_id)
            .values(revoked_at=func.coalesce(ApiTokenRow.revoked_at, at))  # first revocation wins
            .returning(ApiTokenRow.id)
        )
        return result.first() is not None

    async def credentials_version(self, scope: TenantScope) -> int:
        version = await self._session.scalar(
            select(TenantRow.credentials_version).where(TenantRow.id == scope.tenant_id)
        )
        return -1 if version is None else version  # a tenant gone: no version any credential was admitted at

    async def credentials_changed(self, scope: TenantScope) -> None:
        await self._session.execute(
            update(TenantRow)
            .where(TenantRow.id == scope.tenant_id)
            .values(credentials_version=TenantRow.credentials_version + 1)
        )

    async def signing_keys(self, retired_after: datetime) -> list[SigningKey]:
        rows = await self._session.scalars(
            select(SigningKeyRow)
            .where(or_(SigningKeyRow.retired_at.is_(None), SigningKeyRow.retired_at > retired_after))
            .order_by(SigningKeyRow.created_at.desc(), SigningKeyRow.kid)
        )
        return [_signing_key(r) for r in rows]

    async def add_signing_key(self, key: SigningKey) -> SigningKey:
        row = SigningKeyRow(kid=key.kid, algorithm=key.algorithm, private_pem=key.private_pem)
        self._session.add(row)
        await self._session.flush()
        await self._session.refresh(row)
        return _signing_key(row)

    async def replace_signing_key_material(self, kid: str, private_pem: str) -> None:
        await self._session.execute(
            update(SigningKeyRow).where(SigningKeyRow.kid == kid).values(private_pem=private_pem)
        )

    async def retire_signing_keys(self, keep_kid: str, at: datetime) -> None:
        await self._session.execute(
            update(SigningKeyRow)
            .where(SigningKeyRow.kid != keep_kid, SigningKeyRow.retired_at.is_(None))
            .values(retired_at=at)
        )
