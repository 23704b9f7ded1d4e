"""The audit_events table. Append-only: a trigger (migration 0003) refuses UPDATE, DELETE and TRUNCATE."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from dvt.adapters.db.models import Base


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        # One chain per tenant; the platform's chain (tenant_id NULL) has a unique index of its own,
        # since NULLs are distinct in a unique constraint.
        UniqueConstraint("tenant_id", "sequence"),
        Index(
            "uq_audit_events_platform_sequence",
            "sequence",
            unique=True,
            postgresql_where=text("tenant_id IS NULL"),
        ),
        # The audit log's filters, each within a tenant, newest first.
        Index(
            "ix_audit_events_action",
            "tenant_id",
            "action",
            "sequence",
            postgresql_ops={"action": "text_pattern_ops"},  # prefix LIKE whatever the collation
        ),
        Index("ix_audit_events_actor", "tenant_id", "actor_subject", "sequence"),
        Index("ix_audit_events_resource", "tenant_id", "resource_type", "resource_id", "sequence"),
        Index("ix_audit_events_result", "tenant_id", "result", "sequence"),
        Index("ix_audit_events_occurred_at", "tenant_id", "occurred_at"),
        CheckConstraint("result IN ('success', 'failure', 'denied')", name="ck_audit_events_result"),
        CheckConstraint("actor_kind IN ('user', 'token', 'system')", name="ck_audit_events_actor_kind"),
        CheckConstraint("sequence > 0", name="ck_audit_events_sequence"),
    )
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)
    # No cascade: the trail must outlive what it describes, or deleting a tenant would erase the record
    # of what was done in it. A tenant with audit history cannot be deleted (RESTRICT), only retired.
    tenant_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tenants.id", ondelete="RESTRICT"))
    sequence: Mapped[int] = mapped_column(BigInteger)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # clock_timestamp() at append
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_subject: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(128))
    result: Mapped[str] = mapped_column(String(16))
    resource_type: Mapped[str] = mapped_column(String(64))
    resource_id: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column()
    correlation_id: Mapped[str | None] = mapped_column(Text)
    trace_id: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
