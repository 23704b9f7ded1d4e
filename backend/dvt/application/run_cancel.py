"""Cancelling a run: one that has not started ends `canceled` now; a running one is asked to stop, and its worker
ends it `canceled` once dbt has stopped. Asking twice is recorded twice; a finished run refuses."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from dvt.application.access import Access
from dvt.application.audit import record
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.run_dispatch import RunDispatcher
from dvt.application.run_moves import RunEnded, move
from dvt.application.run_reads import visible_run
from dvt.application.run_records import NewRunEvent, RunRecord
from dvt.application.tenancy import visible_environment
from dvt.domain.audit import AuditEvent
from dvt.domain.authorization import Permission
from dvt.domain.runs import IllegalTransition, RunEventKind, RunStatus, check_transition


class RunCancels:
    def __init__(
        self, units: UnitOfWorkFactory, dispatcher: RunDispatcher, ended: RunEnded, clock: Callable[[], datetime]
    ) -> None:
        self._units = units
        self._dispatcher = dispatcher
        self._ended = ended
        self._clock = clock

    async def cancel(self, access: Access, run_id: uuid.UUID) -> RunRecord:
        """Cancel now if the run has not started; else ask its worker to stop dbt (it ends `canceled`)."""
        async with self._units() as uow:
            found, audited = await self._cancel(uow, access, run_id, standalone=True)
            if audited is not None:
                await record(uow.audit(access.scope), audited)  # last: locks in the one order
            await uow.commit()
        return found

    async def cancel_in(self, uow: UnitOfWork, access: Access, run_id: uuid.UUID) -> AuditEvent | None:
        """`cancel` as a step of the caller's command (a job's fire cancelling its earlier run); its audit event,
        for the caller to record once the rest of its command is written (None: the run had ended meanwhile, and
        needs no cancel). The caller takes the environment rows and the dispatch lock next (its new run), and the
        audit chain's lock must come after them. No dispatch: the caller's trigger dispatches. The run's end is
        left for the scheduler to tell (`JobScheduler`, `end_untold`)."""
        _, audited = await self._cancel(uow, access, run_id, standalone=False)
        return audited

    async def _cancel(
        self, uow: UnitOfWork, access: Access, run_id: uuid.UUID, *, standalone: bool
    ) -> tuple[RunRecord, AuditEvent | None]:
        """The cancel written, but for its audit event: (the run now, the event to record last)."""
        run = await visible_run(uow, access, run_id, for_update=True)
        _, where = await visible_environment(uow, access, run.environment_id)
        access.require(Permission.CANCEL, where, "cancel runs in this environment")
        status = RunStatus(run.status)
        if status is not RunStatus.RUNNING:
            # A finished run: refused (and audited) before anything is written, since nothing may follow
            # its terminal status event.
            try:
                check_transition(status, RunStatus.CANCELED)
            except IllegalTransition as error:
                if not standalone:  # a step of another command: a run that ended meanwhile needs no cancel
                    return run, None
                await _refuse(uow, access, run_id, error)
                raise
        runs = uow.runs(access.scope)
        # Every request is an event of its own (the occurrence number): asking twice is recorded twice.
        occurrence = await runs.count_events(run.id, "cancel:") + 1
        event = NewRunEvent(
            RunEventKind.CANCEL_REQUESTED, f"cancel:{occurrence}", message=f"cancel asked by {access.actor.label}"
        )
        await runs.append_event(run.id, event)
        if status is RunStatus.RUNNING:
            if run.cancel_requested_at is None:
                await runs.update(run.id, cancel_requested_at=self._clock())
        else:
            ended = await move(uow, access.scope, run, RunStatus.CANCELED, f"canceled by {access.actor.label}")
            if standalone:
                await self._ended(uow, access.scope, ended)
                await self._dispatcher.dispatch_in(uow, access.scope)  # its slot is free again
            else:
                # A fire's cancel: told to the jobs after its job (chained fires, fires waiting behind it) by the
                # scheduler, in a transaction of its own. Told here, they would lock other jobs' rows, environments
                # and the audit chain in the middle of the fire, against the one order of locks.
                await runs.update(run.id, end_untold=True)
        found = await runs.get(run_id)
        assert found is not None
        return found, access.event("run.cancel", "run", run.id, {"was": status.value})


async def _refuse(uow: UnitOfWork, access: Access, run_id: uuid.UUID, error: IllegalTransition) -> None:
    """Audit a refused move and commit: called before the command wrote anything, so the refusal's record is all
    its transaction keeps. Then the caller raises."""
    details = {"from": error.current.value, "to": error.target.value}
    await record(uow.audit(access.scope), access.event("run.illegal_transition", "run", run_id, details))
    await uow.commit()
