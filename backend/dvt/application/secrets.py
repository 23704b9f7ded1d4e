"""Environment secrets: write-only values, versioned replacement, key rotation, and the runner's reveal.

Values go in through `put` and come out only through `reveal_for_run`. Everything else returns
`SecretMetadata`, which has no value field, so no API resolver, audit event or log line can carry one by
accident: there is nothing to carry.
"""

from __future__ import annotations

import builtins
import uuid
from collections import Counter
from dataclasses import dataclass, field

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.secret_ports import SecretCipher, SecretRepository
from dvt.application.tenancy import environment_scope_of
from dvt.application.visibility import environment_visible
from dvt.domain.authorization import Permission
from dvt.domain.errors import NotFoundError
from dvt.domain.secrets import (
    SecretBinding,
    SecretMetadata,
    check_secret_name,
    check_secret_value,
    env_var_name,
)
from dvt.domain.tenancy import TenantScope

# Small enough that each transaction holds its row locks for milliseconds while the server keeps serving.
ROTATION_BATCH = 200


@dataclass(frozen=True, slots=True)
class RotationReport:
    active_key_version: str
    rewrapped: dict[str, int] = field(default_factory=dict)  # by the key version each row was under before
    batches: int = 0
    stored: dict[str, int] = field(default_factory=dict)  # every stored version by key version, afterwards

    @property
    def total_rewrapped(self) -> int:
        return sum(self.rewrapped.values())

    @property
    def complete(self) -> bool:
        """True when no stored version is wrapped under any other key: older keys may now be dropped."""
        return set(self.stored) <= {self.active_key_version}


async def _require_environment(repo: SecretRepository, environment_id: uuid.UUID) -> None:
    # Another tenant's environment is "not found", never "forbidden": no existence oracle.
    if not await repo.environment_exists(environment_id):
        raise NotFoundError(f"environment {environment_id} not found")


async def _require_manage(uow: UnitOfWork, access: Access, environment_id: uuid.UUID, what: str) -> None:
    where = await environment_scope_of(uow, access.scope, environment_id)
    if where is None:
        raise NotFoundError(f"environment {environment_id} not found")
    access.require(Permission.MANAGE_SECRETS, where, what)


class SecretService:
    def __init__(self, units: UnitOfWorkFactory, cipher: SecretCipher) -> None:
        self._units = units
        self._cipher = cipher

    async def put(self, access: Access, environment_id: uuid.UUID, name: str, value: str) -> SecretMetadata:
        """Store a new version of the secret. The previous version, if any, is retired, not deleted."""
        check_secret_name(name)
        check_secret_value(value)
        scope = access.scope
        async with self._units() as uow:
            await _require_manage(uow, access, environment_id, "set secrets of this environment")
            repo = uow.secrets(scope)
            await repo.lock_name(environment_id, name)
            version = await repo.latest_version(environment_id, name) + 1
            previous = await repo.current(environment_id, name)
            if previous is not None:
                await repo.retire(previous.id)
            sealed = self._cipher.seal(SecretBinding(scope.tenant_id, environment_id, name, version), value)
            stored = await repo.add(environment_id, name, version, sealed)
            details = {"environment_id": str(environment_id), "secret_name": name, "version": version}
            await record(uow.audit(scope), access.event("secret.set", "environment", environment_id, details))
            await uow.commit()
        return stored.metadata

    async def list(self, access: Access, environment_id: uuid.UUID) -> builtins.list[SecretMetadata]:
        """The current version of each secret of the environment, by name, for whoever may view the environment
        (names only: values never leave). Retired versions are not shown."""
        async with self._units() as uow:
            if not await environment_visible(uow, access, environment_id):
                raise NotFoundError(f"environment {environment_id} not found")
            return [s.metadata for s in await uow.secrets(access.scope).current_of(environment_id)]

    async def retire(self, access: Access, environment_id: uuid.UUID, name: str) -> SecretMetadata:
        """Retire the current version: runs stop receiving it. The sealed row stays for the record."""
        check_secret_name(name)
        scope = access.scope
        async with self._units() as uow:
            await _require_manage(uow, access, environment_id, "retire secrets of this environment")
            repo = uow.secrets(scope)
            await repo.lock_name(environment_id, name)
            current = await repo.current(environment_id, name)
            if current is None:
                raise NotFoundError(f"secret {name} not found in environment {environment_id}")
            retired = await repo.retire(current.id)
            details = {"environment_id": str(environment_id), "secret_name": name, "version": retired.version}
            await record(uow.audit(scope), access.event("secret.retire", "environment", environment_id, details))
            await uow.commit()
        return retired

    async def rotate_keys(self, batch_size: int = ROTATION_BATCH) -> RotationReport:
        """Re-wrap every stored version's data key under the active key-encryption key.

        Each batch is its own short transaction, so puts and runs carry on meanwhile; values and their
        ciphertext are untouched. Idempotent: a second run finds nothing to do. Retired versions are
        re-wrapped too, so that once this completes the old key can be dropped without orphaning any row.
        """
        active = self._cipher.active_key_version
        rewrapped: Counter[str] = Counter()
        batches = 0
        after: uuid.UUID | None = None
        while True:
            async with self._units() as uow:
                keys = uow.secret_keys
                batch = await keys.wrapped_under_other_keys(active, after, batch_size)
                if not batch:
                    break
                for stored in batch:
                    await keys.rewrap(stored.id, self._cipher.rewrap(stored.sealed))
                    rewrapped[stored.sealed.key_version] += 1
                await uow.commit()
            batches += 1
            after = batch[-1].id
        async with self._units() as uow:
            stored_by_key = await uow.secret_keys.count_by_key_version()
        return RotationReport(active, dict(rewrapped), batches, stored_by_key)

    async def reveal_for_run(self, scope: TenantScope, environment_id: uuid.UUID) -> dict[str, str]:
        """`DBT_ENV_SECRET_<NAME>` -> plaintext for every current secret of the environment.

        ONLY the dbt runner may call this, to build the environment of the dbt subprocess it starts. No API
        resolver, plugin, audit writer or log line may call it or receive its result. Every value it returns
        is registered for redaction from this process's logs by the cipher.
        """
        async with self._units() as uow:
            repo = uow.secrets(scope)
            await _require_environment(repo, environment_id)
            current = await repo.current_of(environment_id)
        return {env_var_name(s.metadata.name): self._cipher.open(s.binding, s.sealed) for s in current}
