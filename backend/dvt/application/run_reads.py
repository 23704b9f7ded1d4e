"""Reading runs, and following one live: every read shows only what the caller may view (docs/decisions/0006).

A run the caller may not view is absent, exactly as another tenant's: a single run is not found, a page or a
batch leaves it out. Live events and logs are shared per run by `FeedHub`, once the caller is let in.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable

from dvt.application.access import Access
from dvt.application.ports import UnitOfWork, UnitOfWorkFactory
from dvt.application.records import Page
from dvt.application.run_feeds import FeedHub
from dvt.application.run_ports import RunNotifier
from dvt.application.run_records import RunEventRecord, RunLogRecord, RunNodeRecord, RunQuery, RunRecord
from dvt.application.tenancy import visible_environment
from dvt.application.visibility import note, only_visible, visible_environments, visible_ids
from dvt.domain.authorization import Permission
from dvt.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from dvt.domain.tenancy import TenantScope

RUN = "run"  # its kind in Access.whereabouts


async def visible_run(uow: UnitOfWork, access: Access, run_id: uuid.UUID, *, for_update: bool = False) -> RunRecord:
    """The run, read in the caller's transaction; not found unless the caller may view it (a command's first read)."""
    run = await uow.runs(access.scope).get(run_id, for_update=for_update)
    if run is None:
        raise NotFoundError("run not found")
    await visible_environment(uow, access, run.environment_id)
    return run


class RunReads:
    def __init__(self, units: UnitOfWorkFactory, notifier: RunNotifier) -> None:
        self._units = units
        self._event_feeds: FeedHub[RunEventRecord] = FeedHub(notifier)
        self._log_feeds: FeedHub[RunLogRecord] = FeedHub(notifier)

    async def _visible_runs(
        self, uow: UnitOfWork, access: Access, ids: list[uuid.UUID], permission: Permission = Permission.VIEW
    ) -> set[uuid.UUID]:
        return await visible_ids(uow, access, RUN, ids, uow.runs(access.scope).by_ids, permission)

    async def runs_by_ids(self, access: Access, ids: list[uuid.UUID]) -> list[RunRecord]:
        async with self._units() as uow:
            return await only_visible(uow, access, RUN, await uow.runs(access.scope).by_ids(ids))

    async def runs(self, access: Access, environment_id: uuid.UUID, query: RunQuery) -> Page[RunRecord]:
        async with self._units() as uow:
            if not await visible_environments(uow, access, [environment_id]):
                return Page([], False)
            page = await uow.runs(access.scope).of_environment(environment_id, query)
        note(access, RUN, page.items)
        return page

    async def nodes(self, access: Access, run_ids: list[uuid.UUID]) -> list[RunNodeRecord]:
        async with self._units() as uow:
            visible = await self._visible_runs(uow, access, run_ids)
            return await uow.runs(access.scope).nodes_of(list(visible)) if visible else []

    async def node_page(
        self, access: Access, run_id: uuid.UUID, after: str | None, offset: int, limit: int
    ) -> Page[RunNodeRecord]:
        """A page of a run's nodes in unique id order: what a table shows first, without reading the rest."""
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                return Page([], False)
            return await uow.runs(access.scope).node_page(run_id, after, max(offset, 0), limit)

    async def node_counts(self, access: Access, run_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
        """How many nodes each visible run has, counted in the database (absent: not visible)."""
        async with self._units() as uow:
            visible = await self._visible_runs(uow, access, run_ids)
            counts = await uow.runs(access.scope).count_nodes(list(visible)) if visible else {}
        return {run_id: counts.get(run_id, 0) for run_id in visible}

    async def events(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunEventRecord]:
        _check_cursor(after)
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                return []
            return await uow.runs(access.scope).events_after(run_id, after, limit)

    async def logs(self, access: Access, run_id: uuid.UUID, after: int, limit: int) -> list[RunLogRecord]:
        """Log chunks after the cursor, for whoever holds view_logs on the run's environment (else none)."""
        _check_cursor(after)
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id], Permission.VIEW_LOGS):
                return []
            return await uow.runs(access.scope).logs_after(run_id, after, limit)

    async def _followable(self, access: Access, run_id: uuid.UUID, permission: Permission) -> None:
        """Not found unless the caller may view the run; refused without the permission to follow it."""
        async with self._units() as uow:
            if not await self._visible_runs(uow, access, [run_id]):
                raise NotFoundError("run not found")
            if not await self._visible_runs(uow, access, [run_id], permission):
                raise PermissionDeniedError(f"{permission.value} permission needed")

    async def follow_events(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunEventRecord]]:
        """Every event after the cursor, then new ones as they commit, in batches, until the run has finished."""
        _check_cursor(after)
        await self._followable(access, run_id, Permission.VIEW)
        scope = access.scope  # one feed serves every follower of the run: it reads as DVT, once they are let in
        read = self._read_events(scope, run_id)
        async for batch in self._event_feeds.follow(scope.tenant_id, run_id, after, read, self._status(scope, run_id)):
            yield batch

    async def follow_logs(self, access: Access, run_id: uuid.UUID, after: int) -> AsyncIterator[list[RunLogRecord]]:
        _check_cursor(after)
        await self._followable(access, run_id, Permission.VIEW_LOGS)
        scope = access.scope
        read = self._read_logs(scope, run_id)
        async for batch in self._log_feeds.follow(scope.tenant_id, run_id, after, read, self._status(scope, run_id)):
            yield batch

    def _read_events(
        self, scope: TenantScope, run_id: uuid.UUID
    ) -> Callable[[int, int], Awaitable[list[RunEventRecord]]]:
        async def read(after: int, limit: int) -> list[RunEventRecord]:
            async with self._units() as uow:
                return await uow.runs(scope).events_after(run_id, after, limit)

        return read

    def _read_logs(self, scope: TenantScope, run_id: uuid.UUID) -> Callable[[int, int], Awaitable[list[RunLogRecord]]]:
        async def read(after: int, limit: int) -> list[RunLogRecord]:
            async with self._units() as uow:
                return await uow.runs(scope).logs_after(run_id, after, limit)

        return read

    def _status(self, scope: TenantScope, run_id: uuid.UUID) -> Callable[[], Awaitable[str | None]]:
        async def status() -> str | None:
            async with self._units() as uow:
                run = await uow.runs(scope).get(run_id)
            return run.status if run else None

        return status


def _check_cursor(after: int) -> None:
    """Event and log cursors are sequence numbers: 0 means from the start, nothing is below it."""
    if after < 0:
        raise ValidationError(f"`after` must be 0 or a sequence number, got {after}")
