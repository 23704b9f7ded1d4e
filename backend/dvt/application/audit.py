"""Recording, reading and verifying the audit trail.

Use cases call `record(uow.audit(scope), event)` inside their own unit of work, so the event commits or
rolls back with the change it describes. Record last, just before commit: the append holds the chain's
lock until the transaction ends, so an early append would serialise the tenant's writers behind a slow
use case.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from dvt.application.audit_ports import AuditQuery, AuditTrail, AuditUnitOfWorkFactory
from dvt.application.records import Page
from dvt.domain.audit import AuditEvent, AuditRecord, AuditResult, BrokenLink, ChainCheck, seal
from dvt.domain.authorization import TENANT_SCOPE, Permission
from dvt.domain.canonical import canonical_json  # RFC 8785: the bytes every event's hash is taken over
from dvt.domain.errors import PermissionDeniedError
from dvt.domain.identity import ActorKind
from dvt.domain.tenancy import TenantScope

if TYPE_CHECKING:
    from dvt.application.access import Access  # access records through this module: import only for types


def seal_event(event: AuditEvent, sequence: int, occurred_at: datetime, prev_hash: str) -> str:
    return seal(event, sequence, occurred_at, prev_hash, canonical_json)


async def record(trail: AuditTrail, event: AuditEvent) -> AuditRecord:
    """Append `event` in the caller's transaction: it is kept only if the caller commits."""
    return await trail.append(event, seal_event)


async def record_many(trail: AuditTrail, events: Sequence[AuditEvent]) -> list[AuditRecord]:
    """`record` of each event in order, in one append (one lock and one write whatever their number)."""
    return await trail.append_many(events, seal_event)


@dataclass(frozen=True, slots=True)
class ChainReport:
    tenant_id: uuid.UUID | None  # None: the platform's chain
    events_checked: int
    head_sequence: int  # of the last event that verified; keep it elsewhere to detect a cut-off tail
    head_hash: str
    broken: BrokenLink | None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chains: tuple[ChainReport, ...]

    @property
    def ok(self) -> bool:
        return all(chain.broken is None for chain in self.chains)

    @property
    def events_checked(self) -> int:
        return sum(chain.events_checked for chain in self.chains)

    @property
    def broken(self) -> tuple[BrokenLink, ...]:
        """The first broken link of each broken chain (chains are independent of each other)."""
        return tuple(chain.broken for chain in self.chains if chain.broken is not None)


class AuditService:
    def __init__(self, units: AuditUnitOfWorkFactory, *, verify_page_size: int = 1_000) -> None:
        self._units = units
        self._page = verify_page_size

    async def record_apart(self, event: AuditEvent) -> AuditRecord:
        """Append in a short transaction of its own, kept whatever becomes of the caller's.

        Call it when the caller's unit of work has not appended to the same chain (or has ended): an open
        append holds the chain's lock, and this one would wait for it forever.
        """
        async with self._units() as uow:
            stored = await record(uow.audit(_scope(event.tenant_id)), event)
            await uow.commit()
        return stored

    async def record_denied(self, event: AuditEvent) -> AuditRecord:
        """A refused attempt: audited even though the request fails and its transaction rolls back."""
        if event.result is not AuditResult.DENIED:
            raise ValueError(f"record_denied takes denied events, not {event.result.value}")
        return await self.record_apart(event)

    async def verify(self, tenant: TenantScope | None = None) -> VerifyReport:
        """Check one tenant's chain, or every chain (the platform's and each tenant's) when None."""
        if tenant is not None:
            chains: list[uuid.UUID | None] = [tenant.tenant_id]
        else:
            async with self._units() as uow:
                chains = [None, *(t.id for t in await uow.platform.tenants())]
        return VerifyReport(tuple([await self._verify_chain(tenant_id) for tenant_id in chains]))

    async def _verify_chain(self, tenant_id: uuid.UUID | None) -> ChainReport:
        check = ChainCheck(tenant_id, canonical_json)
        async with self._units() as uow:
            trail = uow.audit(_scope(tenant_id))
            after = 0
            while check.broken is None:
                page = await trail.chain(after, self._page)
                for stored in page:
                    if check.feed(stored) is not None:
                        break
                if len(page) < self._page:
                    break
                after = page[-1].sequence
        return ChainReport(tenant_id, check.checked, check.head_sequence, check.head_hash, check.broken)

    async def log(
        self, access: Access, query: AuditQuery, before_sequence: int | None, limit: int
    ) -> Page[AuditRecord]:
        """The tenant's audit log, for its administrators."""
        access.require(Permission.ADMIN, TENANT_SCOPE, "read the audit log")
        async with self._units() as uow:
            return await uow.audit(access.scope).events(query, before_sequence, limit)

    async def platform_log(
        self, access: Access, query: AuditQuery, before_sequence: int | None, limit: int
    ) -> Page[AuditRecord]:
        """The platform's own chain (tenants created, sign-ins refused before a tenant was known), newest first:
        for platform administrators and DVT itself."""
        if not (access.actor.platform_admin or access.actor.kind is ActorKind.SYSTEM):
            raise PermissionDeniedError("only a platform administrator reads the platform's audit log")
        async with self._units() as uow:
            return await uow.audit(None).events(query, before_sequence, limit)


def _scope(tenant_id: uuid.UUID | None) -> TenantScope | None:
    return TenantScope(tenant_id) if tenant_id is not None else None
