"""Jobs people define per environment, and the record of each of their fires (one row per occurrence)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from dvt.adapters.db.models import Base, _now, _tenant


class JobRow(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        UniqueConstraint("environment_id", "name"),
        # What the scheduler claims: due, unpaused jobs in fire order (a partial index stays small).
        Index("ix_jobs_due", "next_fire_at", postgresql_where=text("next_fire_at IS NOT NULL AND NOT paused")),
        Index("ix_jobs_after", "tenant_id", "after_job_id"),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(63))
    steps: Mapped[dict[str, Any]] = mapped_column()  # a JSON list of steps: more than one in a later phase
    timeout_seconds: Mapped[int] = mapped_column(Integer)
    overlap: Mapped[str] = mapped_column(String(16))
    misfire: Mapped[str] = mapped_column(String(16))
    paused: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    cron: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(Text)
    after_job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    after_outcome: Mapped[str | None] = mapped_column(String(16))
    next_fire_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()
    updated_at: Mapped[datetime] = _now()


class JobFireRow(Base):
    __tablename__ = "job_fires"
    __table_args__ = (
        # The second guard of exactly-once firing: one row per occurrence, whoever claimed the job.
        UniqueConstraint("job_id", "fire_at"),
        Index("ix_job_fires_waiting", "job_id", "created_at", postgresql_where=text("outcome = 'waiting'")),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"))
    fire_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trigger: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    run_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = _now()
