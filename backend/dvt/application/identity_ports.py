"""What identity needs from the outside world: stored accounts, tokens and keys, hashing, token issuers."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, Self

from dvt.domain.authentication import Claims
from dvt.domain.tenancy import Tenant, TenantScope


@dataclass(frozen=True, slots=True)
class LocalAccount:
    id: uuid.UUID
    tenant_id: uuid.UUID
    username: str
    email: str | None
    display_name: str
    password_hash: str = field(repr=False)
    platform_admin: bool
    must_change_password: bool
    created_at: datetime | None = None
    last_login_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token as lists show it: never its secret, nor the secret's hash."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    name: str
    roles: tuple[str, ...]
    created_by: str  # the creating actor's label, e.g. `user:<id>`
    created_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class ApiTokenCredential:
    token: ApiToken
    secret_hash: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    algorithm: str
    private_pem: str = field(repr=False)
    created_at: datetime | None = None
    retired_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str = field(repr=False)
    expires_at: datetime


class IdentityRepository(Protocol):
    """Accounts, API tokens and signing keys. Lookups by token id are not tenant-scoped on purpose: a
    token names its tenant only through its stored row."""

    async def account(self, scope: TenantScope, username: str) -> LocalAccount | None: ...
    async def account_by_id(self, scope: TenantScope, account_id: uuid.UUID) -> LocalAccount | None: ...
    # Display names for lists of actors: account id -> display name (or username); token id -> token name.
    async def account_names(self, scope: TenantScope, account_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]: ...
    async def token_names(self, scope: TenantScope, token_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]: ...
    async def add_account(self, account: LocalAccount) -> LocalAccount: ...  # ConflictError on a taken name
    async def has_platform_admin(self, scope: TenantScope) -> bool: ...
    async def set_password(
        self, scope: TenantScope, account_id: uuid.UUID, password_hash: str, *, must_change: bool
    ) -> None: ...
    async def record_login(
        self, scope: TenantScope, account_id: uuid.UUID, at: datetime, new_password_hash: str | None
    ) -> None: ...
    async def add_api_token(self, token: ApiToken, secret_hash: str) -> ApiToken: ...
    async def api_token(self, token_id: uuid.UUID) -> ApiTokenCredential | None: ...
    async def api_tokens(self, scope: TenantScope) -> list[ApiToken]: ...
    async def touch_api_token(self, token_id: uuid.UUID, at: datetime, unless_since: datetime) -> None: ...
    async def revoke_api_token(self, scope: TenantScope, token_id: uuid.UUID, at: datetime) -> bool: ...
    # A counter of the tenant's revocations (tokens, grants), bumped in the revoking transaction.
    async def credentials_version(self, scope: TenantScope) -> int: ...
    async def credentials_changed(self, scope: TenantScope) -> None: ...
    async def signing_keys(self, retired_after: datetime) -> list[SigningKey]: ...
    async def add_signing_key(self, key: SigningKey) -> SigningKey: ...
    async def retire_signing_keys(self, keep_kid: str, at: datetime) -> None: ...
    async def replace_signing_key_material(self, kid: str, private_pem: str) -> None: ...  # sealed, or as it was


class IdentityUnitOfWork(Protocol):
    """One transaction over the identity tables; leaving without commit rolls back."""

    @property
    def identity(self) -> IdentityRepository: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


class IdentityUnitOfWorkFactory(Protocol):
    def __call__(self) -> IdentityUnitOfWork: ...


class TokenVerifier(Protocol):
    async def verify(self, token: str) -> Claims: ...


class TokenIssuer(Protocol):
    async def issue(self, claims: Claims) -> IssuedToken: ...


class PasswordHashing(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class MintedApiToken:
    token_id: uuid.UUID
    plaintext: str = field(repr=False)
    secret_hash: str = field(repr=False)


class ApiTokenFormat(Protocol):
    """How API tokens look and how their secrets are stored."""

    def mint(self) -> MintedApiToken: ...
    def parse(self, plaintext: str) -> tuple[uuid.UUID, str] | None: ...  # (token id, secret) or None
    def matches(self, secret: str, secret_hash: str) -> bool: ...
    def looks_like(self, bearer: str) -> bool: ...


class TenantDirectory(Protocol):
    """Resolves a tenant slug (TenancyService fits); raises NotFoundError for an unknown one."""

    async def tenant(self, slug: str) -> Tenant: ...
