"""Runs, their append-only events and log chunks, and the per-node results of each run.

Events and log chunks are numbered per run (the run row holds the last number handed out), so a reader
resumes after a cursor with a primary-key range scan and a redelivered write is refused by its key.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from dvt.adapters.db import job_models  # noqa: F401  (runs.job_id refers to its table)
from dvt.adapters.db.models import Base, _now, _tenant


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("ix_runs_environment", "tenant_id", "environment_id", "created_at"),
        Index("ix_runs_status", "tenant_id", "status"),
        Index("uq_runs_idempotency_key", "tenant_id", "environment_id", "idempotency_key", unique=True),
        UniqueConstraint("environment_id", "number", name="uq_runs_environment_number"),
        Index("ix_runs_job", "job_id", "created_at"),
        Index("ix_runs_end_untold", "id", postgresql_where=text("end_untold")),
    )
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    environment_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3… per environment, taken from environments.run_seq
    plan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("plans.id", ondelete="SET NULL"))
    retry_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str | None] = mapped_column(Text)  # why it waits (queued) or why it failed
    trigger: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(Text)
    request: Mapped[dict[str, Any]] = mapped_column()  # the plan request, for a run planned on dispatch
    command: Mapped[str] = mapped_column(String(16), server_default="build")
    trace_id: Mapped[str] = mapped_column(String(32))
    commit_sha: Mapped[str | None] = mapped_column(String(40))  # the commit it planned from and executed
    job_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))  # whose run
    idempotency_key: Mapped[str | None] = mapped_column(Text)  # the client's key: a retried trigger finds its run
    worker: Mapped[str | None] = mapped_column(Text)
    attempt: Mapped[int] = mapped_column(Integer, server_default="0")
    event_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    log_seq: Mapped[int] = mapped_column(BigInteger, server_default="0")
    cancel_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    exit_code: Mapped[int | None] = mapped_column(Integer)
    limits: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    # The dbt invocations it executes in order (RunStep documents); empty: the planned command alone.
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'::jsonb"))
    # Canceled by a job's fire: its end is told to the jobs after its job by the scheduler, in a transaction of its own.
    end_untold: Mapped[bool] = mapped_column(Boolean, server_default="false")
    graph_version_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("graph_versions.id", ondelete="SET NULL"))
    invocation_id: Mapped[str | None] = mapped_column(Text)
    estimated_cost_micros: Mapped[int | None] = mapped_column(BigInteger)
    actual_cost_micros: Mapped[int | None] = mapped_column(BigInteger)
    regressions: Mapped[int] = mapped_column(Integer, server_default="0")
    artifacts: Mapped[dict[str, Any]] = mapped_column(server_default="{}")  # file name -> {sha256, size, key}
    created_at: Mapped[datetime] = _now()
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The worker holding a running run refreshes this (database clock): the lost-worker check reads it.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RunEventRow(Base):
    __tablename__ = "run_events"
    __table_args__ = (UniqueConstraint("run_id", "idempotency_key"),)
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    kind: Mapped[str] = mapped_column(String(32))
    unique_id: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text, server_default="")
    idempotency_key: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(server_default="{}")
    created_at: Mapped[datetime] = _now()


class RunLogRow(Base):
    __tablename__ = "run_logs"
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    stream: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)  # the chunk's lines, already redacted, newline-joined
    line_count: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = _now()


class RunNodeRow(Base):
    __tablename__ = "run_nodes"
    run_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    unique_id: Mapped[str] = mapped_column(Text, primary_key=True)
    tenant_id: Mapped[uuid.UUID] = _tenant()
    node_uuid: Mapped[uuid.UUID] = mapped_column()
    resource_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32))  # pending until dbt reports it
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    execution_time: Mapped[float | None] = mapped_column(Double)
    rows_affected: Mapped[int | None] = mapped_column(BigInteger)
    query_id: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    estimated_cost_micros: Mapped[int | None] = mapped_column(BigInteger)
    actual_cost_micros: Mapped[int | None] = mapped_column(BigInteger)
    regression: Mapped[bool] = mapped_column(Boolean, server_default="false")
