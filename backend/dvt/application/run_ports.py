"""What the run service needs from a dbt runner, and what the runner reports back.

The application decides *what* to run (the plan's nodes, as dbt selectors) and records what happened; the
runner (an adapter) knows *how*: checkout, profiles, the dbt subprocess, its JSON log. Neither sees the
other's storage.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from dvt.application.records import Page
from dvt.application.run_records import (
    NewRunEvent,
    RunEventRecord,
    RunLogRecord,
    RunNodeRecord,
    RunQuery,
    RunRecord,
)
from dvt.domain.runs import RunEventKind, RunStep
from dvt.domain.tenancy import Environment

GIT_TOKEN = "DBT_ENV_SECRET_GIT_TOKEN"  # the environment's secret git may use to fetch its repository


@dataclass(frozen=True, slots=True)
class RunLimits:
    timeout_seconds: float = 3600.0  # wall clock of all the run's dbt invocations together
    cpu_seconds: int | None = None  # RLIMIT_CPU of the dbt process
    memory_bytes: int | None = None  # RLIMIT_AS of the dbt process
    cancel_grace_seconds: float = 10.0  # SIGINT, then SIGTERM after this, then SIGKILL after as long again

    def capped(self, asked: Mapping[str, Any]) -> RunLimits:
        """These limits with a run's own timeout (a job's) where it is shorter: the worker's limit still holds."""
        timeout = asked.get("timeout_seconds")
        return replace(self, timeout_seconds=min(self.timeout_seconds, float(timeout))) if timeout else self

    def to_json(self) -> dict[str, Any]:
        return {
            "timeout_seconds": self.timeout_seconds,
            "cpu_seconds": self.cpu_seconds,
            "memory_bytes": self.memory_bytes,
            "cancel_grace_seconds": self.cancel_grace_seconds,
        }


@dataclass(frozen=True, slots=True)
class QueryTag:
    """What every query dbt sends carries, so actual cost can be matched to a run and a node."""

    run_id: uuid.UUID
    tenant: str
    environment: str
    trace_id: str
    node_uuids: dict[str, str] = field(default_factory=dict)  # unique_id -> node_uuid


@dataclass(frozen=True, slots=True)
class GitSource:
    """Where a project's code is: its repository, the dbt project's folder in it, and the token git may use."""

    repository: str  # git URL or local path of a git repository
    subdirectory: str | None = None
    token: str | None = field(default=None, repr=False)


class CommitUnavailable(Exception):
    """The repository or the ref could not be reached or does not exist; the message is for people."""


class ParseFailed(Exception):
    """dbt could not parse the commit (a Jinja or YAML error, a missing package...): dbt's own message."""


@dataclass(frozen=True, slots=True)
class ParseJob:
    """A commit to parse for an environment: its profile comes from the environment's settings and secrets."""

    environment_id: uuid.UUID  # parses of one environment share a folder, so dbt's partial parse carries over
    source: GitSource
    commit: str
    adapter: str
    settings: dict[str, Any]
    secrets: dict[str, str] = field(repr=False)


class ProjectParser(Protocol):
    """The project's code at a ref, as dbt's manifest: resolve the ref to a commit, then parse that commit."""

    async def resolve(self, source: GitSource, ref: str) -> str: ...  # raises CommitUnavailable
    async def parse(self, job: ParseJob) -> bytes: ...  # manifest.json; raises CommitUnavailable, ParseFailed


@dataclass(frozen=True, slots=True)
class RunSpec:
    run_id: uuid.UUID
    repository: str  # git URL or local path of a git repository
    git_ref: str
    subdirectory: str | None
    adapter: str  # duckdb | postgres | snowflake
    settings: dict[str, Any]  # the environment's non-secret connection settings
    secrets: dict[str, str]  # DBT_ENV_SECRET_<NAME> -> value: only ever passed as environment variables
    command: str  # build | run | test | seed | snapshot
    select: tuple[str, ...]  # dbt selectors naming exactly the nodes to run
    tag: QueryTag
    work_dir: str  # an empty directory the runner owns until it returns
    # A directory kept between the environment's runs: a relative DuckDB path lives here, so a run that
    # selects one model finds the tables earlier runs built, as it would in a warehouse.
    state_dir: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    full_refresh: bool = False
    # With `select` naming every node, dbt's own tests must not be added: "empty". When the plan runs exactly
    # what the request selected, the request's own selection is passed instead (naming each node is slow).
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    indirect_selection: str = "empty"
    limits: RunLimits = field(default_factory=RunLimits)
    git_token: str | None = None
    commit: str | None = None  # the commit the run planned from; None: the one `git_ref` names when it starts
    # Its dbt invocations in order: planned steps, each with the selection its part of the plan gives dbt (the
    # first is the fields above), and side steps (freshness, docs) among them; empty: the planned command alone.
    steps: tuple[RunStep, ...] = ()

    @property
    def source(self) -> GitSource:
        return GitSource(self.repository, self.subdirectory, self.git_token)

    def own_step(self) -> RunStep:
        """The spec's own command and selection as a planned step."""
        return RunStep(
            self.command,
            self.select,
            self.exclude,
            self.selector,
            self.vars,
            self.full_refresh,
            self.indirect_selection,
        )

    def invocations(self) -> tuple[RunStep, ...]:
        """The dbt invocations the runner makes, in order."""
        return self.steps or (self.own_step(),)

    def runs_anything(self) -> bool:
        """Whether a planned invocation selects a node (a side step alone runs nothing the plan decided)."""
        return any(step.planned and (step.select or step.selector) for step in self.invocations())


def earlier_run_results(planned: int) -> str:
    """The name a run's artifacts keep the run_results.json of its planned step `planned` (0: the first) by, once
    a later planned step wrote its own: the last planned step's keeps the usual name."""
    return f"run_results.{planned}.json"


@dataclass(frozen=True, slots=True)
class RunnerEvent:
    """One thing dbt reported: a node started or finished, the invocation started or ended."""

    kind: RunEventKind
    at: datetime
    unique_id: str | None = None
    status: str | None = None  # dbt's node status: success, error, fail, warn, skipped, pass, ...
    message: str = ""
    data: dict[str, Any] = field(default_factory=dict)  # timing, adapter_response, rows_affected, query_id...


@dataclass(frozen=True, slots=True)
class RunnerOutcome:
    exit_code: int | None  # None when dbt never started (checkout or setup failed)
    canceled: bool = False
    timed_out: bool = False
    error: str | None = None  # why the runner failed before or around dbt, for people
    artifacts: dict[str, bytes] = field(default_factory=dict)  # file name -> bytes (manifest.json, ...)
    limits: dict[str, Any] = field(default_factory=dict)  # the limits actually applied to the dbt process
    commit: str | None = None  # the commit dbt ran, once checked out


class RunSink(Protocol):
    """Where the runner reports, as it happens. Log lines arrive already redacted."""

    async def event(self, event: RunnerEvent) -> None: ...
    async def log(self, stream: str, lines: list[str]) -> None: ...  # stream: stdout | stderr | dbt
    async def cancel_requested(self) -> bool: ...


class DbtRunner(Protocol):
    async def execute(self, spec: RunSpec, sink: RunSink) -> RunnerOutcome: ...


class RunRepository(Protocol):
    """Runs of one tenant. Every write of a state, an event or a log chunk happens in the caller's transaction."""

    async def add(self, run: RunRecord) -> RunRecord | None: ...  # None: its idempotency key is taken
    async def add_many(self, runs: Sequence[RunRecord]) -> list[uuid.UUID]: ...  # no keys; those stored
    async def by_idempotency_key(self, environment_id: uuid.UUID, key: str) -> RunRecord | None: ...
    async def get(
        self, run_id: uuid.UUID, *, for_update: bool = False, skip_locked: bool = False
    ) -> RunRecord | None: ...  # skip_locked: None when another transaction holds the row
    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[RunRecord]: ...
    async def of_environment(self, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]: ...
    async def update(self, run_id: uuid.UUID, **fields: Any) -> None: ...
    async def update_all(self, run_ids: Sequence[uuid.UUID], **fields: Any) -> None: ...
    async def append_event(self, run_id: uuid.UUID, event: NewRunEvent) -> int | None: ...
    async def append_events(self, run_id: uuid.UUID, events: Sequence[NewRunEvent]) -> list[int | None]: ...
    async def append_to_each(self, run_ids: Sequence[uuid.UUID], event: NewRunEvent) -> None: ...  # new runs
    async def events_after(self, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]: ...
    async def count_events(self, run_id: uuid.UUID, key_prefix: str) -> int: ...
    async def append_log(self, run_id: uuid.UUID, stream: str, lines: Sequence[str]) -> int: ...
    async def append_logs(self, run_id: uuid.UUID, chunks: Sequence[tuple[str, Sequence[str]]]) -> list[int]: ...
    async def logs_after(self, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]: ...
    async def add_nodes(self, run_id: uuid.UUID, nodes: Sequence[RunNodeRecord]) -> None: ...
    async def update_node(self, run_id: uuid.UUID, unique_id: str, **fields: Any) -> None: ...
    async def update_nodes(self, run_id: uuid.UUID, changes: Sequence[tuple[str, dict[str, Any]]]) -> None: ...
    async def nodes_of(self, run_ids: Sequence[uuid.UUID]) -> list[RunNodeRecord]: ...
    async def node_page(self, run_id: uuid.UUID, after: str | None, offset: int, limit: int) -> Page[RunNodeRecord]: ...
    async def count_nodes(self, run_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]: ...
    async def active(self) -> list[RunRecord]: ...  # past `queued` and not finished: what holds capacity
    async def end_unfinished_nodes(self, run_id: uuid.UUID, message: str) -> int: ...  # pending/running end
    async def heartbeat(self, run_id: uuid.UUID, worker: str, attempt: int) -> bool: ...  # False: not held
    async def silence(self, run_id: uuid.UUID) -> float | None: ...  # seconds since its worker was heard of
    async def lock_dispatch(self) -> None: ...  # held until the transaction ends
    async def prune(self, finished_before: datetime) -> tuple[int, int]: ...  # (events, log chunks) deleted
    async def queued(self, limit: int) -> list[RunRecord]: ...  # oldest first, locked (skipping rows others hold)


class JobQueue(Protocol):
    """The run queue, in the caller's transaction: a job exists exactly when its run's state says so."""

    async def enqueue_run(self, tenant_id: uuid.UUID, run_id: uuid.UUID, attempt: int) -> None: ...
    async def enqueue_planning(self, tenant_id: uuid.UUID, run_ids: Sequence[uuid.UUID]) -> None: ...  # workers plan
    async def waiting_tenants(self) -> list[uuid.UUID]: ...  # tenants with runs in `queued` (the sweep's list)


class ExclusiveDatabase(Protocol):
    """The database a run of this environment must hold alone, named for people ("DuckDB database /x.duckdb"),
    or None when its runs may overlap. DuckDB allows one writer per file: its runs are serialised by DVT."""

    def __call__(self, environment: Environment) -> str | None: ...


class RunNotifier(Protocol):
    """Wakes the followers of a run once an event or a log chunk is committed (readers then query by cursor)."""

    async def wait(self, run_id: uuid.UUID, seconds: float) -> bool: ...  # False: nothing within `seconds`


class RunMetrics(Protocol):
    """Durations and utilisation, exported as OpenTelemetry metrics (and on /metrics)."""

    def run_finished(self, status: str, duration_s: float | None, queue_wait_s: float | None) -> None: ...
    def node_finished(self, resource_type: str, status: str, seconds: float) -> None: ...
    def worker_busy(self, delta: int) -> None: ...
    def worker_capacity(self, delta: int) -> None: ...


class NoMetrics:
    def run_finished(self, status: str, duration_s: float | None, queue_wait_s: float | None) -> None:
        pass

    def node_finished(self, resource_type: str, status: str, seconds: float) -> None:
        pass

    def worker_busy(self, delta: int) -> None:
        pass

    def worker_capacity(self, delta: int) -> None:
        pass
