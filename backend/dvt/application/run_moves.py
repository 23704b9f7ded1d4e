"""A run's state changes: each one legal by `domain.runs`' transition table, with its status event, in the
caller's transaction. Every use case that moves a run (trigger, dispatch, cancel, a worker's claim and end) moves
it here, so no state is reached without its event."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from dvt.application.ports import UnitOfWork
from dvt.application.run_records import NewRunEvent, RunRecord
from dvt.domain.runs import RunEventKind, RunStatus, check_transition, node_end_message
from dvt.domain.tenancy import TenantScope

# Told, in the transaction that ends a run (after its terminal move), that it ended: jobs chained after it start.
RunEnded = Callable[[UnitOfWork, TenantScope, RunRecord], Awaitable[None]]


async def move(
    uow: UnitOfWork, scope: TenantScope, run: RunRecord, target: RunStatus, reason: str | None = None, **values: Any
) -> RunRecord:
    """One legal state change of a run, with its status event, in the caller's transaction."""
    check_transition(RunStatus(run.status), target)
    runs = uow.runs(scope)
    now = datetime.now(UTC)
    if target is RunStatus.RUNNING:
        values.setdefault("started_at", now)
    if target.finished:
        values.setdefault("finished_at", now)
    await runs.update(run.id, status=target.value, reason=reason, **values)
    if target.finished:  # node rows end with their run, whoever ends it
        await runs.end_unfinished_nodes(run.id, node_end_message(target, reason))
    event = NewRunEvent(RunEventKind.STATUS, f"status:{target.value}", status=target.value, message=reason or "")
    await runs.append_event(run.id, event)
    return replace(run, status=target.value, reason=reason, **values)


async def move_all(
    uow: UnitOfWork, scope: TenantScope, runs: Sequence[RunRecord], target: RunStatus, reason: str
) -> None:
    """`move` of many runs to a state that neither starts nor ends them, with one reason, in one statement per step
    whatever their number (a dispatch pass sends hundreds of a schedule's runs to `planning`)."""
    if target is RunStatus.RUNNING or target.finished:
        raise ValueError(f"runs become {target.value} one by one (`move`)")
    if not runs:
        return
    for run in runs:
        check_transition(RunStatus(run.status), target)
    ids = [run.id for run in runs]
    await uow.runs(scope).update_all(ids, status=target.value, reason=reason)
    event = NewRunEvent(RunEventKind.STATUS, f"status:{target.value}", status=target.value, message=reason)
    await uow.runs(scope).append_to_each(ids, event)
