"""Who may do what: grants of roles on scopes, decided per request, and the per-caller rate limit."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from dvt.application.audit import record
from dvt.application.ports import Authorizer, AuthorizerFactory, UnitOfWorkFactory
from dvt.domain.audit import AuditEvent, AuditResult
from dvt.domain.authorization import TENANT_SCOPE, Grant, Permission, Role, check_scope
from dvt.domain.errors import NotFoundError, PermissionDeniedError, QuotaExceededError, ValidationError
from dvt.domain.identity import Actor, ActorKind
from dvt.domain.tenancy import TenantScope


class _Everything:
    """DVT acting for itself (CLI on the server, migrations, workers): trusted by construction."""

    def can(self, permission: Permission, scope: str) -> bool:
        return True

    def reaches(self, permission: Permission, scope: str) -> bool:
        return True

    def holds_anywhere(self, permission: Permission) -> bool:
        return True


class _Nothing:
    """A caller not yet authenticated (a WebSocket before its connection_init), or one that must change its
    one-time password first: allowed nothing."""

    def can(self, permission: Permission, scope: str) -> bool:
        return False

    def reaches(self, permission: Permission, scope: str) -> bool:
        return False

    def holds_anywhere(self, permission: Permission) -> bool:
        return False


@dataclass(slots=True)
class Whereabouts:
    """Where one request has found things: each environment's scope path, the environment a run, plan, graph
    version or invocation belongs to, and each project's organization. Facts that never change, so the request
    keeps them: the batched reads of one query check what the caller may see without asking the database twice."""

    scopes: dict[uuid.UUID, str | None] = field(default_factory=dict)  # environment -> scope path (None: absent)
    environments: dict[tuple[str, uuid.UUID], uuid.UUID | None] = field(default_factory=dict)  # (kind, id) -> env
    organizations: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # project -> its organization


@dataclass(frozen=True, slots=True)
class Access:
    """An actor in a tenant with the decisions its grants allow. Passed to every command."""

    actor: Actor
    scope: TenantScope
    authorizer: Authorizer
    correlation_id: str | None = None
    trace_id: str | None = None
    # What this request was refused, for the audit trail once the request's own work has ended.
    denials: list[AuditEvent] = field(default_factory=list)
    # The grants decided with: a long-lived connection compares them when its tenant's grants change.
    grants: tuple[Grant, ...] = ()
    # What read use cases learnt of where things are, during this request (see application/visibility.py).
    whereabouts: Whereabouts = field(default_factory=Whereabouts, compare=False, repr=False)

    def event(
        self,
        action: str,
        resource_type: str,
        resource_id: str | uuid.UUID,
        details: Mapping[str, Any] | None = None,
        result: AuditResult = AuditResult.SUCCESS,
    ) -> AuditEvent:
        """An audit event of this actor in this tenant, carrying the request's correlation and trace ids."""
        return AuditEvent.of(
            self.actor,
            action,
            result,
            resource_type,
            resource_id,
            details,
            tenant_id=self.scope.tenant_id,
            correlation_id=self.correlation_id,
            trace_id=self.trace_id,
        )

    def with_request(self, correlation_id: str | None, trace_id: str | None) -> Access:
        return Access(self.actor, self.scope, self.authorizer, correlation_id, trace_id, self.denials, self.grants)

    def can(self, permission: Permission, scope: str) -> bool:
        return self.authorizer.can(permission, scope)

    def reaches(self, permission: Permission, scope: str) -> bool:
        return self.authorizer.reaches(permission, scope)

    def require(self, permission: Permission, scope: str, what: str) -> None:
        if not self.authorizer.can(permission, scope):
            details = {"permission": permission.value, "scope": scope, "attempt": what}
            self.denials.append(self.event("access.denied", "scope", scope, details, AuditResult.DENIED))
            raise PermissionDeniedError(f"{permission.value} permission needed to {what}")

    @staticmethod
    def anonymous() -> Access:
        nobody = uuid.UUID(int=0)
        return Access(
            Actor(ActorKind.SYSTEM, "anonymous", nobody, display_name="anonymous"), TenantScope(nobody), _Nothing()
        )

    @staticmethod
    def system(scope: TenantScope) -> Access:
        actor = Actor(ActorKind.SYSTEM, "dvt", scope.tenant_id, display_name="DVT")
        return Access(actor, scope, _Everything())


class AccessService:
    def __init__(self, units: UnitOfWorkFactory, authorizer: AuthorizerFactory) -> None:
        self._units = units
        self._authorizer = authorizer

    async def access_for(self, actor: Actor) -> Access:
        """Load the actor's grants (one statement) and decide with them for the rest of the request."""
        if actor.tenant_id is None:
            raise ValidationError("an actor acts in a tenant")
        scope = TenantScope(actor.tenant_id)
        if actor.kind is ActorKind.SYSTEM:
            return Access(actor, scope, _Everything())
        if actor.must_change_password:
            return Access(actor, scope, _Nothing())  # until the one-time password is changed
        async with self._units() as uow:
            grants = await uow.access(scope).grants_for(actor.principals)
        # An API token carries its role set on the whole tenant (like a dbt Cloud service token); finer
        # grants to `token:<id>` can be added like any principal's.
        carried = [
            Grant(uuid.uuid5(uuid.NAMESPACE_URL, f"{actor.label}:{role}"), scope.tenant_id, actor.label,
                  Role.parse(role), TENANT_SCOPE, actor.label, datetime.now(UTC))
            for role in actor.token_roles
        ]  # fmt: skip
        held = [*grants, *carried]
        return Access(actor, scope, self._authorizer(actor.tenant_id, actor.principals, held), grants=tuple(held))

    async def grant(self, access: Access, principal: str, role: str, scope: str) -> Grant:
        parsed = Role.parse(role)
        check_scope(scope)
        _check_principal(principal)
        access.require(Permission.ADMIN, scope, "grant roles on this scope")
        async with self._units() as uow:
            if not await uow.access(access.scope).scope_exists(scope):
                raise NotFoundError(f"scope {scope!r} not found")
            grant = await uow.access(access.scope).add_grant(principal, parsed, scope, access.actor.label)
            await uow.identity.credentials_changed(access.scope)  # open WebSockets recompute their access
            details = {"principal": principal, "role": parsed.value, "scope": scope}
            await record(uow.audit(access.scope), access.event("grant.create", "grant", grant.id, details))
            await uow.commit()
        return grant

    async def revoke(self, access: Access, grant_id: uuid.UUID) -> Grant:
        async with self._units() as uow:
            grants = {g.id: g for g in await uow.access(access.scope).grants()}
            found = grants.get(grant_id)
            if found is None or not access.can(Permission.ADMIN, found.scope):
                raise NotFoundError("grant not found")
            await uow.access(access.scope).remove_grant(grant_id)
            await uow.identity.credentials_changed(access.scope)  # open WebSockets of its holders close
            details = {"principal": found.principal, "role": found.role.value, "scope": found.scope}
            await record(uow.audit(access.scope), access.event("grant.revoke", "grant", grant_id, details))
            await uow.commit()
        return found

    async def grants(self, access: Access) -> list[Grant]:
        """The grants on scopes this actor administers."""
        async with self._units() as uow:
            found = await uow.access(access.scope).grants()
        return [g for g in found if access.can(Permission.ADMIN, g.scope)]


def _check_principal(principal: str) -> None:
    kind, _, name = principal.partition(":")
    if kind not in ("user", "group", "token") or not name:
        raise ValidationError(f"invalid principal {principal!r}: expected user:SUBJECT, group:NAME or token:ID")


def _utc_now() -> datetime:
    return datetime.now(UTC)


OVERRIDES_KEPT = timedelta(seconds=30)  # how long a replica keeps a tenant's override before reading it again


@dataclass(frozen=True, slots=True)
class RateLimiter:
    """A fixed window per caller, counted in PostgreSQL so every API replica shares it.

    The window is the clock's minute: tests hand in a clock instead of waiting for a minute to turn. A tenant may
    have a platform administrator's override of `per_minute` (`TenancyService.set_rate_limit`), which each replica
    reads again after OVERRIDES_KEPT.
    """

    units: UnitOfWorkFactory
    per_minute: int
    clock: Callable[[], datetime] = _utc_now
    _overrides: dict[uuid.UUID, tuple[datetime, int | None]] = field(default_factory=dict)

    async def limit_of(self, tenant_id: uuid.UUID | None) -> int:
        """The requests per minute a caller of this tenant may send (0: no limit)."""
        if tenant_id is None:
            return self.per_minute
        now = self.clock()
        kept = self._overrides.get(tenant_id)
        if kept is None or now - kept[0] > OVERRIDES_KEPT:
            async with self.units() as uow:
                found = await uow.platform.tenants_by_ids([tenant_id])
            kept = (now, found[0].rate_limit_per_minute if found else None)
            self._overrides[tenant_id] = kept
        return self.per_minute if kept[1] is None else kept[1]

    async def check(self, caller: str, tenant_id: uuid.UUID | None = None) -> None:
        per_minute = await self.limit_of(tenant_id)
        if per_minute <= 0:
            return
        now = self.clock()
        window = now.replace(second=0, microsecond=0)
        async with self.units() as uow:
            count = await uow.rate_limits.hit(caller, window)
            if count == 1:  # first hit of a window: sweep the old ones while we are here
                await uow.rate_limits.forget_before(window - timedelta(minutes=5))
            await uow.commit()
        if count > per_minute:
            retry = 60 - (now - window).total_seconds()
            raise QuotaExceededError(
                f"rate limit of {per_minute} requests per minute reached; retry in {retry:.0f} s", retry
            )
