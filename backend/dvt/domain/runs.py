"""A run's lifecycle, defined once: the states, the legal moves between them, and how a run's outcome is read.

queued -> planning -> [awaiting_approval ->] awaiting_worker -> running -> success | warning | failed | canceled

`awaiting_approval`: the plan waits for a person's decision; `awaiting_worker`: the plan is approved and the
run's job waits in the queue for a worker to claim it (a plan that needs no approval goes straight there).

An illegal move raises; nothing here ever "fixes" a state. The store applies a move only where the row still
holds the state the move starts from, so two writers racing for one run cannot both win.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from dvt.domain.errors import ConflictError


class RunStatus(StrEnum):
    QUEUED = "queued"
    PLANNING = "planning"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_WORKER = "awaiting_worker"
    RUNNING = "running"
    SUCCESS = "success"
    WARNING = "warning"
    FAILED = "failed"
    CANCELED = "canceled"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = frozenset({RunStatus.SUCCESS, RunStatus.WARNING, RunStatus.FAILED, RunStatus.CANCELED})
# Runs that hold one of their environment's and tenant's concurrent-run slots.
ACTIVE = frozenset({RunStatus.PLANNING, RunStatus.AWAITING_APPROVAL, RunStatus.AWAITING_WORKER, RunStatus.RUNNING})

_S = RunStatus
TRANSITIONS: Mapping[RunStatus, frozenset[RunStatus]] = {
    _S.QUEUED: frozenset({_S.PLANNING, _S.CANCELED, _S.FAILED}),
    _S.PLANNING: frozenset({_S.AWAITING_APPROVAL, _S.AWAITING_WORKER, _S.FAILED, _S.CANCELED}),
    _S.AWAITING_APPROVAL: frozenset({_S.AWAITING_WORKER, _S.FAILED, _S.CANCELED}),
    # failed: the plan went stale (graph moved, plan expired) before a worker could start it
    _S.AWAITING_WORKER: frozenset({_S.RUNNING, _S.FAILED, _S.CANCELED}),
    _S.RUNNING: frozenset({_S.SUCCESS, _S.WARNING, _S.FAILED, _S.CANCELED}),
    _S.SUCCESS: frozenset(),
    _S.WARNING: frozenset(),
    _S.FAILED: frozenset(),
    _S.CANCELED: frozenset(),
}


class IllegalTransition(ConflictError):
    def __init__(self, current: RunStatus, target: RunStatus) -> None:
        super().__init__(f"a {current.value} run cannot become {target.value}")
        self.current = current
        self.target = target


def check_transition(current: RunStatus, target: RunStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(current, target)


class Trigger(StrEnum):
    MANUAL = "manual"  # a person, through the API or the SPA
    CLI = "cli"
    RETRY = "retry"
    API = "api"  # a token or another system
    SCHEDULE = "schedule"  # a job's cron schedule fired
    JOB_COMPLETION = "job_completion"  # a job ran after another job's run ended


PLANNED_COMMANDS = ("build", "run", "test", "seed", "snapshot")  # what a run's plan decides, node by node
SIDE_COMMANDS = ("source freshness", "docs generate")  # run beside the planned command, in the same checkout
# What each planned command executes of its selection, as dbt filters it by resource type (build: all of it).
COMMAND_RESOURCE_TYPES: dict[str, frozenset[str] | None] = {
    "build": None,
    "run": frozenset({"model"}),
    "test": frozenset({"test", "unit_test"}),
    "seed": frozenset({"seed"}),
    "snapshot": frozenset({"snapshot"}),
}


@dataclass(frozen=True, slots=True)
class RunStep:
    """One dbt invocation of a run, in order: a planned command (its plan decides the nodes), or a side step
    (freshness, docs). A planned step holds its whole request (selector, vars, full refresh), which a worker plans;
    the runner gets it back with the plan's own selection for dbt (`indirect_selection`: how dbt reads it)."""

    command: str
    select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    selector: str | None = None
    vars: dict[str, Any] = field(default_factory=dict)
    full_refresh: bool = False
    indirect_selection: str = "eager"

    @property
    def planned(self) -> bool:
        return self.command in PLANNED_COMMANDS

    def as_document(self) -> dict[str, Any]:
        document: dict[str, Any] = {"command": self.command, "select": list(self.select), "exclude": list(self.exclude)}
        if self.planned:  # a side step takes a selection only
            document |= {"selector": self.selector, "vars": self.vars, "full_refresh": self.full_refresh}
        return document

    @classmethod
    def from_document(cls, document: Mapping[str, Any]) -> RunStep:
        command = str(document["command"])
        if command not in (*PLANNED_COMMANDS, *SIDE_COMMANDS):
            raise ValueError(f"{command!r} is not a step a run executes")
        return cls(
            command,
            tuple(document.get("select") or ()),
            tuple(document.get("exclude") or ()),
            document.get("selector"),
            dict(document.get("vars") or {}),
            bool(document.get("full_refresh")),
        )


@dataclass(frozen=True, slots=True)
class RunProgress:
    """ "N of M nodes" and an ETA: M is what the plan runs (ephemeral models, compiled into others, excepted)."""

    finished: int
    total: int
    eta_seconds: float | None  # the plan's p50 estimates of what is left, added up; None: nothing estimated

    def text(self) -> str:
        count = f"{self.finished} of {self.total} node{'' if self.total == 1 else 's'}"
        if self.finished >= self.total or self.eta_seconds is None:
            return count
        return f"{count} · about {self.eta_seconds:.0f} s left by the plan's p50 estimates"


_UNFINISHED = frozenset({"", "pending", "running"})


def run_progress(planned_p50_ms: Mapping[str, int], statuses: Mapping[str, str]) -> RunProgress:
    """The progress of a run from its plan's nodes (unique id -> p50 ms) and their statuses now. The ETA is the
    same serial sum as the plan's own estimated total (dbt's threads make it an upper bound), as the SPA shows."""
    finished = total = left = 0
    for unique_id, p50 in planned_p50_ms.items():
        status = statuses.get(unique_id, "")
        if status == "ephemeral":
            continue
        total += 1
        if status in _UNFINISHED:
            left += p50
        else:
            finished += 1
    return RunProgress(finished, total, left / 1000 if planned_p50_ms else None)


class FailureReason(StrEnum):
    DBT_ERROR = "dbt_error"  # dbt finished with errors
    WORKER_LOST = "worker_lost"  # the worker running it stopped sending heartbeats
    SETUP = "setup"  # checkout, profiles or deps failed before dbt ran
    CHECKOUT = "checkout_failed"  # planning: the repository or the ref could not be reached
    PARSE = "parse_failed"  # planning: dbt could not parse the commit (its message follows)
    PLANNING = "planning_failed"  # planning: the request does not fit the commit's graph (e.g. an unknown selector)
    TIMEOUT = "timeout"
    GRAPH_MOVED = "graph_moved"  # the environment has a newer graph than the plan: re-plan
    PLAN_REJECTED = "plan_rejected"
    PLAN_EXPIRED = "plan_expired"
    SELECTION_MISMATCH = "selection_mismatch"  # dbt ran nodes its plan did not: approval covered the plan only
    ARTIFACTS_REFUSED = "artifacts_refused"  # the run's artifacts were refused (another dbt project's manifest)
    INTERNAL = "internal"


class RunEventKind(StrEnum):
    """What a run's event records. Stored as text; `read` names a kind this DVT does not know UNKNOWN (a
    newer worker's, during a rolling upgrade)."""

    STATUS = "status"  # the run moved: `status` holds the RunStatus it moved to
    NODE_STARTED = "node_started"  # dbt started a node: `status` is `running`
    NODE_FINISHED = "node_finished"  # dbt finished a node: `status` is dbt's word for how
    INVOCATION_STARTED = "invocation_started"  # dbt started (its version in the payload)
    INVOCATION_FINISHED = "invocation_finished"  # dbt ended: `status` is success or error
    STAGE = "stage"  # the worker's own steps before dbt: checkout, profile, deps
    CANCEL_REQUESTED = "cancel_requested"
    WORKER_LOST = "worker_lost"  # the worker holding the run went silent
    INGEST_FAILED = "ingest_failed"  # the run's artifacts could not be ingested
    SELECTION_MISMATCH = "selection_mismatch"  # dbt ran nodes the plan did not
    UNKNOWN = "unknown"  # not written by anyone: what an unknown kind reads as

    @classmethod
    def read(cls, text: str) -> RunEventKind:
        try:
            return cls(text)
        except ValueError:
            return cls.UNKNOWN


class EventAfterEnd(ConflictError):
    """Nothing is recorded on a run after its terminal status: that status is always its last event."""

    def __init__(self, status: RunStatus, kind: RunEventKind) -> None:
        super().__init__(f"the run has ended ({status.value}): no {kind.value} event may follow its terminal status")
        self.status = status
        self.kind = kind


def check_event(current: RunStatus, kind: RunEventKind, status: str | None) -> None:
    """Refuse an event on a finished run, except the status event of the move that finished it."""
    if current.finished and not (kind is RunEventKind.STATUS and status == current.value):
        raise EventAfterEnd(current, kind)


class NodeStatus(StrEnum):
    """A node's status in a run or a dbt result: dbt's words (an open set) and DVT's own.

    dbt adds words between versions (`no-op` and `partial success` are recent ones), so stored statuses stay
    text; `read` names a word this DVT does not know UNKNOWN, and whoever shows it keeps the text too.
    """

    # DVT's: where a node of a DVT run is before dbt reports it, or how it ended when its run ended first
    PENDING = "pending"
    RUNNING = "running"
    NOT_RUN = "not_run"
    INTERRUPTED = "interrupted"
    EPHEMERAL = "ephemeral"  # an ephemeral model: compiled into its children, never run by itself
    # dbt's (run_results.json and sources.json, lower-cased)
    SUCCESS = "success"
    ERROR = "error"
    SKIPPED = "skipped"
    PASS = "pass"
    FAIL = "fail"
    WARN = "warn"
    RUNTIME_ERROR = "runtime error"
    NO_OP = "no-op"
    PARTIAL_SUCCESS = "partial success"
    # Not a status anyone writes: what an unknown word reads as
    UNKNOWN = "unknown"

    @classmethod
    def read(cls, text: str) -> NodeStatus:
        """The member a status word names (any case: dbt Fusion capitalises), UNKNOWN for any other word."""
        try:
            return cls(text.lower())
        except ValueError:
            return cls.UNKNOWN


# A node row that is still `pending` or `running` when its run ends ends with it, in the same transaction:
# `not_run` if dbt never started it, `interrupted` if it was running; its message names the run's end.
NODE_NOT_RUN = NodeStatus.NOT_RUN.value
NODE_INTERRUPTED = NodeStatus.INTERRUPTED.value
NODE_ENDS: Mapping[str, str] = {"pending": NODE_NOT_RUN, "running": NODE_INTERRUPTED}


def node_end_message(status: RunStatus, reason: str | None) -> str:
    return f"run ended: {status.value}" + (f" ({reason})" if reason else "")


def worker_presumed_lost(silent_seconds: float | None, patience_seconds: float, in_contact_seconds: float) -> bool:
    """Whether a run's worker may be declared lost.

    `silent_seconds`: since its last heartbeat (or since the database last started, whichever is later), by
    the database's clock. `in_contact_seconds`: since the deciding process last regained the database. A
    worker whose heartbeat is merely late because the database (or the way to it) was away gets a full
    patience from the moment contact is back to re-assert it.
    """
    if silent_seconds is None:
        return False
    return silent_seconds > patience_seconds and in_contact_seconds > patience_seconds


# dbt's node statuses, by what they mean for the run.
NODE_ERRORS = frozenset({"error", "fail", "runtime error"})
NODE_WARNINGS = frozenset({"warn"})
NODE_SKIPPED = frozenset({"skipped"})


def outcome(exit_code: int | None, node_statuses: Iterable[str]) -> RunStatus:
    """success, warning or failed from dbt's exit code and its nodes' statuses.

    `warning` means dbt finished with warnings and no errors; any error (or a non-zero exit) fails the run.
    """
    statuses = {s.lower() for s in node_statuses}
    if exit_code != 0 or statuses & NODE_ERRORS:
        return RunStatus.FAILED
    return RunStatus.WARNING if statuses & NODE_WARNINGS else RunStatus.SUCCESS


@dataclass(frozen=True, slots=True)
class RetrySelection:
    """What a retry runs: the nodes that failed or were never reached, and the tests of failed models."""

    unique_ids: frozenset[str]


def retry_selection(
    planned: Iterable[str], finished: Mapping[str, str], tests_of: Mapping[str, Iterable[str]]
) -> RetrySelection:
    """`planned`: the unique_ids the run was to run; `finished`: unique_id -> dbt status of what ran.

    A node that errored, was skipped, or never ran is retried (an ephemeral model never runs by itself).
    A test that failed retries itself and the model it tests (a model whose test failed is rebuilt with its
    test), so a fixed model is checked again.
    """
    planned = set(planned)
    again = {u for u in planned if finished.get(u, "").lower() not in ("success", "pass", "warn", "ephemeral")}
    for model, tests in tests_of.items():
        if model in planned and any(t in again for t in tests):
            again.add(model)
            again.update(t for t in tests if t in planned)
    return RetrySelection(frozenset(again))
