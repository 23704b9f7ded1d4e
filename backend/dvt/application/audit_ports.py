"""What the audit trail needs from persistence. Apart from ports.py, which may import it (not the reverse)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, Self

from dvt.application.records import Page
from dvt.domain.audit import AuditEvent, AuditRecord, AuditResult
from dvt.domain.identity import ActorKind
from dvt.domain.tenancy import Tenant, TenantScope

Seal = Callable[[AuditEvent, int, datetime, str], str]
"""(event, sequence, occurred_at, prev_hash) -> the event's hash."""


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters of the audit log; each one left None matches everything."""

    action_prefix: str | None = None  # "project." matches "project.create" and "project.delete"
    actor_kind: ActorKind | None = None
    actor_subject: str | None = None
    result: AuditResult | None = None
    resource_type: str | None = None
    resource_id: str | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


class AuditTrail(Protocol):
    """One hash chain: a tenant's, or the platform's. Appends serialise per chain."""

    async def append(self, event: AuditEvent, seal: Seal) -> AuditRecord:
        """Add the event after the chain's head, in the caller's transaction, timed by the database clock."""
        ...

    async def append_many(self, events: Sequence[AuditEvent], seal: Seal) -> list[AuditRecord]:
        """`append` of each event in order, with one lock and one write: a batch of fires records at once."""
        ...

    async def chain(self, after_sequence: int, limit: int) -> list[AuditRecord]:
        """Events in sequence order, for verification."""
        ...

    async def events(self, query: AuditQuery, before_sequence: int | None, limit: int) -> Page[AuditRecord]:
        """Newest first, before the keyset cursor."""
        ...


class TenantDirectory(Protocol):
    """The part of PlatformRepository verification needs: which tenants have chains."""

    async def tenants(self) -> list[Tenant]: ...


class AuditUnitOfWork(Protocol):
    """Satisfied by the application's UnitOfWork once it has `audit()`."""

    @property
    def platform(self) -> TenantDirectory: ...
    def audit(self, scope: TenantScope | None) -> AuditTrail: ...
    async def commit(self) -> None: ...
    async def __aenter__(self) -> Self: ...
    async def __aexit__(self, *exc: object) -> None: ...


class AuditUnitOfWorkFactory(Protocol):
    def __call__(self) -> AuditUnitOfWork: ...
