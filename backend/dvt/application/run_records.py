"""What the run service reads and writes: runs, their events, log chunks and node results."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dvt.domain.plan.plan import PlanRequest
from dvt.domain.runs import RunEventKind, RunStep, Trigger


@dataclass(frozen=True, slots=True)
class RunRecord:
    id: uuid.UUID
    environment_id: uuid.UUID
    plan_id: uuid.UUID | None
    status: str
    trigger: str
    actor: str
    trace_id: str
    request: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None
    retry_of: uuid.UUID | None = None
    command: str = "build"
    worker: str | None = None
    attempt: int = 0
    event_seq: int = 0
    log_seq: int = 0
    cancel_requested_at: datetime | None = None
    exit_code: int | None = None
    limits: dict[str, Any] = field(default_factory=dict)
    graph_version_id: uuid.UUID | None = None
    invocation_id: str | None = None
    estimated_cost_micros: int | None = None
    actual_cost_micros: int | None = None
    regressions: int = 0
    artifacts: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    idempotency_key: str | None = None  # the client's key: the same key again returns this run
    heartbeat_at: datetime | None = None  # the holding worker's last heartbeat, by the database's clock
    number: int = 0  # the run's number in its environment, given when it is stored (0 before)
    job_id: uuid.UUID | None = None  # the job it is a run of
    steps: list[dict[str, Any]] = field(default_factory=list)  # RunStep documents, in order; []: `command` alone
    commit_sha: str | None = None  # the commit it planned from (and executes), once known


@dataclass(frozen=True, slots=True)
class JobRunSpec:
    """What a job gives the run it triggers: itself, its steps in order, and its timeout."""

    job_id: uuid.UUID
    steps: tuple[RunStep, ...]
    timeout_seconds: int | None = None

    def run_values(self) -> dict[str, Any]:
        """The run row's values these make: the job, the planned command, the steps, the timeout asked for."""
        planned = next(s for s in self.steps if s.planned)
        limits = {"timeout_seconds": self.timeout_seconds} if self.timeout_seconds else {}
        return {
            "job_id": self.job_id,
            "command": planned.command,
            "steps": [s.as_document() for s in self.steps],
            "limits": limits,
        }


@dataclass(frozen=True, slots=True)
class UnplannedTrigger:
    """A run to trigger without a plan (a worker plans it from the branch's commit): where, what, why, and the job
    it is a run of, if any."""

    environment_id: uuid.UUID
    request: PlanRequest
    trigger: Trigger
    job: JobRunSpec | None = None


@dataclass(frozen=True, slots=True)
class NewRunEvent:
    kind: RunEventKind
    key: str  # the idempotency key: the same key twice is one event
    unique_id: str | None = None
    status: str | None = None
    message: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunEventRecord:
    run_id: uuid.UUID
    seq: int
    kind: RunEventKind
    unique_id: str | None
    status: str | None
    message: str
    payload: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RunLogRecord:
    run_id: uuid.UUID
    seq: int
    stream: str
    text: str
    line_count: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RunNodeRecord:
    run_id: uuid.UUID
    unique_id: str
    node_uuid: uuid.UUID
    resource_type: str
    status: str = "pending"
    started_at: datetime | None = None
    finished_at: datetime | None = None
    execution_time: float | None = None
    rows_affected: int | None = None
    query_id: str | None = None
    message: str | None = None
    estimated_cost_micros: int | None = None
    actual_cost_micros: int | None = None
    regression: bool = False


@dataclass(frozen=True, slots=True)
class RunQuery:
    statuses: tuple[str, ...] = ()
    trigger: str | None = None
    actor: str | None = None
    before: tuple[datetime, uuid.UUID] | None = None
    limit: int = 50
    job_id: uuid.UUID | None = None  # only this job's runs
