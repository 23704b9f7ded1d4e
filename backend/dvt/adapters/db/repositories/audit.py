"""One audit chain in PostgreSQL: appends serialised by an advisory lock, timed by the database clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from dvt.adapters.db.audit_models import AuditEventRow
from dvt.adapters.db.models import table_of
from dvt.application.audit_ports import AuditQuery, Seal
from dvt.application.records import Page
from dvt.domain.audit import GENESIS, AuditEvent, AuditRecord, AuditResult
from dvt.domain.identity import ActorKind
from dvt.domain.tenancy import TenantScope

# First key of pg_advisory_xact_lock(int, int): the audit's own space, so its locks never meet others'.
AUDIT_LOCK_SPACE = 7_204_552
PLATFORM_CHAIN = "platform"


def _record(row: AuditEventRow) -> AuditRecord:
    event = AuditEvent.stored(
        tenant_id=row.tenant_id,
        actor_kind=ActorKind(row.actor_kind),
        actor_subject=row.actor_subject,
        action=row.action,
        result=AuditResult(row.result),
        resource_type=row.resource_type,
        resource_id=row.resource_id,
        details=row.details,
        correlation_id=row.correlation_id,
        trace_id=row.trace_id,
    )
    return AuditRecord(row.id, row.sequence, row.occurred_at, event, row.prev_hash, row.hash)


class SqlAuditRepository:
    """The chain of `scope`'s tenant, or the platform's chain when `scope` is None."""

    def __init__(self, session: AsyncSession, scope: TenantScope | None) -> None:
        self._session = session
        self._tenant = scope.tenant_id if scope is not None else None

    def _mine(self) -> ColumnElement[bool]:
        if self._tenant is None:
            return AuditEventRow.tenant_id.is_(None)
        return AuditEventRow.tenant_id == self._tenant

    async def append(self, event: AuditEvent, seal: Seal) -> AuditRecord:
        return (await self.append_many([event], seal))[0]

    async def append_many(self, events: Sequence[AuditEvent], seal: Seal) -> list[AuditRecord]:
        """The events after the chain's head in their order: one lock, one read of the head and one insert
        whatever their number, each hash chained to the one before it here (they share the append's time)."""
        if not events:
            return []
        if any(event.tenant_id != self._tenant for event in events):
            raise ValueError("an audit event is appended to its own tenant's chain only")
        # Held until the transaction ends, so the next append of this chain reads our rows as its head.
        # A hash collision between two tenants' keys only makes them wait for each other.
        # Needs READ COMMITTED: the head is read by a statement that starts after the lock is granted.
        chain = str(self._tenant) if self._tenant is not None else PLATFORM_CHAIN
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(:space, hashtext(:chain))"),
            {"space": AUDIT_LOCK_SPACE, "chain": chain},
        )
        head = select(AuditEventRow).where(self._mine()).order_by(AuditEventRow.sequence.desc()).limit(1)
        row = (
            await self._session.execute(
                select(
                    func.clock_timestamp(type_=DateTime(timezone=True)),
                    head.with_only_columns(AuditEventRow.sequence).scalar_subquery(),
                    head.with_only_columns(AuditEventRow.hash).scalar_subquery(),
                )
            )
        ).one()
        occurred_at, head_sequence, prev_hash = row[0], row[1] or 0, row[2] or GENESIS
        sealed: list[tuple[AuditEvent, int, str, str]] = []  # (event, sequence, prev_hash, hash)
        for sequence, event in enumerate(events, start=head_sequence + 1):
            digest = seal(event, sequence, occurred_at, prev_hash)
            sealed.append((event, sequence, prev_hash, digest))
            prev_hash = digest
        rows = [
            self._values(event, sequence, occurred_at, before, hashed) for event, sequence, before, hashed in sealed
        ]
        table = table_of(AuditEventRow)
        inserted = await self._session.execute(insert(table).returning(table.c.sequence, table.c.id), rows)
        ids = {sequence: event_id for sequence, event_id in inserted.tuples()}
        return [
            AuditRecord(ids[sequence], sequence, occurred_at, event, before, digest)
            for event, sequence, before, digest in sealed
        ]

    def _values(
        self, event: AuditEvent, sequence: int, occurred_at: datetime, prev_hash: str, digest: str
    ) -> dict[str, Any]:
        return {
            "tenant_id": self._tenant, "sequence": sequence, "occurred_at": occurred_at,
            "actor_kind": event.actor_kind.value, "actor_subject": event.actor_subject, "action": event.action,
            "result": event.result.value, "resource_type": event.resource_type, "resource_id": event.resource_id,
            "details": event.details, "correlation_id": event.correlation_id, "trace_id": event.trace_id,
            "prev_hash": prev_hash, "hash": digest,
        }  # fmt: skip

    async def chain(self, after_sequence: int, limit: int) -> list[AuditRecord]:
        rows = await self._session.scalars(
            select(AuditEventRow)
            .where(self._mine(), AuditEventRow.sequence > after_sequence)
            .order_by(AuditEventRow.sequence)
            .limit(limit)
        )
        return [_record(r) for r in rows]

    async def events(self, query: AuditQuery, before_sequence: int | None, limit: int) -> Page[AuditRecord]:
        statement = self._filtered(select(AuditEventRow).where(self._mine()), query)
        if before_sequence is not None:
            statement = statement.where(AuditEventRow.sequence < before_sequence)
        rows = list(await self._session.scalars(statement.order_by(AuditEventRow.sequence.desc()).limit(limit + 1)))
        return Page([_record(r) for r in rows[:limit]], has_next=len(rows) > limit)

    @staticmethod
    def _filtered(statement: Select[Any], query: AuditQuery) -> Select[Any]:
        row = AuditEventRow
        if query.action_prefix:
            statement = statement.where(row.action.startswith(query.action_prefix, autoescape=True))
        if query.actor_kind is not None:
            statement = statement.where(row.actor_kind == query.actor_kind.value)
        if query.actor_subject is not None:
            statement = statement.where(row.actor_subject == query.actor_subject)
        if query.result is not None:
            statement = statement.where(row.result == query.result.value)
        if query.resource_type is not None:
            statement = statement.where(row.resource_type == query.resource_type)
        if query.resource_id is not None:
            statement = statement.where(row.resource_id == query.resource_id)
        if query.since is not None:
            statement = statement.where(row.occurred_at >= query.since)
        if query.until is not None:
            statement = statement.where(row.occurred_at < query.until)
        return statement
