"""What the secrets use case needs from the outside: storage of sealed versions, and a cipher.

Kept apart from ports.py so the secrets work lands without touching the shared UnitOfWork protocol; a unit
of work that also offers `secrets(scope)` and `secret_keys` satisfies `SecretUnitOfWork` structurally.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol, Self

from dvt.domain.secrets import SealedSecret, SecretBinding, SecretMetadata
from dvt.domain.tenancy import TenantScope


@dataclass(frozen=True, slots=True)
class StoredSecret:
    """One stored version: what may be shown, where it belongs (the AEAD binding) and its sealed form."""

    id: uuid.UUID
    tenant_id: uuid.UUID
    metadata: SecretMetadata
    sealed: SealedSecret

    @property
    def binding(self) -> SecretBinding:
        m = self.metadata
        return SecretBinding(self.tenant_id, m.environment_id, m.name, m.version)


class SecretRepository(Protocol):
    """Tenant-scoped: another tenant's environment and secrets do not exist here."""

    async def environment_exists(self, environment_id: uuid.UUID) -> bool: ...
    async def lock_name(self, environment_id: uuid.UUID, name: str) -> None:
        """Serialize writers of one name until the transaction ends (two concurrent puts, one after other)."""
        ...

    async def latest_version(self, environment_id: uuid.UUID, name: str) -> int:
        """The highest version ever stored for the name, retired ones included; 0 if none."""
        ...

    async def current(self, environment_id: uuid.UUID, name: str) -> StoredSecret | None: ...
    async def current_of(self, environment_id: uuid.UUID) -> list[StoredSecret]: ...
    async def add(self, environment_id: uuid.UUID, name: str, version: int, sealed: SealedSecret) -> StoredSecret: ...
    async def retire(self, secret_id: uuid.UUID) -> SecretMetadata: ...


class SecretKeyRepository(Protocol):
    """Platform-wide, for key rotation only: the KEK is one for the whole deployment, not per tenant."""

    async def wrapped_under_other_keys(
        self, active_key_version: str, after: uuid.UUID | None, limit: int
    ) -> list[StoredSecret]:
        """Versions (retired ones too) not wrapped under the active key, by id after `after`, locked."""
        ...

    async def rewrap(self, secret_id: uuid.UUID, sealed: SealedSecret) -> None: ...
    async def count_by_key_version(self) -> dict[str, int]: ...


class SecretUnitOfWork(Protocol):
    def secrets(self, scope: TenantScope) -> SecretRepository: ...
    @property
    def secret_keys(self) -> SecretKeyRepository: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


class SecretUnitOfWorkFactory(Protocol):
    def __call__(self) -> SecretUnitOfWork: ...


class SecretCipher(Protocol):
    """Seals values at rest. `dvt.adapters.secrets.envelope.EnvelopeCipher` is the implementation."""

    @property
    def active_key_version(self) -> str: ...
    def seal(self, binding: SecretBinding, value: str) -> SealedSecret: ...
    def open(self, binding: SecretBinding, sealed: SealedSecret) -> str: ...
    def rewrap(self, sealed: SealedSecret) -> SealedSecret: ...
