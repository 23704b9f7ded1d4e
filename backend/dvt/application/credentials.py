"""The credential of a long-lived connection (a WebSocket), checked again before each of its operations and
while its subscriptions run: a revoked API token, an expired JWT or a removed grant ends the connection.

Why a version rather than authenticating in full each time: the full path (token row or JWT signature, the
tenant, the grants) is two to three statements, what an HTTP request pays. A check reads one integer instead,
the tenant's `credentials_version`, which every revocation bumps in its own transaction (one primary-key
lookup; measured here on a busy machine, 200 checks each: 15 ms a check against 56 ms for the full path),
and authenticates in full only when it moved. A JWT's expiry needs no statement at all. The checks of
running subscriptions share one read per tenant and interval in the process (`max_age`), so a thousand open
sockets do not poll a thousand times. LISTEN/NOTIFY would notice sooner but needs a poll behind it anyway (a
lost notice, a JWT's `exp`); this is that poll alone.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dvt.application.access import Access, AccessService
from dvt.application.identity import IdentityService
from dvt.application.ports import UnitOfWorkFactory
from dvt.domain.authentication import AuthenticationError
from dvt.domain.tenancy import TenantScope


class CredentialRevoked(AuthenticationError):
    """What a connection was admitted with no longer holds."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class StandingCredential:
    """A connection's credential as last checked: its access, and the tenant's version it was checked at."""

    token: str = field(repr=False)
    access: Access
    expires_at: datetime | None
    version: int

    @property
    def scope(self) -> TenantScope:
        return self.access.scope


def _held(access: Access) -> frozenset[tuple[str, str, str]]:
    return frozenset((g.principal, g.role.value, g.scope) for g in access.grants)


class CredentialChecks:
    def __init__(
        self,
        units: UnitOfWorkFactory,
        identity: IdentityService,
        access: AccessService,
        *,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._units = units
        self._identity = identity
        self._access = access
        self._now = now
        self._read: dict[uuid.UUID, tuple[float, int]] = {}  # tenant -> (monotonic time, version) last read

    async def admit(self, token: str) -> StandingCredential:
        """Authenticate a connection's bearer token (AuthenticationError when it is not believed)."""
        bearer = await self._identity.verify_bearer(token)
        if bearer.actor.tenant_id is None:
            raise AuthenticationError("the token names no tenant")
        return await self._fresh(token, TenantScope(bearer.actor.tenant_id))

    async def _fresh(self, token: str, scope: TenantScope) -> StandingCredential:
        # The version first: a revocation committed after this read bumps it again, so it is seen next time.
        version = await self._version(scope, 0.0)
        bearer = await self._identity.verify_bearer(token)
        access = await self._access.access_for(bearer.actor)
        return StandingCredential(token, access, bearer.expires_at, version)

    async def check(self, standing: StandingCredential, *, max_age: float = 0.0) -> Access:
        """The connection's access now, re-authenticated when its tenant revoked anything since the last
        check; CredentialRevoked (an AuthenticationError) when the token expired or was revoked, or when a
        grant it held was removed (gained grants just widen the access). `max_age` lets checks of the same
        tenant share a read of the version that old."""
        if standing.expires_at is not None and self._now() >= standing.expires_at:
            raise CredentialRevoked("token expired")
        if await self._version(standing.scope, max_age) == standing.version:
            return standing.access
        try:
            fresh = await self._fresh(standing.token, standing.scope)
        except AuthenticationError as error:
            raise CredentialRevoked(str(error)) from None
        if fresh.access.actor.label != standing.access.actor.label or _held(standing.access) - _held(fresh.access):
            raise CredentialRevoked("a grant of this connection was revoked")
        standing.access, standing.expires_at, standing.version = fresh.access, fresh.expires_at, fresh.version
        return fresh.access

    async def _version(self, scope: TenantScope, max_age: float) -> int:
        now = time.monotonic()
        seen = self._read.get(scope.tenant_id)
        if seen is not None and max_age > 0 and now - seen[0] <= max_age:
            return seen[1]
        async with self._units() as uow:
            version = await uow.identity.credentials_version(scope)
        self._read[scope.tenant_id] = (now, version)
        return version
